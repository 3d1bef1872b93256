;; Tail calls: the frame goes (add rsp / pop rbp), then a jmp. Stack arguments are parked in
;; slots, then copied into the incoming area; return_call_indirect jumps when the callee is of
;; this instance. A callee needing more stack arguments than arrived, or of another instance (an
;; import's record, or a table's), goes through a return thunk: the arguments staged below the
;; frame, the thunk frame laid (or the one there kept), the arguments copied under it, the thunk
;; for their size as the return address, then a jmp.
(module
  (import "env" "log" (func $log (param i32) (result i32)))
  (import "env" "log8" (func $log8 (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (type $ii (func (param i64) (result i64)))
  (table 2 funcref)
  (func $even (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))
  (func $rotate (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (return_call $rotate (local.get 7) (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6)))
  (func $indirect (param i64 i32) (result i64)
    (return_call_indirect (type $ii) (local.get 0) (local.get 1)))
  (func $pair (param i32) (result i32 i64)
    (return_call $pair (i32.sub (local.get 0) (i32.const 1))))
  (func $grows (result i32)
    (return_call $rotate (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 8)))
  (func $host (param i32) (result i32)
    (return_call $log (local.get 0)))
  (func $hostGrows (param i32) (result i32)
    (return_call $log8 (local.get 0) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6) (i32.const 7) (local.get 0)))
  ;; One stack argument arrived (a frame pointer), three go: our caller's rbp back before the thunk frame.
  (func $fromStack (param i32 i32 i32 i32 i32 i32 i32) (result i32)
    (return_call $wide (local.get 6) (local.get 5) (local.get 4) (local.get 3) (local.get 2) (local.get 1) (local.get 0)
      (i32.const 8) (i32.const 9) (i32.const 10)))
  (func $wide (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32) (local.get 9)))
