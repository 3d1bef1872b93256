;; Functions the book's pictures compile (src/lib/pictures/): small, each showing one idea.
(module
  (import "js" "log" (func $log (param i32)))

  ;; Chapter 6: constants fold, local.get costs nothing until needed, a comparison stays in the
  ;; flags until select consumes it: (x + 3) * y if x < y, else 100.
  (func (export "scale") (param $x i32) (param $y i32) (result i32)
    local.get $x
    i32.const 3
    i32.add
    local.get $y
    i32.mul
    i32.const 100
    local.get $x
    local.get $y
    i32.lt_s
    select)

  ;; Chapter 7: more values alive at once than there are free registers, so some are spilled:
  ;; a*2 + (a*3 + (a*4 + ... + a*b)), each product waiting in a register for the sum after it.
  (func (export "pressure") (param $a i32) (param $b i32) (result i32)
    (i32.add (i32.mul (local.get $a) (i32.const 2))
    (i32.add (i32.mul (local.get $a) (i32.const 3))
    (i32.add (i32.mul (local.get $a) (i32.const 4))
    (i32.add (i32.mul (local.get $a) (i32.const 5))
    (i32.add (i32.mul (local.get $a) (i32.const 6))
    (i32.add (i32.mul (local.get $a) (i32.const 7))
    (i32.add (i32.mul (local.get $a) (i32.const 8))
    (i32.add (i32.mul (local.get $a) (i32.const 9))
    (i32.add (i32.mul (local.get $a) (i32.const 10))
    (i32.add (i32.mul (local.get $a) (i32.const 11))
    (i32.add (i32.mul (local.get $a) (i32.const 12))
    (i32.add (i32.mul (local.get $a) (i32.const 13))
    (i32.add (i32.mul (local.get $a) (i32.const 14))
    (i32.mul (local.get $a) (local.get $b))))))))))))))))

  ;; Chapter 8: three edges into one block; the first fixes where its result lives.
  (func (export "classify") (param $n i32) (result i32)
    (block $done (result i32)
      (drop (br_if $done (i32.const -1) (i32.lt_s (local.get $n) (i32.const 0))))
      (drop (br_if $done (i32.mul (local.get $n) (i32.const 2)) (i32.gt_s (local.get $n) (i32.const 100))))
      (i32.add (local.get $n) (i32.const 1))))

  ;; Chapter 5: wasm called from JS calls JS.
  (func (export "report") (param $x i32) (result i32)
    (call $log (i32.add (local.get $x) (i32.const 1)))
    (i32.mul (local.get $x) (i32.const 2))))
