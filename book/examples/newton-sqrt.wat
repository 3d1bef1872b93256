;; Square root by Newton's method: x <- (x + a/x) / 2 until x stops getting smaller.
;; Starting at max(a, 1), which is never below the root, every step goes down.
(module
  (func (export "sqrt") (param $a f64) (result f64)
    (local $x f64) (local $next f64)
    (if (f64.le (local.get $a) (f64.const 0))
      (then (return (f64.sqrt (local.get $a))))) ;; 0 and -0 as they are, below zero NaN
    (local.set $x (f64.max (local.get $a) (f64.const 1)))
    (loop $again
      (local.set $next
        (f64.mul (f64.add (local.get $x) (f64.div (local.get $a) (local.get $x))) (f64.const 0.5)))
      (if (f64.lt (local.get $next) (local.get $x))
        (then (local.set $x (local.get $next)) (br $again))))
    (local.get $x))
  (func (export "builtin") (param $a f64) (result f64)
    (f64.sqrt (local.get $a))))
