;; Which locals get registers (issue 13): the ones used most, weighted by loop depth
;; (localWeights.ts), up to 5 integer locals. $p0..$p5 are read once before the loop, and the
;; hot accumulators $sum and $i, declared last, must still live in registers inside it;
;; $d (one use fewer than $a..$c) and $cold live in slots.
(module
  (func $late_accumulator (export "late_accumulator")
    (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32) (param $p4 i32) (param $p5 i32)
    (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $cold i32) (local $sum i32) (local $i i32)
    (local.set $a (i32.add (local.get $p0) (local.get $p1)))
    (local.set $b (i32.add (local.get $p2) (local.get $p3)))
    (local.set $c (i32.add (local.get $p4) (local.get $p5)))
    (local.set $d (i32.xor (local.get $a) (local.get $b)))
    (local.set $cold (i32.mul (local.get $c) (local.get $d)))
    (loop $again
      (local.set $sum (i32.add (local.get $sum) (i32.xor (local.get $i) (local.get $a))))
      (local.set $sum (i32.add (local.get $sum) (i32.and (local.get $i) (local.get $b))))
      (local.set $sum (i32.sub (local.get $sum) (i32.or (local.get $i) (local.get $c))))
      (local.set $sum (i32.add (local.get $sum) (local.get $d)))
      (br_if $again (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1000))))
    (i32.add (local.get $sum) (local.get $cold))))
