;; An i32 address must be zero-extended to 64 bits before it is added to the memory base: the
;; upper half of a register holding an i32 may hold anything (after i32.wrap_i64, or as a
;; parameter arrives). A 32-bit write clears it, so a local written by local.set or local.tee
;; on this straight line needs no `mov r, r` before its accesses; one that arrived as a
;; parameter, or was written on another path, gets it once.
(module
  (memory 1)
  ;; p arrives in a register: zero-extended once, before its first access only.
  (func $param (export "param") (param $p i32) (result i32)
    (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p))))
  ;; q is written by local.tee (a 32-bit mov): no zero extension.
  (func $tee (export "tee") (param $p i32) (result i32) (local $q i32)
    (i32.store (local.tee $q (i32.add (local.get $p) (i32.const 8))) (i32.const 1))
    (i32.load offset=4 (local.get $q)))
  ;; q gets the low half of an i64 (a 32-bit mov clears the upper half): no zero extension.
  (func $wrapped (export "wrapped") (param $x i64) (result i32) (local $q i32)
    (local.set $q (i32.wrap_i64 (local.get $x)))
    (i32.load (local.get $q)))
  ;; q = q (nothing is emitted, so nothing is known): q is zero-extended before the access.
  (func $self (export "self") (param $q i32) (result i32)
    (local.set $q (local.get $q))
    (i32.load (local.get $q)))
  ;; After a merge q may have been written on either path: zero-extended again.
  (func $merge (export "merge") (param $p i32) (param $c i32) (result i32) (local $q i32)
    (local.set $q (i32.add (local.get $p) (i32.const 16)))
    (if (local.get $c) (then (local.set $q (local.get $p))))
    (i32.load (local.get $q))))
