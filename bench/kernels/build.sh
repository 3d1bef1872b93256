#!/bin/sh
# Builds every kernel of bench/kernels: wasm/NAME.wasm (clang -O2, freestanding wasm32; committed, so
# `npm run bench` runs without clang), wasm-simd/NAME.wasm (the same with -msimd128: clang's
# vectorisers make v128 code, for `npm run bench -- --simd`; committed too) and, unless
# --wasm-only, native/NAME (clang -O2 with the vectorisers off: the fair baseline) and
# native/NAME-vec (clang -O2 as is, for reference and for --simd).
# Usage: sh bench/kernels/build.sh [--wasm-only | --native-only] [NAME ...]
set -eu
cd "$(dirname "$0")"
WASM=1 NATIVE=1
case "${1:-}" in
  --wasm-only) NATIVE=0; shift ;;
  --native-only) WASM=0; shift ;;
esac
NAMES="$*"
[ -n "$NAMES" ] || NAMES=$(ls *.c | grep -v -e '^native_main.c$' -e '^wasmlibc.c$' | sed 's/\.c$//')
CC=${CC:-clang}
mkdir -p wasm wasm-simd native
for name in $NAMES; do
  if [ "$WASM" = 1 ]; then
    $CC --target=wasm32 -nostdlib -O2 -Wall -Wno-unused-function -Wl,--no-entry \
    -Wl,-z,stack-size=1048576 -o "wasm/$name.wasm" "$name.c" wasmlibc.c
    $CC --target=wasm32 -nostdlib -O2 -msimd128 -Wall -Wno-unused-function -Wl,--no-entry \
    -Wl,-z,stack-size=1048576 -o "wasm-simd/$name.wasm" "$name.c" wasmlibc.c
  fi
  if [ "$NATIVE" = 1 ]; then
    $CC -O2 -Wall -Wno-unused-function -fno-math-errno -fno-vectorize -fno-slp-vectorize -o "native/$name" "$name.c" native_main.c -lm
    $CC -O2 -Wall -Wno-unused-function -fno-math-errno -o "native/$name-vec" "$name.c" native_main.c -lm
  fi
done
