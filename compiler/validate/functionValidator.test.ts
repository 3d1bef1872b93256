import { describe, expect, it } from 'vitest';
import { CompileError } from '../errors.ts';
import { allOperators, type OperatorInfo } from '../binary/operators.ts';
import { valTypeName } from '../binary/types.ts';
import { type ControlFrame, NoopCodeGenerator, validateModule } from './index.ts';
import { leb, moduleOf, moduleWithBody, RecordingCodeGenerator, section } from './testSupport.ts';
import { watToWasm } from '../text/watToWasm.ts';

function errorOf(bytes: Uint8Array): CompileError | undefined {
  try {
    validateModule(bytes);
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  return undefined;
}

describe('what the code generator is told', () => {
  it('reports live code only, with frames, types and the offset of each operator', async () => {
    const bytes = await watToWasm(`(module
      (func (param i32) (result i32)
        block (result i32)
          local.get 0
          i32.const 1
          br_if 0
          drop
          i32.const 2
          br 0
          i32.const 3
          block
            nop
            i32.const 4
            drop
          end
          drop
        end
        if (result i32)
          i32.const 5
        else
          unreachable
        end))`);
    const cg = new RecordingCodeGenerator();
    validateModule(bytes, cg);
    expect(cg.events).toEqual([
      'beginModule 1',
      'beginFunction 0 127',
      'block [kind=1 depth=1 dead=false]',
      'localGet 0 127',
      'i32Const 1',
      'brIf 0 1',
      'drop 127',
      'i32Const 2',
      'br 0 1',
      'end [kind=1 depth=1 dead=true]',
      'if [kind=3 depth=1 dead=false]',
      'i32Const 5',
      'else [kind=3 depth=1 dead=false]',
      'unreachable',
      'end [kind=4 depth=1 dead=true]',
      'end [kind=0 depth=0 dead=false]',
      'endFunction 0',
      'endModule 1',
    ]);
    const opcodeOf: Record<string, number> = {
      block: 0x02, localGet: 0x20, i32Const: 0x41, brIf: 0x0d, drop: 0x1a, br: 0x0c, end: 0x0b, if: 0x04,
      else: 0x05, unreachable: 0x00, endFunction: 0x0b,
    };
    cg.events.forEach((e, i) => {
      const name = e.split(' ')[0]!;
      if (name in opcodeOf) expect(bytes[cg.offsets[i]!], e).toBe(opcodeOf[name]);
    });
  });

  it('passes block types with params (multi-value) and label lookups through frames', async () => {
    const bytes = await watToWasm(`(module
      (func (result i32 i32)
        i32.const 1
        i32.const 2
        loop (param i32 i32) (result i32 i32)
          block (param i32 i32) (result i32 i32)
            br 1
          end
        end))`);
    const cg = new RecordingCodeGenerator();
    validateModule(bytes, cg);
    expect(cg.events.slice(2, 8)).toEqual([
      'i32Const 1',
      'i32Const 2',
      'loop [kind=2 depth=1 dead=false]',
      'block [kind=1 depth=2 dead=false]',
      'br 1 1',
      'end [kind=1 depth=2 dead=true]',
    ]);
  });

  it('reports each br_table target and the default', async () => {
    const bytes = await watToWasm(`(module (func (param i32)
      block block block local.get 0 br_table 0 1 2 1 end end end))`);
    const cg = new RecordingCodeGenerator();
    validateModule(bytes, cg);
    expect(cg.events).toContain('brTable 0,1,2 1');
  });

  it('steps over a body the code generator leaves to another: nothing of it reported or validated', async () => {
    const wat = `(module
      (func i32.const 1 drop)
      (func (param i32) block local.get 0 br_if 0 end)
      (func i32.const 3 drop))`;
    class LeaveSecond extends RecordingCodeGenerator {
      leavesBody(funcIndex: number, _size: number): boolean {
        return funcIndex === 1;
      }
    }
    const cg = new LeaveSecond();
    validateModule(await watToWasm(wat), cg);
    expect(cg.events.filter((e) => !e.startsWith('beginModule') && !e.startsWith('endModule'))).toEqual([
      'beginFunction 0 ', 'i32Const 1', 'drop 127', 'end [kind=0 depth=0 dead=false]', 'endFunction 0',
      'beginFunction 2 ', 'i32Const 3', 'drop 127', 'end [kind=0 depth=0 dead=false]', 'endFunction 2',
    ]);
    // Left to another, so not validated here: an invalid body passes (i32.add of nothing)...
    class LeaveAll extends NoopCodeGenerator {
      leavesBody(): boolean { return true; }
    }
    const invalid = moduleWithBody([0, 0x6a, 0x0b]);
    expect(() => validateModule(invalid, new LeaveAll())).not.toThrow();
    // ...which the generator that does not leave it rejects.
    expect(() => validateModule(invalid, new NoopCodeGenerator())).toThrow('type mismatch');
  });

  it("gives each frame its opener's offset, for the frame itself and as a branch target", async () => {
    const bytes = await watToWasm(`(module (func (param i32)
      block loop local.get 0 br_if 1 local.get 0 if br 2 end end end))`);
    const seen: [string, number, number][] = [];
    class Frames extends NoopCodeGenerator {
      override block(f: ControlFrame, offset: number): void { seen.push(['block', f.offset, offset]); }
      override loop(f: ControlFrame, offset: number): void { seen.push(['loop', f.offset, offset]); }
      override if(f: ControlFrame, offset: number): void { seen.push(['if', f.offset, offset]); }
      override brIf(_d: number, target: ControlFrame, offset: number): void { seen.push(['br_if', target.offset, offset]); }
      override br(_d: number, target: ControlFrame, offset: number): void { seen.push(['br', target.offset, offset]); }
    }
    validateModule(bytes, new Frames());
    const [block, loop, brIf, iff, br] = seen;
    expect(seen.map((s) => s[0])).toEqual(['block', 'loop', 'br_if', 'if', 'br']);
    expect(block![1]).toBe(block![2]);
    expect(loop![1]).toBe(loop![2]);
    expect(iff![1]).toBe(iff![2]);
    expect(brIf![1]).toBe(block![2]); // br_if 1 from inside the loop targets the block
    expect(br![1]).toBe(block![2]); // br 2 from inside the if targets the block
    expect(new Set([block![2], loop![2], iff![2]]).size).toBe(3);
  });

  it('handles deep nesting without recursion', () => {
    const n = 20000;
    const body = [0, ...Array(n).fill([0x02, 0x40]).flat(), ...Array(n + 1).fill(0x0b)];
    expect(errorOf(moduleWithBody(body))).toBeUndefined();
  });
});

describe('the operand stack grows as far as a body needs, keeping what is below', () => {
  it('one value at a time: 100,000 constants, then adds down to one', () => {
    const n = 100_000;
    // The value under the 100,000 i32s is still there after the stack has grown: the last add meets it.
    const body = (bottom: number) =>
      moduleWithBody([0, bottom, 0, ...Array(n).fill([0x41, 0]).flat(), ...Array(n).fill(0x6a), 0x1a, 0x0b]);
    expect(errorOf(body(0x41))).toBeUndefined();
    const e = errorOf(body(0x42));
    expect(e?.reason).toBe('type mismatch');
    expect(e?.offset).toBe(body(0x42).length - 3);
  });

  it('many values at once: calls returning 1,000 results each (each checked by i32.eqz)', () => {
    const results = 1000;
    const calls = 5;
    const types = section(1, [2, 0x60, 0, 0, 0x60, 0, ...leb(results), ...Array(results).fill(0x7f)]);
    const funcs = section(3, [2, 0, 1]);
    const make = (bottom: number[], top: number[]) => {
      const caller = [0, ...bottom, ...Array(calls).fill([0x10, 1]).flat(), ...Array(calls * results).fill([0x45, 0x1a]).flat(), ...top, 0x0b];
      const callee = [0, ...Array(results).fill([0x41, 0]).flat(), 0x0b];
      return moduleOf(types, funcs, section(10, [2, ...leb(caller.length), ...caller, ...leb(callee.length), ...callee]));
    };
    expect(errorOf(make([0x42, 0], [0x1a]))).toBeUndefined();
    expect(errorOf(make([0x42, 0], [0x45, 0x1a]))?.reason).toBe('type mismatch'); // i32.eqz of the i64
  });
});

describe('i32.const and i64.const values of every length reach the code generator exactly', () => {
  const sleb = (v: bigint): number[] => {
    const out: number[] = [];
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) return [...out, b];
      out.push(b | 0x80);
    }
  };
  it('i32.const from one byte to five, positive and negative', () => {
    const values = [0, 1, 63, 64, -1, -64, -65, 127, 128, 8191, -8192, 8192, -8193, 1 << 20, -(1 << 20), 2 ** 31 - 1, -(2 ** 31)];
    const seen: number[] = [];
    class Constants extends NoopCodeGenerator {
      override i32Const(value: number): void { seen.push(value); }
    }
    const body = [0, ...values.flatMap((v) => [0x41, ...sleb(BigInt(v)), 0x1a]), 0x41, 0x80, 0x00, 0x1a, 0x0b]; // and 0 in two bytes
    validateModule(moduleWithBody(body), new Constants());
    expect(seen).toEqual([...values, 0]);
  });
  it('from one byte to ten, positive and negative', () => {
    const values = [0n, 1n, 63n, 64n, -1n, -64n, -65n, 8191n, -8192n, 8192n, 1n << 20n, -(1n << 20n), (1n << 27n) - 1n,
      -(1n << 27n), 1n << 27n, -(1n << 27n) - 1n, 1n << 31n, -(1n << 31n), 1n << 32n, 1n << 53n, -(1n << 63n), (1n << 63n) - 1n];
    const seen: bigint[] = [];
    class Constants extends NoopCodeGenerator {
      override i64Const(low: number, high: number): void { seen.push((BigInt(high) << 32n) | BigInt(low >>> 0)); }
    }
    validateModule(moduleWithBody([0, ...values.flatMap((v) => [0x42, ...sleb(v), 0x1a]), 0x0b]), new Constants());
    expect(seen).toEqual(values);
  });
});

