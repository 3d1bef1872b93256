#!/bin/sh
# Rebuilds large.wasm, a compile-speed input of over 1 MB of real clang output (bench/compile.ts),
# from a generated C program (gen-large-c.ts). Committed, since CI has no clang.
set -eu
cd "$(dirname "$0")"
npx tsx gen-large-c.ts 5000 1 > /tmp/lightbeam-large.c
clang --target=wasm32 -O2 -w -mno-simd128 -nostdlib -fno-builtin -Wl,--no-entry -Wl,--strip-debug -Wl,--export=table \
  -o large.wasm /tmp/lightbeam-large.c
ls -l large.wasm
