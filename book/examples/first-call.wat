;; The smallest call: one argument already in place, one result in rax.
(module
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "f") (param $x i32) (result i32) (call $inc (local.get $x))))
