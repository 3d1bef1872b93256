;; text: wasm-tools
;; GC's structs and arrays: an object is its address, so struct.get is a null check and one load
;; at the field's offset (after the 8-byte header); a packed field is read with movsx/movzx. An
;; array access checks null, then the index against the length in the header (dword 4), then loads
;; at 8 + index * size. struct.new bumps the allocation region inline (the GC builtin that
;; allocates, through the VMContext's GC table, on the slow path after the body) and stores the
;; fields into the object. array.new_data and array.new_elem check offset + bytes against the
;; segment's length in the VMContext, allocate the same way and copy 8 bytes at a time (a data
;; segment's last few one by one). A cast to a final struct type compares the header's type id with
;; the VMContext's; a test against `struct` reads the header's kind bits.
(module
  (type $point (struct (field $x (mut i32)) (field $y i64) (field $tag i8)))
  (type $bytes (array (mut i8)))
  (type $node (sub (struct (field i32))))
  (type $nodes (array (ref null $node)))
  (data $d "\01\02\03\04\05\06\07\08\09")
  (elem $e (ref null $node) (item (ref.null $node)) (item (struct.new $node (i32.const 1))))
  (func (export "make") (param $x i32) (param $y i64) (result (ref $point))
    (struct.new $point (local.get $x) (local.get $y) (i32.const 7)))
  (func (export "tag") (param $p (ref null $point)) (result i32)
    (struct.get_s $point $tag (local.get $p)))
  (func (export "set_x") (param $p (ref null $point)) (param $v i32)
    (struct.set $point $x (local.get $p) (local.get $v)))
  (func (export "byte") (param $a (ref null $bytes)) (param $i i32) (result i32)
    (array.get_u $bytes (local.get $a) (local.get $i)))
  (func (export "len") (param $a (ref null $bytes)) (result i32)
    (array.len (local.get $a)))
  (func (export "is_point") (param $r anyref) (result i32)
    (ref.test (ref $point) (local.get $r)))
  (func (export "is_node") (param $r anyref) (result i32)
    (ref.test (ref $node) (local.get $r)))
  (func (export "is_struct") (param $r anyref) (result i32)
    (ref.test (ref struct) (local.get $r)))
  (func (export "from_data") (param $at i32) (param $n i32) (result (ref $bytes))
    (array.new_data $bytes $d (local.get $at) (local.get $n)))
  (func (export "from_elem") (param $at i32) (result (ref $nodes))
    (array.new_elem $nodes $e (local.get $at) (i32.const 2))))
