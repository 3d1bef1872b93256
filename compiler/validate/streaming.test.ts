import { describe, expect, it } from 'vitest';
import { CompileError } from '../errors.ts';
import { StreamingValidator, validateModule, validateStreaming } from './index.ts';
import { HEADER, leb, moduleOf, moduleWithBody, plainModuleInfo, reasonOf, RecordingCodeGenerator, section } from './testSupport.ts';
import { watToWasm } from '../text/watToWasm.ts';

// A module touching every section kind and most declaration forms.
const EVERYTHING = `
(module
  (type $v (func))
  (type $ii (func (param i32) (result i32)))
  (import "env" "f" (func $imp (type $ii)))
  (import "env" "t" (table 1 funcref))
  (import "env" "m" (memory 1 2))
  (import "env" "g" (global $gi i32))
  (table $t2 2 10 externref)
  (global $g1 (mut i64) (i64.const -5))
  (global $g2 f64 (f64.const 1.5))
  (global $g3 i32 (global.get $gi))
  (global $g4 funcref (ref.func $helper))
  (func $helper (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $main (export "main") (param $x i32) (result i32) (local i64 f32)
    (block $out (result i32)
      (br_if $out (local.get $x) (i32.eqz (local.get $x)))
      (drop)
      (call $helper (call $imp (local.get $x)))))
  (func $start (type $v) (data.drop 1))
  (start $start)
  (export "t" (table 0))
  (export "mem" (memory 0))
  (elem (i32.const 0) $helper)
  (elem funcref (ref.func $main) (ref.null func))
  (elem declare func $start)
  (elem (table $t2) (i32.const 1) externref (ref.null extern))
  (data (i32.const 8) "hello")
  (data "passive \\00\\ff")
)`;

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

function run(chunks: Uint8Array[]): { info: unknown; events: string[] } {
  const cg = new RecordingCodeGenerator();
  const v = new StreamingValidator(cg);
  for (const c of chunks) v.push(c);
  return { info: plainModuleInfo(v.finish()), events: cg.events };
}

function reasonStreamed(bytes: Uint8Array, size: number): string {
  return reasonOf(() => {
    const v = new StreamingValidator();
    for (const c of chunked(bytes, size)) v.push(c);
    v.finish();
  });
}

describe('a finished or failed validator', () => {
  it('refuses more input and a second finish once finished', () => {
    const v = new StreamingValidator();
    v.push(moduleWithBody([0, 0x0b]));
    expect(v.finish().functions.length).toBe(1);
    expect(() => v.finish()).toThrow('finish() was already called');
    expect(() => v.push(new Uint8Array([0]))).toThrow('finish() was already called');
  });
  it('repeats its error', () => {
    const v = new StreamingValidator();
    expect(() => v.push(new Uint8Array([1, 2, 3, 4]))).toThrow(CompileError);
    expect(() => v.push(new Uint8Array([0]))).toThrow('magic header not detected');
    expect(() => v.finish()).toThrow('magic header not detected');
  });
});

