// The program generator itself: every program it makes validates under V8 and under our validator
// and runs on V8 to a result or a trap (nothing else), its feature sets reach every operator they
// promise, and the integer programs (which bench/compile.ts measures) are the same as ever.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../../text/watToWasm.ts';
import { validateModule } from '../../validate/index.ts';
import { runOnV8 } from '../../testing/differentialRunner.ts';
import { FEATURE_NAMES, featuresName, parseFeatures, program, programModule, type Features } from './randomProgram.ts';

const SETS: Features[] = [{}, { floats: true }, { memory: true }, { bulkMemory: true }, { callIndirect: true }, { tailCalls: true }, parseFeatures('all')];
const COUNT = Number(process.env.GEN_PROGRAMS ?? 500);

describe('random programs are valid and run on V8', () => {
  for (const features of SETS) {
    it(`${featuresName(features)}: ${COUNT} programs`, async () => {
      const t0 = performance.now();
      let traps = 0, calls = 0;
      for (let seed = 1; seed <= COUNT; seed++) {
        const text = program(seed, features);
        const where = `${featuresName(features)} seed ${seed}`;
        let bytes: Uint8Array;
        try {
          bytes = await watToWasm(text);
        } catch (e) {
          throw new Error(`${where}: wabt rejects the program: ${(e as Error).message}\n${text}`);
        }
        if (!WebAssembly.validate(bytes as BufferSource)) throw new Error(`${where}: V8 does not validate it\n${text}`);
        try {
          validateModule(bytes);
        } catch (e) {
          throw new Error(`${where}: our validator rejects it: ${(e as Error).message}\n${text}`);
        }
        let outcomes;
        try {
          outcomes = runOnV8(bytes, features, { state: false });
        } catch (e) {
          throw new Error(`${where}: ${(e as Error).message}\n${text}`);
        }
        calls += outcomes.length;
        traps += outcomes.filter((o) => o.result.startsWith('trap: ')).length;
      }
      const ms = performance.now() - t0;
      console.log(`${featuresName(features)}: ${COUNT} programs in ${ms.toFixed(0)} ms; ${traps} of ${calls} calls trapped`);
      // Programs that nearly always trap would compare little beyond the first trapping operator.
      expect(traps / calls).toBeLessThan(0.8);
    }, 120_000);
  }
});

describe('feature sets reach what they promise', () => {
  const texts = (features: Features, n = 300) => Array.from({ length: n }, (_, i) => program(i + 1, features)).join('\n');
  const missing = (text: string, words: string[]) => words.filter((w) => !new RegExp(`[( ]${w.replace(/\./g, '\\.')}[ )]`).test(text));

  it('floats: every f32/f64 operator, conversions both ways, special constants', () => {
    const text = texts({ floats: true });
    const ops: string[] = [];
    for (const f of ['f32', 'f64']) {
      for (const op of ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign', 'abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'const']) ops.push(`${f}.${op}`);
      for (const i of ['i32', 'i64']) {
        for (const s of ['s', 'u']) ops.push(`${f}.convert_${i}_${s}`, `${i}.trunc_${f}_${s}`, `${i}.trunc_sat_${f}_${s}`);
      }
    }
    ops.push('f32.demote_f64', 'f64.promote_f32', 'f32.reinterpret_i32', 'f64.reinterpret_i64', 'i32.reinterpret_f32', 'i64.reinterpret_f64');
    expect(missing(text, ops)).toEqual([]);
    for (const c of ['f32.const nan:0x1', 'f64.const -nan:0xfffffffffffff', 'f32.const -0', 'f64.const inf', 'f64.const 0x1p-1074', 'f32.const 0x1p-149']) expect(text).toContain(c);
    for (const s of ['(select (result f64)', '(loop (param f32)', '(block (result f64 i32)', '(global.set $gf32', 'call $multif', 'call $manyf']) expect(text).toContain(s);
  });

  it('memory: loads and stores of every width, offsets, size and grow', () => {
    const text = texts({ memory: true });
    const ops = ['i32.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u', 'i64.load', 'i64.load8_s', 'i64.load8_u',
      'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u', 'i32.store', 'i32.store8', 'i32.store16', 'i64.store', 'i64.store8',
      'i64.store16', 'i64.store32', 'memory.size', 'memory.grow'];
    expect(missing(text.replace(/ offset=\d+| align=\d+/g, ''), ops)).toEqual([]);
    expect(text).toContain('offset=4294967295');
    expect(text).toMatch(/align=1 /);
    expect(missing(texts(parseFeatures('floats,memory')).replace(/ offset=\d+| align=\d+/g, ''), ['f32.load', 'f64.load', 'f32.store', 'f64.store'])).toEqual([]);
  });

  it('bulk memory: fill, copy, init, data.drop', () => {
    expect(missing(texts({ bulkMemory: true }), ['memory.fill', 'memory.copy', 'memory.init', 'data.drop'])).toEqual([]);
  });

  it('call_indirect: every table type, table and reference operators', () => {
    const text = texts(parseFeatures('floats,callIndirect'));
    expect(missing(text, ['call_indirect', 'table.get', 'table.set', 'table.size', 'table.grow', 'table.fill', 'table.copy', 'table.init',
      'elem.drop', 'ref.null', 'ref.is_null', 'ref.func'])).toEqual([]);
    for (const t of ['$ti', '$tl', '$tv', '$tm', '$tf', '$td']) expect(text).toContain(`(type ${t})`);
    expect(text).toContain('(select (result funcref)');
  });

  it('tail calls: to each helper, through the table, and the countdown', () => {
    const text = texts(parseFeatures('floats,callIndirect,tailCalls'));
    for (const s of ['(return_call $tr_f64', '(return_call $ts_i64', '(return_call $tq_', '(return_call_indirect $tab (type $ti)', '(call $countdown']) expect(text).toContain(s);
    expect(text).toMatch(/\(return_call \$t[rs]_[if](32|64)_[if](32|64) /); // two results: through the return area
  });
});

describe('integer programs are what they always were', () => {
  // bench/compile.ts measures these: a change here makes its numbers incomparable with earlier ones.
  it('the same text for the same seeds as before features existed', () => {
    const h = createHash('sha256');
    for (let s = 1; s <= 50; s++) h.update(program(s));
    h.update(programModule(1, 200));
    expect(h.digest('hex').slice(0, 16)).toBe('2cb0225ec03fb291') // computed with the generator of commit d24a0fa;
  });
  it('features all off is the default', () => {
    const off = Object.fromEntries(FEATURE_NAMES.map((n) => [n, false])) as Features;
    for (let s = 1; s <= 20; s++) expect(program(s, off)).toBe(program(s));
  });
});
