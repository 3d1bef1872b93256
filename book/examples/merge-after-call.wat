;; A call inside an if: the register locals it clobbered are brought home before the arms merge.
(module
  (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
  (func (export "maybeTwice") (param $x i32) (result i32) (local $t i32)
    (local.set $t (i32.mul (local.get $x) (local.get $x)))
    (if (i32.lt_s (local.get $x) (i32.const 10))
      (then (local.set $x (call $twice (local.get $x)))))
    (i32.add (local.get $x) (local.get $t))))
