#!/usr/bin/env bash
# Shared by the slurm/*.sbatch templates: argument checks, environment, signal forwarding and
# requeueing. The deno command line and its permissions come from the project's one launcher,
# tasks/_launch.sh (exactly the paths named on the command line and in the config, the project,
# fonts and the BLAS libraries setup_env.sh exported as CALIGO_BLAS / CALIGO_LAPACK).
#
# Environment read here (all optional):
#   CALIGO_ROOT          project root (default: the submit directory; submit with --chdir=<root>)
#   CALIGO_WORKERS       --workers N for explore (default: execution.num_workers of the config)
#   CALIGO_EXPLORE_ARGS  extra explore flags, split on spaces (e.g. "--verbose")

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
  cd "$CALIGO_ROOT" || caligo_die "cannot cd to $CALIGO_ROOT"
  CALIGO_EXTRA=()
  [[ -n "${CALIGO_WORKERS:-}" ]] && CALIGO_EXTRA+=(--workers "$CALIGO_WORKERS")
  if [[ -n "${CALIGO_EXPLORE_ARGS:-}" ]]; then
    local -a more
    read -r -a more <<<"$CALIGO_EXPLORE_ARGS"
    CALIGO_EXTRA+=("${more[@]}")
  fi
}

# caligo_deno TASK ARGS...: run a task (a name of tasks/_tasks.ts) through the launcher.
caligo_deno() {
  caligo_deno_cmd "$@"
  "${CALIGO_CMD[@]}"
}

# caligo_deno_cmd TASK ARGS...: the command line of caligo_deno, in the array CALIGO_CMD. The
# launcher execs the task, so a background run's $! is the task's own PID.
caligo_deno_cmd() {
  CALIGO_CMD=(bash "$CALIGO_ROOT/tasks/_launch.sh" "$@")
}

# caligo_requeue_id: the id `scontrol requeue` needs (array tasks: ARRAYJOB_TASK).
caligo_requeue_id() {
  if [[ -n "${SLURM_ARRAY_JOB_ID:-}" && -n "${SLURM_ARRAY_TASK_ID:-}" ]]; then
    echo "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
  else
    echo "${SLURM_JOB_ID:-}"
  fi
}

# caligo_run_resumable TASK ARGS...: run the task in the background so the USR1/TERM traps
# fire at once (bash runs a trap only after the foreground command returns), forward the signal,
# wait, call the function named by CALIGO_AFTER_RUN (if set) with the exit code, and requeue the
# job when the task checkpointed (exit code 75). Returns the task's exit code otherwise.
caligo_run_resumable() {
  caligo_deno_cmd "$@"
  # a simple command in the background: $! is Deno itself (the launcher and ./deno exec), not a
  # subshell, so the forwarded signal reaches it
  "${CALIGO_CMD[@]}" &
  local pid=$! rc
  # shellcheck disable=SC2064 # expand $pid now
  # Forwarded as USR2 (same meaning to explore): a SIGUSR1 would also make Deno open its
  # inspector on 127.0.0.1:9229, which other users of a shared node could attach to.
  trap "echo 'caligo: USR1 received, forwarding to $pid as USR2 (checkpoint, exit 75)' >&2; kill -USR2 $pid 2>/dev/null" USR1
  # shellcheck disable=SC2064
  trap "echo 'caligo: TERM received, forwarding to $pid' >&2; kill -TERM $pid 2>/dev/null" TERM
  while :; do
    wait "$pid"; rc=$?
    kill -0 "$pid" 2>/dev/null || break   # wait was interrupted by a trap: wait again
  done
  trap - USR1 TERM
  if [[ -n "${CALIGO_AFTER_RUN:-}" ]]; then
    "$CALIGO_AFTER_RUN" "$rc" || { echo "caligo: $CALIGO_AFTER_RUN failed" >&2; return 1; }
  fi
  if [[ $rc -eq 75 && -n "${SLURM_JOB_ID:-}" ]]; then
    local id
    id="$(caligo_requeue_id)"
    echo "caligo: checkpointed (exit 75), requeueing $id (restart ${SLURM_RESTART_COUNT:-0})" >&2
    if scontrol requeue "$id"; then
      # slurmctld now ends this run of the job; leave before it kills us mid-cleanup
      exit 0
    fi
    echo "caligo: scontrol requeue $id failed; resubmit with the same arguments to resume" >&2
  fi
  return "$rc"
}

# caligo_dir_args: "--continue-from DIR" when DIR already holds a campaign, else "--output-dir DIR".
caligo_dir_args() {
  if [[ -f "$CALIGO_DIR/config.resolved.yaml" ]]; then
    echo "--continue-from" "$CALIGO_DIR"
  else
    echo "--output-dir" "$CALIGO_DIR"
  fi
}

# caligo_cleanup_scratch: remove this job's scratch directory, only if setup_env.sh created it.
caligo_cleanup_scratch() {
  if [[ -n "${CALIGO_SCRATCH_DIR:-}" && -f "$CALIGO_SCRATCH_DIR/.caligo_scratch" ]]; then
    rm -rf -- "$CALIGO_SCRATCH_DIR"
  fi
}
