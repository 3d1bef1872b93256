;; Linear memory: bounds checks and the ones proven unneeded.
(module
  (memory 1)
  ;; Sum n i32s from p: one check per iteration (p changes every time).
  (func $sum (export "sum") (param $p i32) (param $n i32) (result i32)
    (local $s i32) (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $l (i32.ne (local.get $p) (local.get $end)))))
    (local.get $s))
  ;; a[i] = i for i < n, indexing by i (the address is computed, so each store is checked).
  (func $fill (export "fill") (param $a i32) (param $n i32)
    (local $i i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (i32.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))
  ;; Every load width from one base: the widest end is checked first, the rest need no check.
  (func $widths (export "widths") (param $p i32) (result i64)
    (i64.load offset=24 (local.get $p))
    (i64.add (i64.extend_i32_s (i32.load8_s (local.get $p))))
    (i64.add (i64.extend_i32_u (i32.load8_u offset=1 (local.get $p))))
    (i64.add (i64.extend_i32_s (i32.load16_s offset=2 (local.get $p))))
    (i64.add (i64.extend_i32_u (i32.load16_u offset=4 (local.get $p))))
    (i64.add (i64.load8_s offset=6 (local.get $p)))
    (i64.add (i64.load8_u offset=7 (local.get $p)))
    (i64.add (i64.load16_s offset=8 (local.get $p)))
    (i64.add (i64.load16_u offset=10 (local.get $p)))
    (i64.add (i64.load32_s offset=12 (local.get $p)))
    (i64.add (i64.load32_u offset=16 (local.get $p)))
    ;; p + 8 cannot wrap once p + 32 is known in bounds: the 8 joins the displacement.
    (i64.add (i64.extend_i32_u (i32.load (i32.add (local.get $p) (i32.const 8))))))
  ;; Floats, and stores of every width.
  (func $floats (export "floats") (param $p i32) (param $x f32) (param $y f64)
    (f64.store offset=8 (local.get $p) (local.get $y))
    (f32.store (local.get $p) (local.get $x))
    (f32.store offset=4 (local.get $p) (f32.load offset=8 (local.get $p)))
    (i32.store8 (local.get $p) (i32.const -1))
    (i32.store16 (local.get $p) (i32.const 0x1234))
    (i64.store8 (local.get $p) (i64.const 7))
    (i64.store16 (local.get $p) (i64.const 7))
    (i64.store32 (local.get $p) (i64.const 7))
    (i64.store (local.get $p) (i64.const 0x123456789)))
  ;; Constant addresses below the minimum size (one page) need no check; beyond it, one check.
  (func $constants (export "constants") (result i32)
    (i32.store (i32.const 16) (i32.const 1))
    (i32.add (i32.load (i32.const 65532)) (i32.load offset=65536 (i32.const 0))))
  ;; A huge offset: the sum does not wrap at 32 bits.
  (func $far (export "far") (param $p i32) (result i32)
    (i32.load offset=0xfffffff0 (local.get $p)))
  (func $size (export "size") (result i32)
    (drop (memory.grow (i32.const 1)))
    (memory.size)))
