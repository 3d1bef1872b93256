#!/bin/sh
# Rebuild every compiler/testing/cprograms/*.c into two .wasm files, deterministically:
#   NAME.bare.wasm  freestanding (-nostdlib; bare.c supplies memcpy/memset)
#   NAME.wasi.wasm  against wasi-libc, as a reactor (exports _initialize, imports nothing here)
# WebAssembly 2.0 without SIMD: -mno-simd128, and the result is checked for SIMD, atomics and
# tail calls. The .wasm files are committed (CI has no clang); run this after changing a .c.
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32; wabt for the check.
set -eu
cd "$(dirname "$0")/../compiler/testing/cprograms"
CLANG=${CLANG:-clang}
COMMON="-O2 -mno-simd128 -fvisibility=hidden -fno-ident -Wall -Wextra -Werror"
LINK="-Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-debug"

for src in *.c; do
  name=${src%.c}
  [ "$name" = bare ] && continue
  "$CLANG" --target=wasm32 $COMMON -DBARE -nostdlib -fno-builtin $LINK \
    -o "$name.bare.wasm" "$src" bare.c
  "$CLANG" --target=wasm32-wasi --sysroot=/usr $COMMON -mexec-model=reactor $LINK \
    -o "$name.wasi.wasm" "$src"
done

# Only WebAssembly 2.0 without SIMD may appear (no v128, atomics, return_call).
if command -v wasm2wat >/dev/null; then
  for w in *.wasm; do
    if wasm2wat --enable-all "$w" | grep -Eq 'v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2|atomic|return_call|memory\.atomic'; then
      echo "$w: uses SIMD, threads or tail calls" >&2
      exit 1
    fi
  done
fi
ls -l *.wasm
