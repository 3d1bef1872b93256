;; Two ways to turn an f64 into an i32: trapping on NaN and out-of-range values, or saturating.
(module
  (func (export "trunc") (param $x f64) (result i32)
    (i32.trunc_f64_s (local.get $x)))
  (func (export "truncSat") (param $x f64) (result i32)
    (i32.trunc_sat_f64_s (local.get $x))))
