// Fusing an integer result with the operator that consumes it, by redoing the last instructions:
// - `x & m` tested against zero (eqz, eq/ne 0, or a condition of if/br_if/select, through
//   i32.wrap_i64 too) becomes one `test x, m` instead of `mov t, x; and t, m; test t, t`;
// - `x * k` (an lea `[x + x*s]`) followed by `+ c` becomes one `lea t, [x + x*s + c]`.
// The producer records what it emitted; a consumer that finds the code unchanged since (no other
// instruction, no label bound in it) rewinds it and emits the fused instruction in its place,
// at the same point of the program, so every register it reads still holds what it held there.

import { type Gpr, GPR8, GPR32, GPR64, type Mem, mem, resize, withSize } from '../../x64/index.ts';
import { type FunctionCompiler, I64, operandIsMem } from '../functionCompiler.ts';
import { Loc, type Value } from '../valueStack.ts';

// #region fusable
/** The last integer result that a consumer may fuse with (see FunctionCompiler.fusable). */
export type Fusable =
  | {
      readonly kind: 'and';
      /** The register holding the result, and where its code starts and ends. */
      readonly reg: number; readonly start: number; readonly end: number;
      /** The and's operands as they were read: x (the value copied into the result) and m. */
      readonly x: Gpr | Mem; readonly m: Gpr | Mem | number;
    }
  | {
      readonly kind: 'lea';
      readonly reg: number; readonly start: number; readonly end: number;
      readonly type: number; readonly base: number; readonly index: number; readonly scale: 1 | 2 | 4 | 8; readonly disp: number;
    };
// #endregion fusable

/** Is v the result of the fusable code that ends here, and may that code be redone? */
function fusable(fc: FunctionCompiler, v: Value): Fusable | null {
  const f = fc.fusable;
  if (f === null || v.loc !== Loc.Reg || v.n !== f.reg || fc.asm.offset !== f.end || !fc.asm.canRewind(f.start)) return null;
  return f;
}

function rewindTo(fc: FunctionCompiler, start: number): void {
  fc.asm.rewind(start);
  fc.rewindNotes(start);
  fc.forgetLastInstruction();
  fc.fusable = null;
}

// #region fuse-test
/**
 * If v is an `and` result just computed, set ZF from `x & m` at v's width (`test`) in its place
 * and return true; only ZF is meaningful after it (the callers test zero/nonzero).
 */
export function fuseTest(fc: FunctionCompiler, v: Value): boolean {
  const f = fusable(fc, v);
  if (f === null || f.kind !== 'and') return false;
  const wide = v.type === I64;
  let x = f.x, m = f.m;
  if (typeof m === 'object' && operandIsMem(m)) {
    if (operandIsMem(x)) return false;
    [x, m] = [m, x]; // test is commutative: the memory operand goes first
  }
  rewindTo(fc, f.start);
  // The and's result is never computed: its register is free again once the test has read it.
  fc.regs.release(f.reg);
  const asm = fc.asm;
  if (typeof m === 'number') {
    // The narrowest test that sees every bit of the mask: a byte for 0..255, 32 bits for any
    // other mask whose 64-bit form has a clear upper half.
    if (m >= 0 && m <= 255) return asm.test(operandIsMem(x) ? withSize(x, 8) : GPR8[x.num]!, m), true;
    const w = wide && m < 0 ? 64 : 32;
    asm.test(operandIsMem(x) ? withSize(x, w) : resize(x, w), m);
    return true;
  }
  const w = wide ? 64 : 32;
  asm.test(operandIsMem(x) ? withSize(x, w) : resize(x, w), resize(m as Gpr, w));
  return true;
}
// #endregion fuse-test

/** Record `and` code that computed x & m into register r (from `start` to here). */
export function recordAnd(fc: FunctionCompiler, r: number, start: number, x: Gpr | Mem | null, m: Gpr | Mem | number): void {
  fc.fusable = x === null ? null : { kind: 'and', reg: r, start, end: fc.asm.offset, x, m };
}

// #region lea
/** dst = base + index*scale + disp as one lea at the type's width; recorded for a later `+ c`. */
export function emitLea(fc: FunctionCompiler, type: number, dst: number, base: number, index: number, scale: 1 | 2 | 4 | 8, disp: number): void {
  const start = fc.asm.offset;
  const regs = type === I64 ? GPR64 : GPR32;
  fc.asm.lea(regs[dst]!, mem(GPR64[base]!, disp, GPR64[index]!, scale));
  if (type !== I64) fc.markZeroExtended(dst);
  fc.fusable = { kind: 'lea', reg: dst, start, end: fc.asm.offset, type, base, index, scale, disp };
}

/** If v is an lea result just computed, add c to its displacement (true) instead of an `add`. */
export function foldAddIntoLea(fc: FunctionCompiler, v: Value, c: number): boolean {
  const f = fusable(fc, v);
  if (f === null || f.kind !== 'lea' || f.type !== v.type) return false;
  const disp = f.disp + c;
  if (v.type === I64 ? disp < -0x80000000 || disp > 0x7fffffff : false) return false;
  rewindTo(fc, f.start);
  emitLea(fc, f.type, f.reg, f.base, f.index, f.scale, v.type === I64 ? disp : disp | 0);
  return true;
}
// #endregion lea
