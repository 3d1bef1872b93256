;; text: wasm-tools
;; GC's declared supertypes, the part of GC that compiles: call_indirect through a final type
;; compares ids and traps on a difference, as always; through a type that is not final, a
;; different id walks the callee's chain of supertypes in the thread's supertype table (reached
;; through the runtime's state block) until the expected id, or 0 and a trap.
(module
  (type $shape (sub (func (param i32) (result i32))))
  (type $circle (sub $shape (func (param i32) (result i32))))
  (type $final (func (param i32) (result i32)))
  (table 2 funcref)
  (func $area (type $circle) (i32.mul (local.get 0) (i32.const 3)))
  (elem (i32.const 0) $area)
  (func (export "any_shape") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $shape) (local.get $x) (local.get $i)))
  (func (export "exactly") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $final) (local.get $x) (local.get $i))))
