(module
  (global $count (mut i32) (i32.const 0))
  (global $step i32 (i32.const 5))
  ;; add the constant global $step to the mutable $count, and return the new count
  (func (export "bump") (result i32)
    (global.set $count (i32.add (global.get $count) (global.get $step)))
    (global.get $count)))
