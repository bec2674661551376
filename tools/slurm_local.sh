#!/usr/bin/env bash
# tools/slurm_local.sh — a private single-node SLURM cluster on 127.0.0.1 for the SLURM tests
# (tests/e2e/slurm_test.ts). munged, slurmctld and slurmd run as root with their config, key,
# state, logs and PID files under one directory; nothing under /etc is touched and the system's
# own services are not used. Needs the Debian packages slurmctld slurmd slurm-client munge
# (.ci/run installs them) and root (slurmd starts jobs as their user).
#
#   eval "$(bash tools/slurm_local.sh up)"   # configure, start, wait for an idle node; prints exports
#   bash tools/slurm_local.sh wait JOBID...  # poll every 0.5 s; 0 only if every job COMPLETED
#   bash tools/slurm_local.sh status         # daemons (exit 1 if one is down), sinfo, squeue
#   bash tools/slurm_local.sh down           # cancel jobs, stop the three daemons of this directory
#
# Environment: SLURM_LOCAL_DIR (default /tmp/caligo-slurm, no spaces), SLURM_LOCAL_CPUS (CPUs to
# advertise, default the real count), SLURM_LOCAL_CTLD_PORT / SLURM_LOCAL_SLURMD_PORT (6817/6818),
# SLURM_LOCAL_WAIT_TIMEOUT (seconds for `wait`, default 600).
# Notes for tests: `scontrol requeue` holds a job ~120 s unless the test sets StartTime=now;
# `scancel --signal=USR1 --batch ID` delivers USR1 at once; there is no slurmdbd (`sacct -c`).
set -euo pipefail
DIR="${SLURM_LOCAL_DIR:-/tmp/caligo-slurm}"
CTLD_PORT="${SLURM_LOCAL_CTLD_PORT:-6817}"
SLURMD_PORT="${SLURM_LOCAL_SLURMD_PORT:-6818}"
NODE=localhost
CONF="$DIR/etc/slurm.conf"
SOCK="$DIR/munge/munge.socket"
KEY="$DIR/key/munge.key"
PIDS=("$DIR/run/slurmd.pid:slurmd" "$DIR/run/slurmctld.pid:slurmctld" "$DIR/munge/munged.pid:munged")
export SLURM_CONF="$CONF"

say() { printf 'slurm_local: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
# is_running PIDFILE PROGRAM: the PID file names a live process of that program
is_running() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$2" ]]
}
# retry SECONDS WHAT CMD...: run CMD every 0.2 s until it succeeds
retry() {
  local limit=$(($1 * 5)) what="$2" i
  shift 2
  for ((i = 0; i < limit; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  tail -n 5 "$DIR"/log/*.log >&2 2>/dev/null || true
  die "$what did not come up"
}
munge_answers() { munge -S "$SOCK" -n </dev/null | unmunge -S "$SOCK"; }
ctld_answers() { scontrol ping | grep -q 'is UP'; }
node_idle() { sinfo -h -n "$NODE" -o %T | grep -Eq '^(idle|mixed|allocated)'; }

write_conf() {
  local cpus="${SLURM_LOCAL_CPUS:-$(nproc)}"
  local mem=$(($(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) * 9 / 10))
  cat >"$CONF" <<CONF
ClusterName=caligo
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCK
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
SlurmdParameters=config_overrides
ReturnToService=2
JobRequeue=1
MinJobAge=300
KillWait=5
Waittime=0
NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=$NODE Port=$SLURMD_PORT CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
}

up() {
  [[ "$(id -u)" == 0 ]] || die "needs root"
  for p in munged slurmctld slurmd; do command -v "$p" >/dev/null || die "$p missing: apt-get install slurmctld slurmd slurm-client munge"; done
  mkdir -p "$DIR"/{etc,state,spool,log,run,munge,key}
  chmod 755 "$DIR" "$DIR/munge"
  chmod 700 "$DIR/key"
  [[ -s "$KEY" ]] || mungekey --create --keyfile="$KEY" >&2
  chmod 600 "$KEY"
  [[ -f "$CONF" ]] || write_conf
  if ! is_running "$DIR/munge/munged.pid" munged; then
    rm -f "$SOCK" "$SOCK.lock"
    munged --force --socket="$SOCK" --key-file="$KEY" --pid-file="$DIR/munge/munged.pid" \
      --log-file="$DIR/log/munged.log" --seed-file="$DIR/key/munged.seed"
  fi
  retry 60 munged munge_answers
  is_running "$DIR/run/slurmctld.pid" slurmctld || slurmctld -f "$CONF"
  retry 60 slurmctld ctld_answers
  is_running "$DIR/run/slurmd.pid" slurmd || slurmd -f "$CONF" -N "$NODE"
  scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true
  retry 60 "node $NODE" node_idle
  say "node $NODE is up (logs in $DIR/log)"
  printf 'export SLURM_CONF=%q\nexport SLURM_LOCAL_DIR=%q\n' "$CONF" "$DIR"
}

down() {
  if is_running "$DIR/run/slurmctld.pid" slurmctld; then
    local jobs
    jobs="$(squeue -h -o %A 2>/dev/null | tr '\n' ' ')" || true
    # shellcheck disable=SC2086
    [[ -z "${jobs// /}" ]] || scancel $jobs 2>/dev/null || true
  fi
  local entry file prog pid
  for entry in "${PIDS[@]}"; do
    file="${entry%:*}" prog="${entry##*:}"
    is_running "$file" "$prog" || continue
    pid="$(cat "$file")"
    kill "$pid" 2>/dev/null || true
    for _ in {1..50}; do is_running "$file" "$prog" || break; sleep 0.2; done
    is_running "$file" "$prog" && kill -9 "$pid" 2>/dev/null || true
  done
  say "stopped (files kept in $DIR)"
}

status() {
  local entry rc=0
  for entry in "${PIDS[@]}"; do
    if is_running "${entry%:*}" "${entry##*:}"; then echo "${entry##*:}: running"; else echo "${entry##*:}: stopped"; rc=1; fi
  done
  [[ $rc -ne 0 ]] || { sinfo; squeue; }
  return "$rc"
}

wait_jobs() {
  [[ $# -gt 0 ]] || die "usage: slurm_local.sh wait JOBID..."
  local ids limit="${SLURM_LOCAL_WAIT_TIMEOUT:-600}" start=$SECONDS id bad=0 states
  ids="$(IFS=,; echo "$*")"
  while [[ -n "$(squeue -h -j "$ids" -o %i 2>/dev/null)" ]]; do
    ((SECONDS - start <= limit)) || { say "jobs $ids still queued after ${limit}s"; return 124; }
    if squeue -h -j "$ids" -t PD -o %r 2>/dev/null | grep -Eq 'DependencyNeverSatisfied|PartitionConfig|BadConstraints'; then
      say "jobs $ids can never start"
      return 1
    fi
    sleep 0.5
  done
  for id in "$@"; do
    states="$(scontrol -o show job "$id" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || true)"
    say "job $id: $(tr '\n' ' ' <<<"${states:-unknown}")"
    if [[ -z "$states" ]] || grep -qv 'JobState=COMPLETED' <<<"$states"; then bad=1; fi
  done
  return "$bad"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  wait) shift; wait_jobs "$@" ;;
  *) die "usage: slurm_local.sh up|down|status|wait JOBID..." ;;
esac
