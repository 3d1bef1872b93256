;; text: wasm-tools
;; multi-memory: memories other than 0 take their base from the VMContext, and each memory has
;; bounds facts of its own.
(module
  (memory $a 1)
  (memory $b 1)
  (memory $c i64 1)
  ;; Memory 1: the second access through $p is proven by the first (memory 1's facts); the
  ;; accesses to memory 0 at the same address are checked once: memory 1's check says nothing of it.
  (func $copy (export "copy") (param $p i32) (result i32)
    (i32.store $a (local.get $p) (i32.add (i32.load $b offset=4 (local.get $p)) (i32.load $b (local.get $p))))
    (i32.load $a (local.get $p)))
  ;; A constant address within memory 1's minimum size needs no check.
  (func $const (export "const") (result i32) (i32.load $b (i32.const 100)))
  ;; A memory64 memory other than 0: the carry and the size checked once for both accesses.
  (func $wide (export "wide") (param $q i64) (result i64)
    (i64.add (i64.load $c offset=8 (local.get $q)) (i64.load $c (local.get $q)))))
