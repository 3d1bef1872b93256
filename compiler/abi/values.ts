// How wasm values look in machine registers and in 8-byte slots (stack arguments, return
// areas, the runtime's argument buffers, global cells, table elements).

// #region value-representation
/**
 * - i32: low 4 bytes of the register or slot; the upper 4 bytes are undefined for arguments
 *   and results (as after a 32-bit `mov`), so a callee must not rely on them.
 * - i64: all 8 bytes.
 * - f32: low 4 bytes of the xmm register or slot (raw IEEE bits, NaN payloads kept).
 * - f64: low 8 bytes of the xmm register, or the whole slot.
 * - funcref: address of the function's FuncRef record (see FUNCREF), 0 for null.
 * - externref: an opaque 64-bit handle the runtime maps to a JS value; 0 is null.
 */
export const NULL_REF = 0;
// #endregion value-representation
