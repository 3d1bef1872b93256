// Allocating a GC object inline: a bump of the thread's allocation region (abi GC_REGION: TOP and
// LIMIT in the runtime's state block), a header store and the object's start bit, a few instructions (for an array of a
// run-time length, a check of the length and the size's computation before); only when the region
// is exhausted (or the heap wants to see every allocation: stress, no region yet) does the code
// call the allocating builtin, from a slow path placed after the function's body.
//
// The slow path is a call where the operator's code has none: values stay in registers across it
// (the value stack is not spilled, locals are not saved), so it saves every register that may hold
// one on the wasm stack and restores them after. That is also what keeps the collector right: the
// builtin may collect, and a reference that was in a register is then a word of the wasm stack,
// which the conservative scan sees (compiler/runtime/gcRoots.ts).

import { GC_HEADER, GC_REGION, INLINE_OBJECT_MAX, OBJECT_ALIGN, OBJECT_KIND_ARRAY, OBJECT_KIND_STRUCT } from '../../abi/gcObjects.ts';
import { encodingOf, GcBuiltin, INT_PARAM_REGS, regBit, type RegId, TrapCode, VMCTX, VMCTX_REG, XMM_BASE } from '../../abi/index.ts';
import { dword, GPR32, GPR64, qword, rsp, xmmword } from '../../x64/index.ts';
import { type FunctionCompiler, GPR, xmm } from '../functionCompiler.ts';
import { SCRATCH, SCRATCH2 } from '../registerAllocator.ts';

const VMCTX_BASE = GPR64[encodingOf(VMCTX_REG)]!;
const STATE = GPR64[SCRATCH]!;
const END = GPR64[SCRATCH2]!;
const RESULT_REG = GPR64[0]!; // rax: the builtin's result

/** An object to make inline: a struct, or an array of a constant length or one in a register. */
export interface InlineObject {
  /** The module's type index. */
  readonly type: number;
  readonly kind: 'struct' | 'array';
  /** An array's length (0 for a struct), or the general register holding it (as `{ reg }`: a u32, zero-extended). */
  readonly length: number | { readonly reg: RegId };
  /** Its bytes, header included (a multiple of OBJECT_ALIGN, at most INLINE_OBJECT_MAX); for a length in a register, its element size. */
  readonly bytes: number;
}

// #region gc-inline-allocation
/**
 * A new zeroed object with its header written, in a general register of its own (held), made
 * inline: `TOP + bytes` against LIMIT, TOP bumped, the header stored (the region's memory beyond
 * TOP is zero), its bit set in the start bitmap. Otherwise the builtin makes it (structNew, or arrayNew with the constant length)
 * on the slow path, which comes back to the same place with the object in the same register.
 */
