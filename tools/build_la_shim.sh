#!/usr/bin/env bash
# Build native/libla_blis_flame.so: a ~9 KB link shim so that Deno.dlopen() of ONE file gets
# libflame's LAPACK (dpotrf_, dpotrs_, dpotri_, ...) with its BLAS calls resolved into BLIS.
# Why: Debian's libflame.so.1 does not link its BLAS (NEEDED = libgomp, libc only), so dlopen of
# libflame alone fails with "undefined symbol: cgemv_" (docs/platform.md §4).
# Needs binutils (ld), libblis4-pthread, libflame1:
#   apt-get install -y libblis4-pthread libflame1 binutils
# WARNING: libflame 5.2 crashes when two threads (Web Workers) call LAPACK concurrently. The
# loader (lib/io/blas_loader.ts) therefore never offers this shim to workers (concurrentUse).
#
# Usage: tools/build_la_shim.sh [output]            (default native/libla_blis_flame.so)
# Cluster (AMD AOCL): BLIS_LIB=$AOCL_ROOT/lib/libblis-mt.so FLAME_LIB=$AOCL_ROOT/lib/libflame.so \
#   tools/build_la_shim.sh native/libla_aocl.so     (the loader also tries native/libla_aocl.so)
set -euo pipefail
L=/usr/lib/x86_64-linux-gnu
blis="${BLIS_LIB:-$L/blis-pthread/libblis.so.4}"
flame="${FLAME_LIB:-$L/libflame.so.1}"
libm="${LIBM:-$L/libm.so.6}"
out="${1:-native/libla_blis_flame.so}"
for f in "$blis" "$flame" "$libm"; do
  [[ -e "$f" ]] || { echo "build_la_shim: missing $f (install libblis4-pthread libflame1)" >&2; exit 1; }
done
command -v ld >/dev/null || { echo "build_la_shim: ld not found (install binutils)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
ld -shared -o "$out" --no-as-needed -rpath "$(dirname "$blis")" -rpath "$(dirname "$flame")" \
  "$blis" "$flame" "$libm"
readelf -d "$out" | grep -E 'NEEDED|RUNPATH' || true
echo "built $out"