describe('memarg offsets of any length', () => {
  const withMemory = (body: number[]) =>
    moduleOf(section(1, [1, 0x60, 0, 0]), section(3, [1, 0]), section(5, [1, 0, 1]), section(10, [1, ...leb(body.length), ...body]));
  class Offsets extends NoopCodeGenerator {
    readonly seen: number[] = [];
    override load(_op: number, _mem: number, _align: number, memOffset: number): void { this.seen.push(memOffset); }
    override store(_op: number, _mem: number, _align: number, memOffset: number): void { this.seen.push(memOffset); }
  }
  it('reads one-byte, two-byte and five-byte offsets for loads and stores', () => {
    const cg = new Offsets();
    validateModule(withMemory([0,
      0x41, 0, 0x29, 3, 5, 0x1a, // i64.load offset=5, drop
      0x41, 0, 0x41, 0, 0x29, 3, ...leb(300), 0x37, 3, ...leb(0xffffffff), // i64.store offset=2^32-1 of an i64.load offset=300
      0x41, 0, 0x28, 2, ...leb(200), 0x45, 0x1a, // i32.load offset=200, i32.eqz, drop
      0x0b]), cg);
    expect(cg.seen).toEqual([5, 300, 0xffffffff, 200]);
  });
  it('rejects an offset past 2^32-1, and an operand of the wrong type', () => {
    expect(errorOf(withMemory([0, 0x41, 0, 0x28, 2, ...leb(2 ** 32), 0x1a, 0x0b]))?.reason).toBe('offset out of range');
    expect(errorOf(withMemory([0, 0x42, 0, 0x28, 2, ...leb(300), 0x1a, 0x0b]))?.reason).toBe('type mismatch');
    expect(errorOf(withMemory([0, 0x41, 0, 0x41, 0, 0x37, 3, ...leb(300), 0x0b]))?.reason).toBe('type mismatch');
  });
  it('a memory index after the alignment (bit 6, multi-memory): memory 0 is this one, memory 1 is unknown', () => {
    expect(errorOf(withMemory([0, 0x41, 0, 0x28, 0x42, 0, 0, 0x1a, 0x0b]))).toBeUndefined();
    expect(errorOf(withMemory([0, 0x41, 0, 0x28, 0x42, 1, 0, 0x1a, 0x0b]))?.reason).toBe('unknown memory 1');
  });
});

