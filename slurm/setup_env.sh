#!/usr/bin/env bash
# slurm/setup_env.sh — environment for caligo-ts on a CPU-only HPC node (AMD EPYC Genoa).
# Source it from a job script:  source "$CALIGO_ROOT/slurm/setup_env.sh"
#
# What it does (and logs to stderr):
#   * finds AOCL BLIS/libFLAME (AOCL_ROOT, module-provided LD_LIBRARY_PATH, /opt/AMD/aocl),
#     else the system BLIS + libflame (via a link shim) or OpenBLAS; exports CALIGO_BLAS and
#     CALIGO_LAPACK (absolute paths) and CALIGO_FFI_PATHS (comma list for --allow-ffi);
#   * checks which BLIS sub-configuration is selected on this CPU (BLIS_ARCH_DEBUG=1) and warns
#     if it is "generic" (no AVX2/AVX-512 kernels);
#   * one BLAS/OpenMP thread per process (the worker pool provides the parallelism);
#   * scratch: CALIGO_SCRATCH_DIR on node-local storage; DENO_DIR: a pre-populated project cache
#     ($CALIGO_ROOT/.deno_dir, made on the login node with DENO_DIR=.deno_dir ./deno install) is
#     copied there, else Deno's default cache is used (an empty DENO_DIR would make Deno fetch
#     npm metadata, which compute nodes usually cannot);
#   * CALIGO_HPC_MODE=1, HDF5_USE_FILE_LOCKING=FALSE (parallel file systems).
# Overrides: CALIGO_BLAS / CALIGO_LAPACK set before sourcing are kept; CALIGO_NO_AOCL=1 skips AOCL.

_caligo_log() { printf 'setup_env: %s\n' "$*" >&2; }

CALIGO_ROOT="${CALIGO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export CALIGO_ROOT

# --- threads ------------------------------------------------------------------------------
export BLIS_NUM_THREADS="${BLIS_NUM_THREADS:-1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export HDF5_USE_FILE_LOCKING=FALSE
export CALIGO_HPC_MODE=1
export RUST_BACKTRACE=0 DENO_NO_UPDATE_CHECK=1

# --- scratch ------------------------------------------------------------------------------
_scratch_base="${SLURM_TMPDIR:-${LOCAL_SCRATCH:-${TMPDIR:-/tmp}}}"
export CALIGO_SCRATCH_DIR="${CALIGO_SCRATCH_DIR:-$_scratch_base/caligo-${SLURM_JOB_ID:-$$}}"
if [[ ! -d "$CALIGO_SCRATCH_DIR" ]]; then
  if mkdir -p "$CALIGO_SCRATCH_DIR"; then
    # marks a directory this script made (slurm/_common.sh removes it when the job is done,
    # also after a requeue on the same node)
    : >"$CALIGO_SCRATCH_DIR/.caligo_scratch"
  else
    _caligo_log "WARNING: cannot create $CALIGO_SCRATCH_DIR"
  fi
fi
# A pre-populated project cache (made on the login node) is copied once to scratch; otherwise
# Deno's default cache (~/.cache/deno, filled by ./deno install on the login node) is kept.
if [[ -z "${DENO_DIR:-}" && -d "$CALIGO_ROOT/.deno_dir" ]]; then
  export DENO_DIR="$CALIGO_SCRATCH_DIR/deno_dir"
  [[ -d "$DENO_DIR" ]] || cp -r "$CALIGO_ROOT/.deno_dir" "$DENO_DIR" 2>/dev/null ||
    { _caligo_log "WARNING: cannot copy $CALIGO_ROOT/.deno_dir to scratch"; export DENO_DIR="$CALIGO_ROOT/.deno_dir"; }
fi

