// The machine code the runtime writes itself: the entry/resume/suspend routines and the trap
// handler, the per-signature entry adapters, and the stubs behind imported functions (calls out to JS or a
// builtin, and calls into another instance). Written with the assembler, loaded by CodeMemory.

import { type FuncType, ValType } from '../binary/types.ts';
import { bufferOffsets, EXCEPTION_AREA, EXCEPTION_STATE, RETURN_THUNK, SHARED_MEMORY_AREA, signatureLayout, slotBytes, TrapCode, VMCTX, type ArgLocation } from '../abi/index.ts';
import { encodingOf, type RegId } from '../abi/registers.ts';
import {
  Assembler, GPR64, XMM, type Gpr, type Label, type Xmm, qword, dword, mem, xmmword,
  rax, rcx, rdx, rbx, rbp, rsp, rsi, rdi, r10, r11, r12, r13, r14, r15, eax, ecx, edx, edi, esi, xmm0,
} from '../x64/index.ts';
import { CodeMemory } from './codeMemory.ts';
import { STATE } from './runtimeState.ts';

const gpr = (id: RegId): Gpr => GPR64[encodingOf(id)]!;
const xmm = (id: RegId): Xmm => XMM[encodingOf(id)]!;

/** Assemble, load into executable memory, and return the address of each requested label. */
export function load(build: (asm: Assembler) => Label[]): { code: CodeMemory; addresses: number[] } {
  const asm = new Assembler();
  const labels = build(asm);
  const out = asm.finish();
  if (out.fixups.length) throw new Error('runtime stubs must not need fix-ups');
  const code = new CodeMemory(out.code);
  return { code, addresses: labels.map((l) => code.address + l.offset) };
}

// #region entry-trampoline
/** Status of entry()/resume() when the wasm activation is suspended, asking JS to run a call-out. */
export const STATUS_CALLOUT = 0x4c43;
/** Status of entry()/resume() after a trap-site call: the trap is named by TRAP_RETURN and TRAP_VMCTX. */
export const STATUS_TRAP_SITE = 0x5354;

/**
 * Wasm runs on a stack of its own, not on koffi's (koffi runs each FFI call on its stack and
 * reuses it for the next one). Four routines switch between the two:
 *
 * - `int32 entry(void)` (SysV, through koffi): saves the callee-saved registers on koffi's stack,
 *   notes that rsp in KOFFI_RSP, switches to the wasm stack at WASM_SP, pushes an activation
 *   record (the previous WASM_SP and ENTRY_RSP: activations nest), loads r15/r14 from the
 *   VMContext in CALL_VMCTX and calls the adapter with the function (CALL_FUNC) in r10.
 *   Returns 0 when it returned, a trap code, or STATUS_CALLOUT when suspended.
 * - `suspend` (called by a call-out stub on the wasm stack): pushes rbp/r14/r15, saves rsp in
 *   WASM_SP and returns STATUS_CALLOUT from the running entry()/resume() to JS.
 * - `int32 resume(int32 status)`: switches back to WASM_SP and returns `status` to the stub.
 * - the trap handler, entered by `jmp` with edi = trap code, esi = wasm offset, edx = function
 *   index: records them, drops the activation's frames by resetting rsp to its record, and
 *   finishes the activation like a return.
 * - the trap-site handler, entered by `call` from generated code (VMCTX.TRAP_SITE_HANDLER): records
 *   the return address and r15, which name the trap site, and unwinds the same way.
 */
