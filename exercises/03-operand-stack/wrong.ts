// Plausible wrong solutions; the checks must catch each one.
import type { Op, ValType } from './operandStack.ts';

type Mistake = 'no unreachable rule' | 'anything goes after unreachable' | 'extra results allowed' | 'eqz pushes its operand type' | 'drop of an empty stack allowed';
type T = ValType | 'unknown';

function checker(mistake: Mistake) {
  return (params: readonly ValType[], results: readonly ValType[], body: readonly Op[]): void => {
    const stack: T[] = [];
    let unreachable = false;
    const fail = (): never => { throw new Error('type mismatch'); };
    const pop = (expected?: ValType): T => {
      if (stack.length === 0) {
        if (unreachable && mistake !== 'no unreachable rule') return 'unknown';
        return fail();
      }
      const t = stack.pop()!;
      if (expected && t !== expected && t !== 'unknown' && !(unreachable && mistake === 'anything goes after unreachable')) fail();
      return t;
    };
    for (const op of body) {
      switch (op[0]) {
        case 'i32.const': stack.push('i32'); break;
        case 'i64.const': stack.push('i64'); break;
        case 'local.get': {
          const t = params[op[1]];
          if (!t) throw new Error(`unknown local ${op[1]}`);
          stack.push(t);
          break;
        }
        case 'i32.add': pop('i32'); pop('i32'); stack.push('i32'); break;
        case 'i64.add': pop('i64'); pop('i64'); stack.push('i64'); break;
        case 'i32.eqz': pop('i32'); stack.push('i32'); break;
        case 'i64.eqz': pop('i64'); stack.push(mistake === 'eqz pushes its operand type' ? 'i64' : 'i32'); break;
        case 'i32.wrap_i64': pop('i64'); stack.push('i32'); break;
        case 'i64.extend_i32_s': pop('i32'); stack.push('i64'); break;
        case 'drop': if (stack.length === 0 && mistake === 'drop of an empty stack allowed') break; pop(); break;
        case 'unreachable': stack.length = 0; unreachable = true; break;
      }
    }
    for (let i = results.length - 1; i >= 0; i--) pop(results[i]);
    if (stack.length !== 0 && mistake !== 'extra results allowed') fail();
  };
}

export const wrongSolutions = Object.fromEntries(
  (['no unreachable rule', 'anything goes after unreachable', 'extra results allowed', 'eqz pushes its operand type', 'drop of an empty stack allowed'] as const).map((m) => [m, { checkBody: checker(m) }]),
);