describe('invalid bodies are rejected with the spec wording, function index and offset', () => {
  const cases: [string, number[], string][] = [
    ['operand missing', [0, 0x6a, 0x0b], 'type mismatch'],
    ['value left over', [0, 0x41, 0, 0x0b], 'type mismatch'],
    ['wrong operand type', [0, 0x41, 0, 0x42, 0, 0x6a, 0x1a, 0x0b], 'type mismatch'],
    ['wrong type in unreachable code', [0, 0x00, 0x41, 0, 0x42, 0, 0x6a, 0x1a, 0x0b], 'type mismatch'],
    ['untyped select of references', [0, 0xd0, 0x70, 0xd0, 0x70, 0x41, 0, 0x1b, 0x1a, 0x0b], 'type mismatch'],
    ['unknown local', [0, 0x20, 0x00, 0x1a, 0x0b], 'unknown local 0'],
    ['unknown label', [0, 0x0c, 0x01, 0x0b], 'unknown label'],
    ['unknown global', [0, 0x23, 0x00, 0x1a, 0x0b], 'unknown global 0'],
    ['unknown function', [0, 0x10, 0x05, 0x0b], 'unknown function 5'],
    ['no memory', [0, 0x41, 0, 0x28, 2, 0, 0x1a, 0x0b], 'unknown memory 0'],
    ['no table', [0, 0x41, 0, 0x11, 0, 0, 0x0b], 'unknown table 0'],
    ['memory.init without data count', [0, 0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 8, 0, 0, 0x0b], 'unknown memory 0'],
    ['if without else changing types', [0, 0x41, 0, 0x04, 0x7f, 0x41, 0, 0x0b, 0x1a, 0x0b], 'type mismatch'],
    ['select with two types', [0, 0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 2, 0x7f, 0x7f, 0x1a, 0x0b], 'invalid result arity'],
    ['illegal opcode', [0, 0xff, 0x0b], 'illegal opcode ff'],
    ['illegal 0xfc opcode', [0, 0xfc, 0x40, 0x0b], 'illegal opcode fc 64'],
    ['else outside if', [0, 0x05, 0x0b], 'END opcode expected'],
    ['code after the final end', [0, 0x0b, 0x01], 'section size mismatch'],
  ];
  for (const [name, body, reason] of cases) {
    it(name, () => {
      const err = errorOf(moduleWithBody(body));
      expect(err?.reason).toBe(reason);
      expect(err?.funcIndex).toBe(0);
      expect(err?.offset).toBeGreaterThan(20);
    });
  }
  it('valid: anything goes after unreachable, as long as types can match', () => {
    expect(errorOf(moduleWithBody([0, 0x00, 0x6a, 0x1a, 0x0b]))).toBeUndefined();
    expect(errorOf(moduleWithBody([0, 0x00, 0x1b, 0x1a, 0x0b]))).toBeUndefined();
  });
});

