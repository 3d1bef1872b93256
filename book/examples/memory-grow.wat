(module
  (memory 1 4)
  (data (i32.const 0) "\01\00\00\00\02\00\00\00\03\00\00\00")
  ;; sum of the n i32s from address 0: one access per iteration
  (func (export "sum") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s))
  ;; grow by some pages, fill the new ones with a byte, return the old size (or -1)
  (func (export "growAndFill") (param $pages i32) (param $byte i32) (result i32)
    (local $old i32)
    (local.set $old (memory.grow (local.get $pages)))
    (if (i32.ge_s (local.get $old) (i32.const 0))
      (then (memory.fill (i32.shl (local.get $old) (i32.const 16))
                         (local.get $byte)
                         (i32.shl (local.get $pages) (i32.const 16)))))
    (local.get $old))
  (func (export "size") (result i32) (memory.size))
  (func (export "byteAt") (param $a i32) (result i32) (i32.load8_u (local.get $a))))
