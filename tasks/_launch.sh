#!/usr/bin/env bash
# tasks/_launch.sh TASK [ARGS...] — the one launcher of every task (deno.json and slurm/ use it).
# Deno cannot widen permissions at run time, so this first runs tasks/_launch.ts, which reads the
# task table (tasks/_tasks.ts), the command line and the config, checks every named path and
# writes the exact command line (grants: the project, the named paths, fonts, BLAS libraries);
# then it `exec`s that command: the task replaces this process (same PID, signals and exit codes
# reach it directly, nothing stays behind). Relative paths are resolved against the directory the
# user started from ($INIT_CWD under `deno task`, else $PWD); the task runs in the project root.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
caller="${INIT_CWD:-$PWD}"
plan="$(mktemp "${TMPDIR:-/tmp}/caligo-launch.XXXXXX")" || exit 1
"$root/deno" run -q --no-prompt --allow-read --allow-env --allow-sys=uid,gid \
  --allow-write="$plan" "$root/tasks/_launch.ts" "$root" "$caller" "$plan" "$@"
rc=$?
if [[ $rc -ne 0 || ! -s "$plan" ]]; then
  rm -f "$plan"
  exit "$rc"
fi
mapfile -d '' cmd <"$plan"
rm -f "$plan"
cd "$root" || exit 1
exec "${cmd[@]}"
