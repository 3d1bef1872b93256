;; memory64 and table64: i64 addresses and indices, checked in all 64 bits.
(module
  (memory i64 1)
  (table $t i64 4 funcref)
  (type $v (func (result i32)))
  ;; A 1-byte access compares the address with the size (unsigned, all 64 bits); a 4- or 8-byte
  ;; one with the bound beside the size (size - 4 or - 8, never negative: the minimum is a page);
  ;; any other end is added in a register, trapping on the carry and then on the size.
  (func $load8 (export "load8") (param $p i64) (result i32)
    (i32.load8_u (local.get $p)))
  (func $load32 (export "load32") (param $p i64) (result i32)
    (i32.load offset=16 (local.get $p)))
  ;; A sum of 8-byte loads: no zero extension of the address, one compare each time.
  (func $sum (export "sum") (param $p i64) (param $n i64) (result i64)
    (local $s i64)
    (block $done
      (br_if $done (i64.eqz (local.get $n)))
      (loop $l
        (local.set $s (i64.add (local.get $s) (i64.load (local.get $p))))
        (local.set $p (i64.add (local.get $p) (i64.const 8)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br_if $l (i64.ne (local.get $n) (i64.const 0)))))
    (local.get $s))
  ;; Constant addresses within the minimum size need no check; one at 2^32 always traps.
  (func $const (export "const") (result i32)
    (i32.add (i32.load (i64.const 8)) (i32.load (i64.const 0x100000000))))
  (func $size (export "size") (result i64) (memory.size))
  (func $grow (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  ;; call_indirect compares the whole i64 index with the table's length.
  (func $call (export "call") (param $i i64) (result i32)
    (call_indirect $t (type $v) (local.get $i)))
  (func $tsize (export "tsize") (result i64) (table.size $t))
  ;; The bounds facts of i64 addresses (memory 0's, as for i32): after the widest access
  ;; through $p, the narrower ones need no check; a local plus a constant, checked once, proves
  ;; an access at a larger constant ending no further. A write of $p forgets what was checked.
  (func $fields (export "fields") (param $p i64) (result i64)
    (i64.add (i64.add (i64.load offset=16 (local.get $p)) (i64.load offset=8 (local.get $p)))
             (i64.load (local.get $p))))
  (func $plus (export "plus") (param $p i64) (result i64)
    (i64.add (i64.load offset=8 (i64.add (local.get $p) (i64.const 16)))
             (i64.load (i64.add (local.get $p) (i64.const 24)))))
  (func $written (export "written") (param $p i64) (result i64)
    (drop (i64.load (local.get $p)))
    (local.set $p (i64.add (local.get $p) (i64.const 8)))
    (i64.load (local.get $p))))
