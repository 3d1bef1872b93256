#!/bin/sh
# Rebuild the WASI command programs the `lightbeam run` tests run (compiler/cli/wasi.test.ts).
# The .wasm files are committed (CI has no clang); run this after changing a .c.
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32.
set -eu
cd "$(dirname "$0")"
# vectors.c is the one SIMD program (-msimd128); the rest are WebAssembly 2.0 without it.
for src in *.c; do
  simd=-mno-simd128
  [ "$src" = vectors.c ] && simd=-msimd128
  clang --target=wasm32-wasi --sysroot=/usr -O2 $simd -fno-ident -Wall -Wextra -Werror \
    -Wl,--strip-debug -o "${src%.c}.wasm" "$src"
done
ls -l *.wasm
