// Opt-in interruption (like Wasmtime's epoch interruption): code compiled `interruptible` checks
// its thread's interrupt flag at every function entry and loop head, so a timer or another
// thread can stop any running code, `(loop br 0)` included, with the trap "interrupted".
// Code compiled without it has no check at all (nothing to pay when off).

import { TrapCode, VMCTX, VMCTX_REG, encodingOf } from '../abi/index.ts';
import { GPR64, dword, qword } from '../x64/index.ts';
import type { FunctionCompiler } from './functionCompiler.ts';
import { SCRATCH } from './registerAllocator.ts';

// #region interrupt-check
/**
 * `mov r11, [r15 + INTERRUPT_FLAG]; cmp dword [r11], 0; jne <stub>`: two loads that stay in L1
 * and a branch predicted not taken. Emitted between operators, where r11 (SCRATCH) is free and
 * no value lives in the flags.
 */
export function emitInterruptCheck(fc: FunctionCompiler): void {
  const asm = fc.asm;
  const flag = GPR64[SCRATCH]!;
  asm.mov(flag, qword(GPR64[encodingOf(VMCTX_REG)]!, VMCTX.INTERRUPT_FLAG));
  asm.cmp(dword(flag, 0), 0);
  fc.trapIf('ne', TrapCode.interrupted);
}
// #endregion interrupt-check
