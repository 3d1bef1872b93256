#!/bin/sh
# Rebuild every compiler/testing/cprograms/*.c into two .wasm files, deterministically:
#   NAME.bare.wasm  freestanding (-nostdlib; bare.c supplies memcpy/memset)
#   NAME.wasi.wasm  against wasi-libc, as a reactor (exports _initialize, imports nothing here)
#   NAME.ext.wasm   freestanding with the WebAssembly 2.0 features clang 14 leaves off by default
#                   (bulk memory, sign extension, non-trapping float-to-int) and builtins allowed,
#                   so zeroing loops become memory.fill and guarded casts trunc_sat
#   NAME.simd.wasm  as .ext, with SIMD too: clang's loop vectorizer turns loops into v128 code
# The first three are WebAssembly 2.0 without SIMD (-mno-simd128), checked for SIMD, atomics and
# tail calls; the .simd ones for atomics and tail calls. The .wasm files are committed (CI has no
# clang); run this after changing a .c.
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
  "$CLANG" --target=wasm32 $COMMON -DBARE -nostdlib -mbulk-memory -msign-ext -mnontrapping-fptoint $LINK \
    -o "$name.ext.wasm" "$src" bare.c
  "$CLANG" --target=wasm32 $COMMON -msimd128 -DBARE -nostdlib -mbulk-memory -msign-ext -mnontrapping-fptoint $LINK \
    -o "$name.simd.wasm" "$src" bare.c
  "$CLANG" --target=wasm32-wasi --sysroot=/usr $COMMON -mexec-model=reactor $LINK \
    -o "$name.wasi.wasm" "$src"
done

# Only WebAssembly 2.0 without SIMD may appear (no v128, atomics, return_call).
if command -v wasm2wat >/dev/null; then
  for w in *.wasm; do
    case "$w" in *.simd.wasm) forbidden='atomic|return_call' ;; *) forbidden='v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2|atomic|return_call' ;; esac
    if wasm2wat --enable-all "$w" | grep -Eq "$forbidden"; then
      echo "$w: uses SIMD, threads or tail calls" >&2
      exit 1
    fi
  done
fi
ls -l *.wasm

# What each module exercises (the table in the folder's README): counts from wasm-objdump -d.
if command -v wasm-objdump >/dev/null; then
  echo
  echo "| module | functions | loads | stores | call_indirect | float ops | memory.grow/size | bulk memory | trunc_sat |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for w in *.wasm; do
    wasm-objdump -d "$w" | awk -v name="$w" -F'[|]' '
      /^[0-9a-f]+ func\[/ { funcs++ }
      NF > 1 {
        split($2, t, " "); op = t[1]
        if (op ~ /\.load/) loads++
        if (op ~ /\.store/) stores++
        if (op == "call_indirect") indirect++
        if (op ~ /^f(32|64)\./ || op ~ /_f(32|64)/) floats++
        if (op ~ /^memory\.(grow|size)/) grows++
        if (op ~ /^(memory\.(copy|fill|init)|data\.drop)/) bulk++
        if (op ~ /trunc_sat/) sat++
      }
      END { printf "| %s | %d | %d | %d | %d | %d | %d | %d | %d |\n", name, funcs, loads, stores, indirect, floats, grows, bulk, sat }'
  done
  echo
  for w in *.bare.wasm; do
    printf '%s float operators: ' "${w%.bare.wasm}"
    wasm-objdump -d "$w" | awk -F'[|]' 'NF > 1 { split($2, t, " "); op = t[1]; if (op ~ /^f(32|64)\./ || op ~ /_f(32|64)/) print op }' | sort -u | tr '\n' ' '
    echo
  done
fi
