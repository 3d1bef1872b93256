// array.new_data and array.new_elem inline: the passive segment's bytes are in native memory the
// instance owns, its address and length in the VMContext (abi SEGMENT_ENTRY; the runtime keeps
// the length 0 once the segment is dropped), so the code checks the range against the length,
// makes the array as array.new_default does (ops/gcAllocation.ts: a bump of the allocation
// region, the builtin on the slow path or for a big array) and copies the elements with a loop of
// 8-byte moves (and single bytes for a data segment's last few). An element segment's items are
// reference words of 8 bytes, so its offset and length count 8 bytes each.

import { arrayBytes, fieldSize, GC_HEADER, INLINE_OBJECT_MAX } from '../../abi/gcObjects.ts';
import { SEGMENT_ENTRY, TrapCode, VMCTX_REG, encodingOf } from '../../abi/index.ts';
import { ValType } from '../../binary/types.ts';
import { byte, GPR32, GPR64, GPR8, qword } from '../../x64/index.ts';
import { type FunctionCompiler, GPR } from '../functionCompiler.ts';
import { SCRATCH, SCRATCH2 } from '../registerAllocator.ts';
import { inReg, Loc, type Value } from '../valueStack.ts';
import { allocateInline } from './gcAllocation.ts';

const VMCTX_BASE = GPR64[encodingOf(VMCTX_REG)]!;
const SRC = GPR64[SCRATCH]!;
const BYTES = GPR64[SCRATCH2]!;

/** The popped value `v` in a general register of its own, zero-extended from 32 bits. */
function inOwnU32(fc: FunctionCompiler, v: Value): number {
  let r: number;
  if (v.loc === Loc.Reg) r = v.n; // held by pop
  else fc.loadInto((r = fc.regs.alloc(GPR)), v);
  fc.asm.mov(GPR32[r]!, GPR32[r]!); // the upper half may be stale
  return r;
}

// #region gc-segment-arrays
/**
 * array.new_data (`data`) or array.new_elem of type t from segment `segment`: offset and length
 * on the stack. False, with nothing emitted, when the builtin must do it (an array of a constant
 * length too big to bump, or a VMContext without the segment's entry).
 */
export function arrayNewSegmentInline(fc: FunctionCompiler, t: number, segment: number, data: boolean): boolean {
  const counts = fc.env.vmctx.counts;
  if (!counts.gcHeap || segment >= ((data ? counts.dataSegments : counts.elemSegments) ?? 0)) return false;
  const size = fieldSize(fc.env.module.typeDefs[t]!.fields[0]!.type);
  const unit = data ? 1 : 8; // bytes per unit of the offset
  const top = fc.stack.peek();
  const constant = top.loc === Loc.Const ? top.imm >>> 0 : -1;
  if (constant >= 0 && arrayBytes(constant, size) > INLINE_OBJECT_MAX) return false;
  const a = fc.asm;
  fc.materializeFlags(); // the compare below clobbers the flags
  fc.pop();
  const L = constant < 0 ? inOwnU32(fc, top) : fc.regs.alloc(GPR);
  const S = inOwnU32(fc, fc.pop());
  const entry = fc.env.vmctx.gcSegment(data ? 'data' : 'elem', segment);
  /** BYTES = the elements' bytes: length * size (at most 2^36: no overflow in 64 bits). */
  const elementBytes = () => {
    if (constant >= 0) a.mov(BYTES, constant * size);
    else if (size === 16 || size === 1) {
      a.mov(BYTES, GPR64[L]!);
      if (size === 16) a.shl(BYTES, 4);
    } else a.lea(BYTES, qword(null, 0, GPR64[L]!, size as 1 | 2 | 4 | 8));
  };
  // The range first, as the spec says: offset * unit + bytes (below 2^37) against the segment's
  // length (0 once dropped).
  const [O, N] = [GPR64[S]!, GPR64[L]!];
  if (constant >= 0) a.lea(BYTES, qword(null, constant * size, O, unit as 1 | 8));
  else if (!data) {
    a.lea(BYTES, qword(O, 0, N)); // an element segment: (offset + length) * 8
    a.shl(BYTES, 3);
  } else if (size === 16) {
    elementBytes();
    a.add(BYTES, O);
  } else a.lea(BYTES, qword(O, 0, N, size as 1 | 2 | 4 | 8));
  a.cmp(BYTES, qword(VMCTX_BASE, entry + SEGMENT_ENTRY.BYTES));
  fc.trapIf('a', data ? TrapCode.outOfBoundsMemoryAccess : TrapCode.outOfBoundsTableAccess);
  const obj = constant >= 0
    ? allocateInline(fc, { type: t, kind: 'array', length: constant, bytes: arrayBytes(constant, size) })
    : allocateInline(fc, { type: t, kind: 'array', length: { reg: L }, bytes: size });
  if (constant !== 0) copyElements(fc, obj, S, L, entry, unit, elementBytes, data && size < 8 && (constant < 0 || (constant * size) % 8 !== 0));
  fc.regs.release(S);
  fc.regs.release(L);
  fc.push(inReg(ValType.externref, obj));
  return true;
}

/**
 * Copy the segment's bytes from offset register S (in units) to the new array `obj`'s elements:
 * 8 bytes at a time, then (`tail`) the last 0-7 one at a time. S and L are free to overwrite.
 */
function copyElements(
  fc: FunctionCompiler, obj: number, S: number, L: number, entry: number, unit: number, elementBytes: () => void, tail: boolean,
): void {
  const a = fc.asm;
  const OBJ = GPR64[obj]!, I = GPR64[S]!, T = GPR64[L]!;
  a.mov(SRC, qword(VMCTX_BASE, entry + SEGMENT_ENTRY.BASE)); // after the allocation: its slow path clobbers the scratch registers
  a.lea(SRC, qword(SRC, 0, I, unit as 1 | 8));
  elementBytes();
  a.xor(GPR32[S]!, GPR32[S]!);
  const words = a.newLabel(), wordsCheck = a.newLabel();
  a.jmp(wordsCheck);
  a.bind(words);
  a.mov(T, qword(SRC, 0, I));
  a.mov(qword(OBJ, GC_HEADER.SIZE, I), T);
  a.add(I, 8);
  a.bind(wordsCheck);
  a.lea(T, qword(I, 8));
  a.cmp(T, BYTES);
  a.jcc('be', words);
  if (tail) {
    const bytes = a.newLabel(), bytesCheck = a.newLabel();
    a.jmp(bytesCheck);
    a.bind(bytes);
    a.movzx(GPR32[L]!, byte(SRC, 0, I));
    a.mov(byte(OBJ, GC_HEADER.SIZE, I), GPR8[L]!);
    a.add(I, 1);
    a.bind(bytesCheck);
    a.cmp(I, BYTES);
    a.jcc('b', bytes);
  }
  fc.forgetLastInstruction();
}
// #endregion gc-segment-arrays