describe('tail calls (return_call, return_call_indirect)', () => {
  const invalid = async (wat: string): Promise<string | undefined> => errorOf(await watToWasm(wat, { validate: false }))?.reason;
  it('valid: operands popped, the callee\'s results are the function\'s, the rest is unreachable', async () => {
    const bytes = await watToWasm(`(module
      (type $t (func (param i64) (result i32)))
      (table 1 funcref)
      (func $f (param i64) (result i32) i32.const 1)
      (func (param i32) (result i32)
        i64.const 7
        return_call $f
        i32.add
        i64.const 1
        local.get 0
        return_call_indirect (type $t)
        drop))`);
    const cg = new RecordingCodeGenerator();
    validateModule(bytes, cg);
    // After each tail call the code is dead: i32.add, i64.const, local.get and drop are not reported.
    expect(cg.events.slice(cg.events.indexOf('beginFunction 1 127'))).toEqual([
      'beginFunction 1 127', 'i64Const 7 0', 'returnCall 0 1 1', 'end [kind=0 depth=0 dead=true]', 'endFunction 1', 'endModule 2',
    ]);
  });
  it('reports return_call_indirect with its type and table', async () => {
    const bytes = await watToWasm(`(module (type $t (func (result f64))) (table 1 funcref) (table $u 1 funcref)
      (func (result f64) i32.const 0 return_call_indirect $u (type $t)))`);
    const cg = new RecordingCodeGenerator();
    validateModule(bytes, cg);
    expect(cg.events).toContain('returnCallIndirect 0 1');
  });
  it('invalid: results that differ from the function\'s, in number or type', async () => {
    expect(await invalid(`(module (func $g (result i32) i32.const 0) (func (result i64) return_call $g))`)).toBe('type mismatch');
    expect(await invalid(`(module (func $g (result i32) i32.const 0) (func return_call $g))`)).toBe('type mismatch');
    expect(await invalid(`(module (func $g) (func (result i32) return_call $g))`)).toBe('type mismatch');
    expect(await invalid(`(module (type $t (func (result externref))) (table 1 funcref)
      (func (result funcref) i32.const 0 return_call_indirect (type $t)))`)).toBe('type mismatch');
  });
  it('invalid: operands missing or of the wrong type; an unknown function or table; a table of externref', async () => {
    expect(await invalid(`(module (func $g (param i32)) (func return_call $g))`)).toBe('type mismatch');
    expect(await invalid(`(module (func $g (param i32)) (func i64.const 0 return_call $g))`)).toBe('type mismatch');
    expect(await invalid(`(module (type $t (func)) (table 1 funcref) (func i64.const 0 return_call_indirect (type $t)))`)).toBe('type mismatch');
    expect(errorOf(moduleWithBody([0, 0x12, 5, 0x0b]))?.reason).toBe('unknown function 5');
    expect(errorOf(moduleWithBody([0, 0x41, 0, 0x13, 0, 0, 0x0b]))?.reason).toBe('unknown table 0');
    expect(await invalid(`(module (type $t (func)) (table 1 externref) (func i32.const 0 return_call_indirect (type $t)))`)).toBe('type mismatch');
  });
});

