(module
  (memory 1)
  (data (i32.const 0) "\01\00\00\00\02\00\00\00\03\00\00\00")
  ;; the plain case: an address nobody knows anything about
  (func (export "load") (param $address i32) (result i32)
    (i32.load (local.get $address)))
  ;; a constant address inside the memory's minimum size: no check at all
  (func (export "first") (result i32)
    (i32.load offset=4 (i32.const 0)))
  ;; three fields of a record at $p, read nearest first...
  (func (export "sum3") (param $p i32) (result i32)
    (i32.add (i32.add (i32.load (local.get $p))
                      (i32.load offset=4 (local.get $p)))
             (i32.load offset=8 (local.get $p))))
  ;; ...and farthest first
  (func (export "sum3Reversed") (param $p i32) (result i32)
    (i32.add (i32.add (i32.load offset=8 (local.get $p))
                      (i32.load offset=4 (local.get $p)))
             (i32.load (local.get $p)))))
