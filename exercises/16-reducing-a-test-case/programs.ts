// The test cases the wasm checks of exercise 16 reduce: straight-line functions from chapter 16's
// tiny generator (book/examples/testing.ts), run on V8 and on a stand-in for a compiler with two
// bugs planted in it, a small interpreter. A finding is the first call where the two disagree.
// Any list of the generator's instructions is made into a valid function first (asFunction), so
// that deleting an instruction changes what is computed but never leaves the stack unbalanced.
import { INPUTS, randomFunction, rng } from '../../book/examples/testing.ts';
import { loadWatToWasm, type WatAssembler } from '../../compiler/text/watToWasm.ts';
import { validateModule } from '../../compiler/validate/index.ts';

const MIN = -2147483648;
type Fn = (a: number, b: number) => number;
class Trap extends Error {}

/** The engine under test: right for every instruction of the generator except the two planted bugs. */
const BUGGY: Record<string, (a: number, b: number) => number> = {
  'i32.add': (a, b) => (a + b) | 0, 'i32.sub': (a, b) => (a - b) | 0, 'i32.mul': (a, b) => Math.imul(a, b),
  'i32.and': (a, b) => a & b, 'i32.or': (a, b) => a | b, 'i32.xor': (a, b) => a ^ b,
  'i32.shl': (a, b) => a << b, 'i32.shr_s': (a, b) => a >> b, 'i32.shr_u': (a, b) => (a >>> b) | 0,
  'i32.rotl': (a, b) => ((a << (b & 31)) | (a >>> (32 - (b & 31)))) | 0,
  'i32.lt_s': (a, b) => +(a < b), 'i32.eq': (a, b) => +(a === b),
  'i32.div_s': (a, b) => {
    if (b === 0) throw new Trap('divide by zero');
    return a === MIN && b === -1 ? MIN : Math.trunc(a / b) | 0; // bug 1: no overflow trap
  },
  'i32.rem_u': (a, b) => {
    if (b === 0) throw new Trap('divide by zero');
    return a % b | 0; // bug 2: a signed remainder
  },
};
const UNARY: Record<string, (a: number) => number> = {
  'i32.clz': (a) => Math.clz32(a), 'i32.ctz': (a) => (a === 0 ? 32 : 31 - Math.clz32(a & -a)),
  'i32.popcnt': (a) => { let n = 0; for (let x = a >>> 0; x; x &= x - 1) n++; return n; }, 'i32.eqz': (a) => +(a === 0),
};

function interpret(body: readonly string[]): Fn {
  return (p0, p1) => {
    const stack: number[] = [];
    for (const line of body) {
      const [op, arg] = line.split(' ');
      if (op === 'local.get') stack.push(arg === '0' ? p0 : p1);
      else if (op === 'i32.const') stack.push(Number(arg) | 0);
      else if (UNARY[op!]) stack.push(UNARY[op!]!(stack.pop()!));
      else {
        const b = stack.pop()!, a = stack.pop()!;
        stack.push(BUGGY[op!]!(a, b));
      }
    }
    return stack.pop()!;
  };
}

/** One call's outcome, traps by meaning (V8 and the interpreter word them differently). */
function outcome(f: Fn, a: number, b: number): string {
  try {
    return `= ${f(a, b)}`;
  } catch (e) {
    const m = String((e as Error).message);
    if (/divide by zero|remainder by zero/.test(m)) return 'trap: divide by zero';
    if (/overflow|unrepresentable/.test(m)) return 'trap: overflow';
    throw e;
  }
}

const arity = (line: string) => (/^(local\.get|i32\.const)/.test(line) ? 0 : UNARY[line] ? 1 : 2);

/** The body as a function: an operand that is missing is read from parameter 0, and values left over are combined with i32.xor. */
export function asFunction(body: readonly string[]): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const line of body) {
    const n = arity(line);
    for (; depth < n; depth++) out.push('local.get 0');
    out.push(line);
    depth += 1 - n;
  }
  if (depth === 0) out.push('local.get 0');
  for (; depth > 1; depth--) out.push('i32.xor');
  return out;
}

export interface Finding { call: string; v8: string; buggy: string }
/** What a finding is, for "the same finding": the call, and each side's outcome with its number left out. */
export const kind = (f: Finding) => `${f.call}: V8 ${f.v8.replace(/-?\d+/, 'N')}, buggy ${f.buggy.replace(/-?\d+/, 'N')}`;

export interface Programs {
  /** The first call where V8 and the buggy engine disagree on asFunction(body), or undefined if none does; 'invalid' if Lightbeam's validator rejects it. */
  findingOf(body: readonly string[]): Finding | undefined | 'invalid';
  /** The generator's body lines for a seed. */
  generate(seed: number, length: number): string[];
}

export async function loadPrograms(): Promise<Programs> {
  const wat2wasm: WatAssembler = await loadWatToWasm();
  return {
    findingOf(lines) {
      const body = asFunction(lines);
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = wat2wasm(`(module (func (export "f") (param i32 i32) (result i32)\n  ${body.join('\n  ')}))`, { validate: false });
        validateModule(bytes);
      } catch {
        return 'invalid';
      }
      const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f as Fn;
      const buggy = interpret(body);
      for (const [a, b] of INPUTS) {
        const want = outcome(v8, a, b), got = outcome(buggy, a, b);
        if (want !== got) return { call: `f(${a}, ${b})`, v8: want, buggy: got };
      }
      return undefined;
    },
    generate(seed, length) {
      const text = randomFunction(rng(seed), length);
      return text.split('\n').slice(1).map((l) => l.trim().replace(/\)$/, ''));
    },
  };
}