# --- BLAS / LAPACK ------------------------------------------------------------------------
_find_lib() { # _find_lib NAME DIR... : first DIR/NAME that exists
  local name="$1"; shift
  local d
  for d in "$@"; do [[ -n "$d" && -f "$d/$name" ]] && { echo "$d/$name"; return 0; }; done
  return 1
}
_aocl_dirs=()
if [[ "${CALIGO_NO_AOCL:-0}" != 1 ]]; then
  [[ -n "${AOCL_ROOT:-}" ]] && _aocl_dirs+=("$AOCL_ROOT/lib" "$AOCL_ROOT/lib_LP64" "$AOCL_ROOT/lib64")
  IFS=: read -r -a _ld <<<"${LD_LIBRARY_PATH:-}"
  _aocl_dirs+=("${_ld[@]}")
  for d in /opt/AMD/aocl/*/*/lib* /opt/AMD/aocl/*/lib*; do [[ -d "$d" ]] && _aocl_dirs+=("$d"); done
fi
_sys=/usr/lib/x86_64-linux-gnu
CALIGO_BLAS_KIND=""
if [[ -n "${CALIGO_BLAS:-}" ]]; then
  CALIGO_BLAS_KIND="user"
  _caligo_log "BLAS from CALIGO_BLAS=$CALIGO_BLAS (LAPACK ${CALIGO_LAPACK:-same})"
elif _blis="$(_find_lib libblis-mt.so "${_aocl_dirs[@]}")" && _flame="$(_find_lib libflame.so "${_aocl_dirs[@]}")"; then
  CALIGO_BLAS_KIND="aocl"
  export CALIGO_BLAS="$_blis" CALIGO_LAPACK="$_flame"
  _caligo_log "AOCL found: BLIS $CALIGO_BLAS, libFLAME $CALIGO_LAPACK"
elif [[ -f "$_sys/blis-pthread/libblis.so.4" && -f "$_sys/libflame.so.1" ]]; then
  CALIGO_BLAS_KIND="system-blis"
  export CALIGO_BLAS="$_sys/blis-pthread/libblis.so.4"
  _caligo_log "AOCL not found: falling back to the system BLIS ($CALIGO_BLAS) and libflame"
elif [[ -f "$_sys/openblas-pthread/libopenblas.so.0" ]]; then
  CALIGO_BLAS_KIND="openblas"
  export CALIGO_BLAS="$_sys/openblas-pthread/libopenblas.so.0" CALIGO_LAPACK="$_sys/openblas-pthread/libopenblas.so.0"
  _caligo_log "AOCL and BLIS not found: falling back to OpenBLAS ($CALIGO_BLAS)"
else
  CALIGO_BLAS_KIND="none"
  _caligo_log "no BLAS library found: the surrogate uses the TypeScript kernels (slower)"
fi
export CALIGO_BLAS_KIND

# libflame that does not link its BLAS (Debian's 5.2) cannot be dlopen'd alone: build a link shim.
if [[ "$CALIGO_BLAS_KIND" == system-blis || "$CALIGO_BLAS_KIND" == aocl ]]; then
  _flame="${CALIGO_LAPACK:-$_sys/libflame.so.1}"
  if ! readelf -d "$_flame" 2>/dev/null | grep -q 'NEEDED.*blis'; then
    _shim="$CALIGO_SCRATCH_DIR/native/libla_blis_flame.so"
    mkdir -p "$(dirname "$_shim")"
    if command -v ld >/dev/null && ld -shared -o "$_shim" --no-as-needed \
      -rpath "$(dirname "$CALIGO_BLAS")" "$CALIGO_BLAS" "$_flame" "$_sys/libm.so.6" 2>/dev/null; then
      export CALIGO_LAPACK="$_shim"
      _caligo_log "libFLAME does not link BLIS: built link shim $_shim"
    else
      _caligo_log "WARNING: could not build the BLIS/libFLAME link shim (need binutils 'ld'); LAPACK falls back"
      unset CALIGO_LAPACK
    fi
  fi
fi
export CALIGO_FFI_PATHS="${CALIGO_BLAS:-}${CALIGO_LAPACK:+,$CALIGO_LAPACK}"

# BLIS sub-configuration actually selected on this CPU (BLIS prints it on its first call).
if [[ "$CALIGO_BLAS_KIND" == aocl || "$CALIGO_BLAS_KIND" == system-blis ]] && [[ -x "$CALIGO_ROOT/deno" ]]; then
  _arch="$(BLIS_ARCH_DEBUG=1 "$CALIGO_ROOT/deno" run --no-prompt --allow-ffi="$CALIGO_BLAS" \
    "$CALIGO_ROOT/tools/blas_probe.ts" "$CALIGO_BLAS" 2>&1 | grep -o "sub-configuration '[a-z0-9_]*'" | head -n1)"
  if [[ -z "$_arch" ]]; then
    _caligo_log "WARNING: could not determine the BLIS sub-configuration"
  elif [[ "$_arch" == *generic* && -z "${BLIS_ARCH_TYPE:-}" ]] && grep -q -m1 -w avx2 /proc/cpuinfo; then
    # BLIS 0.9.0 does not know newer CPU families (e.g. Zen 5 = family 26) and falls back to
    # 'generic' (no SIMD). Force its Zen 3 kernels (AVX2), which are correct on any AVX2 CPU.
    export BLIS_ARCH_TYPE=6
    _caligo_log "BLIS selected $_arch on an AVX2 CPU: forcing BLIS_ARCH_TYPE=6 (zen3 kernels)"
    _arch="sub-configuration 'zen3' (forced)"
  elif [[ "$_arch" == *generic* ]]; then
    _caligo_log "WARNING: BLIS selected $_arch: no vector kernels (slow); set BLIS_ARCH_TYPE or use AOCL"
  else
    _caligo_log "BLIS selected $_arch"
  fi
  export CALIGO_BLIS_ARCH="${_arch:-unknown}"
fi

_caligo_log "chose BLAS: $CALIGO_BLAS_KIND (${CALIGO_BLAS:-TypeScript kernels}; LAPACK ${CALIGO_LAPACK:-none})"
_caligo_log "threads: BLIS=$BLIS_NUM_THREADS OMP=$OMP_NUM_THREADS OPENBLAS=$OPENBLAS_NUM_THREADS; scratch $CALIGO_SCRATCH_DIR; DENO_DIR ${DENO_DIR:-Deno default}"
unset _scratch_base _aocl_dirs _ld _sys _blis _flame _shim _arch d
