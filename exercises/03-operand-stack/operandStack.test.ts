// Checks for exercise 3: fixed cases whose verdicts follow from the spec's rules (each says why),
// and random bodies judged by V8's own validator, an implementation independent of ours.
import { expect } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { defineExercise, type Check } from '../harness.ts';
import { bodyToWat } from './reference.ts';
import type { Op, ValType } from './operandStack.ts';

interface Impl {
  checkBody(params: readonly ValType[], results: readonly ValType[], body: readonly Op[]): void | Promise<void>;
}

async function verdict(impl: Impl, params: readonly ValType[], results: readonly ValType[], body: readonly Op[]): Promise<string> {
  try {
    await impl.checkBody(params, results, body);
    return 'valid';
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof Error && e.name === 'NotImplemented') throw e;
    if (/type mismatch/.test(message)) return 'type mismatch';
    if (/unknown local/.test(message)) return 'unknown local';
    return `unexpected error: ${message}`;
  }
}

type Case = [why: string, params: ValType[], results: ValType[], body: Op[], expected: 'valid' | 'type mismatch' | 'unknown local'];

const straight: Case[] = [
  ['an i32 sum', ['i32'], ['i32'], [['local.get', 0], ['i32.const'], ['i32.add']], 'valid'],
  ['mixed widths', ['i64'], ['i32'], [['local.get', 0], ['i32.wrap_i64'], ['i64.const'], ['i64.eqz'], ['i32.add']], 'valid'],
  ['i64 into i32.add', ['i64'], ['i32'], [['local.get', 0], ['i32.const'], ['i32.add']], 'type mismatch'],
  ['add with one operand', [], ['i32'], [['i32.const'], ['i32.add']], 'type mismatch'],
  ['empty body, one result', [], ['i32'], [], 'type mismatch'],
  ['empty body, no result', [], [], [], 'valid'],
  ['a value left over', [], [], [['i32.const']], 'type mismatch'],
  ['result of the wrong type', [], ['i64'], [['i32.const']], 'type mismatch'],
  ['results in order', ['i32', 'i64'], ['i64', 'i32'], [['local.get', 1], ['local.get', 0]], 'valid'],
  ['results in the wrong order', ['i32', 'i64'], ['i64', 'i32'], [['local.get', 0], ['local.get', 1]], 'type mismatch'],
  ['eqz gives i32', ['i64'], ['i32'], [['local.get', 0], ['i64.eqz']], 'valid'],
  ['eqz does not give i64', ['i64'], ['i64'], [['local.get', 0], ['i64.eqz']], 'type mismatch'],
  ['extend', ['i32'], ['i64'], [['local.get', 0], ['i64.extend_i32_s']], 'valid'],
  ['drop anything', ['i64'], [], [['local.get', 0], ['drop']], 'valid'],
  ['drop nothing', [], [], [['drop']], 'type mismatch'],
  ['no such local', ['i32'], ['i32'], [['local.get', 1]], 'unknown local'],
];

const unreachable: Case[] = [
  ['nothing needed after unreachable', [], ['i32'], [['unreachable']], 'valid'],
  ['operands appear from nowhere', [], ['i64'], [['unreachable'], ['i64.add']], 'valid'],
  ['drop from the polymorphic stack', [], [], [['unreachable'], ['drop'], ['drop']], 'valid'],
  ['a known wrong type is still wrong', [], ['i32'], [['unreachable'], ['i64.const'], ['i32.add']], 'type mismatch'],
  ['an unknown and a known i32 make an i32', [], ['i32'], [['unreachable'], ['i32.const'], ['i32.add']], 'valid'],
  ['eqz of unknown is a known i32', [], ['i64'], [['unreachable'], ['i32.eqz']], 'type mismatch'],
  ['values before unreachable are gone', [], [], [['i32.const'], ['unreachable']], 'valid'],
  ['extra known values at the end still count', [], [], [['unreachable'], ['i32.const']], 'type mismatch'],
  ['known results must match at the end', [], ['i32'], [['unreachable'], ['i64.const']], 'type mismatch'],
];

function runCases(cases: Case[]) {
  return async (impl: Impl) => {
    for (const [why, params, results, body, expected] of cases) {
      expect(await verdict(impl, params, results, body), `${why}: ${bodyToWat(params, results, body)}`).toBe(expected);
    }
  };
}

/**
 * Deterministic random bodies. Most steps pick an operator that fits the stack so far (so many
 * bodies are valid), some pick any operator (so many are not); `unreachable` turns up too.
 */
function randomBodies(count: number): Case[] {
  let seed = 12345;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const all: Op[] = [['i32.const'], ['i64.const'], ['local.get', 0], ['local.get', 1], ['i32.add'], ['i64.add'], ['i32.eqz'], ['i64.eqz'], ['i32.wrap_i64'], ['i64.extend_i32_s'], ['drop'], ['unreachable']];
  const effect: Record<string, [pops: ValType[] | null, push: ValType | null]> = {
    'i32.const': [[], 'i32'], 'i64.const': [[], 'i64'], 'i32.add': [['i32', 'i32'], 'i32'], 'i64.add': [['i64', 'i64'], 'i64'],
    'i32.eqz': [['i32'], 'i32'], 'i64.eqz': [['i64'], 'i32'], 'i32.wrap_i64': [['i64'], 'i32'], 'i64.extend_i32_s': [['i32'], 'i64'],
    drop: [null, null], unreachable: [[], null],
  };
  const params: ValType[] = ['i32', 'i64'];
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    const stack: ValType[] = [];
    const body: Op[] = [];
    for (let k = 1 + next(8); k > 0; k--) {
      const fits = all.filter((op) => {
        if (op[0] === 'local.get' || op[0] === 'unreachable') return op[0] !== 'unreachable' || next(6) === 0;
        const [pops] = effect[op[0]]!;
        if (pops === null) return stack.length > 0;
        return pops.every((t, j) => stack[stack.length - pops.length + j] === t);
      });
      const op = next(8) === 0 || fits.length === 0 ? all[next(all.length)]! : fits[next(fits.length)]!;
      body.push(op);
      if (op[0] === 'local.get') stack.push(params[op[1]]!);
      else if (op[0] === 'unreachable') stack.length = 0;
      else {
        const [pops, push] = effect[op[0]]!;
        stack.splice(Math.max(0, stack.length - (pops === null ? 1 : pops.length)));
        if (push) stack.push(push);
      }
    }
    const results = next(4) === 0 ? Array.from({ length: next(3) }, () => params[next(2)]!) : [...stack];
    out.push([`random body ${i}`, params, results, body, 'valid']);
  }
  return out;
}

const checks: Check<Impl>[] = [
  { name: 'straight-line code: types, counts and order', run: runCases(straight) },
  { name: 'unreachable code: the polymorphic stack', run: runCases(unreachable) },
  {
    name: 'random bodies agree with V8 (WebAssembly.validate)',
    run: async (impl) => {
      for (const [why, params, results, body] of randomBodies(300)) {
        const bytes = await watToWasm(bodyToWat(params, results, body), { name: 'random.wat', validate: false });
        const v8 = WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>) ? 'valid' : 'type mismatch';
        expect(await verdict(impl, params, results, body), `${why}: ${bodyToWat(params, results, body)} (V8 says ${v8})`).toBe(v8);
      }
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/03-operand-stack',
  checks,
  solution: () => import('./operandStack.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
