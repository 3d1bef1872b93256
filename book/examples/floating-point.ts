// Chapter 11's examples: the same float function compiled for the SSE baseline and for AVX,
// and NaN bit patterns through neg, abs, copysign and add, natively and in V8. Floats cross into
// and out of WebAssembly here as raw bits (i32/i64 reinterpretations), because a JS number
// cannot be trusted to carry a NaN's payload.
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions, formatFunction } from '../../compiler/codegen/listing.ts';
import { BASELINE_FEATURES } from '../../compiler/abi/cpuFeatures.ts';
import { loadIced } from '../../compiler/x64/index.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import { describeMachine, type Output } from '../../src/lib/exampleOutput.ts';

const polynomial = `(module (func (export "poly") (param $x f64) (param $a f64) (param $b f64) (result f64)
  ;; a*x*x + b*x, with x, a and b living in registers the whole time
  (f64.add (f64.mul (f64.mul (local.get $a) (local.get $x)) (local.get $x))
           (f64.mul (local.get $b) (local.get $x)))))`;

/** The body of the only function, without the ";; function 0" line. */
async function listing(wat: string, avx: boolean): Promise<string> {
  await loadIced();
  const wasm = await watToWasm(wat, { name: 'poly.wat' });
  const [f] = listFunctions(compileModule(wasm, { notes: true, features: { ...BASELINE_FEATURES, avx } }));
  return formatFunction(f!).split('\n').slice(1).join('\n');
}

export async function sseAndAvx(): Promise<Output[]> {
  return [
    { kind: 'text', title: 'The function', text: polynomial },
    { kind: 'asm', title: 'For the SSE4.1 baseline: two-operand, the destination is also a source', listing: await listing(polynomial, false) },
    { kind: 'asm', title: 'With AVX: three operands, no copy to protect a local', listing: await listing(polynomial, true) },
  ];
}

// #region nan-cases
type Rule = [text: string, holds: (result: number, args: number[]) => boolean];
const SIGN = 0x80000000 | 0;
const exactly = (text: string, bits: (a: number[]) => number): Rule => [text, (r, a) => r === bits(a)];
/** The quiet bit is the top bit of the payload: 0x00400000 for f32. */
const arithmetic: Rule = ['any NaN with the quiet bit set (nan:arithmetic)', (r) => (r & 0x7fc00000) === 0x7fc00000];
const canonical: Rule = ['the canonical NaN, either sign (nan:canonical)', (r) => (r & 0x7fffffff) === 0x7fc00000];

/** Each case takes and returns raw f32 bits: i32.reinterpret_f32 (op (f32.reinterpret_i32 ...)). */
const nanCases: [name: string, body: string, args: number[], rule: Rule][] = [
  ['neg', '(f32.neg (f32.reinterpret_i32 (local.get 0)))', [0x7fa00001],
    exactly('exactly its bits, sign flipped', ([a]) => a! ^ SIGN)],
  ['abs', '(f32.abs (f32.reinterpret_i32 (local.get 0)))', [0xffc00005 | 0],
    exactly('exactly its bits, sign cleared', ([a]) => a! & ~SIGN)],
  ['copysign', '(f32.copysign (f32.reinterpret_i32 (local.get 0)) (f32.reinterpret_i32 (local.get 1)))', [0x7fa00001, 0xbf800000 | 0],
    exactly("exactly the first's bits with the second's sign", ([a, b]) => (a! & ~SIGN) | (b! & SIGN))],
  ['add', '(f32.add (f32.reinterpret_i32 (local.get 0)) (f32.const 1))', [0x7fa00001], arithmetic],
  ['add', '(f32.add (f32.const nan) (f32.const 1))', [], canonical],
  ['demote', '(f32.demote_f64 (f64.promote_f32 (f32.reinterpret_i32 (local.get 0))))', [0x7fa00001], arithmetic],
];
// #endregion nan-cases

const hex = (bits: number): string => '0x' + (bits >>> 0).toString(16).padStart(8, '0');

export async function nanBits(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const { Instance } = await import('../../compiler/runtime/instance.ts');
  const funcs = nanCases.map(([, body, args], i) =>
    `(func (export "f${i}") ${args.map(() => '(param i32)').join(' ')} (result i32) (i32.reinterpret_f32 ${body}))`);
  const wasm = await watToWasm(`(module ${funcs.join('\n')})`, { name: 'nan-bits.wat' });
  const ours = new Instance(compileModule(wasm)).exports as Record<string, (...a: number[]) => number>;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>)).exports as Record<string, (...a: number[]) => number>;
  const rows = nanCases.map(([name, , args, [rule, holds]], i) => {
    const mine = ours[`f${i}`]!(...args), theirs = v8[`f${i}`]!(...args);
    const mark = (r: number) => `${hex(r)} ${holds(r, args) ? '✓' : '✗'}`;
    return [`${name}(${args.length ? args.map(hex).join(', ') : 'nan, 1'})`, mark(mine), mark(theirs), rule];
  });
  return [{ kind: 'measured', columns: ['f32 operation on bits', 'Lightbeam', 'V8', 'the spec allows'], rows, machine: await describeMachine() }];
}
