;; Arithmetic written straight into a local's register (issue 13).
;; $popcount: `x &= x - 1` is `lea t, [x-1]; and x, t` (the operand's own code comes first, so
;; the and can still be redone in place). $mix: `y = x op z` with y another register local is
;; `mov y, x; op y, z`, with no temporary and no third move.
(module
  (func $popcount (export "popcount") (param $x i32) (result i32)
    (local $n i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $x)))
        (local.set $x (i32.and (local.get $x) (i32.sub (local.get $x) (i32.const 1))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $n))
  (func $mix (export "mix") (param $x i32) (param $z i32) (result i32)
    (local $y i32) (local $w i64) (local $v i64)
    (local.set $y (i32.xor (local.get $x) (local.get $z)))
    (local.set $y (i32.sub (local.get $y) (i32.shl (local.get $x) (i32.const 3))))
    (local.set $w (i64.extend_i32_u (local.get $y)))
    (local.set $v (i64.add (local.get $w) (i64.extend_i32_u (local.get $z))))
    (i32.wrap_i64 (i64.or (local.get $v) (local.get $w)))))