describe('later proposals', () => {
  // Every proposal the table names is implemented today: the 'unsupported' family and the
  // unsupported prefixes are the way to name the next one before it is.
  it('no operator of the table is refused as a later proposal', async () => {
    const { allOperators, UNSUPPORTED_PREFIXES } = await import('../binary/operators.ts');
    expect([...allOperators()].filter((o) => o.family === 'unsupported').map((o) => o.name)).toEqual([]);
    expect(Object.keys(UNSUPPORTED_PREFIXES)).toEqual([]);
  });
});

describe('GC is validated; a code generator refuses structs and arrays, and compiles the rest', () => {
  // [name, body, verdict without a code generator, verdict with one]
  const cases: [string, number[], string, string][] = [
    ['struct.new of a function type', [0, 0xfb, 0x00, 0x00, 0x0b], 'type mismatch', 'type mismatch'],
    ['ref.eq of no operands', [0, 0xd3, 0x0b], 'type mismatch', 'type mismatch'],
    ['a block of type (ref any)', [0, 0x02, 0x64, 0x6e, 0x0b, 0x0b], 'type mismatch', 'type mismatch'],
    ['i31.get_s of ref.i31', [0, 0x41, 0x01, 0xfb, 0x1c, 0xfb, 0x1d, 0x1a, 0x0b], 'valid', 'valid'],
  ];
  for (const [name, body, verdict, compiled] of cases) {
    it(name, () => {
      expect(errorOf(moduleWithBody(body))?.reason ?? 'valid').toBe(verdict);
      let err: CompileError | undefined;
      try {
        validateModule(moduleWithBody(body), new RecordingCodeGenerator());
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        err = e;
      }
      expect(err?.reason ?? 'valid').toBe(compiled);
      if (err) expect(err.funcIndex).toBe(0);
    });
  }
});

describe('the operator table agrees with wabt', () => {
  const checked = [...allOperators()].filter(
    (o) => ['unary', 'binary', 'compare', 'load', 'store'].includes(o.family),
  );
  function funcFor(o: OperatorInfo, params: readonly number[]): string {
    const p = params.map(valTypeName).join(' ');
    const r = o.results.map(valTypeName).join(' ');
    const gets = params.map((_, i) => `local.get ${i}`).join(' ');
    return `(module (memory 1) (func (param ${p}) ${r ? `(result ${r})` : ''} ${gets} ${o.name}))`;
  }
  it('covers the 2.0 numeric and memory operators, SIMD and relaxed SIMD included', () => {
    // 14 loads + 9 stores, 0x45-0xbf numeric, 5 sign-extension, 8 saturating truncations; SIMD's
    // 236 less v128.const, i8x16.shuffle, 14 lane operators, 8 lane loads and stores, bitselect;
    // relaxed SIMD's 20 less its 9 of three operands.
    expect(checked.length).toBe(14 + 9 + (0xbf - 0x45 + 1) + 5 + 8 + (236 - 1 - 1 - 14 - 8 - 1) + (20 - 9));
  });
  it('each has the opcode, signature and code-generator family wabt expects', async () => {
    for (const o of checked) {
      const bytes = await watToWasm(funcFor(o, o.params));
      const cg = new RecordingCodeGenerator();
      validateModule(bytes, cg);
      const event = cg.events.find((e) => /^(unary|binary|compare|load|store) /.test(e));
      const family = o.family;
      expect(event?.split(' ').slice(0, 2), o.name).toEqual([family, String(o.opcode)]);
    }
  });
  it('each rejects an operand of the wrong type', async () => {
    for (const o of checked) {
      const wrong = o.params.map((t, i) => (i === o.params.length - 1 ? (t === 0x7f ? 0x7e : 0x7f) : t));
      const bytes = await watToWasm(funcFor(o, wrong), { validate: false });
      expect(errorOf(bytes)?.reason, o.name).toBe('type mismatch');
    }
  });
});

