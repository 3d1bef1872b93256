;; Eight integer parameters: six travel in registers, two on the stack.
(module
  (func $weigh (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (i32.mul (local.get 6) (i32.const 7)))
             (i32.mul (local.get 7) (i32.const 8))))
  (func (export "eight") (param $x i32) (result i32)
    (call $weigh (local.get $x) (i32.const 2) (i32.const 3) (i32.const 4)
                 (i32.const 5) (i32.const 6) (i32.const 7) (local.get $x))))
