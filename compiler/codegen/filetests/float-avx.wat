;; features: avx
;; With AVX the three-operand forms (vaddsd dst, a, b) leave their first operand in place, so a
;; float local's register is read without a copy first; `x = x op y` is still one instruction.
(module
  (memory 1)
  ;; A dot product over two f64 arrays: the accumulator stays in its register.
  (func $dot (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f64) (local $s f64)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $s))

  ;; Horner's rule, as in float.wat: acc * x reads both locals in place.
  (func $poly (export "poly") (param $x f64) (param $n i32) (result f64)
    (local $acc f64)
    (local.set $acc (f64.const 1))
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (f64.add (f64.mul (local.get $acc) (local.get $x)) (f64.const 0.5)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))

  ;; x = x - y on f32 locals: one instruction either way.
  (func $sub (export "sub") (param $x f32) (param $y f32) (result f32)
    (local.set $x (f32.sub (local.get $x) (local.get $y)))
    (local.get $x))
)
