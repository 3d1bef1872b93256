;; Three ways for a call to end badly, each caught by a check in the generated code.
(module
  (func (export "divide") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  (func (export "crash")
    unreachable)
  (func $forever (export "forever") (param $n i32) (result i32)
    ;; No base case: recursion until the stack runs out.
    (i32.add (call $forever (i32.add (local.get $n) (i32.const 1))) (i32.const 1))))
