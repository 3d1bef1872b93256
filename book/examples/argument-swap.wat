;; Arguments that must swap registers on the way into a call: a cycle of moves, broken with r11.
(module
  (func $sub (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func (export "backwards") (param $a i32) (param $b i32) (result i32)
    (call $sub (local.get $b) (local.get $a))))
