;; select with a constant condition picks a value spilled at another stack position; a later
;; spill into that position's slot must not clobber it.
(module
  (func $multi (param i32 i64) (result i64 i32 i32)
    (i64.add (local.get 1) (i64.extend_i32_s (local.get 0))) (local.get 0) (i32.const 5))
  (func $z (result i32) (i32.const 100))
  (func (export "f") (param i32 i64 i32) (result i32) (local i32)
    (call $multi (local.get 0) (local.get 1))
    (i32.const 0) (select)
    (i32.mul (local.get 0) (local.get 2))
    (call $z)
    (i32.add) (i32.add)
    (local.set 3) (drop) (local.get 3)))
