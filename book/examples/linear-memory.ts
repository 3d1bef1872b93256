// Chapter 10's examples. First the rule an i32.load must obey, written as the smallest program
// that does it (on an ArrayBuffer, in JavaScript numbers, which never wrap), run beside the
// compiled code of Lightbeam and of V8 on the addresses where a careless check goes wrong. Then
// how many bounds checks Lightbeam keeps, against checking every access, for a few functions.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/lib/root.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import { describeMachine, type Output } from '../../src/lib/exampleOutput.ts';

// #region load-model
/** i32.load offset=`offset` at `address`, as the spec defines it: 4 bytes, little-endian, or a trap. */
function i32Load(memory: ArrayBuffer, address: number, offset: number): number | 'trap' {
  const ea = address + offset; // up to 2^32 - 1 + 2^32 - 1: exact in a double, no wrap-around
  if (ea + 4 > memory.byteLength) return 'trap';
  return new DataView(memory).getInt32(ea, true);
}
// #endregion load-model

/** The same access in 32-bit arithmetic, as a machine would do it with one `add eax, offset`. */
function i32LoadWrapping(memory: ArrayBuffer, address: number, offset: number): number | 'trap' {
  const ea = (address + offset) >>> 0;
  if (ea + 4 > memory.byteLength) return 'trap';
  return new DataView(memory).getInt32(ea, true);
}

const probe = `(module (memory 1)
  (data (i32.const 0) "\\2a\\00\\00\\00")
  (data (i32.const 65532) "\\07\\00\\00\\00")
  (func (export "at") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "at4") (param i32) (result i32) (i32.load offset=4 (local.get 0))))`;

const probes: [fn: 'at' | 'at4', address: number][] = [
  ['at', 0], ['at', 65532], ['at', 65533], ['at', 65536], ['at4', 65528], ['at4', 65529], ['at4', 0xfffffffc], ['at', 0xffffffff],
];

export async function boundsRule(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const wasm = await watToWasm(probe, { name: 'probe.wat' });
  const { Instance } = await import('../../compiler/runtime/instance.ts');
  const ours = new Instance(compileModule(wasm)).exports as Record<string, (a: number) => number>;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>)).exports as Record<string, (a: number) => number>;
  // The model's memory: one page with the same two data segments.
  const memory = new ArrayBuffer(65536);
  new DataView(memory).setInt32(0, 42, true);
  new DataView(memory).setInt32(65532, 7, true);
  const run = (f: (a: number) => number, a: number): string => {
    try {
      return String(f(a | 0));
    } catch (e) {
      return e instanceof Error && /out of bounds/.test(e.message) ? 'trap' : `error: ${String(e)}`;
    }
  };
  const rows = probes.map(([fn, address]) => {
    const offset = fn === 'at4' ? 4 : 0;
    return [
      `i32.load offset=${offset} (0x${address.toString(16)})`,
      String(i32Load(memory, address, offset)),
      String(i32LoadWrapping(memory, address, offset)),
      run(ours[fn]!, address),
      run(v8[fn]!, address),
    ];
  });
  return [{
    kind: 'measured',
    columns: ['access (one 64 KiB page)', 'the model', 'the model in 32 bits', 'Lightbeam', 'V8'],
    rows,
    machine: await describeMachine(),
  }];
}

// #region check-counts
/** Functions over one page of memory. */
const functions: [what: string, func: string][] = [
  ['one load at an unknown address', '(func (param $a i32) (result i32) (i32.load (local.get $a)))'],
  ['a constant address inside the minimum size', '(func (result i32) (i32.load offset=8 (i32.const 16)))'],
  ['a constant address beyond the minimum size', '(func (result i32) (i32.load (i32.const 70000)))'],
  ['three fields of a record, nearest first',
    '(func (param $p i32) (result i32) (i32.add (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p))) (i32.load offset=8 (local.get $p))))'],
  ['three fields of a record, farthest first',
    '(func (param $p i32) (result i32) (i32.add (i32.add (i32.load offset=8 (local.get $p)) (i32.load offset=4 (local.get $p))) (i32.load (local.get $p))))'],
  ['swap two i64s: two loads, two stores',
    '(func (param $p i32) (local $t i64) (local.set $t (i64.load (local.get $p))) (i64.store (local.get $p) (i64.load offset=8 (local.get $p))) (i64.store offset=8 (local.get $p) (local.get $t)))'],
  ['two loads through $p, and $p written between them',
    '(func (param $p i32) (result i32) (local $t i32) (local.set $t (i32.load offset=4 (local.get $p))) (local.set $p (i32.add (local.get $p) (i32.const 1))) (i32.add (local.get $t) (i32.load (local.get $p))))'],
  ['the same without the write',
    '(func (param $p i32) (result i32) (local $t i32) (local.set $t (i32.load offset=4 (local.get $p))) (i32.add (local.get $t) (i32.load (local.get $p))))'],
  ['a table lookup at (byte & 63) + 1024: a range fact',
    '(func (param $p i32) (result i32) (i32.load8_u (i32.add (i32.and (i32.load8_u (local.get $p)) (i32.const 63)) (i32.const 1024))))'],
  ['a loop over an array (one access per iteration)',
    '(func (param $n i32) (result i32) (local $i i32) (local $s i32) (loop $l (local.set $s (i32.add (local.get $s) (i32.load (local.get $i)))) (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $n)))) (local.get $s))'],
];
// #endregion check-counts

export async function checkCounts(): Promise<Output[]> {
  const rows: (string | number)[][] = [];
  for (const [what, func] of functions) {
    const { boundsChecks } = compileModule(await watToWasm(`(module (memory 1) ${func})`, { name: 'checks.wat' }));
    rows.push([what, boundsChecks.kept + boundsChecks.removed, boundsChecks.kept]);
  }
  const real: (string | number)[][] = [];
  const dir = join(repoRoot(), 'compiler/testing/cprograms');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.wasi.wasm')).sort()) {
    const { boundsChecks } = compileModule(readFileSync(join(dir, file)));
    const all = boundsChecks.kept + boundsChecks.removed;
    if (all === 0) continue;
    real.push([file, all, boundsChecks.kept, `${((100 * boundsChecks.removed) / all).toFixed(0)}%`]);
  }
  return [
    { kind: 'table', title: 'Small functions', columns: ['function', 'loads and stores (checks if every one is checked)', 'checks Lightbeam emits'], rows },
    {
      kind: 'table',
      title: 'C programs with their C library, compiled by clang -O2 for WASI (compiler/testing/cprograms)',
      columns: ['module', 'loads and stores', 'checks Lightbeam emits', 'removed'],
      rows: real,
    },
  ];
}
