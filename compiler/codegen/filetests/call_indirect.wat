;; call_indirect through one table holding functions of two signatures: the index moves to
;; rax with the arguments (a 32-bit move: no zero extension after it), then bounds, null and type
;; checks, and a call: straight through the record when it names our VMContext, through an
;; instance switch (r15/r14) and back, out of line after the body, when it does not. A constant
;; index folds into the element's address. A table of fixed size (min = max: C's function
;; pointers) is checked against an immediate, and a constant index in it not at all.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (type $unop (func (param i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $add $sub $neg $square)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $neg (type $unop) (i32.sub (i32.const 0) (local.get 0)))
  (func $square (type $unop) (i32.mul (local.get 0) (local.get 0)))
  (func (export "dispatch") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $op) (i32.const 2))
      (then (call_indirect (type $binop) (local.get $a) (local.get $b) (local.get $op)))
      (else (call_indirect (type $unop) (local.get $a) (local.get $op)))))
  (func (export "neg_of_7") (result i32)
    (call_indirect (type $unop) (i32.const 7) (i32.const 2)))
  (table $fixed 2 2 funcref)
  (elem (table $fixed) (i32.const 0) func $neg $square)
  (func (export "fixed") (param $i i32) (param $x i32) (result i32)
    (call_indirect $fixed (type $unop) (local.get $x) (local.get $i)))
  (func (export "square_of_9") (result i32)
    (call_indirect $fixed (type $unop) (i32.const 9) (i32.const 1))))
