;; text: wasm-tools
;; Wide arithmetic: i64.add128 is add then adc on the two halves (sub128: sub then sbb), every
;; operand put in place before the add so nothing clobbers the carry between them; a constant
;; half is an immediate. The widening multiplies take one factor in rax and leave the 128-bit
;; product in rdx:rax, which are the two results (low in rax, high in rdx): no moves after it.
(module
  (func (export "add128") (param i64 i64 i64 i64) (result i64 i64)
    (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "sub128_const") (param i64 i64) (result i64 i64)
    (i64.sub128 (local.get 0) (local.get 1) (i64.const 1) (i64.const 0)))
  (func (export "mul_wide_s") (param i64 i64) (result i64 i64)
    (i64.mul_wide_s (local.get 0) (local.get 1)))
  (func (export "mul_wide_u_high") (param i64 i64) (result i64)
    ;; The high half of the unsigned product: the low one dropped.
    (i64.mul_wide_u (local.get 0) (local.get 1))
    (local.set 1)
    (drop)
    (local.get 1)))