// #region trampoline-save
export function emitSwitchboard(asm: Assembler, state: number): { entry: Label; resume: Label; suspend: Label; trap: Label; trapSite: Label } {
  const saved = [rbp, rbx, r12, r13, r14, r15];
  const entry = asm.here('entry');
  for (const r of saved) asm.push(r);
  asm.mov(rax, state);
  asm.mov(qword(rax, STATE.KOFFI_RSP), rsp);
  // #endregion trampoline-save
  // #region trampoline-switch
  asm.mov(rcx, qword(rax, STATE.WASM_SP));
  asm.mov(rsp, rcx);
  asm.and(rsp, -16);
  asm.push(rcx); // the activation record: WASM_SP and ENTRY_RSP before it (16 bytes: rsp stays aligned)
  asm.push(qword(rax, STATE.ENTRY_RSP));
  asm.mov(qword(rax, STATE.ENTRY_RSP), rsp);
  // #endregion trampoline-switch
  // #region trampoline-call
  asm.mov(r15, qword(rax, STATE.CALL_VMCTX));
  asm.mov(r10, qword(rax, STATE.CALL_FUNC));
  asm.mov(r14, qword(r15, VMCTX.MEMORY_BASE));
  asm.call(qword(rax, STATE.CALL_ADAPTER));
  asm.xor(eax, eax);
  // #endregion trampoline-call
  // #region trampoline-finish
  const finish = asm.here('finish');
  asm.mov(rcx, state);
  asm.pop(qword(rcx, STATE.ENTRY_RSP));
  asm.pop(qword(rcx, STATE.WASM_SP));
  asm.mov(rsp, qword(rcx, STATE.KOFFI_RSP));
  for (const r of [...saved].reverse()) asm.pop(r);
  asm.ret();
  // #endregion trampoline-finish

  // #region trampoline-suspend-resume
  const suspend = asm.here('suspend');
  asm.push(rbp);
  asm.push(r14);
  asm.push(r15);
  asm.mov(rax, state);
  asm.mov(qword(rax, STATE.WASM_SP), rsp);
  asm.mov(rsp, qword(rax, STATE.KOFFI_RSP));
  for (const r of [...saved].reverse()) asm.pop(r);
  asm.mov(eax, STATUS_CALLOUT);
  asm.ret();

  const resume = asm.here('resume');
  for (const r of saved) asm.push(r);
  asm.mov(rax, state);
  asm.mov(qword(rax, STATE.KOFFI_RSP), rsp);
  asm.mov(rsp, qword(rax, STATE.WASM_SP));
  asm.pop(r15);
  asm.pop(r14);
  asm.pop(rbp);
  asm.mov(eax, edi);
  asm.ret(); // into the call-out stub, after its call to suspend
  // #endregion trampoline-suspend-resume

  // #region trampoline-trap
  const trap = asm.here('trap');
  const land = asm.newLabel();
  asm.cmp(edi, TrapCode.caught);
  asm.jcc('e', land);
  asm.mov(rax, state);
  asm.mov(dword(rax, STATE.TRAP_CODE), edi);
  asm.mov(dword(rax, STATE.TRAP_OFFSET), esi);
  asm.mov(dword(rax, STATE.TRAP_FUNC), edx);
  asm.mov(rsp, qword(rax, STATE.ENTRY_RSP));
  asm.mov(eax, edi);
  asm.jmp(finish);
  // #endregion trampoline-trap

  // #region trampoline-land
  // Not a trap: a handler of the running activation caught an exception (runtime/exceptions.ts
  // prepared the landing): continue at its pad with the try_table's frame.
  asm.bind(land);
  const area = EXCEPTION_STATE.AREA;
  asm.mov(rax, state);
  asm.mov(rsp, qword(rax, area + EXCEPTION_AREA.RSP));
  asm.mov(rbp, qword(rax, area + EXCEPTION_AREA.RBP));
  asm.mov(r15, qword(rax, area + EXCEPTION_AREA.VMCTX));
  asm.mov(r14, qword(r15, VMCTX.MEMORY_BASE));
  asm.jmp(qword(rax, area + EXCEPTION_AREA.PC));
  // #endregion trampoline-land

  // #region trampoline-trap-site
  const trapSite = asm.here('trapSite');
  asm.mov(rax, state);
  asm.pop(qword(rax, STATE.TRAP_RETURN));
  asm.mov(qword(rax, STATE.TRAP_VMCTX), r15);
  asm.mov(rsp, qword(rax, STATE.ENTRY_RSP));
  asm.mov(eax, STATUS_TRAP_SITE);
  asm.jmp(finish);
  return { entry, resume, suspend, trap, trapSite };
}
// #endregion trampoline-trap-site
// #endregion entry-trampoline

