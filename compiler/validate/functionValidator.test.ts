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

describe('later proposals are recognized and rejected as unsupported', () => {
  const cases: [string, number[], string][] = [
    ['simd', [0, 0xfd, 0x0c, ...Array(16).fill(0), 0x1a, 0x0b], 'simd'],
    ['tail calls', [0, 0x12, 0, 0x0b], 'tail-call'],
    ['exceptions', [0, 0x08, 0, 0x0b], 'exceptions'],
    ['typed function references', [0, 0x14, 0, 0x0b], 'function-references'],
    ['gc', [0, 0xfb, 0x00, 0x0b], 'gc'],
    ['threads', [0, 0xfe, 0x00, 0x0b], 'threads'],
    ['multi-memory memarg', [0, 0x41, 0, 0x28, 0x42, 0, 0, 0x1a, 0x0b], 'multi-memory'],
    ['v128 local', [1, 1, 0x7b, 0x0b], 'simd'],
    ['typed reference block type', [0, 0x02, 0x64, 0x00, 0x0b, 0x0b], 'function-references'],
  ];
  for (const [name, body, proposal] of cases) {
    it(name, () => {
      // A memory, for the memarg case: header and type and function sections are 18 bytes,
      // the memory section goes after them.
      const bytes = moduleWithBody(body);
      const withMemory = new Uint8Array([...bytes.subarray(0, 18), 5, 3, 1, 0, 1, ...bytes.subarray(18)]);
      const err = errorOf(name.includes('memarg') ? withMemory : bytes);
      expect(err?.reason).toBe(`unsupported feature: ${proposal}`);
      expect(err?.funcIndex).toBe(0);
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
  it('covers the 2.0 numeric and memory operators', () => {
    // 14 loads + 9 stores, 0x45-0xbf numeric, 5 sign-extension, 8 saturating truncations.
    expect(checked.length).toBe(14 + 9 + (0xbf - 0x45 + 1) + 5 + 8);
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
