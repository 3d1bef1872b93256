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