describe('streaming equals whole-buffer', () => {
  it('decodes the everything-module with names', async () => {
    const bytes = await watToWasm(EVERYTHING, { names: true });
    const m = validateModule(bytes);
    expect(m.imports.map((i) => i.desc.kind)).toEqual(['func', 'table', 'memory', 'global']);
    expect(m.functions).toEqual([1, 1, 1, 0]);
    expect(m.tables.map((t) => t.element)).toEqual([0x70, 0x6f]);
    expect(m.globals.map((g) => g.init?.op)).toEqual([undefined, 'i64.const', 'f64.const', 'global.get', 'ref.func']);
    expect(m.start).toBe(3);
    expect(m.elements.map((e) => e.mode)).toEqual(['active', 'passive', 'declarative', 'active']);
    expect(m.data.map((d) => [d.mode, Array.from(d.bytes)])).toEqual([
      ['active', [...'hello'].map((c) => c.charCodeAt(0))],
      ['passive', [...'passive '].map((c) => c.charCodeAt(0)).concat([0, 255])],
    ]);
    expect(m.dataCount).toBe(2);
    expect(m.names.functions.get(2)).toBe('main');
    expect([...m.declaredFuncRefs].sort()).toEqual([1, 2, 3]);
  });

  it('reads names when asked: later name sections win, a malformed one is ignored', () => {
    const nameSection = (subsections: number[]): number[] => section(0, [4, ...'name'.split('').map((c) => c.charCodeAt(0)), ...subsections]);
    const functionNames = (index: number, name: string): number[] => {
      const payload = [1, index, name.length, ...name.split('').map((c) => c.charCodeAt(0))];
      return [1, ...leb(payload.length), ...payload];
    };
    const m = validateModule(moduleOf(nameSection(functionNames(0, 'a')), nameSection(functionNames(0, 'b')), nameSection([1, 50, 1])));
    expect(m.names.functions.get(0)).toBe('b');
    expect(m.names.module).toBe(undefined);
  });

  it('gives the same ModuleInfo and code-generator calls for every chunk size, down to one byte', async () => {
    const bytes = await watToWasm(EVERYTHING, { names: true });
    const whole = run([bytes]);
    expect(whole.events.length).toBeGreaterThan(10);
    for (const size of [1, 2, 3, 5, 7, 64]) expect(run(chunked(bytes, size))).toEqual(whole);
  });

  it('gives the same result for a split at every position (inside LEB128s, names, bodies)', async () => {
    const bytes = await watToWasm(EVERYTHING, { names: true });
    const whole = run([bytes]);
    for (let i = 1; i < bytes.length; i++) {
      expect(run([bytes.slice(0, i), bytes.slice(i)])).toEqual(whole);
    }
  });

  it('consumes an async iterable of chunks', async () => {
    const bytes = await watToWasm(EVERYTHING);
    async function* source() {
      for (const c of chunked(bytes, 3)) yield c;
    }
    const m = await validateStreaming(source());
    expect(plainModuleInfo(m)).toEqual(plainModuleInfo(validateModule(bytes)));
  });

  it('does not depend on the caller keeping its chunks unchanged (names are decoded later, from a copy)', async () => {
    const bytes = await watToWasm(EVERYTHING, { names: true });
    const v = new StreamingValidator();
    const scratch = new Uint8Array(5);
    const scratch2 = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i += 5) {
      const n = Math.min(5, bytes.length - i);
      scratch.set(bytes.subarray(i, i + n));
      v.push(scratch.subarray(0, n));
      scratch.fill(0xee);
    }
    expect(plainModuleInfo(v.finish())).toEqual(plainModuleInfo(validateModule(bytes)));
    const whole = new StreamingValidator();
    scratch2.set(bytes);
    whole.push(scratch2);
    scratch2.fill(0xee);
    expect(plainModuleInfo(whole.finish())).toEqual(plainModuleInfo(validateModule(bytes)));
  });

  it('hands each function body to the code generator as soon as it is complete', async () => {
    const bytes = await watToWasm('(module (func (nop)) (func (nop)) (data "x"))');
    const cg = new RecordingCodeGenerator();
    const v = new StreamingValidator(cg);
    let fed = 0;
    const seenAt: number[] = [];
    for (; fed < bytes.length; fed++) {
      const before = cg.events.filter((e) => e.startsWith('endFunction')).length;
      v.push(bytes.subarray(fed, fed + 1));
      if (cg.events.filter((e) => e.startsWith('endFunction')).length > before) seenAt.push(fed);
    }
    v.finish();
    // Each body ends with 0x0b; it is validated when exactly that byte arrives.
    expect(seenAt.length).toBe(2);
    for (const at of seenAt) expect(bytes[at]).toBe(0x0b);
    expect(seenAt[1]).toBeLessThan(bytes.length - 4);
  });
});

