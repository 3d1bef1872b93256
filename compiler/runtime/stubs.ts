// The machine code the runtime writes itself: the entry trampoline and trap handler, the
// per-signature entry adapters, and the stubs behind imported functions (calls out to JS or a
// builtin, and calls into another instance). Written with the assembler, loaded by CodeMemory.

import type { FuncType } from '../binary/types.ts';
import { signatureLayout, TrapCode, VMCTX, type ArgLocation, type Gpr64, type Xmm as XmmName } from '../abi/index.ts';
import {
  Assembler, type Gpr, type Label, type Xmm, registerByName, qword, dword, mem,
  rax, rcx, rdx, rbx, rbp, rsp, rsi, rdi, r10, r11, r12, r13, r14, r15, eax, ecx, edx, edi, esi, xmm0,
} from '../x64/index.ts';
import { CodeMemory } from './codeMemory.ts';
import { STATE } from './runtimeState.ts';

const gpr = (name: Gpr64): Gpr => registerByName(name) as Gpr;
const xmm = (name: XmmName): Xmm => registerByName(name) as Xmm;

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
/**
 * `int32 entry(void)` (SysV; it takes the VMContext, adapter and function from the state block,
 * cheaper through koffi than three arguments): saves the callee-saved registers, links a new
 * entry frame (the previous frame's rsp is pushed, so JS -> wasm -> JS -> wasm nests), loads
 * r15/r14, and calls the adapter with the function's address in r10. Returns 0, or, when the
 * trap handler unwinds to it, the trap code.
 *
 * The trap handler is entered by `jmp` with edi = trap code, esi = wasm offset, edx = function
 * index: it records them, drops every wasm frame by resetting rsp to the innermost entry frame,
 * and resumes the trampoline's epilogue.
 */
export function emitEntryAndTrapHandler(asm: Assembler, state: number): { entry: Label; trap: Label } {
  const entry = asm.here('entry');
  asm.push(rbp);
  asm.mov(rbp, rsp);
  for (const r of [rbx, r12, r13, r14, r15]) asm.push(r); // rsp = 8 mod 16 here
  asm.mov(rax, state);
  asm.push(qword(rax, STATE.ENTRY_RSP)); // now 16-byte aligned
  asm.mov(qword(rax, STATE.ENTRY_RSP), rsp);
  asm.mov(r15, qword(rax, STATE.CALL_VMCTX));
  asm.mov(r10, qword(rax, STATE.CALL_FUNC));
  asm.mov(r14, qword(r15, VMCTX.MEMORY_BASE));
  asm.call(qword(rax, STATE.CALL_ADAPTER));
  asm.xor(eax, eax);
  const resume = asm.here('resume');
  asm.mov(rcx, state);
  asm.pop(qword(rcx, STATE.ENTRY_RSP));
  for (const r of [r15, r14, r13, r12, rbx]) asm.pop(r);
  asm.pop(rbp);
  asm.ret();

  const trap = asm.here('trap');
  asm.mov(rax, state);
  asm.mov(dword(rax, STATE.TRAP_CODE), edi);
  asm.mov(dword(rax, STATE.TRAP_OFFSET), esi);
  asm.mov(dword(rax, STATE.TRAP_FUNC), edx);
  asm.mov(rsp, qword(rax, STATE.ENTRY_RSP));
  asm.mov(eax, edi);
  asm.jmp(resume);
  return { entry, trap };
}
// #endregion entry-trampoline

/** `uintptr_t probe(void)`: returns its own rsp, to find where koffi's stack is. */
export function emitStackProbe(asm: Assembler): Label {
  const l = asm.here('probe');
  asm.mov(rax, rsp);
  asm.ret();
  return l;
}

