// Plausible wrong solutions; the checks must catch each one.
import { freeSet, spillDeepest, type Instr, type Op, type Place } from '../../book/examples/register-allocation.ts';

/** Version 3 with one mistake: the right operand's register is freed before the left operand is reloaded. */
function freesTooEarly(program: readonly Op[], registers: number): Instr[] {
  const code: Instr[] = [];
  const stack: Place[] = [];
  let free = (1 << registers) - 1;
  const alloc = (): number => {
    if (free === 0) {
      const p = stack.findIndex((v) => 'reg' in v);
      const r = (stack[p] as { reg: number }).reg;
      code.push({ op: 'mov', dst: { slot: p }, src: { reg: r } });
      stack[p] = { slot: p };
      free |= 1 << r;
    }
    const r = 31 - Math.clz32(free & -free);
    free &= ~(1 << r);
    return r;
  };
  for (const o of program) {
    if (o.op === 'const' || o.op === 'local') {
      const r = alloc();
      code.push({ op: 'mov', dst: { reg: r }, src: o.op === 'const' ? { imm: o.value } : { local: o.index } });
      stack.push({ reg: r });
      continue;
    }
    const b = stack.pop()!;
    if ('reg' in b) free |= 1 << b.reg; // too early: the reload below may take this register
    let a = stack.pop()!;
    if (!('reg' in a)) {
      const r = alloc();
      code.push({ op: 'mov', dst: { reg: r }, src: a });
      a = { reg: r };
    }
    code.push({ op: o.op, dst: a, src: b });
    stack.push(a);
  }
  if (!('reg' in stack[0]! && (stack[0] as { reg: number }).reg === 0)) code.push({ op: 'mov', dst: { reg: 0 }, src: stack[0]! });
  return code;
}

export const wrongSolutions = {
  'never spills (version 2)': { allocate: (p: readonly Op[], k: number) => freeSet(p, k) },
  'spills the newest register value instead of the deepest': { allocate: (p: readonly Op[], k: number) => spillDeepest(p, k, 'newest') },
  "frees the right operand's register before reloading the left operand": { allocate: freesTooEarly },
};
