;; text: wasm-tools
;; Custom descriptors: a struct type with a descriptor keeps it in a slot of its objects, here at
;; offset 8 ($thing has no supertype without a descriptor), before its field at 16. struct.new_desc
;; null-checks the descriptor (the top operand) and stores it with the fields; ref.get_desc is one
;; load after the operand's null check. ref.cast_desc_eq tests the type id as ref.cast does ($thing
;; is final: one compare), then the descriptor word against the given one, with a trap of its own
;; for each failure. A cast to an exact type compares ids and never walks the supertype table,
;; though $base has subtypes.
(module
  (rec
    (type $thing (descriptor $vtable) (struct (field (mut i32))))
    (type $vtable (describes $thing) (struct (field i32))))
  (type $base (sub (struct)))
  (func (export "make") (param $v (ref (exact $vtable))) (param $x i32) (result (ref $thing))
    (struct.new_desc $thing (local.get $x) (local.get $v)))
  (func (export "vtable_of") (param $t (ref null $thing)) (result i32)
    (struct.get $vtable 0 (ref.get_desc $thing (local.get $t))))
  (func (export "cast") (param $x anyref) (param $v (ref $vtable)) (result (ref $thing))
    (ref.cast_desc_eq (ref $thing) (local.get $x) (local.get $v)))
  (func (export "exactly_base") (param $x anyref) (result i32)
    (ref.test (ref (exact $base)) (local.get $x))))
