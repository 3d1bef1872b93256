;; Legacy exception handling on exnref's machinery: a try links a handler record like a
;; try_table's, pointing at a clause list and a landing-pad table written after the function's
;; code (its catches come after its body). Falling out of the body unlinks the record and jumps
;; to the end; each catch body starts at its landing pad, where the payload goes to stack slots and
;; the exnref to the catch's own slot, which rethrow hands to the runtime's throw_ref. delegate's
;; pad unlinks the records inside its label and throws again.
(module
  (tag $e (param i32))
  (func $may_throw (param i32)
    (if (local.get 0) (then (throw $e (local.get 0)))))
  (func (export "catch") (param i32) (result i32)
    (try (result i32)
      (do (call $may_throw (local.get 0)) (i32.const 0))
      (catch $e (i32.add (i32.const 1)))
      (catch_all (i32.const -1))))
  (func (export "rethrow") (param i32)
    (try (do (call $may_throw (local.get 0)))
      (catch_all (rethrow 0))))
  (func (export "delegate") (param i32) (result i32)
    (try (result i32)
      (do (try (do (call $may_throw (local.get 0))) (delegate 0)) (i32.const 0))
      (catch_all (i32.const 2)))))
