// The WebAssembly namespace object and the behaviours real packages' glue relies on, each
// checked against V8's own WebAssembly (the JS API tests in compiler/jsapi check the rest), and
// the regressions that running real npm packages (scripts/check-packages.mts) exposed.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWatToWasm, type WatAssembler } from '../text/watToWasm.ts';
import { WebAssembly as LB } from './namespace.ts';

let wat2wasm: WatAssembler;
beforeAll(async () => {
  wat2wasm = await loadWatToWasm();
});

type Api = typeof WebAssembly;
const engines: [string, () => Api][] = [['lightbeam', () => LB as unknown as Api], ['v8', () => WebAssembly]];

describe.each(engines)('the WebAssembly namespace (%s)', (_name, api) => {
  it('has the JS API shape', () => {
    const W = api();
    expect(Object.prototype.toString.call(W)).toBe('[object WebAssembly]');
    expect(Object.prototype.toString.call(new W.Memory({ initial: 0 }))).toBe('[object WebAssembly.Memory]');
    expect(Object.getOwnPropertyDescriptor(W, 'Module')!.enumerable).toBe(false);
    expect(Object.getOwnPropertyDescriptor(W, 'validate')!.enumerable).toBe(true);
    expect(Object.getOwnPropertyDescriptor(W.Instance.prototype, 'exports')!.get).toBeTypeOf('function');
    expect([W.Module, W.Instance, W.Memory, W.Table, W.Global, W.instantiate].map((f) => f.length)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('detaches the old buffer when memory grows, from JS or from wasm', () => {
    const W = api();
    const { exports } = new W.Instance(new W.Module(wat2wasm(`(module (memory (export "m") 1 4)
      (func (export "grow") (result i32) (memory.grow (i32.const 1))))`)));
    const m = exports.m as WebAssembly.Memory;
    const first = m.buffer;
    new Uint8Array(first)[7] = 42;
    expect(m.grow(1)).toBe(1);
    expect(first.byteLength).toBe(0);
    const second = m.buffer;
    expect(second.byteLength).toBe(2 * 65536);
    expect(new Uint8Array(second)[7]).toBe(42);
    expect((exports.grow as () => number)()).toBe(2);
    expect(second.byteLength).toBe(0);
    expect(m.buffer.byteLength).toBe(3 * 65536);
  });

  it('makes exported functions that are not constructors', () => {
    const W = api();
    const { exports } = new W.Instance(new W.Module(wat2wasm('(module (func (export "f") (result i32) (i32.const 7)))')));
    const f = exports.f as unknown as new () => unknown;
    expect(() => new f()).toThrow(TypeError);
  });

  it('instantiates from a fetch Response and checks its MIME type', async () => {
    const W = api();
    const bytes = wat2wasm('(module (func (export "f") (result i32) (i32.const 7)))');
    const ok = new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } });
    const { instance } = await W.instantiateStreaming(ok);
    expect((instance.exports.f as () => number)()).toBe(7);
    await expect(W.compileStreaming(new Response(bytes))).rejects.toThrow(TypeError);
  });

  it('compiles a streamed body chunk by chunk, and stops reading it at the first problem', async () => {
    const W = api();
    const bytes = wat2wasm(`(module (func (export "f") (result i32) (i32.const 7))
      (func (export "g") (result i32) (i32.const 8)) (@custom "extra" "abc"))`);
    // A body that hands out 5 bytes per read, and counts the reads.
    const body = (b: Uint8Array, stats: { reads: number; cancelled: boolean }) => new ReadableStream<Uint8Array>({
      pull(controller) {
        const at = stats.reads++ * 5;
        if (at >= b.length) controller.close();
        else controller.enqueue(b.slice(at, at + 5));
      },
      cancel() {
        stats.cancelled = true;
      },
    }, { highWaterMark: 0 });
    const response = (b: Uint8Array, stats: { reads: number; cancelled: boolean }) =>
      new Response(body(b, stats), { headers: { 'Content-Type': 'application/wasm' } });
    const good = { reads: 0, cancelled: false };
    const { module, instance } = await W.instantiateStreaming(response(bytes, good));
    expect((instance.exports.f as () => number)()).toBe(7);
    expect((instance.exports.g as () => number)()).toBe(8);
    expect(new TextDecoder().decode(W.Module.customSections(module, 'extra')[0])).toBe('abc');
    expect(good.reads).toBeGreaterThan(bytes.length / 5);
    // A bad import object is refused before the body is read.
    const unread = { reads: 0, cancelled: false };
    await expect(W.instantiateStreaming(response(bytes, unread), 5 as unknown as WebAssembly.Imports)).rejects.toThrow(TypeError);
    expect(unread.reads).toBe(0);
    // The first body's i32.const becomes an unknown opcode: the rest is never read.
    const bad = bytes.slice();
    bad[bad.indexOf(0x41, 20)] = 0xff;
    const stats = { reads: 0, cancelled: false };
    await expect(W.compileStreaming(response(bad, stats))).rejects.toThrow(W.CompileError);
    if (_name === 'lightbeam') {
      expect(stats.reads).toBeLessThan(bytes.length / 5 - 2);
      expect(stats.cancelled).toBe(true);
    }
  });

  // sql.js (SQLite): `i64.const -2^53` as a compare operand; -2^53 is exact as a double but
  // not a safe integer, and the assembler refused it as a 64-bit immediate.
  it('compares with the i64 constant -2^53 (regression from sql.js)', () => {
    const W = api();
    const { exports } = new W.Instance(new W.Module(wat2wasm(`(module (func (export "le") (param i64) (result i32)
      (i64.le_u (i64.sub (local.get 0) (i64.const 4503599627370496)) (i64.const -9007199254740992))))`)));
    const le = exports.le as (x: bigint) => number;
    expect([0n, 1n << 52n, -(1n << 52n), 5n].map(le)).toEqual([0, 1, 1, 0]);
  });
});

// Node 20's V8 predates the JS API's externref default (it still gives null), so this is ours alone.
describe('the WebAssembly namespace (lightbeam only)', () => {
  it('keeps externref defaults undefined and rejects non-functions in funcref tables', () => {
    const W = LB as unknown as Api;
    expect(new W.Global({ value: 'externref' }).value).toBeUndefined();
    const ext = new W.Table({ element: 'externref', initial: 1 });
    expect(ext.get(0)).toBeUndefined();
    const fun = new W.Table({ element: 'anyfunc', initial: 1 });
    expect(() => fun.set(0, undefined)).toThrow(TypeError);
    expect(() => new W.Table({ element: 'anyfunc', initial: 2, maximum: 1 })).toThrow(RangeError);
  });
});
