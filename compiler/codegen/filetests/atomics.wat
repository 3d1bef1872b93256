;; text: wasm-tools
;; threads: atomic accesses. Each is bounds-checked like a plain access, then tested for
;; alignment (the memory's base is page-aligned: the address's low bits decide).
(module
  (memory 1 1 shared)
  ;; A load is a plain mov (x86 loads are acquires); a narrow one zero-extends.
  (func $load (export "load") (param $p i32) (result i32)
    (i32.atomic.load (local.get $p)))
  (func $load8 (export "load8") (param $p i32) (result i64)
    (i64.atomic.load8_u (local.get $p)))
  ;; A store is an xchg with memory: locked, so no later load passes it.
  (func $store (export "store") (param $p i32) (param $v i64)
    (i64.atomic.store offset=8 (local.get $p) (local.get $v)))
  ;; add is lock xadd, sub adds the negation; the old value comes back in the register.
  (func $add (export "add") (param $p i32) (param $v i32) (result i32)
    (i32.atomic.rmw.add (local.get $p) (local.get $v)))
  (func $sub16 (export "sub16") (param $p i32) (param $v i32) (result i32)
    (i32.atomic.rmw16.sub_u offset=2 (local.get $p) (local.get $v)))
  ;; An offset that is not a multiple of the size: the sum's low bits are tested.
  (func $xchg (export "xchg") (param $p i32) (param $v i64) (result i64)
    (i64.atomic.rmw32.xchg_u offset=6 (local.get $p) (local.get $v)))
  ;; or has no locked form that returns the old value: a lock cmpxchg loop.
  (func $or (export "or") (param $p i32) (param $v i64) (result i64)
    (i64.atomic.rmw.or (local.get $p) (local.get $v)))
  (func $cmpxchg8 (export "cmpxchg8") (param $p i32) (param $e i32) (param $r i32) (result i32)
    (i32.atomic.rmw8.cmpxchg_u (local.get $p) (local.get $e) (local.get $r)))
  ;; A constant address: its alignment is known here (16 is; 18 is not, and traps unconditionally).
  (func $const (export "const") (result i32)
    (i32.add (i32.atomic.load (i32.const 16)) (i32.atomic.load (i32.const 18))))
  ;; wait and notify call the runtime, which blocks on the SharedArrayBuffer.
  (func $wait (export "wait") (param $p i32) (param $e i32) (param $t i64) (result i32)
    (memory.atomic.wait32 (local.get $p) (local.get $e) (local.get $t)))
  (func $notify (export "notify") (param $p i32) (result i32)
    (memory.atomic.notify (local.get $p) (i32.const 1)))
  (func $fence (export "fence")
    (atomic.fence)))
