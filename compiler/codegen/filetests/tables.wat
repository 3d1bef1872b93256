;; Table elements inline (descriptor through the VMContext, bounds check, BASE reloaded each
;; time), a constant index folded into the address, ref.is_null consumed from the flags by if,
;; ref.func from the VMContext, and table.grow through its builtin (the table index slipped in).
;; A table of fixed length (min = max): its VMContext entry is the element array itself (no
;; descriptor, no BASE), its bounds an immediate, its size a constant.
(module
  (table $t 4 externref)
  (table $f 2 funcref)
  (elem declare func $id)
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "get") (param i32) (result externref) (table.get $t (local.get 0)))
  (func (export "set") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
  (func (export "clear3") (table.set $t (i32.const 3) (ref.null extern)))
  (func (export "isnull") (param externref) (result i32)
    (if (result i32) (ref.is_null (local.get 0)) (then (i32.const 5)) (else (i32.const 6))))
  (func (export "install") (param i32) (table.set $f (local.get 0) (ref.func $id)))
  (func (export "size") (result i32) (table.size $f))
  (func (export "grow") (param externref i32) (result i32) (table.grow $t (local.get 0) (local.get 1)))
  (table $fixed 3 3 externref)
  (func (export "get_fixed") (param i32) (result externref) (table.get $fixed (local.get 0)))
  (func (export "set_fixed2") (param externref) (table.set $fixed (i32.const 2) (local.get 0)))
  (func (export "size_fixed") (result i32) (table.size $fixed)))
