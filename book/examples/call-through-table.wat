;; call_indirect: a table lookup, a signature check, and a call (through a switch to the callee's instance, out of line, if it is another).
(module
  (type $unary (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $inc $dbl)
  (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $unary) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "apply") (param $f i32) (param $x i32) (result i32)
    (call_indirect (type $unary) (local.get $x) (local.get $f))))
