;; An if/else with a result: the then-arm's edge to the end is the first, and fixes where the result goes.
(module
  (func (export "pick") (param $c i32) (param $a i32) (param $b i32) (result i32)
    (if (result i32) (local.get $c)
      (then (i32.mul (local.get $a) (i32.const 3)))
      (else (i32.sub (i32.const 100) (local.get $b))))))