describe('skipBodies: the declarations without validating the bodies', () => {
  it('gives the same ModuleInfo as full validation, whole or streamed a byte at a time', async () => {
    const bytes = await watToWasm(EVERYTHING, { names: true });
    const full = plainModuleInfo(validateModule(bytes));
    expect(plainModuleInfo(validateModule(bytes, undefined, { skipBodies: true }))).toEqual(full);
    const v = new StreamingValidator(undefined, { skipBodies: true });
    for (const c of chunked(bytes, 1)) v.push(c);
    expect(plainModuleInfo(v.finish())).toEqual(full);
  });

  it('steps over a body it would reject, but not a body past the code section', () => {
    const invalid = moduleWithBody([0, 0x6a, 0x0b]); // i32.add of nothing
    expect(reasonOf(() => validateModule(invalid))).toBe('type mismatch');
    expect(() => validateModule(invalid, undefined, { skipBodies: true })).not.toThrow();
    const truncated = moduleOf(section(1, [1, 0x60, 0, 0]), section(3, [1, 0]), section(10, [1, 5, 0, 0x0b]));
    expect(() => validateModule(truncated, undefined, { skipBodies: true })).toThrow(CompileError);
  });
});

describe('malformed input, whole or streamed', () => {
  const cases: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array([]), 'unexpected end'],
    ['bad magic', new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]), 'magic header not detected'],
    ['bad version', new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), 'unknown binary version'],
    ['section id 14', moduleOf([14, 0]), 'malformed section id'],
    ['section out of order', moduleOf(section(3, [0]), section(1, [0])), 'unexpected content after last section'],
    ['section size cutting its content short', new Uint8Array([...HEADER, 1, 3, 1, 0x60, 0, 0]), 'unexpected end of section or function'],
    ['section longer than its content', moduleOf(section(1, [1, 0x60, 0, 0, 0])), 'section size mismatch'],
    ['section past the end of the module', new Uint8Array([...HEADER, 1, 10, 1, 0x60, 0, 0]), 'length out of bounds'],
    ['overlong section size', new Uint8Array([...HEADER, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 'integer representation too long'],
    ['bad UTF-8 in an import name', moduleOf(section(2, [1, 2, 0xc0, 0x80, 1, 0x61, 3, 0x7f, 0])), 'malformed UTF-8 encoding'],
    ['bad UTF-8 in a custom section name', moduleOf(section(0, [2, 0xed, 0xa0])), 'malformed UTF-8 encoding'],
    ['data count without data', moduleOf(section(12, [1])), 'data count and data section have inconsistent lengths'],
    ['functions without code', moduleOf(section(1, [1, 0x60, 0, 0]), section(3, [1, 0])), 'function and code section have inconsistent lengths'],
    ['body without end', moduleWithBody([0, 0x01]), 'unexpected end of section or function'],
  ];
  for (const [name, bytes, reason] of cases) {
    it(`${name}: "${reason}" for every chunk size`, () => {
      expect(reasonOf(() => validateModule(bytes))).toBe(reason);
      for (const size of [1, 2, 3]) expect(reasonStreamed(bytes, size)).toBe(reason);
    });
  }

  it('keeps failing once it has failed, and refuses input after finish', async () => {
    const v = new StreamingValidator();
    expect(() => v.push(new Uint8Array([1, 2, 3, 4]))).toThrow(CompileError);
    expect(() => v.push(new Uint8Array([0]))).toThrow('magic header not detected');
    const w = new StreamingValidator();
    w.push(await watToWasm('(module)'));
    w.finish();
    expect(() => w.push(new Uint8Array([0]))).toThrow();
  });
});

describe('very large counts fail cleanly instead of allocating', () => {
  const huge = leb(0xffffffff);
  const cases: [string, Uint8Array, string][] = [
    ['types', moduleOf(section(1, [...huge, 0x60, 0, 0])), 'unexpected end of section or function'],
    ['type params', moduleOf(section(1, [1, 0x60, ...huge, 0x7f])), 'unexpected end of section or function'],
    ['imports', moduleOf(section(2, [...huge])), 'unexpected end of section or function'],
    ['functions', moduleOf(section(3, [...huge, 0])), 'unexpected end of section or function'],
    ['globals', moduleOf(section(6, [...huge])), 'unexpected end of section or function'],
    ['element items', moduleOf(section(9, [1, 1, 0, ...huge, 0])), 'unexpected end of section or function'],
    ['data bytes', moduleOf(section(11, [1, 1, ...huge, 0])), 'unexpected end of section or function'],
    ['code bodies', moduleOf(section(1, [1, 0x60, 0, 0]), section(3, [1, 0]), section(10, [...huge])), 'function and code section have inconsistent lengths'],
    ['locals', moduleWithBody([2, ...huge, 0x7f, ...huge, 0x7e, 0x0b]), 'too many locals'],
    ['locals in many runs', moduleWithBody([...leb(60000), ...Array(60000).fill([1, 0x7f]).flat(), 0x0b]), 'too many locals'],
    ['br_table targets', moduleWithBody([0, 0x41, 0, 0x0e, ...huge, 0, 0x0b]), 'unexpected end of section or function'],
    ['name length', moduleOf(section(0, [...huge, 0x61])), 'length out of bounds'],
    ['body size', moduleOf(section(1, [1, 0x60, 0, 0]), section(3, [1, 0]), [10, ...leb(6 + 8_000_000), 1, ...leb(8_000_000)]), 'function body too large (limit 7654321 bytes)'],
  ];
  for (const [name, bytes, reason] of cases) {
    it(name, () => {
      expect(reasonOf(() => validateModule(bytes))).toBe(reason);
      expect(reasonStreamed(bytes, 1)).toBe(reason);
    });
  }
});