// #region shared-memory-refresh
/**
 * threads: the routine a failed bounds check calls in a module with a shared memory (compiler/abi:
 * SHARED_MEMORY_AREA), with rax = the VMContext's shared-memory area. For each memory with a size
 * word, a copy of the size in the VMContext below the word is raised to it (memory 0's bounds
 * beside it too). Returns when a copy grew (the check is made again), with every register but
 * rax (which the caller saved) as it was; else the check's trap: the return address on the stack
 * is its trap site.
 */
export function emitSharedMemoryRefresh(asm: Assembler): Label {
  const A = SHARED_MEMORY_AREA;
  const start = asm.here('sharedMemoryRefresh');
  const saved = [rcx, rdx, rsi, rdi];
  for (const r of saved) asm.push(r);
  asm.xor(esi, esi); // a copy grew
  asm.mov(rcx, qword(rax, A.COUNT));
  asm.add(rax, A.ENTRIES);
  const loop = asm.here('entry');
  const next = asm.newLabel('next');
  const done = asm.newLabel('done');
  asm.test(rcx, rcx);
  asm.jcc('z', done);
  asm.mov(rdx, qword(rax, A.WORD));
  asm.test(rdx, rdx);
  asm.jcc('z', next); // not a shared memory
  asm.mov(rdx, qword(rdx, 0)); // the size, as the last grow left it
  asm.mov(rdi, qword(rax, A.SIZE_FIELD));
  asm.cmp(rdx, mem(r15, 0, rdi, 1, 64));
  asm.jcc('be', next);
  asm.mov(mem(r15, 0, rdi, 1, 64), rdx);
  asm.mov(esi, 1);
  asm.cmp(rdi, VMCTX.MEMORY_SIZE);
  asm.jcc('ne', next);
  asm.lea(rdi, qword(rdx, -4));
  asm.mov(qword(r15, VMCTX.MEMORY_BOUND_4), rdi);
  asm.lea(rdi, qword(rdx, -8));
  asm.mov(qword(r15, VMCTX.MEMORY_BOUND_8), rdi);
  asm.bind(next);
  asm.add(rax, A.ENTRY_BYTES);
  asm.dec(rcx);
  asm.jmp(loop);
  asm.bind(done);
  asm.test(esi, esi);
  for (const r of [...saved].reverse()) asm.pop(r); // (pop leaves the flags)
  const trap = asm.newLabel('trap');
  asm.jcc('z', trap);
  asm.ret();
  asm.bind(trap);
  asm.jmp(qword(r15, VMCTX.TRAP_SITE_HANDLER));
  return start;
}
// #endregion shared-memory-refresh

/** Move one value of `bytes` (8, or 16 for a v128) from the buffer slot `from` to where `loc` says. */
function loadArg(asm: Assembler, loc: ArgLocation, from: ReturnType<typeof mem>, stackBase: Gpr, bias: number, bytes: number): void {
  if (loc.kind === 'gpr') asm.mov(gpr(loc.reg), qword(from.base!, from.disp));
  else if (loc.kind === 'xmm') {
    if (bytes === 16) asm.movups(xmm(loc.reg), xmmword(from.base!, from.disp));
    else asm.movsd(xmm(loc.reg), qword(from.base!, from.disp));
  } else copyQwords(asm, qword(stackBase, bias + loc.offset), qword(from.base!, from.disp), bytes);
}

/** Copy `bytes` (8 or 16) from memory to memory through rax. */
function copyQwords(asm: Assembler, to: ReturnType<typeof mem>, from: ReturnType<typeof mem>, bytes: number): void {
  for (let k = 0; k < bytes; k += 8) {
    asm.mov(rax, qword(from.base!, from.disp + k));
    asm.mov(qword(to.base!, to.disp + k), rax);
  }
}

// #region entry-adapter
/**
 * The adapter for one function type: entered from the trampoline with the function in r10,
 * it loads the arguments from the entry buffer (slot i = param i) into the convention's places,
 * gives the callee a return area in its own frame, calls, and stores the results back into
 * the buffer (slot i = result i).
 */
