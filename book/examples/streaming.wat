;; Three small functions, so there is something to stream: the code section holds three bodies,
;; and each can be validated (and compiled) as soon as its last byte arrives.
(module
  (func $square (export "square") (param $x i32) (result i32)
    (i32.mul (local.get $x) (local.get $x)))
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $answer (export "answer") (result i32)
    (i32.const 42)))