describe('the JS API\'s 1 GiB limit on a module', () => {
  it('fails as the bytes pass it, holding none of them', () => {
    // A custom section (empty name) declared longer than 1 GiB, then its contents 64 MiB at a time.
    const v = new StreamingValidator();
    v.push(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, ...leb(2 ** 30 + 64), 0]));
    const chunk = new Uint8Array(64 * 2 ** 20);
    let pushed = 0;
    let error: unknown;
    try {
      for (; pushed < 17; pushed++) {
        v.push(chunk);
        expect(v.retainedBytes).toBeLessThan(1024);
      }
    } catch (e) {
      error = e;
    }
    expect(pushed).toBe(15); // 15 bytes, then 15 x 64 MiB fit; the 16th chunk passes 1 GiB
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).message).toMatch(/^module too large \(over 1073741824 bytes; the JS API allows 1073741824\)/);
  });
});

describe('hostile input', () => {
  it('mutated modules either validate or throw CompileError, and streaming agrees with whole-buffer', async () => {
    const original = await watToWasm(EVERYTHING, { names: true });
    let seed = 2024;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      const bytes = original.slice();
      for (let k = 1 + random(3); k > 0; k--) bytes[8 + random(bytes.length - 8)] = [random(256), 0x80, 0xff, 0x0b, 0x00][random(5)]!;
      let whole: unknown;
      try {
        whole = plainModuleInfo(validateModule(bytes));
        accepted++;
      } catch (e) {
        expect(e).toBeInstanceOf(CompileError);
        whole = 'error';
      }
      let streamed: unknown;
      try {
        const v = new StreamingValidator();
        for (const c of chunked(bytes, 1 + random(7))) v.push(c);
        streamed = plainModuleInfo(v.finish());
      } catch (e) {
        expect(e).toBeInstanceOf(CompileError);
        streamed = 'error';
      }
      expect(streamed).toEqual(whole);
    }
    // Some mutations land in names, data bytes or immediates and leave the module valid.
    expect(accepted).toBeGreaterThan(50);
  });
});

describe('bounded memory', () => {
  it('skips a large custom section as it streams, without buffering it', async () => {
    const code = await watToWasm('(module (func (export "f") (result i32) (i32.const 7)))');
    const big = new Uint8Array(8 << 20).fill(0x5a);
    const custom = [0, ...leb(big.length + 6), 5, ...[...'debug'].map((c) => c.charCodeAt(0))];
    const v = new StreamingValidator();
    let most = 0;
    const feed = (bytes: Uint8Array) => {
      for (let i = 0; i < bytes.length; i += 65536) {
        v.push(bytes.slice(i, i + 65536));
        most = Math.max(most, v.retainedBytes);
      }
    };
    feed(code.subarray(0, 8));
    feed(new Uint8Array(custom));
    feed(big);
    feed(code.subarray(8));
    const m = v.finish();
    expect(m.customSections).toEqual([{ name: 'debug', offset: 8 + custom.length, size: big.length }]);
    expect(m.exports.map((e) => e.name)).toEqual(['f']);
    expect(most).toBeLessThan(1 << 20);
  });
});