export function emitEntryAdapter(asm: Assembler, type: FuncType, buffer: number): Label {
  const layout = signatureLayout(type);
  const areaBytes = Math.ceil(layout.returnAreaBytes / 16) * 16;
  const args = bufferOffsets(type.params);
  const results = bufferOffsets(type.results);
  const start = asm.here('adapter');
  asm.push(rbp);
  asm.mov(rbp, rsp);
  const frame = layout.stackBytes + areaBytes;
  if (frame) asm.sub(rsp, frame);
  asm.mov(r11, buffer);
  // Stack arguments first (they go through rax), then registers.
  layout.params.forEach((loc, i) => {
    if (loc.kind === 'stack') loadArg(asm, loc, mem(r11, args[i]!), rsp, 0, slotBytes(type.params[i]!));
  });
  const area = layout.returnAreaPointer;
  if (area) {
    if (area.kind === 'gpr') asm.lea(gpr(area.reg), mem(rsp, layout.stackBytes));
    else if (area.kind === 'stack') {
      asm.lea(rax, mem(rsp, layout.stackBytes));
      asm.mov(qword(rsp, area.offset), rax);
    }
  }
  layout.params.forEach((loc, i) => {
    if (loc.kind !== 'stack') loadArg(asm, loc, mem(r11, args[i]!), rsp, 0, slotBytes(type.params[i]!));
  });
  asm.call(r10);
  asm.mov(r11, buffer);
  layout.results.forEach((loc, i) => {
    const at = results[i]!;
    if (loc.kind === 'gpr') asm.mov(qword(r11, at), rax);
    else if (loc.kind === 'xmm') {
      if (type.results[i] === ValType.v128) asm.movups(xmmword(r11, at), xmm0);
      else asm.movsd(qword(r11, at), xmm0);
    } else copyQwords(asm, qword(r11, at), qword(rsp, layout.stackBytes + loc.offset), slotBytes(type.results[i]!));
  });
  asm.mov(rsp, rbp);
  asm.pop(rbp);
  asm.ret();
  return start;
}
// #endregion entry-adapter

// #region callout-stub
/**
 * The stub behind a function implemented in JS (an imported JS function or a builtin): called
 * by wasm under the internal convention, it stores the arguments in the call-out buffer, notes
 * which handler, r15 and its return address, and suspends the activation: JS runs the handler and
 * resumes it with a status. 0: load the results from the buffer and return. Otherwise a trap code
 * (TrapCode.jsException when the JS function threw): jump to the trap handler, which unwinds the
 * wasm frames; a builtin's trap comes with its position in the buffer's first slot.
 */
