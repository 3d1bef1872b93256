;; The smallest factor of n that is at least 2 (n itself for a prime): two br_ifs that carry a value out of a loop.
(module
  (func (export "firstFactor") (param $n i32) (result i32) (local $d i32)
    (local.set $d (i32.const 2))
    (block $found (result i32)
      (loop $try
        (drop (br_if $found (local.get $n) (i32.gt_u (i32.mul (local.get $d) (local.get $d)) (local.get $n))))
        (drop (br_if $found (local.get $d) (i32.eqz (i32.rem_u (local.get $n) (local.get $d)))))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $try))
      (unreachable))))
