;; text: wasm-tools
;; GC's declared supertypes, the part of GC that compiles: call_indirect through a final type
;; compares ids and traps on a difference, as always; through a type that is not final, a
;; different id walks the callee's chain of supertypes in the thread's supertype table (reached
;; through the runtime's state block) until the expected id, or 0 and a trap.
;; i31 references are words: ref.i31 is one lea ((x << 1) | 1), i31.get_s a null check and a sar
;; (no check when the operand's type is non-nullable: after ref.i31 or a cast to (ref i31));
;; a cast to i31 tests the low bit, to eq excludes host values (low bits 10). struct.get of a
;; (ref $point) and array.len of a (ref $bytes) load without a null check; of nullable ones, with,
;; but only once per local on a straight line: a test that passed holds until the local is written.
(module
  (type $shape (sub (func (param i32) (result i32))))
  (type $circle (sub $shape (func (param i32) (result i32))))
  (type $final (func (param i32) (result i32)))
  (type $point (struct (field i32) (field i32)))
  (type $bytes (array (mut i8)))
  (table 2 funcref)
  (func $area (type $circle) (i32.mul (local.get 0) (i32.const 3)))
  (elem (i32.const 0) $area)
  (func (export "any_shape") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $shape) (local.get $x) (local.get $i)))
  (func (export "exactly") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $final) (local.get $x) (local.get $i)))
  (func (export "i31_add") (param $a i32) (param $b i31ref) (result i32)
    (i32.add (i31.get_s (ref.i31 (local.get $a))) (i31.get_u (local.get $b))))
  (func (export "as_i31") (param $x anyref) (result i32)
    (i31.get_s (ref.cast (ref i31) (local.get $x))))
  (func (export "is_eq") (param $x anyref) (result i32)
    (ref.test (ref eq) (local.get $x)))
  (func (export "point_x") (param $p (ref $point)) (param $q (ref null $point)) (result i32)
    (i32.add (struct.get $point 0 (local.get $p)) (struct.get $point 0 (local.get $q))))
  (func (export "bytes_len") (param $b (ref $bytes)) (result i32)
    (array.len (local.get $b)))
  (func (export "sum_twice") (param $q (ref null $point)) (result i32)
    (i32.add (struct.get $point 0 (local.get $q)) (struct.get $point 1 (local.get $q)))))
