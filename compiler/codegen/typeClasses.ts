// What the code generator asks of a value type at nearly every operator: its width, its register
// class, the register that holds it at that width. Re-exported by functionCompiler.ts, where the
// lowerings import them from.
//
// A module of its own for a reason of speed, not of concept: moduleCompiler.ts imports it (after
// valueStack.ts) before anything else, so that in a bundle these bindings come early. V8 gives a
// bundle's top-level bindings context slots in order, and a function that reads a slot past 255
// takes a wide bytecode for it, two bytes more, which counts against what V8 inlines (these are
// read by hundreds of functions: `I32`, `reg`, `classOf`...).

import { ValType } from '../binary/types.ts';
import { RegClass, type RegId } from '../abi/registers.ts';
import { GPR32, GPR64, type Gpr, type Xmm, XMM } from '../x64/index.ts';

export const I32 = ValType.i32;
export const I64 = ValType.i64;
export const F32 = ValType.f32;
export const F64 = ValType.f64;
export const V128 = ValType.v128;
export const GPR = RegClass.gpr;
export const XMM_CLASS = RegClass.xmm;

/**
 * WIDE[type] is 1 for the 64-bit values: i64, f64 and references (addresses or handles). Everything
 * else here is 32-bit. A lookup, where four compares made reg() and sized() too big for V8 to
 * always inline (it does at 27 bytes of bytecode or fewer; reg's is 25): reg() alone was 2.7% of a compile's time.
 */
export const WIDE = new Uint8Array(128);
WIDE[I64] = WIDE[F64] = WIDE[ValType.funcref] = WIDE[ValType.externref] = WIDE[ValType.exnref] = 1;
export const isWide = (type: number): boolean => WIDE[type] === 1;
export const isFloat = (type: number): boolean => type === F32 || type === F64;
/** The register class values of a type live in. */
export const classOf = (type: number): RegClass => CLASS[type] as RegClass;
/** CLASS[type]: the xmm class for f32, f64 and v128, the general-purpose one for the rest (a lookup, as WIDE). */
const CLASS = new Uint8Array(128).fill(RegClass.gpr);
CLASS[F32] = CLASS[F64] = CLASS[V128] = RegClass.xmm;
/** A general-purpose register at the width of an integer type. */
export const reg = (type: number, r: RegId): Gpr => (WIDE[type] ? GPR64 : GPR32)[r]!;
export const xmm = (r: RegId): Xmm => XMM[r & 15]!;
