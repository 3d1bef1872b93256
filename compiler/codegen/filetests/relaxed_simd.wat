;; Relaxed SIMD (ops/simdRelaxed.ts): each operator as the one result the spec allows that SSE4.1
;; computes cheapest, fixed for every machine: pshufb for swizzle, cvttps2dq for the signed
;; truncation, minps/maxps, pmulhrsw, pmaddubsw, an unfused multiply-add, bitselect for laneselect.
(module
  (func $swizzle (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func $trunc_s (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func $trunc_f64_s (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
  (func $madd (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func $nmadd (param v128 v128 v128) (result v128) (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func $laneselect (param v128 v128 v128) (result v128) (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func $min (param v128 v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func $max (param v128 v128) (result v128) (f64x2.relaxed_max (local.get 0) (local.get 1)))
  (func $q15mulr (param v128 v128) (result v128) (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func $dot (param v128 v128) (result v128) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func $dot_add (param v128 v128 v128) (result v128) (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
  ;; Accumulating into a local computes in the local's home, as the fixed-width operators do.
  (func $accumulate (param $a v128) (param $b v128) (param $n i32) (result v128)
    (local $acc v128)
    (loop $next
      (local.set $acc (f32x4.relaxed_madd (local.get $a) (local.get $b) (local.get $acc)))
      (local.set $acc (f32x4.relaxed_min (local.get $acc) (local.get $b)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
)
