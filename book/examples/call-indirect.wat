(module
  (type $binop (func (param i32 i32) (result i32)))
  (type $unop (func (param i32) (result i32)))
  (table $ops 5 funcref)
  (table $more 0 10 funcref)
  ;; slots 0-2 of $ops hold binary operators, 3 a unary one; 4 stays null
  (elem (table $ops) (i32.const 0) func $add $sub $mul $neg)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))
  (func $neg (type $unop) (i32.sub (i32.const 0) (local.get 0)))
  ;; apply operator number $op to $a and $b, through the table
  (func (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect $ops (type $binop) (local.get $a) (local.get $b) (local.get $op)))
  ;; a second table, empty until it grows; every new slot holds $neg
  (func (export "growMore") (param $n i32) (result i32)
    (table.grow $more (ref.func $neg) (local.get $n)))
  (func (export "applyMore") (param $i i32) (param $a i32) (result i32)
    (call_indirect $more (type $unop) (local.get $a) (local.get $i)))
  (func (export "isNull") (param $i i32) (result i32)
    (ref.is_null (table.get $ops (local.get $i)))))