export function emitCalloutStub(
  asm: Assembler, type: FuncType, id: number, state: number, suspend: number, trapHandler: number,
): Label {
  const layout = signatureLayout(type);
  const buffer = state + STATE.CALLOUT_BUFFER;
  const args = bufferOffsets(type.params);
  const results = bufferOffsets(type.results);
  const start = asm.here('callout');
  const fail = asm.newLabel();
  asm.push(rbp);
  asm.mov(rbp, rsp);
  asm.sub(rsp, 16); // [rbp - 8]: the return area's address; keeps rsp 16-byte aligned
  asm.mov(r11, buffer);
  const store = (loc: ArgLocation, at: number, bytes: number) => {
    if (loc.kind === 'gpr') asm.mov(qword(r11, at), gpr(loc.reg));
    else if (loc.kind === 'xmm') {
      if (bytes === 16) asm.movups(xmmword(r11, at), xmm(loc.reg));
      else asm.movsd(qword(r11, at), xmm(loc.reg));
    } else copyQwords(asm, qword(r11, at), qword(rbp, 16 + loc.offset), bytes);
  };
  layout.params.forEach((loc, i) => store(loc, args[i]!, slotBytes(type.params[i]!)));
  const area = layout.returnAreaPointer;
  if (area) {
    if (area.kind === 'gpr') asm.mov(qword(rbp, -8), gpr(area.reg));
    else if (area.kind === 'stack') {
      asm.mov(rax, qword(rbp, 16 + area.offset));
      asm.mov(qword(rbp, -8), rax);
    }
  }
  asm.mov(rax, state);
  asm.mov(dword(rax, STATE.CALLOUT_ID), id);
  asm.mov(qword(rax, STATE.CALLOUT_VMCTX), r15);
  asm.mov(rcx, qword(rbp, 8));
  asm.mov(qword(rax, STATE.CALLOUT_RETURN), rcx);
  asm.mov(rax, suspend);
  asm.call(rax);
  asm.test(eax, eax);
  asm.jcc('ne', fail);
  asm.mov(r11, buffer);
  layout.results.forEach((loc, i) => {
    if (loc.kind === 'returnArea') {
      asm.mov(rcx, qword(rbp, -8));
      copyQwords(asm, qword(rcx, loc.offset), qword(r11, results[i]!), slotBytes(type.results[i]!));
    }
  });
  const first = layout.results[0];
  if (first?.kind === 'gpr') asm.mov(rax, qword(r11, 0));
  else if (first?.kind === 'xmm') {
    if (type.results[0] === ValType.v128) asm.movups(xmm0, xmmword(r11, 0));
    else asm.movsd(xmm0, qword(r11, 0));
  }
  asm.mov(rsp, rbp);
  asm.pop(rbp);
  asm.ret();
  asm.bind(fail);
  const go = asm.newLabel();
  asm.mov(edi, eax);
  asm.mov(esi, -1);
  asm.mov(edx, -1);
  asm.cmp(eax, TrapCode.jsException);
  asm.jcc('e', go);
  asm.mov(r11, buffer);
  asm.mov(esi, dword(r11, 0));
  asm.mov(edx, dword(r11, 4));
  asm.bind(go);
  asm.mov(rax, trapHandler);
  asm.jmp(rax);
  return start;
}
// #endregion callout-stub

// #region switch-stub
/**
 * The stub behind a function imported from another instance: it saves the caller's r15/r14,
 * copies the stack arguments down (its own pushes moved them), switches r15/r14 to the callee's
 * instance, calls, and restores them.
 */
export function emitInstanceSwitchStub(asm: Assembler, type: FuncType, calleeVmctx: number, calleeCode: number): Label {
  const layout = signatureLayout(type);
  const start = asm.here('switch');
  asm.push(r15);
  asm.push(r14);
  const frame = layout.stackBytes + 8; // two pushes + return address = 24: this realigns to 16
  asm.sub(rsp, frame);
  const callerArgs = frame + 16 + 8; // from our rsp to the caller's first stack slot
  for (let off = 0; off < layout.stackBytes; off += 8) {
    asm.mov(rax, qword(rsp, callerArgs + off));
    asm.mov(qword(rsp, off), rax);
  }
  asm.mov(r15, calleeVmctx);
  asm.mov(r14, qword(r15, VMCTX.MEMORY_BASE));
  asm.mov(rax, calleeCode);
  asm.call(rax);
  asm.add(rsp, frame);
  asm.pop(r14);
  asm.pop(r15);
  asm.ret();
  return start;
}
// #endregion switch-stub

// #region return-thunks
/**
 * The thread's return thunks (compiler/abi/returnThunks.ts): for every S from 0 to
 * MAX_STACK_BYTES in steps of 16, at `table + S`, the code a tail-called callee with S bytes of
 * stack arguments returns to: drop them, restore the VMContext and memory base saved above them,
 * return to the caller's caller. The table must start the code it is loaded in (`load` puts
 * the first label at the mapping's start).
 */
export function emitReturnThunks(asm: Assembler): Label {
  const table = asm.here('returnThunks');
  for (let s = 0; s <= RETURN_THUNK.MAX_STACK_BYTES; s += RETURN_THUNK.STRIDE) {
    const start = asm.offset;
    if (start !== table.offset + s) throw new Error('return thunk out of place');
    if (s > 0) asm.add(rsp, s);
    asm.pop(r15);
    asm.mov(r14, qword(r15, VMCTX.MEMORY_BASE));
    asm.ret();
    asm.align(RETURN_THUNK.STRIDE, 'int3');
  }
  return table;
}
// #endregion return-thunks
