;; Values and locals around two calls: what must be saved, and what is saved only once.
(module
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "twice") (param $n i32) (result i32) (local $t i32)
    (local.set $t (i32.mul (local.get $n) (local.get $n)))
    (i32.mul (local.get $n) (i32.const 3))   ;; waits on the stack across the first call
    (call $inc (local.get $t))
    (i32.add)
    (call $inc (local.get $t))               ;; nothing new to save
    (i32.add)
    (local.get $t)
    (i32.add)))
