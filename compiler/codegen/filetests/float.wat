;; Floats in xmm registers: parameters stay where they arrive (xmm0, xmm1, ...), float locals
;; take high xmm registers, constants come from the constant pool, comparisons feed branches.
(module
  ;; Horner's rule over a fixed polynomial, in a loop: x^n-ish growth with float locals.
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

  ;; Newton's method for sqrt, with a comparison of floats fused into the loop's branch.
  (func $newton (export "newton") (param $a f32) (result f32)
    (local $x f32)
    (local.set $x (local.get $a))
    (loop $again
      (local.set $x (f32.mul (f32.const 0.5) (f32.add (local.get $x) (f32.div (local.get $a) (local.get $x)))))
      (br_if $again (f32.gt (f32.abs (f32.sub (f32.mul (local.get $x) (local.get $x)) (local.get $a))) (f32.const 0.001))))
    (local.get $x))

  ;; Conversions and WebAssembly's min, with its NaN and signed-zero rules.
  (func $mix (export "mix") (param $i i32) (param $d f64) (result i64)
    (i64.trunc_sat_f64_s
      (f64.min (f64.convert_i32_u (local.get $i)) (f64.copysign (local.get $d) (f64.const -1)))))
)
