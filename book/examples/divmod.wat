;; Two results: the second comes back through a return area, which is the caller's own value-stack slot.
(module
  (func $divmod (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b)))
  (func (export "digitSum") (param $n i32) (result i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $divmod (local.get $n) (i32.const 10))
        (local.set $sum (i32.add (local.get $sum)))
        (local.set $n)
        (br $next)))
    (local.get $sum)))
