;; f64.min and f64.max, which x86's minsd/maxsd do not quite implement: WebAssembly wants a NaN
;; when either operand is NaN, and -0 as the smaller of -0 and +0.
(module
  (func (export "min") (param $a f64) (param $b f64) (result f64)
    (f64.min (local.get $a) (local.get $b)))
  (func (export "max") (param $a f64) (param $b f64) (result f64)
    (f64.max (local.get $a) (local.get $b)))
  ;; 1/x tells -0 (-Infinity) from +0 (Infinity) where printing the number would not.
  (func (export "signOfMin") (param $a f64) (param $b f64) (result f64)
    (f64.div (f64.const 1) (f64.min (local.get $a) (local.get $b)))))
