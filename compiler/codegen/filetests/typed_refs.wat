;; text: wasm-tools
;; Typed function references: call_ref is call_indirect without the table and the type check
;; (the validator proved the type): the reference moves to rax with the arguments, a null check
;; (none after br_on_null: the reference's type is non-nullable there),
;; a call through the record where it is (rax): straight when it names our VMContext, through an
;; instance switch out of line when it does not. br_on_null tests and branches with the
;; reference held in a register; ref.as_non_null is a test and a trap. return_call_ref jumps.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (elem declare func $add)
  (func (export "apply") (param $f (ref null $binop)) (param $a i32) (param $b i32) (result i32)
    (call_ref $binop (local.get $a) (local.get $b) (local.get $f)))
  (func (export "add_via_ref") (param $a i32) (result i32)
    (call_ref $binop (local.get $a) (i32.const 1) (ref.func $add)))
  (func (export "or_minus_one") (param $f (ref null $binop)) (result i32)
    (block $null
      (return (call_ref $binop (i32.const 2) (i32.const 3) (br_on_null $null (local.get $f)))))
    (i32.const -1))
  (func (export "non_null") (param $f (ref null $binop)) (result (ref $binop))
    (ref.as_non_null (local.get $f)))
  (func (export "tail") (param $f (ref $binop)) (param $a i32) (result i32)
    (return_call_ref $binop (local.get $a) (local.get $a) (local.get $f))))
