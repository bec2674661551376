#!/usr/bin/env bash
# Shared by the slurm/*.sbatch templates: argument checks, environment, and the deno command line
# with exactly the permissions the campaign needs (the project's `explore` set plus the campaign
# directory, the config file and the BLAS libraries found by setup_env.sh).

caligo_die() { printf 'caligo: %s\n' "$*" >&2; exit 2; }

# caligo_init CONFIG DIR: resolves both to absolute paths, sources setup_env.sh, cds to the root.
caligo_init() {
  [[ $# -ge 2 ]] || caligo_die "usage: sbatch $(basename "$0") <config.yaml> <campaign-dir>"
  CALIGO_CONFIG="$(realpath -m "$1")"
  CALIGO_DIR="$(realpath -m "$2")"
  [[ -f "$CALIGO_CONFIG" ]] || caligo_die "config file not found: $CALIGO_CONFIG"
  # The job runs a copy of the script from SLURM's spool: find the project from the submit dir.
  CALIGO_ROOT="${CALIGO_ROOT:-${SLURM_SUBMIT_DIR:-$PWD}}"
  [[ -x "$CALIGO_ROOT/deno" ]] || caligo_die "no ./deno in CALIGO_ROOT=$CALIGO_ROOT (submit from the project root or export CALIGO_ROOT)"
  export CALIGO_ROOT
  # shellcheck source=setup_env.sh
  source "$CALIGO_ROOT/slurm/setup_env.sh"
  mkdir -p "$(dirname "$CALIGO_DIR")"
  cd "$CALIGO_ROOT" || caligo_die "cannot cd to $CALIGO_ROOT"
}

# caligo_deno TASK_FILE ARGS...: run a task file with the permissions of the project's `explore`
# set plus the campaign directory, the config and this node's BLAS libraries. Deno's --allow-*
# flags replace (not extend) a -P set's list for that permission, so the full lists are spelled
# out here; nothing beyond them is granted (no --allow-all, no network, no subprocesses).
caligo_deno() {
  local file="$1"; shift
  local r="$CALIGO_ROOT" parent
  parent="$(dirname "$CALIGO_DIR")"
  local read="$r/configs,$r/lib,$r/tasks,$r/mod.ts,$r/codes,$r/node_modules,$r/native"
  read+=",/usr/share/fonts/truetype/dejavu,$CALIGO_DIR,$parent,$CALIGO_CONFIG,$CALIGO_SCRATCH_DIR"
  local write="$r/codes,$CALIGO_DIR,$parent,$CALIGO_SCRATCH_DIR"
  local ffi=()
  [[ -n "${CALIGO_FFI_PATHS:-}" ]] && ffi=(--allow-ffi="$CALIGO_FFI_PATHS")
  "$r/deno" run --no-prompt --allow-read="$read" --allow-write="$write" --allow-env \
    --allow-sys=hostname,osRelease,loadavg,systemMemoryInfo "${ffi[@]}" "$file" "$@"
}

# caligo_run_resumable ARGS...: run explore in the background so the USR1/TERM traps fire at once
# (bash runs a trap only after the foreground command returns), forward the signal, wait, and
# requeue the job when the campaign checkpointed (exit code 75).
caligo_run_resumable() {
  caligo_deno tasks/explore.ts "$@" &
  local pid=$! rc
  trap 'echo "caligo: USR1 received, checkpointing" >&2; kill -USR1 "$pid" 2>/dev/null' USR1
  trap 'echo "caligo: TERM received, checkpointing" >&2; kill -TERM "$pid" 2>/dev/null' TERM
  while :; do
    wait "$pid"; rc=$?
    kill -0 "$pid" 2>/dev/null || break   # wait was interrupted by a trap: wait again
  done
  trap - USR1 TERM
  if [[ $rc -eq 75 && -n "${SLURM_JOB_ID:-}" ]]; then
    local id="$SLURM_JOB_ID"
    [[ -n "${SLURM_ARRAY_JOB_ID:-}" ]] && id="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
    echo "caligo: checkpointed (exit 75), requeueing $id (restart ${SLURM_RESTART_COUNT:-0})" >&2
    scontrol requeue "$id" && exit 0
  fi
  return "$rc"
}

# caligo_resume_flag: "--continue-from DIR" when DIR already holds a campaign, else "--output-dir DIR".
caligo_dir_args() {
  if [[ -f "$CALIGO_DIR/config.resolved.yaml" ]]; then
    echo "--continue-from" "$CALIGO_DIR"
  else
    echo "--output-dir" "$CALIGO_DIR"
  fi
}