export function allocateInline(fc: FunctionCompiler, o: InlineObject): number {
  const a = fc.asm;
  fc.materializeFlags(); // the cmp below clobbers the flags
  fc.frame.hasCalls = true; // the slow path calls: rsp must be aligned, the stack checked
  const obj = fc.regs.alloc(GPR);
  const OBJ = GPR64[obj]!;
  const slow = a.newLabel();
  const done = a.newLabel();
  a.mov(STATE, qword(VMCTX_BASE, VMCTX.RUNTIME_STATE));
  if (typeof o.length === 'number') {
    a.mov(OBJ, qword(STATE, GC_REGION.TOP));
    a.lea(END, qword(OBJ, o.bytes));
  } else {
    // A length known at run time: small enough to bump (else the builtin decides), then the
    // bytes, 8 + length * size rounded up to OBJECT_ALIGN, added to TOP.
    const size = o.bytes;
    const L = o.length.reg;
    a.cmp(GPR32[L]!, Math.floor((INLINE_OBJECT_MAX - GC_HEADER.SIZE) / size));
    a.jcc('a', slow);
    if (size === 16) {
      a.mov(END, GPR64[L]!);
      a.shl(END, 4);
      a.add(END, GC_HEADER.SIZE + OBJECT_ALIGN - 1);
    } else a.lea(END, qword(null, GC_HEADER.SIZE + OBJECT_ALIGN - 1, GPR64[L]!, size as 1 | 2 | 4 | 8));
    a.and(END, -OBJECT_ALIGN);
    a.mov(OBJ, qword(STATE, GC_REGION.TOP));
    a.add(END, OBJ);
  }
  a.cmp(END, qword(STATE, GC_REGION.LIMIT));
  a.jcc('a', slow);
  a.mov(qword(STATE, GC_REGION.TOP), END);
  // The header: the process-wide type id (from the VMContext, as casts read it) and the kind.
  // (END is free again: the 32-bit header goes in its low half, zero-extended.)
  const header = GPR32[SCRATCH2]!;
  a.mov(header, dword(VMCTX_BASE, fc.env.vmctx.typeId(o.type)));
  a.or(header, o.kind === 'struct' ? OBJECT_KIND_STRUCT : OBJECT_KIND_ARRAY);
  if (o.length === 0) a.mov(qword(OBJ, GC_HEADER.TYPE), GPR64[SCRATCH2]!); // the length dword too: 0
  else {
    a.mov(dword(OBJ, GC_HEADER.TYPE), header);
    a.mov(dword(OBJ, GC_HEADER.LENGTH), typeof o.length === 'number' ? o.length : GPR32[o.length.reg]!);
  }
  // Its start bit, so that the heap finds it without walking the region (STATE is free now).
  a.mov(END, OBJ);
  a.shr(END, Math.log2(OBJECT_ALIGN));
  a.mov(STATE, qword(STATE, GC_REGION.STARTS));
  a.bts(qword(STATE, 0), END);
  a.bind(done);
  // Every register that may hold a value now: locals' homes, the value stack's, the operator's.
  const live = fc.regs.busy() & ~regBit(obj);
  const wasmOffset = fc.opOffset;
  const spDelta = fc.frame.spDelta;
  fc.outOfLine.push(() => {
    a.bind(slow);
    emitSlowPath(fc, o, obj, live, spDelta, wasmOffset);
    a.jmp(done);
  });
  return obj;
}
// #endregion gc-inline-allocation

// #region gc-allocation-slow-path
/**
 * Save the registers in `live` on the wasm stack, call the builtin for `o` (its trap site at the
 * operator's `wasmOffset`), take its result into `obj`, restore them. rsp stays a multiple of 16
 * at the call (the frame keeps it so when `spDelta` is 0).
 */
function emitSlowPath(fc: FunctionCompiler, o: InlineObject, obj: RegId, live: number, spDelta: number, wasmOffset: number): void {
  const a = fc.asm;
  const gprs: RegId[] = [];
  const xmms: RegId[] = [];
  for (let r = 0; r < 32; r++) {
    if (live & regBit(r)) (r < XMM_BASE ? gprs : xmms).push(r);
  }
  for (const r of gprs) a.push(GPR64[r]!);
  let area = 16 * xmms.length;
  if ((spDelta + 8 * gprs.length + area) % 16 !== 0) area += 8;
  if (area > 0) a.sub(rsp, area);
  xmms.forEach((r, k) => a.movups(xmmword(rsp, 16 * k), xmm(r)));
  const [typeArg, lengthArg] = [GPR32[INT_PARAM_REGS[0]!]!, GPR32[INT_PARAM_REGS[1]!]!];
  // The length first: its register may be the type's (the saved copy stays on the stack).
  if (o.kind === 'array') a.mov(lengthArg, typeof o.length === 'number' ? o.length : GPR32[o.length.reg]!);
  a.mov(typeArg, o.type);
  a.call(qword(VMCTX_BASE, fc.env.vmctx.gcBuiltin(o.kind === 'struct' ? GcBuiltin.structNew : GcBuiltin.arrayNew)));
  fc.frame.trapSiteHere(TrapCode.outOfMemory, wasmOffset);
  if (obj !== 0) a.mov(GPR64[obj]!, RESULT_REG); // obj is not among the saved registers
  xmms.forEach((r, k) => a.movups(xmm(r), xmmword(rsp, 16 * k)));
  if (area > 0) a.add(rsp, area);
  for (let k = gprs.length - 1; k >= 0; k--) a.pop(GPR64[gprs[k]!]!);
}
// #endregion gc-allocation-slow-path
