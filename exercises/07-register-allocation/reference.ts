// The reference solution is the chapter's own version 3 (book/examples/register-allocation.ts),
// so these tests also test the code the chapter shows.
import { spillDeepest, type Instr, type Op } from '../../book/examples/register-allocation.ts';

export function allocate(program: readonly Op[], registers: number): Instr[] {
  return spillDeepest(program, registers, 'deepest');
}
