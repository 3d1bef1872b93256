;; Which locals get registers (issue 13): the ones used most, weighted by loop depth
;; (localWeights.ts), up to 5 integer locals. $p0..$p5 are read once before the loop, and the
;; hot accumulators $sum and $i, declared last, must still live in registers inside it;
;; $d (one use fewer than $a..$c) and $cold live in slots.
;; $unused_many: locals the body never names are no candidates for a register, and get no frame
;; slot and no zeroing (a module may declare 50,000 of them per function, and rustc's output has
;; some): $p and $used take registers, and the function needs no frame at all.
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
    (i32.add (local.get $sum) (local.get $cold)))
  (func $unused_many (export "unused_many") (param $p i32) (result i32)
    (local $u0 i64) (local $u1 i64) (local $u2 i64) (local $u3 i64) (local $u4 i64) (local $u5 i64)
    (local $f0 f64) (local $f1 f64) (local $f2 f64) (local $f3 f64) (local $f4 f64) (local $f5 f64) (local $f6 f64) (local $f7 f64)
    (local $used i32) (local $u6 i32) (local $u7 i32)
    (if (local.get $p) (then (local.set $used (i32.const 5))))
    (i32.add (local.get $used) (local.get $p))))
