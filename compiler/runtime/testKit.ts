// Helpers for the runtime's own tests: a bare VMContext with a memory, and hand-written
// functions that follow the internal convention, before any code generator exists.

import { ValType, type FuncType, type ModuleInfo } from '../binary/types.ts';
import { signatureLayout, vmContextLayout, VMCTX, type CompiledModule, type ArgLocation } from '../abi/index.ts';
import { encodingOf, type RegId } from '../abi/registers.ts';
import { type Assembler, GPR64, XMM, type Gpr, type Label, type Xmm, qword, rax, rcx, rsp, r14, r15, xmm0 } from '../x64/index.ts';
import { LinearMemory } from './linearMemory.ts';
import type { Runtime } from './runtime.ts';
import { SlotViews } from './runtimeState.ts';

const gpr = (id: RegId): Gpr => GPR64[encodingOf(id)]!;
const xmm = (id: RegId): Xmm => XMM[encodingOf(id)]!;

/** Where the recording functions put their arguments and find their results, in memory. */
export const ARGS_AT = 0;
export const RESULTS_AT = 16 * 1024;
export const MARK_AT = 32 * 1024;

/** A VMContext with one page of memory and `imports` imported-function slots. */
export class BareInstance {
  readonly vmctx: number;
  readonly memory = new LinearMemory(1, 1);
  readonly layout;
  private readonly view: DataView;
  constructor(runtime: Runtime, imports = 0) {
    this.layout = vmContextLayout({ importedFunctions: imports, functions: imports, types: 0, tables: 0, globals: 0 });
    this.vmctx = runtime.native.mmap(this.layout.size, 3);
    this.view = new DataView(runtime.native.view(this.vmctx, this.layout.size));
    this.set(VMCTX.MEMORY_BASE, this.memory.base);
    this.set(VMCTX.MEMORY_SIZE, this.memory.byteLength);
    this.set(VMCTX.STACK_LIMIT, runtime.stackLimit);
    this.set(VMCTX.TRAP_HANDLER, runtime.trapHandler);
    this.set(VMCTX.TRAP_SITE_HANDLER, runtime.trapSiteHandler);
  }
  set(offset: number, value: number): void {
    this.view.setBigUint64(offset, BigInt(value), true);
  }
  setImport(i: number, address: number): void {
    this.set(this.layout.importedFunction(i), address);
  }
  /** 8-byte slots over the memory starting at `at`. */
  slots(at: number): SlotViews {
    return new SlotViews(this.memory.arrayBuffer, at);
  }
}

/** The stack-limit check every function starts with. */
export function prologue(asm: Assembler, stackTrap: Label): void {
  asm.cmp(rsp, qword(r15, VMCTX.STACK_LIMIT));
  asm.jcc('b', stackTrap);
}

function storeArg(asm: Assembler, loc: ArgLocation, to: number, incoming: number): void {
  if (loc.kind === 'gpr') asm.mov(qword(r14, to), gpr(loc.reg));
  else if (loc.kind === 'xmm') asm.movsd(qword(r14, to), xmm(loc.reg));
  else {
    asm.mov(rax, qword(rsp, incoming + loc.offset));
    asm.mov(qword(r14, to), rax);
  }
}

/**
 * A function of type `type` that stores its arguments in memory at ARGS_AT (slot i = param i)
 * and returns the values it finds at RESULTS_AT (slot i = result i).
 */
export function emitRecorder(asm: Assembler, type: FuncType, stackTrap: Label): Label {
  const layout = signatureLayout(type);
  const start = asm.here();
  prologue(asm, stackTrap);
  layout.params.forEach((loc, i) => storeArg(asm, loc, ARGS_AT + i * 8, 8));
  const area = layout.returnAreaPointer;
  if (area) {
    if (area.kind === 'gpr') asm.mov(rcx, gpr(area.reg));
    else if (area.kind === 'stack') asm.mov(rcx, qword(rsp, 8 + area.offset));
    layout.results.forEach((loc, i) => {
      if (loc.kind !== 'returnArea') return;
      asm.mov(rax, qword(r14, RESULTS_AT + i * 8));
      asm.mov(qword(rcx, loc.offset), rax);
    });
  }
  const first = layout.results[0];
  if (first?.kind === 'gpr') asm.mov(rax, qword(r14, RESULTS_AT));
  else if (first?.kind === 'xmm') asm.movsd(xmm0, qword(r14, RESULTS_AT));
  asm.ret();
  return start;
}

/**
 * A function of type `type` that calls imported function `importIndex` (same type) with its own
 * arguments and return area, then writes a mark through r14 (proving r14 came back) and returns
 * what the import returned.
 */
export function emitForwarder(asm: Assembler, type: FuncType, importOffset: number, stackTrap: Label): Label {
  const layout = signatureLayout(type);
  const start = asm.here();
  prologue(asm, stackTrap);
  const frame = layout.stackBytes + 8;
  asm.sub(rsp, frame);
  for (let off = 0; off < layout.stackBytes; off += 8) {
    asm.mov(rax, qword(rsp, frame + 8 + off));
    asm.mov(qword(rsp, off), rax);
  }
  asm.call(qword(r15, importOffset));
  asm.mov(qword(r14, MARK_AT), 0x5a5a);
  asm.add(rsp, frame);
  asm.ret();
  return start;
}


export const TYPES = [ValType.i32, ValType.i64, ValType.f32, ValType.f64, ValType.externref] as const;

export function randomValue(type: number, next: () => number): unknown {
  switch (type) {
    case ValType.i32: return (next() * 0x100000000) | 0;
    case ValType.i64: return BigInt.asIntN(64, (BigInt(Math.floor(next() * 0x100000000)) << 32n) | BigInt(Math.floor(next() * 0x100000000)));
    case ValType.f32: return Math.fround((next() - 0.5) * 1e6);
    case ValType.f64: return (next() - 0.5) * 1e300;
    default: return next() < 0.2 ? null : { tag: next() };
  }
}

/**
 * A compiled module made of hand-assembled code: function k of `offsets` starts at offsets[k]
 * and has index firstFuncIndex + k (after the imported functions). No relocations, no trap sites.
 */
export function handAssembled(info: ModuleInfo, code: Uint8Array, offsets: number[], firstFuncIndex: number): CompiledModule {
  return {
    info,
    code,
    functions: offsets.map((offset, k) => ({ funcIndex: firstFuncIndex + k, offset, size: 0, prefix: 0 })),
    relocations: [],
    trapSites: new Int32Array(0),
  };
}
