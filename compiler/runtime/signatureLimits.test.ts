// Item 3 of issue 11: signatures up to the JS API's limit (1,000 params, 1,000 results) run
// correctly in both directions through the runtime's slot buffers; one more is a CompileError
// at compile time (it used to pass to JS as undefined, or write past the call-out buffer).
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { CompileError, Instance, Module, validate } from '../api/index.ts';

const i64s = (n: number) => Array(n).fill('i64').join(' ');

/** Calls the import with n i64 arguments (the export's own, in order) and returns its n results reversed. */
async function roundTrip(n: number): Promise<Uint8Array> {
  const gets = Array.from({ length: n }, (_, i) => `local.get ${i}`).join(' ');
  return watToWasm(`(module
    (type $t (func (param ${i64s(n)}) (result ${i64s(n)})))
    (import "js" "f" (func $f (type $t)))
    (func (export "g") (type $t) ${gets} call $f))`);
}

describe('signatures at the JS API limits', () => {
  it('passes 1,000 i64 parameters and 1,000 results JS -> wasm -> JS -> wasm -> JS', async () => {
    const n = 1000;
    const module = new Module(await roundTrip(n));
    let seen: bigint[] = [];
    const inst = new Instance(module, {
      js: { f: (...args: bigint[]) => ((seen = args), args.map((a) => -a)) },
    });
    const args = Array.from({ length: n }, (_, i) => BigInt(i) * 0x1_0000_0001n + 7n);
    const out = (inst.exports.g as (...a: bigint[]) => bigint[])(...args);
    expect(seen).toEqual(args);
    expect(out).toEqual(args.map((a) => -a));
  }, 60_000);

  it('rejects 1,001 parameters or 1,001 results with a CompileError (validate says false)', async () => {
    const params = await watToWasm(`(module (type (func (param ${i64s(1001)}))))`);
    const results = await watToWasm(`(module (type (func (result ${i64s(1001)}))))`);
    for (const bytes of [params, results]) {
      expect(validate(bytes)).toBe(false);
      expect(() => new Module(bytes)).toThrow(CompileError);
    }
    expect(() => new Module(params)).toThrow(/too many parameters/);
    expect(() => new Module(results)).toThrow(/too many results/);
  });

  it('rejects more than 100,000 tables', () => {
    // Hand-built binaries: a data count section is enough to declare the segments up front.
    const leb = (v: number) => { const b = []; do { let x = v & 0x7f; v >>>= 7; if (v) x |= 0x80; b.push(x); } while (v); return b; };
    const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
    const head = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
    const tables = (n: number) => {
      const body = [...leb(n)];
      for (let i = 0; i < n; i++) body.push(0x70, 0x00, 0x00); // funcref, min 0
      return new Uint8Array([...head, ...section(4, body)]);
    };
    expect(validate(tables(2))).toBe(true);
    expect(() => new Module(tables(100_001))).toThrow(/too many tables/);
  });
});
