;; A call to a function imported from JavaScript goes through the VMContext.
(module
  (import "js" "twice" (func $twice (param i32) (result i32)))
  (func (export "callsOut") (param $x i32) (result i32)
    (i32.add (call $twice (local.get $x)) (i32.const 1))))
