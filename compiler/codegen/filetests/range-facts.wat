;; Range facts: an address known to be small needs no bounds check when the memory is known to be
;; at least that large (here its minimum size, one page). Compare memory.wat, where every
;; computed address is checked.
(module
  (memory 1)
  ;; A table lookup as base64 does it: x & 63 is at most 63, and 1024 + 63 + 1 <= 65536.
  (func $lookup (export "lookup") (param $x i32) (result i32)
    (i32.load8_u (i32.add (i32.and (local.get $x) (i32.const 63)) (i32.const 1024))))
  ;; A byte indexes a table of 256 i32s: the byte load is checked, the table load not.
  (func $byteTable (export "byteTable") (param $p i32) (result i32)
    (i32.load offset=4096 (i32.shl (i32.load8_u (local.get $p)) (i32.const 2))))
  ;; Through a local: b is a byte until it is written, so b >> 2 + 100 needs no check.
  (func $viaLocal (export "viaLocal") (param $p i32) (result i32) (local $b i32)
    (local.set $b (i32.load8_u (local.get $p)))
    (i32.load8_u offset=100 (i32.shr_u (local.get $b) (i32.const 2))))
  ;; A hash bucket: h % 1000 * 4 + 4 <= 4000.
  (func $bucket (export "bucket") (param $h i32) (result i32)
    (i32.load (i32.shl (i32.rem_u (local.get $h) (i32.const 1000)) (i32.const 2))))
  ;; Looks small but is not: x & 0xffff ends 3 bytes past the page for a 4-byte load: checked.
  (func $tooBig (export "tooBig") (param $x i32) (result i32)
    (i32.load (i32.and (local.get $x) (i32.const 0xffff)))))
