// Chapter 12's example: call_indirect's signature check, first as the smallest model that works
// inside one module (compare type indices), then on the cases where that model is wrong, run
// beside Lightbeam's compiled code and V8's: a type declared twice, and a table shared between
// two modules whose type sections differ.
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import { describeMachine, type Output } from '../../src/lib/exampleOutput.ts';

// #region call-indirect-model
/** A table entry as the smallest model sees it: the function and its type's index in its module. */
interface Entry {
  typeIndex: number;
  call: (...args: number[]) => number;
}

function callIndirect(table: readonly (Entry | null)[], index: number, expectedType: number, args: number[]): number {
  if (index >>> 0 >= table.length) throw new Error('trap: undefined element');
  const f = table[index >>> 0]!;
  if (f === null) throw new Error('trap: uninitialized element');
  if (f.typeIndex !== expectedType) throw new Error('trap: indirect call type mismatch');
  return f.call(...args);
}
// #endregion call-indirect-model

// Module B exports a table holding two of its functions. Its type section starts with [] -> [],
// so its i32 -> i32 type has index 1.
const moduleB = `(module
  (type $void (func))
  (type $unop (func (param i32) (result i32)))
  (table (export "table") 2 funcref)
  (elem (i32.const 0) $nothing $double)
  (func $nothing (type $void))
  (func $double (type $unop) (i32.mul (local.get 0) (i32.const 2))))`;

// Module A declares i32 -> i32 twice (types 0 and 1), defines $triple with the second, and
// calls through its own table and through B's, always as type 0.
const moduleA = `(module
  (type $unop (func (param i32) (result i32)))
  (type $same (func (param i32) (result i32)))
  (import "b" "table" (table $shared 2 funcref))
  (table $own 1 funcref)
  (elem (table $own) (i32.const 0) func $triple)
  (func $triple (type $same) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "own") (param i32) (result i32)
    (call_indirect $own (type $unop) (i32.const 7) (local.get 0)))
  (func (export "shared") (param i32) (result i32)
    (call_indirect $shared (type $unop) (i32.const 7) (local.get 0))))`;

const run = (f: () => unknown): string => {
  try {
    return String(f());
  } catch (e) {
    return e instanceof Error ? (e.message.startsWith('trap') ? e.message : `trap: ${e.message}`) : String(e);
  }
};

export async function typeCheck(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const [a, b] = [await watToWasm(moduleA, { name: 'a.wat' }), await watToWasm(moduleB, { name: 'b.wat' })];

  const { Instance } = await import('../../compiler/runtime/instance.ts');
  const ourB = new Instance(compileModule(b));
  const ourA = new Instance(compileModule(a), { b: { table: ourB.exports.table } }).exports as Record<string, (i: number) => number>;
  const v8B = new WebAssembly.Instance(new WebAssembly.Module(b as Uint8Array<ArrayBuffer>));
  const v8A = new WebAssembly.Instance(new WebAssembly.Module(a as Uint8Array<ArrayBuffer>), { b: { table: v8B.exports.table! } })
    .exports as Record<string, (i: number) => number>;

  // The model's view of the same tables: type indices as each module numbers them.
  const own: Entry[] = [{ typeIndex: 1, call: (x) => x * 3 }];
  const shared: Entry[] = [{ typeIndex: 0, call: () => 0 }, { typeIndex: 1, call: (x) => x * 2 }];
  const rows = [
    ["A's own table, slot 0: $triple, declared with A's type 1 (the same as type 0)", () => callIndirect(own, 0, 0, [7]), () => ourA.own!(0), () => v8A.own!(0)],
    ["B's table, slot 1: $double, i32 -> i32, which is type 1 in B", () => callIndirect(shared, 1, 0, [7]), () => ourA.shared!(1), () => v8A.shared!(1)],
    ["B's table, slot 0: $nothing, [] -> [], which is type 0 in B", () => callIndirect(shared, 0, 0, [7]), () => ourA.shared!(0), () => v8A.shared!(0)],
  ] as const;
  return [{
    kind: 'measured',
    columns: ['call_indirect (type 0: i32 -> i32) with argument 7 to', 'the model (type indices)', 'Lightbeam', 'V8'],
    rows: rows.map(([what, model, ours, theirs]) => [what, run(model), run(ours), run(theirs)]),
    machine: await describeMachine(),
  }];
}

// #region cycle-example
// Two hundred instances, each keeping in its own table an object that refers back to its exports;
// then two hundred pairs, a main instance and a side instance that imports its table and its
// `keep` (linked, as a main module and a side module are), the object referring back to both;
// then two hundred instances that each import one long-lived global that can hold a reference.
// After a collection of handles and a garbage collection, how many of each are still alive?
const holder = `(module
  (table (export "values") 1 externref)
  (func (export "keep") (param externref) i32.const 0 local.get 0 table.set 0))`;
const side = `(module
  (import "main" "values" (table 1 externref))
  (import "main" "keep" (func $keep (param externref)))
  (func (export "keep") (param externref) local.get 0 call $keep))`;
const linkedHolder = `(module
  (import "other" "global" (global (mut externref)))
  (table (export "values") 1 externref)
  (func (export "keep") (param externref) i32.const 0 local.get 0 table.set 0))`;

export async function cycles(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const { Instance } = await import('../../compiler/runtime/instance.ts');
  const { Global } = await import('../../compiler/runtime/tableAndGlobal.ts');
  const { reclaim } = await import('../../compiler/runtime/reclaim.ts');
  const { ValType } = await import('../../compiler/binary/types.ts');
  const compile = async (wat: string) => compileModule(await watToWasm(wat));
  const [closed, sideModule, linked] = [await compile(holder), await compile(side), await compile(linkedHolder)];
  const other = new Global(ValType.externref, true, null); // lives through the whole run
  const probes: Record<string, WeakRef<object>[]> = { closed: [], pair: [], shared: [] };
  type Keeps = { keep(v: unknown): void; values: unknown };
  const make = (kind: 'closed' | 'pair' | 'shared') => {
    const instance = kind === 'shared' ? new Instance(linked, { other: { global: other } }) : new Instance(closed);
    const exports = instance.exports as unknown as Keeps;
    if (kind === 'pair') {
      const s = new Instance(sideModule, { main: { values: exports.values, keep: exports.keep } }).exports as unknown as Keeps;
      s.keep({ exports, side: s });
    } else exports.keep({ exports });
    probes[kind]!.push(new WeakRef(instance));
  };
  for (const kind of ['closed', 'pair', 'shared'] as const) for (let i = 0; i < 200; i++) make(kind);
  reclaim(); // a collection of handles, then a full garbage collection
  const alive = (kind: string) => probes[kind]!.filter((p) => p.deref()).length;
  return [{
    kind: 'table',
    columns: ['200 instances (or pairs), each keeping an object that refers back to it', 'still alive'],
    rows: [
      ['closed: no other wasm reaches its table', alive('closed')],
      ['a main and a side instance linked to each other', alive('pair')],
      ['linked to a long-lived global that can hold a reference', alive('shared')],
    ],
  }];
}
// #endregion cycle-example
