;; Exception handling: a try_table links its handler record (rsp, rbp, r15, the clauses in the
;; constant pool, the landing pads' table) at the head of the thread's chain; the landing pads
;; sit at its start, jumped over, and put the payload in the slots of their stack positions
;; before branching like a br; falling out of its end, or a branch out, unlinks the record.
;; throw writes the payload into the exception area and calls the runtime.
(module
  (tag $e (param i32 f64))
  (func $thrower (param i32)
    (throw $e (local.get 0) (f64.const 1.5)))
  (func (export "catch") (param $x i32) (result i32)
    (block $h (result i32 f64)
      (try_table (catch $e $h)
        (call $thrower (local.get $x)))
      (return (i32.const -1)))
    (drop))
  (func (export "rethrow") (param $x i32) (result i32)
    (block $out
      (block $r (result exnref)
        (try_table (catch_all_ref $r)
          (br_if $out (local.get $x))
          (call $thrower (local.get $x)))
        (return (i32.const 0)))
      (throw_ref))
    (i32.const 1)))
