;; The recursive fib of Lightbeam's README, as rustc emits it (issue 6).
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (local $acc i32)
    (local.set $acc (i32.const 1))
    (block $done
      (br_if $done (i32.lt_u (local.get $n) (i32.const 2)))
      (local.set $acc (i32.const 1))
      (loop $again
        (local.set $acc
          (i32.add (call $fib (i32.add (local.get $n) (i32.const -1)))
                   (local.get $acc)))
        (br_if $again
          (i32.gt_u (local.tee $n (i32.add (local.get $n) (i32.const -2)))
                    (i32.const 1)))))
    (local.get $acc)))
