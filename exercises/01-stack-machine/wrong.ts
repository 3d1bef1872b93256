// Plausible wrong solutions; the checks must catch each one.
import type { Op } from './stackMachine.ts';

type Mistake = 'swapped sub' | 'no wrapping' | 'lt_u signed' | 'tee drops' | 'no underflow check';

function evaluateWith(mistake: Mistake) {
  return (program: readonly Op[], initial: number[]): number[] => {
    const locals = [...initial];
    const stack: number[] = [];
    const pop = (): number => {
      if (stack.length === 0) {
        if (mistake === 'no underflow check') return 0;
        throw new Error('stack underflow');
      }
      return stack.pop()!;
    };
    const wrap = (x: number) => (mistake === 'no wrapping' ? x : x | 0);
    for (const op of program) {
      switch (op[0]) {
        case 'i32.const': stack.push(op[1]); break;
        case 'local.get': stack.push(locals[op[1]]!); break;
        case 'local.set': locals[op[1]] = pop(); break;
        case 'local.tee': { const v = pop(); locals[op[1]] = v; if (mistake !== 'tee drops') stack.push(v); break; }
        case 'i32.add': { const a = pop(); const b = pop(); stack.push(wrap(b + a)); break; }
        case 'i32.sub': { const a = pop(); const b = pop(); stack.push(wrap(mistake === 'swapped sub' ? a - b : b - a)); break; }
        case 'i32.mul': { const a = pop(); const b = pop(); stack.push(mistake === 'no wrapping' ? a * b : Math.imul(b, a)); break; }
        case 'i32.lt_s': { const a = pop(); const b = pop(); stack.push(b < a ? 1 : 0); break; }
        case 'i32.lt_u': { const a = pop(); const b = pop(); stack.push((mistake === 'lt_u signed' ? b < a : b >>> 0 < a >>> 0) ? 1 : 0); break; }
        case 'i32.eqz': stack.push(pop() === 0 ? 1 : 0); break;
        case 'drop': pop(); break;
      }
    }
    return stack;
  };
}

export const wrongSolutions = Object.fromEntries(
  (['swapped sub', 'no wrapping', 'lt_u signed', 'tee drops', 'no underflow check'] as const).map((m) => [m, { evaluate: evaluateWith(m) }]),
);
