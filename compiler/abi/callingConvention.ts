// The internal calling convention of generated code, as data: which register or stack
// slot each parameter and result of a wasm function type lives in at a call.
// The code generator follows it for every call; the runtime's adapters, import stubs and
// builtin stubs follow it too. Registers are register ids (registers.ts), so this module
// depends on no assembler. Runs in the browser.

import { ValType, type FuncType } from '../binary/types.ts';
import { Reg, type RegId } from './registers.ts';

// #region pinned-registers
/** Holds the VMContext of the running instance in all wasm code (preserved across calls). */
export const VMCTX_REG: RegId = Reg.r15;
/** Holds the linear-memory base of the running instance (memory never moves; preserved across calls). */
export const MEMORY_BASE_REG: RegId = Reg.r14;
// #endregion pinned-registers

// #region calling-convention
/** Integer-class parameters (i32, i64, funcref, externref), in order. Same order as SysV. */
export const INT_PARAM_REGS: readonly RegId[] = [Reg.rdi, Reg.rsi, Reg.rdx, Reg.rcx, Reg.r8, Reg.r9];
/** Float parameters (f32, f64), in order. Same as SysV. */
export const FLOAT_PARAM_REGS: readonly RegId[] = [Reg.xmm0, Reg.xmm1, Reg.xmm2, Reg.xmm3, Reg.xmm4, Reg.xmm5, Reg.xmm6, Reg.xmm7];
/** The first result, by class. Further results go to the return area. */
export const INT_RESULT_REG: RegId = Reg.rax;
export const FLOAT_RESULT_REG: RegId = Reg.xmm0;
// Preserved by every callee (besides rsp): the two pinned registers, and rbp when a function
// uses it as a frame pointer. Every other GPR and every xmm register is clobbered by a call.
/** rsp is a multiple of this at every call instruction (so calls out to C need no realignment). */
export const STACK_ALIGNMENT = 16;
/** Each stack argument and each return-area slot takes 8 bytes, whatever its type, but a v128's 16. */
export const SLOT_SIZE = 8;
// #endregion calling-convention

/** Bytes a value of type t takes in a stack argument, the return area or the runtime's buffers. */
export const slotBytes = (t: ValType): number => (t === ValType.v128 ? 16 : SLOT_SIZE);

/** A v128 travels as a float does: in the next xmm register, or on the stack (in 16 bytes). */
export type ValueClass = 'int' | 'float';

export function valueClass(t: ValType): ValueClass {
  if (t === ValType.f32 || t === ValType.f64 || t === ValType.v128) return 'float';
  return 'int';
}

/**
 * Where each of `types` lies in the runtime's argument and result buffers (the entry adapter's,
 * the call-out stub's): one after the other, 8 bytes each, 16 for a v128. Without a v128, value
 * i is at 8i.
 */
export function bufferOffsets(types: readonly ValType[]): number[] {
  let at = 0;
  return types.map((t) => {
    const offset = at;
    at += slotBytes(t);
    return offset;
  });
}

/** Where one parameter travels. */
export type ArgLocation =
  | { readonly kind: 'gpr'; readonly reg: RegId }
  | { readonly kind: 'xmm'; readonly reg: RegId }
  /**
   * On the stack: at `[rsp + offset]` just before the call instruction (so at `[rsp + 8 + offset]`
   * in the callee on entry). Stack arguments are in parameter order, the first at the lowest
   * address, each in an 8-byte slot (exactly as SysV places them). The caller reserves
   * `stackBytes` (a multiple of 16) and removes them after the call.
   */
  | { readonly kind: 'stack'; readonly offset: number };

/** Where the results come back. */
export type ResultLocation =
  | { readonly kind: 'gpr'; readonly reg: RegId }
  | { readonly kind: 'xmm'; readonly reg: RegId }
  /** In the return area, at `[area + offset]`; results 1.. take 8-byte slots in order (16 bytes for a v128). */
  | { readonly kind: 'returnArea'; readonly offset: number };

// #region signature-layout
export interface SignatureLayout {
  /** One location per parameter, in order. */
  readonly params: readonly ArgLocation[];
  /**
   * Where the address of the return area travels: an extra integer-class argument after
   * the params. Absent when the function has at most one result.
   */
  readonly returnAreaPointer?: ArgLocation;
  /** One location per result: the first in rax/xmm0, the others in the return area. */
  readonly results: readonly ResultLocation[];
  /** Bytes of stack arguments the caller reserves below its rsp (rounded up to 16). */
  readonly stackBytes: number;
  /** Size of the return area the caller provides (8 bytes per result after the first, 16 per v128). */
  readonly returnAreaBytes: number;
}

/** The locations of a function type's parameters and results under the internal convention. */
export function signatureLayout(type: FuncType): SignatureLayout {
  let ints = 0;
  let floats = 0;
  let stack = 0;
  const place = (t: ValType): ArgLocation => {
    const cls = valueClass(t);
    if (cls === 'int' && ints < INT_PARAM_REGS.length) return { kind: 'gpr', reg: INT_PARAM_REGS[ints++]! };
    if (cls === 'float' && floats < FLOAT_PARAM_REGS.length) return { kind: 'xmm', reg: FLOAT_PARAM_REGS[floats++]! };
    const loc: ArgLocation = { kind: 'stack', offset: stack };
    stack += slotBytes(t);
    return loc;
  };
  const params = type.params.map(place);
  const returnAreaPointer = type.results.length > 1 ? place(ValType.i64) : undefined;
  let area = 0;
  const results: ResultLocation[] = type.results.map((t, i) => {
    if (i === 0) return valueClass(t) === 'int' ? { kind: 'gpr', reg: INT_RESULT_REG } : { kind: 'xmm', reg: FLOAT_RESULT_REG };
    const loc: ResultLocation = { kind: 'returnArea', offset: area };
    area += slotBytes(t);
    return loc;
  });
  return {
    params,
    ...(returnAreaPointer ? { returnAreaPointer } : {}),
    results,
    stackBytes: Math.ceil(stack / STACK_ALIGNMENT) * STACK_ALIGNMENT,
    returnAreaBytes: area,
  };
}
// #endregion signature-layout
