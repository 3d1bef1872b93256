;; Binary trees on GC's structs: allocate complete trees of depth 4, 6, ... up to a maximum, many
;; of the small ones, walk each to count its nodes, drop it; keep one long-lived tree throughout.
;; Almost all time is allocation and collection. bench/gc-binary-trees.ts runs it beside the same
;; program in C (binary-trees.c, malloc and free).
(module
  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))

  (func $make (param $depth i32) (result (ref $node))
    (if (result (ref $node)) (local.get $depth)
      (then
        (struct.new $node
          (call $make (i32.sub (local.get $depth) (i32.const 1)))
          (call $make (i32.sub (local.get $depth) (i32.const 1)))))
      (else (struct.new $node (ref.null $node) (ref.null $node)))))

  (func $check (param $t (ref $node)) (result i32)
    (local $l (ref null $node))
    (local.set $l (struct.get $node $left (local.get $t)))
    (if (result i32) (ref.is_null (local.get $l))
      (then (i32.const 1))
      (else
        (i32.add (i32.const 1)
          (i32.add
            (call $check (ref.as_non_null (local.get $l)))
            (call $check (ref.as_non_null (struct.get $node $right (local.get $t)))))))))

  ;; The sum of every tree's node count: the result the C program must give too.
  (func (export "run") (param $max i32) (result i64)
    (local $long (ref null $node)) (local $depth i32) (local $i i32) (local $n i32) (local $sum i64)
    (local.set $long (call $make (local.get $max)))
    (local.set $depth (i32.const 4))
    (block $done
      (loop $depths
        (br_if $done (i32.gt_s (local.get $depth) (local.get $max)))
        (local.set $n (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $max) (local.get $depth)) (i32.const 4))))
        (local.set $i (i32.const 0))
        (loop $trees
          (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (call $check (call $make (local.get $depth))))))
          (br_if $trees (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.set $depth (i32.add (local.get $depth) (i32.const 2)))
        (br $depths)))
    (i64.add (local.get $sum) (i64.extend_i32_u (call $check (ref.as_non_null (local.get $long)))))))