describe('errors at the byte where the problem is (as V8 reports them)', () => {
  // moduleWithBody puts the body's first byte (its local declarations) at this offset.
  const bodyStart = (body: number[]) => moduleWithBody(body).length - body.length;

  it('too many locals: at the count that overflows, not at byte 0', () => {
    const body = [0x02, 0x01, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b];
    const e = errorOf(moduleWithBody(body));
    expect(e?.reason).toBe('too many locals');
    expect(e?.funcIndex).toBe(0);
    expect(e?.offset).toBe(bodyStart(body) + 3);
  });

  it('a body without its final end: at the end of the body, also when it holds no operator', () => {
    for (const body of [[0x00], [0x00, 0x01], [0x00, 0x41, 0x00, 0x1a, 0x01]]) {
      const e = errorOf(moduleWithBody(body));
      expect(e?.reason, `body ${body}`).toBe('unexpected end of section or function');
      expect(e?.offset, `body ${body}`).toBe(bodyStart(body) + body.length);
    }
  });
});

describe('fixed-width SIMD', () => {
  const C = [0xfd, 0x0c, ...Array.from({ length: 16 }, (_, i) => i)]; // v128.const of bytes 0 ... 15
  const fd = (sub: number) => [0xfd, ...leb(sub)];
  const withMemory = (body: number[]) =>
    moduleOf(section(1, [1, 0x60, 0, 0]), section(3, [1, 0]), section(5, [1, 0, 1]), section(10, [1, ...leb(body.length), ...body]));
  const reason = (bytes: Uint8Array) => errorOf(bytes)?.reason ?? 'valid';

  it('reports each family to its hook: immediates, lanes, memargs (align as log2), opcodes as 0xfd000 | sub', async () => {
    const bytes = await watToWasm(`(module (memory 1)
      (func (param v128 i32) (result v128)
        v128.const i32x4 1 2 3 -1
        local.get 0
        i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 31
        i32x4.extract_lane 3
        i32x4.splat
        i32.const 7
        i8x16.replace_lane 15
        local.get 1
        i16x8.shl
        v128.not
        local.get 0
        local.get 0
        v128.bitselect
        local.get 1
        local.get 0
        v128.load32_lane offset=8 2
        i8x16.add
        local.get 1
        v128.load offset=16
        i8x16.eq
        local.get 1
        local.get 0
        v128.store64_lane align=4 1)
      (func (param v128) (result i32) local.get 0 v128.any_true))`);
    const cg = new RecordingCodeGenerator();
    validateModule(bytes, cg);
    const ops = cg.events.filter((e) => !/^(beginModule|endModule|beginFunction|endFunction|end |localGet|i32Const)/.test(e));
    expect(ops).toEqual([
      'v128Const 1,0,0,0,2,0,0,0,3,0,0,0,255,255,255,255',
      'shuffle 0,1,2,3,4,5,6,7,16,17,18,19,20,21,22,31',
      `simdLane ${0xfd01b} 3`,
      `unary ${0xfd011}`,
      `simdLane ${0xfd017} 15`,
      `binary ${0xfd08b}`,
      `unary ${0xfd04d}`,
      `ternary ${0xfd052}`,
      `loadLane ${0xfd056} 0 2 8 2`,
      `binary ${0xfd06e}`,
      `load ${0xfd000} 0 4 16`,
      `binary ${0xfd023}`,
      `storeLane ${0xfd05b} 0 2 0 1`,
      `unary ${0xfd053}`,
    ]);
  });

  it('the lane operators, bitselect, the relaxed ternaries and shuffle have the opcodes and signatures wabt gives them', async () => {
    const own = [...allOperators()].filter((o) => ['lane', 'load_lane', 'store_lane', 'ternary'].includes(o.family));
    expect(own.length).toBe(14 + 8 + 1 + 9);
    for (const o of own) {
      const p = o.params.map(valTypeName).join(' ');
      const r = o.results.map((t) => `(result ${valTypeName(t)})`).join(' ');
      const gets = o.params.map((_, i) => `local.get ${i}`).join(' ');
      const lane = o.family === 'ternary' ? '' : '1';
      const cg = new RecordingCodeGenerator();
      validateModule(await watToWasm(`(module (memory 1) (func (param ${p}) ${r} ${gets} ${o.name} ${lane}))`), cg);
      const event = cg.events.find((e) => /^(simdLane|loadLane|storeLane|ternary) /.test(e))!.split(' ');
      expect(event[1], o.name).toBe(String(o.opcode));
      if (o.family !== 'ternary') expect(event.at(-1), o.name).toBe('1');
    }
  });

  it('a lane index at or past the lane count is invalid, whatever the byte (it is not a LEB128)', () => {
    const cases: [number[], string][] = [
      [[0, ...C, ...fd(0x15), 15, 0x1a, 0x0b], 'valid'], // i8x16.extract_lane_s 15
      [[0, ...C, ...fd(0x15), 16, 0x1a, 0x0b], 'invalid lane index'],
      [[0, ...C, ...fd(0x16), 0x80, 0x1a, 0x0b], 'invalid lane index'],
      [[0, ...C, ...fd(0x19), 8, 0x1a, 0x0b], 'invalid lane index'], // i16x8.extract_lane_u 8
      [[0, ...C, 0x41, 0, ...fd(0x1c), 4, 0x1a, 0x0b], 'invalid lane index'], // i32x4.replace_lane 4
      [[0, ...C, 0x42, 0, ...fd(0x1e), 1, 0x1a, 0x0b], 'valid'], // i64x2.replace_lane 1
      [[0, ...C, 0x42, 0, ...fd(0x1e), 2, 0x1a, 0x0b], 'invalid lane index'],
      [[0, ...C, ...fd(0x21), 2, 0x1a, 0x0b], 'invalid lane index'], // f64x2.extract_lane 2
      [[0, ...C, ...C, ...fd(0x0d), ...Array(15).fill(0), 31, 0x1a, 0x0b], 'valid'], // i8x16.shuffle
      [[0, ...C, ...C, ...fd(0x0d), ...Array(15).fill(0), 32, 0x1a, 0x0b], 'invalid lane index'],
    ];
    for (const [body, expected] of cases) expect(reason(moduleWithBody(body)), `${body}`).toBe(expected);
    const lanes: [number[], string][] = [
      [[0, 0x41, 0, ...C, ...fd(0x54), 0, 0, 15, 0x1a, 0x0b], 'valid'], // v128.load8_lane 15
      [[0, 0x41, 0, ...C, ...fd(0x54), 0, 0, 16, 0x1a, 0x0b], 'invalid lane index'],
      [[0, 0x41, 0, ...C, ...fd(0x55), 1, 0, 8, 0x1a, 0x0b], 'invalid lane index'], // v128.load16_lane 8
      [[0, 0x41, 0, ...C, ...fd(0x5a), 2, 0, 4, 0x0b], 'invalid lane index'], // v128.store32_lane 4
      [[0, 0x41, 0, ...C, ...fd(0x5b), 3, 0, 1, 0x0b], 'valid'], // v128.store64_lane 1
      [[0, 0x41, 0, ...C, ...fd(0x5b), 3, 0, 2, 0x0b], 'invalid lane index'],
    ];
    for (const [body, expected] of lanes) expect(reason(withMemory(body)), `${body}`).toBe(expected);
  });

  it('alignment at most natural: 16 bytes for v128.load, the lane or the part loaded for the others', () => {
    const natural = 'alignment must not be larger than natural';
    const cases: [number[], string][] = [
      [[0, 0x41, 0, ...fd(0x00), 4, 0, 0x1a, 0x0b], 'valid'], // v128.load align=16
      [[0, 0x41, 0, ...fd(0x00), 5, 0, 0x1a, 0x0b], natural],
      [[0, 0x41, 0, ...fd(0x01), 3, 0, 0x1a, 0x0b], 'valid'], // v128.load8x8_s align=8
      [[0, 0x41, 0, ...fd(0x01), 4, 0, 0x1a, 0x0b], natural],
      [[0, 0x41, 0, ...fd(0x07), 1, 0, 0x1a, 0x0b], natural], // v128.load8_splat align=2
      [[0, 0x41, 0, ...fd(0x5c), 2, 0, 0x1a, 0x0b], 'valid'], // v128.load32_zero align=4
      [[0, 0x41, 0, ...fd(0x5c), 3, 0, 0x1a, 0x0b], natural],
      [[0, 0x41, 0, ...C, ...fd(0x0b), 5, 0, 0x0b], natural], // v128.store align=32
      [[0, 0x41, 0, ...C, ...fd(0x55), 2, 0, 0, 0x1a, 0x0b], natural], // v128.load16_lane align=4
      [[0, 0x41, 0, ...C, ...fd(0x58), 1, 0, 0, 0x0b], natural], // v128.store8_lane align=2
    ];
    for (const [body, expected] of cases) expect(reason(withMemory(body)), `${body}`).toBe(expected);
    expect(reason(moduleWithBody([0, 0x41, 0, ...fd(0x00), 4, 0, 0x1a, 0x0b]))).toBe('unknown memory 0');
  });

  it('v128 is a value type everywhere: locals, block types, select (untyped too), globals', () => {
    const cases: [number[], string][] = [
      [[1, 2, 0x7b, 0x20, 0, 0x21, 1, 0x0b], 'valid'],
      [[1, 1, 0x7b, 0x20, 0, 0x45, 0x1a, 0x0b], 'type mismatch'], // i32.eqz of a v128
      [[0, 0x02, 0x7b, ...C, 0x0b, 0x1a, 0x0b], 'valid'],
      [[0, 0x02, 0x7b, 0x41, 0, 0x0b, 0x1a, 0x0b], 'type mismatch'],
      [[0, ...C, ...C, 0x41, 0, 0x1b, 0x1a, 0x0b], 'valid'],
      [[0, ...C, 0x41, 0, 0x41, 0, 0x1b, 0x1a, 0x0b], 'type mismatch'],
      [[0, ...C, ...C, 0x41, 0, 0x1c, 1, 0x7b, 0x1a, 0x0b], 'valid'],
      [[0, ...C, ...C, ...fd(0x6b), 0x1a, 0x0b], 'type mismatch'], // i8x16.shl by a v128
      [[0, 0x41, 0, ...fd(0x4d), 0x1a, 0x0b], 'type mismatch'], // v128.not of an i32
      [[0, ...C, ...C, ...fd(0x52), 0x1a, 0x0b], 'type mismatch'], // bitselect of two
      [[0, 0x41, 0, ...fd(0x16), 0, 0x1a, 0x0b], 'type mismatch'], // extract_lane of an i32
    ];
    for (const [body, expected] of cases) expect(reason(moduleWithBody(body)), `${body}`).toBe(expected);
    const types = section(1, [1, 0x60, 1, 0x7b, 1, 0x7b]);
    const withGlobal = (type: number, init: number[]) =>
      moduleOf(types, section(3, [1, 0]), section(6, [1, type, 0, ...init, 0x0b]), section(10, [1, 4, 0, 0x20, 0, 0x0b]));
    const m = validateModule(withGlobal(0x7b, C));
    expect(m.globals[0]!.init).toEqual({ op: 'v128.const', bytes: Uint8Array.from({ length: 16 }, (_, i) => i) });
    expect(reason(withGlobal(0x7f, C))).toBe('type mismatch');
    expect(reason(withGlobal(0x7b, [...C, ...fd(0x4d)]))).toBe('constant expression required');
    expect(reason(withGlobal(0x7b, [0x41, 0, ...fd(0x11)]))).toBe('constant expression required');
    expect(reason(withGlobal(0x7b, [...C, ...C, ...C, ...fd(0x109)]))).toBe('constant expression required');
    expect(reason(withGlobal(0x7b, [0xfd, 0x0c, 1, 2, 3]))).toBe('unexpected end of section or function');
  });

  it('sub-opcodes: the gaps are illegal, 0x100-0x113 are relaxed SIMD (typed by their rows), beyond is illegal', () => {
    const gaps = [0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee];
    for (const sub of gaps) expect(reason(moduleWithBody([0, ...fd(sub), 0x0b]))).toBe(`illegal opcode fd ${sub}`);
    for (let sub = 0x100; sub <= 0x113; sub++) expect(reason(moduleWithBody([0, ...fd(sub), 0x0b]))).toBe('type mismatch');
    // i16x8.relaxed_dot_i8x16_i7x16_s wants two v128s; i32x4.relaxed_dot_i8x16_i7x16_add_s three.
    expect(reason(moduleWithBody([0, ...C, ...C, ...fd(0x112), 0x1a, 0x0b]))).toBe('valid');
    expect(reason(moduleWithBody([0, ...C, ...C, ...fd(0x113), 0x1a, 0x0b]))).toBe('type mismatch');
    expect(reason(moduleWithBody([0, ...C, ...C, ...C, ...fd(0x113), 0x1a, 0x0b]))).toBe('valid');
    expect(reason(moduleWithBody([0, ...C, 0x41, 0, ...fd(0x100), 0x1a, 0x0b]))).toBe('type mismatch'); // relaxed_swizzle of an i32
    expect(reason(moduleWithBody([0, ...fd(0x114), 0x0b]))).toBe('illegal opcode fd 276');
    // A sub-opcode is a u32 LEB128: redundant padding is fine, and a cut-off one is malformed.
    expect(reason(moduleWithBody([0, 0xfd, 0x8c, 0x80, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0x1a, 0x0b]))).toBe('valid');
    expect(reason(moduleWithBody([0, 0xfd, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b]))).toBe('integer representation too long');
    expect(reason(moduleWithBody([0, ...C.slice(0, 10)]))).toBe('unexpected end of section or function');
  });
});
