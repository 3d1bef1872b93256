// Chapter 9's examples: where the internal calling convention puts the parameters and results of
// a few function types (compiler/abi: signatureLayout, computed when the page is built), and what a
// call costs, measured: wasm to wasm, wasm out to a JS import, and JS into wasm, on Lightbeam and
// on V8 running the same module.
import { signatureLayout, type ArgLocation, type ResultLocation } from '../../compiler/abi/index.ts';
import { Reg } from '../../compiler/abi/registers.ts';
import { ValType, valTypeName, type FuncType } from '../../compiler/binary/types.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { describeMachine, type Output } from '../../src/lib/exampleOutput.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';

const NAMES = Object.fromEntries(Object.entries(Reg).map(([name, id]) => [id, name]));
const { i32, i64, f32, f64 } = ValType;

export function showLocation(l: ArgLocation | ResultLocation): string {
  if (l.kind === 'stack') return `[rsp+${l.offset}]`;
  if (l.kind === 'returnArea') return `area+${l.offset}`;
  return NAMES[l.reg]!;
}

// #region signatures
export const signatures: [name: string, type: FuncType][] = [
  ['fib', { params: [i32], results: [i32] }],
  ['mixed', { params: [i32, f64, i64, f32], results: [f64] }],
  ['divmod', { params: [i32, i32], results: [i32, i32] }],
  ['eight ints', { params: [i32, i32, i32, i32, i32, i32, i32, i32], results: [i32] }],
  ['three results, seven ints',
    { params: [i64, i64, i64, i64, i64, i64, i64], results: [f64, i32, i64] }],
];
// #endregion signatures

/** Each signature's layout, as the code generator and the runtime's stubs see it. */
export function layouts(): Output[] {
  const rows = signatures.map(([name, type]) => {
    const l = signatureLayout(type);
    const typeText = `[${type.params.map(valTypeName).join(' ')}] → [${type.results.map(valTypeName).join(' ')}]`;
    return [
      name, typeText,
      l.params.map(showLocation).join(', '),
      l.returnAreaPointer ? showLocation(l.returnAreaPointer) : '—',
      l.results.map(showLocation).join(', '),
      l.stackBytes,
    ];
  });
  return [{ kind: 'table', title: 'signatureLayout(type), computed when this page was built', columns: ['function', 'type', 'parameters', 'return area address', 'results', 'stack bytes'], rows, nowrap: [1] }];
}

// #region call-costs
const costs = `(module
  (import "js" "id" (func $js (param i32) (result i32)))
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "id") (param i32) (result i32) (local.get 0))
  (func (export "wasmToWasm") (param $n i32) (result i32) (local $s i32)
    (loop $next
      (local.set $s (i32.add (local.get $s) (call $id (local.get $n))))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  (func (export "wasmToJs") (param $n i32) (result i32) (local $s i32)
    (loop $next
      (local.set $s (i32.add (local.get $s) (call $js (local.get $n))))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`;
// #endregion call-costs

type Exports = { id(x: number): number; wasmToWasm(n: number): number; wasmToJs(n: number): number };

/** Nanoseconds per call (best of five runs of n calls). */
function perCall(n: number, run: () => unknown): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1e6) / n;
}

export async function callCosts(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const LB = await import('../../compiler/api/index.ts');
  const wasm = await watToWasm(costs, { name: 'call-costs.wat' });
  const imports = { js: { id: (x: number) => x } };
  const lb = new LB.Instance(new LB.Module(wasm), imports).exports as unknown as Exports;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(wasm), imports).exports as unknown as Exports;
  const N = 1_000_000;
  const M = 100_000;
  const jsToWasm = (e: Exports) => () => {
    let s = 0;
    for (let i = 0; i < M; i++) s += e.id(i);
    return s;
  };
  const rows: (string | number)[][] = [
    ['wasm → wasm (call, in a loop)', N, perCall(N, () => lb.wasmToWasm(N)).toFixed(1), perCall(N, () => v8.wasmToWasm(N)).toFixed(1)],
    ['wasm → JS import', M, perCall(M, () => lb.wasmToJs(M)).toFixed(0), perCall(M, () => v8.wasmToJs(M)).toFixed(0)],
    ['JS → wasm export', M, perCall(M, jsToWasm(lb)).toFixed(0), perCall(M, jsToWasm(v8)).toFixed(0)],
  ];
  return [{ kind: 'measured', title: 'What a call costs, ns per call (best of five runs)', columns: ['call', 'calls per run', 'Lightbeam', 'V8'], rows, machine: await describeMachine() }];
}
