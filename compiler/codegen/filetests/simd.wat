;; 128-bit vectors (ops/simd*.ts): v128 values in xmm registers, computed into a local's home,
;; spilled around a call to a 16-byte slot at the top of the frame (addressed from rbp, which the
;; prologue sets up and each epilogue pops), and a few of the lowerings that are sequences.
(module
  (memory 1)
  (func $accumulate (param $n i32) (result v128)
    (local $i i32) (local $acc v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32x4.add (local.get $acc) (v128.load (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (local.get $acc))
  (func $callee (param i32) (result i32) (local.get 0))
  (func $spill (param $x i32) (result i32)
    (i32x4.extract_lane 3
      (i32x4.add (i32x4.splat (local.get $x)) (i32x4.splat (call $callee (local.get $x))))))
  (func $constants (result v128)
    (v128.xor (v128.const i32x4 0 0 0 0) (i8x16.add (v128.const i8x16 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1) (v128.const i32x4 1 2 3 4))))
  (func $unsigned_ge (param v128 v128) (result v128) (i16x8.ge_u (local.get 0) (local.get 1)))
  (func $shuffle (param v128 v128) (result v128)
    (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get 0) (local.get 1)))
  (func $min (param v128 v128) (result v128) (f32x4.min (local.get 0) (local.get 1)))
  (func $byte_shift (param v128 i32) (result v128) (i8x16.shl (local.get 0) (local.get 1)))
  (func $any (param v128) (result i32)
    (if (result i32) (v128.any_true (local.get 0)) (then (i32.const 1)) (else (i32.const 2))))
)