function loadArg(asm: Assembler, loc: ArgLocation, from: ReturnType<typeof mem>, stackBase: Gpr, bias: number): void {
  if (loc.kind === 'gpr') asm.mov(gpr(loc.reg), qword(from.base!, from.disp));
  else if (loc.kind === 'xmm') asm.movsd(xmm(loc.reg), qword(from.base!, from.disp));
  else {
    asm.mov(rax, qword(from.base!, from.disp));
    asm.mov(qword(stackBase, bias + loc.offset), rax);
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
  const start = asm.here('adapter');
  asm.push(rbp);
  asm.mov(rbp, rsp);
  const frame = layout.stackBytes + areaBytes;
  if (frame) asm.sub(rsp, frame);
  asm.mov(r11, buffer);
  // Stack arguments first (they go through rax), then registers.
  layout.params.forEach((loc, i) => {
    if (loc.kind === 'stack') loadArg(asm, loc, mem(r11, i * 8), rsp, 0);
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
    if (loc.kind !== 'stack') loadArg(asm, loc, mem(r11, i * 8), rsp, 0);
  });
  asm.call(r10);
  asm.mov(r11, buffer);
  layout.results.forEach((loc, i) => {
    if (loc.kind === 'gpr') asm.mov(qword(r11, i * 8), rax);
    else if (loc.kind === 'xmm') asm.movsd(qword(r11, i * 8), xmm0);
    else {
      asm.mov(rcx, qword(rsp, layout.stackBytes + loc.offset));
      asm.mov(qword(r11, i * 8), rcx);
    }
  });
  asm.mov(rsp, rbp);
  asm.pop(rbp);
  asm.ret();
  return start;
}
// #endregion entry-adapter

/**
 * What the call-out callback returns when the call succeeded. Not 0: koffi makes a callback
 * return 0 when it could not run it, and that must not pass for success.
 */
export const CALLOUT_OK = 0x4c42;

// #region callout-stub
/**
 * The stub behind a function implemented in JS (an imported JS function or a builtin): called
 * by wasm under the internal convention, it stores the arguments in the call-out buffer, notes
 * r15, and calls the registered koffi callback `int32 callout(int32 id)` under SysV (which
 * preserves r14, r15, rbx, rbp, r12, r13). A non-zero status is a trap code (TrapCode.jsException
 * when the JS function threw): the stub jumps to the trap handler, which unwinds the wasm frames.
 * Otherwise it loads the results from the buffer.
 */
export function emitCalloutStub(
  asm: Assembler, type: FuncType, id: number, state: number, callback: number, trapHandler: number,
): Label {
  const layout = signatureLayout(type);
  const buffer = state + STATE.CALLOUT_BUFFER;
  const start = asm.here('callout');
  const fail = asm.newLabel();
  asm.push(rbp);
  asm.mov(rbp, rsp);
  asm.sub(rsp, 16); // [rbp - 8]: the return area's address; keeps rsp 16-byte aligned
  asm.mov(r11, buffer);
  const store = (loc: ArgLocation, slot: number) => {
    if (loc.kind === 'gpr') asm.mov(qword(r11, slot * 8), gpr(loc.reg));
    else if (loc.kind === 'xmm') asm.movsd(qword(r11, slot * 8), xmm(loc.reg));
    else {
      asm.mov(rax, qword(rbp, 16 + loc.offset));
      asm.mov(qword(r11, slot * 8), rax);
    }
  };
  layout.params.forEach((loc, i) => store(loc, i));
  const area = layout.returnAreaPointer;
  if (area) {
    if (area.kind === 'gpr') asm.mov(qword(rbp, -8), gpr(area.reg));
    else if (area.kind === 'stack') {
      asm.mov(rax, qword(rbp, 16 + area.offset));
      asm.mov(qword(rbp, -8), rax);
    }
  }
  asm.mov(rax, state);
  asm.mov(qword(rax, STATE.CALLOUT_VMCTX), r15);
  asm.mov(rcx, qword(rbp, 8));
  asm.mov(qword(rax, STATE.CALLOUT_RETURN), rcx);
  asm.mov(edi, id);
  asm.mov(rax, callback);
  asm.call(rax);
  asm.cmp(eax, CALLOUT_OK);
  asm.jcc('ne', fail);
  asm.mov(r11, buffer);
  layout.results.forEach((loc, i) => {
    if (loc.kind === 'returnArea') {
      asm.mov(rcx, qword(rbp, -8));
      asm.mov(rdx, qword(r11, i * 8));
      asm.mov(qword(rcx, loc.offset), rdx);
    }
  });
  const first = layout.results[0];
  if (first?.kind === 'gpr') asm.mov(rax, qword(r11, 0));
  else if (first?.kind === 'xmm') asm.movsd(xmm0, qword(r11, 0));
  asm.mov(rsp, rbp);
  asm.pop(rbp);
  asm.ret();
  asm.bind(fail);
  // 0 means koffi could not even run the callback (a JS exception was pending, e.g. V8's stack
  // overflow): unwind as for a JS exception; koffi rethrows it when the entry call returns.
  // A trap raised by a builtin comes with its position in the first buffer slot (offset, function).
  const notZero = asm.newLabel(), go = asm.newLabel();
  asm.mov(edi, eax);
  asm.mov(esi, -1);
  asm.mov(edx, -1);
  asm.test(eax, eax);
  asm.jcc('ne', notZero);
  asm.mov(edi, TrapCode.jsException);
  asm.jmp(go);
  asm.bind(notZero);
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
