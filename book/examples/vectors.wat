(module
  (memory (export "memory") 1)
  (data (i32.const 256) "one vector, sixteen bytes, 16 at a time")

  ;; i32s 1, 2, ..., n at address 0.
  (func (export "fill") (param $n i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.add (local.get $i) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; The sum of the n i32s at address 0 (n a multiple of 4), four lanes at a time.
  (func (export "sum") (param $n i32) (result i32)
    (local $at i32) (local $acc v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $acc (i32x4.add (local.get $acc) (v128.load (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; How many of the 16 bytes at $p are the byte $c: compare all 16, take their top bits, count.
  (func (export "countByte") (param $p i32) (param $c i32) (result i32)
    (i32.popcnt (i8x16.bitmask (i8x16.eq (v128.load (local.get $p)) (i8x16.splat (local.get $c))))))

  ;; The larger of each pair of unsigned bytes at $p and $p + 16, the first lane of the result.
  (func (export "maxFirst") (param $p i32) (result i32)
    (i8x16.extract_lane_u 0
      (i8x16.max_u (v128.load (local.get $p)) (v128.load offset=16 (local.get $p)))))
)
