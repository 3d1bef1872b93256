// Vector loads and stores: whole v128s (movups: linear memory need not be aligned), 64 bits
// widened to lanes (pmovsx/pmovzx read memory directly), one lane splatted or loaded alone, and
// single lanes loaded into a vector or stored from it. Addresses and bounds checks are the
// scalar accesses' (ops/memory.ts, effectiveAddress), with the access's size.

import { GPR64, type Mem, mem, type MemSize } from '../../x64/index.ts';
import type { FunctionCompiler } from '../functionCompiler.ts';
import { boundOf } from './valueBounds.ts';
import { effectiveAddress } from './memory.ts';
import { newVector, pushVector, SCRATCH_X, vectorRegister, vectorTemp } from './simd.ts';

/** The bounds-checked operand of an access of `bytes` at the popped address plus `offset`. */
function access(fc: FunctionCompiler, offset: number, bytes: number, memory: number): Mem {
  const a = fc.pop();
  const { base, index, disp } = effectiveAddress(fc, a, boundOf(fc, a, fc.stack.height), offset, bytes, memory);
  return mem(GPR64[base]!, disp, index >= 0 ? GPR64[index]! : null, 1, (8 * bytes) as MemSize);
}

// #region vector-loads
/** What a vector load does, read off its name once: how many bytes, and how they become a v128. */
interface VectorLoad {
  readonly kind: 'whole' | 'extend' | 'splat' | 'zero';
  readonly bytes: number;
  /** The pmovsx/pmovzx of an extending load. */
  readonly extend: string;
}
const LOADS = new Map<string, VectorLoad>();
function loadOf(name: string): VectorLoad {
  let l = LOADS.get(name);
  if (l !== undefined) return l;
  const op = name.slice(5); // after "v128."
  const widening = /^load(8|16|32)x\d_([su])$/.exec(op);
  const single = /^load(8|16|32|64)_(splat|zero)$/.exec(op);
  if (op === 'load') l = { kind: 'whole', bytes: 16, extend: '' };
  else if (widening) l = { kind: 'extend', bytes: 8, extend: `pmov${widening[2] === 's' ? 's' : 'z'}x${{ 8: 'bw', 16: 'wd', 32: 'dq' }[widening[1] as '8']}` };
  else if (single) l = { kind: single[2] as 'splat' | 'zero', bytes: Number(single[1]) / 8, extend: '' };
  else throw new Error(`codegen: ${name} is not a vector load`);
  LOADS.set(name, l);
  return l;
}

/** Every v128 load, by its name: v128.load, load8x8_s ..., load8_splat ..., load32_zero, load64_zero. */
export function vectorLoad(fc: FunctionCompiler, name: string, offset: number, memory = 0): void {
  const { kind, bytes, extend } = loadOf(name);
  fc.protectFlags(1);
  const asm = fc.asm;
  const m = access(fc, offset, bytes, memory);
  const dst = newVector(fc);
  if (kind === 'whole') asm.movups(dst, m);
  else if (kind === 'extend') asm.emit(extend, dst, m);
  else if (kind === 'zero') {
    if (bytes === 4) asm.movss(dst, m); // the other lanes cleared
    else asm.movq(dst, m);
  }
  if (kind !== 'splat') return pushVector(fc, dst);
  switch (bytes) {
    case 1:
      asm.emit('pinsrb', dst, m, 0);
      asm.emit('pxor', SCRATCH_X, SCRATCH_X);
      asm.emit('pshufb', dst, SCRATCH_X);
      break;
    case 2:
      asm.emit('pinsrw', dst, m, 0);
      asm.emit('pshuflw', dst, dst, 0);
      asm.emit('pshufd', dst, dst, 0);
      break;
    case 4:
      asm.movss(dst, m);
      asm.emit('shufps', dst, dst, 0);
      break;
    default:
      asm.movq(dst, m);
      asm.emit('movlhps', dst, dst);
  }
  pushVector(fc, dst);
}

/** v128.store. */
export function vectorStore(fc: FunctionCompiler, offset: number, memory = 0): void {
  fc.protectFlags(2);
  const v = fc.pop();
  const x = vectorRegister(fc, v);
  fc.asm.movups(access(fc, offset, 16, memory), x);
}
// #endregion vector-loads

// #region lane-accesses
/** The bytes a lane access moves, from its name (v128.load16_lane: 2). */
const laneBytes = (name: string): number => LANE_BYTES[/\d+/.exec(name.slice(5))![0]]!;
const LANE_BYTES: Record<string, number> = { 8: 1, 16: 2, 32: 4, 64: 8 };
const INSERT = ['', 'pinsrb', 'pinsrw', '', 'pinsrd', '', '', '', 'pinsrq'];
const EXTRACT = ['', 'pextrb', 'pextrw', '', 'pextrd', '', '', '', 'pextrq'];

/** v128.loadN_lane: lane `lane` of the vector on top replaced from memory. */
export function loadLane(fc: FunctionCompiler, name: string, offset: number, lane: number, memory = 0): void {
  const bytes = laneBytes(name);
  fc.protectFlags(2);
  const v = fc.pop();
  const dst = vectorTemp(fc, v);
  const m = access(fc, offset, bytes, memory);
  fc.asm.emit(INSERT[bytes]!, dst, m, lane);
  pushVector(fc, dst);
}

/** v128.storeN_lane: lane `lane` of the vector on top to memory. */
export function storeLane(fc: FunctionCompiler, name: string, offset: number, lane: number, memory = 0): void {
  const bytes = laneBytes(name);
  fc.protectFlags(2);
  const v = fc.pop();
  const x = vectorRegister(fc, v);
  const m = access(fc, offset, bytes, memory);
  fc.asm.emit(EXTRACT[bytes]!, m, x, lane);
}
// #endregion lane-accesses
