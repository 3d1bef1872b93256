// Trap stubs: a trap is a jump to a few instructions at the end of the function that tell
// the runtime's trap handler what happened and where, then jump to it. Also used for a whole
// function that cannot be compiled (a stub raising "not implemented yet").

import { Reg, TrapCode, VMCTX, VMCTX_REG, encodingOf } from '../abi/index.ts';
import { type Assembler, GPR32, GPR64, type Label, qword } from '../x64/index.ts';

/** A trap stub to emit at the end of the function. */
export interface TrapStub {
  readonly label: Label;
  readonly code: TrapCode;
  readonly wasmOffset: number;
}

// #region trap-stub
/** `mov edi, code; mov esi, wasm offset; mov edx, function index; jmp [r15 + TRAP_HANDLER]` (the handler's arguments, see compiler/abi). */
export function emitTrapStub(asm: Assembler, code: TrapCode, wasmOffset: number, funcIndex: number): void {
  asm.mov(GPR32[encodingOf(Reg.rdi)]!, code);
  asm.mov(GPR32[encodingOf(Reg.rsi)]!, wasmOffset);
  asm.mov(GPR32[encodingOf(Reg.rdx)]!, funcIndex);
  asm.jmp(qword(GPR64[encodingOf(VMCTX_REG)]!, VMCTX.TRAP_HANDLER));
}
// #endregion trap-stub

/**
 * Stubs that may share one tail: each is `mov esi, offset` (5 bytes) and `jmp short tail` (2),
 * and the first must stay within a rel8 jump of the tail (7n - 9 <= 127).
 */
const STUBS_PER_TAIL = 17;

// #region trap-stubs
/**
 * A function's trap stubs, grouped by trap code: each stub sets only the wasm offset and jumps
 * to a tail it shares with up to 16 others, which sets the code and the function index (the last
 * stub of a group falls into it). A stub is 7 bytes instead of 19: in a memory-heavy module,
 * where most accesses have a bounds check and so a stub, that is an eighth of all the code.
 */
export function emitTrapStubs(asm: Assembler, stubs: readonly TrapStub[], funcIndex: number): void {
  const groups = new Map<TrapCode, TrapStub[]>();
  for (const s of stubs) {
    const group = groups.get(s.code);
    if (group) group.push(s);
    else groups.set(s.code, [s]);
  }
  const esi = GPR32[encodingOf(Reg.rsi)]!;
  for (const [code, group] of groups) {
    for (let first = 0; first < group.length; first += STUBS_PER_TAIL) {
      const last = Math.min(first + STUBS_PER_TAIL, group.length) - 1;
      const tail = asm.newLabel();
      for (let k = first; k <= last; k++) {
        const stub = group[k]!;
        asm.bind(stub.label);
        asm.mov(esi, stub.wasmOffset);
        if (k < last) asm.jmp(tail, true);
      }
      asm.bind(tail);
      asm.mov(GPR32[encodingOf(Reg.rdi)]!, code);
      asm.mov(GPR32[encodingOf(Reg.rdx)]!, funcIndex);
      asm.jmp(qword(GPR64[encodingOf(VMCTX_REG)]!, VMCTX.TRAP_HANDLER));
    }
  }
}
// #endregion trap-stubs
