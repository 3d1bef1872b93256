;; Constants folded into immediates, locals deferred, division with its traps.
(module
  (func (export "add_const") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 40)))
  (func (export "mul_sub") (param i64 i64) (result i64)
    (i64.sub (i64.mul (local.get 0) (i64.const 10)) (local.get 1)))
  (func (export "div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_u_pow2") (param i64) (result i64)
    (i64.rem_u (local.get 0) (i64.const 8)))
  (func (export "shifts") (param i32 i32) (result i32)
    (i32.rotl (i32.shl (local.get 0) (i32.const 3)) (local.get 1)))
  (func (export "bits") (param i64) (result i64)
    (i64.add (i64.clz (local.get 0)) (i64.popcnt (local.get 0)))))
