import { describe, expect, it } from 'vitest';
import { loadWatToWasm, watToWasm } from './watToWasm.ts';

const ADD = '(module (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))';
const hasNameSection = (bytes: Uint8Array): boolean => Buffer.from(bytes).includes(Buffer.from('\x04name', 'latin1'));

describe('watToWasm', () => {
  it('assembles a module that runs', async () => {
    const bytes = await watToWasm(ADD);
    const { instance } = await WebAssembly.instantiate(bytes);
    expect((instance.exports.add as (a: number, b: number) => number)(2, 40)).toBe(42);
  });

  it('writes a name section only when asked', async () => {
    expect(hasNameSection(await watToWasm(ADD))).toBe(false);
    expect(hasNameSection(await watToWasm(ADD, { names: true }))).toBe(true);
  });

  it("runs wabt's validator unless told not to", async () => {
    const invalid = '(module (func (result i32) (i64.const 1)))';
    await expect(watToWasm(invalid, { name: 'bad.wat' })).rejects.toThrow(/bad\.wat:1:\d+: error: type mismatch/);
    expect((await watToWasm(invalid, { validate: false })).length).toBeGreaterThan(8);
  });

  it("names the file exactly in wabt's messages, whatever wabt's heap held before", async () => {
    const assemble = await loadWatToWasm();
    // Longer names first leave bytes in wabt's heap where the next, shorter name's NUL should be.
    for (let i = 0; i < 3; i++) assemble('(module (func (export "fffff") (result i32) i32.const 1))', { name: 'x'.repeat(40) + i });
    expect(() => assemble('(module (func (result i32) i32.const 1 i32.add))', { name: '/tmp/bad.wat' }))
      .toThrow(/\n\/tmp\/bad\.wat:1:\d+: error/);
  });

  it('reads names in any script, byte for byte', async () => {
    const assemble = await loadWatToWasm();
    for (const name of ['\u00e9', '\ufeff', '\u{1f600}', 'a\u202eb']) {
      const { instance } = await WebAssembly.instantiate(assemble(`(module (func (export "${name}")))`));
      expect(Object.keys(instance.exports), name).toEqual([name]);
    }
  });

  it('reads proposals beyond 2.0 (every wabt feature is on)', async () => {
    const assemble = await loadWatToWasm();
    const tailCall = '(module (func $f (return_call $f)))';
    expect(() => assemble(tailCall)).not.toThrow();
    expect(() => assemble('(module (func (i32.add')).toThrow(/error/);
  });
});
