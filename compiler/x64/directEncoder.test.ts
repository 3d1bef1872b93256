// The direct layer (directEncoder.ts) must write exactly what the table path writes: the same
// bytes, label references, fix-ups and errors. Each check runs one script of calls twice, on an
// assembler with the layer on and one with it off, and compares everything they produced.
// (Whole compiled modules, with and without it: compiler/codegen/directEncoder.test.ts, since
// compiler/x64 knows nothing of WebAssembly.)
import { describe, expect, it } from 'vitest';
import { Assembler } from './assembler.ts';
import { DirectEncoder } from './directEncoder.ts';
import { FIELDS, type LabelRefs } from './labelRefs.ts';
import { CONDITIONS, external, type Imm, type Label, type Mem, mem, ripExternal, ripLabel } from './operands.ts';
import { GPR16, GPR32, GPR64, GPR8, type Gpr, XMM } from './registers.ts';

type RM = Gpr | Mem;

/** Everything an assembler produced: code, fix-ups, label references, and each call's error. */
function run(direct: boolean, script: (asm: Assembler, label: () => Label) => void): unknown {
  const asm = new Assembler(64);
  asm.direct = direct;
  const errors: string[] = [];
  const labels: Label[] = [];
  // A label whose offset is set by hand: bound ones near and far, unbound ones.
  const label = (): Label => {
    const l = asm.newLabel();
    const k = labels.length % 4;
    if (k === 1) l.offset = Math.max(0, asm.offset - 100);
    else if (k === 2) l.offset = Math.max(0, asm.offset - 200);
    labels.push(l);
    return l;
  };
  const guarded = new Proxy(asm, {
    get(target, key) {
      const v = Reflect.get(target, key);
      if (typeof v !== 'function' || key === 'newLabel' || key === 'here' || key === 'bind') return v;
      return (...args: unknown[]) => {
        try {
          return v.apply(target, args);
        } catch (e) {
          errors.push(`${String(key)} at ${target.offset}: ${(e as Error).message}`);
        }
      };
    },
  });
  script(guarded, label);
  const labelRefs = (asm as unknown as { labelRefs: LabelRefs }).labelRefs;
  const refs = [[...labelRefs.data.subarray(0, labelRefs.length * FIELDS)], labelRefs.labels.map((l) => labels.indexOf(l))];
  // The code as emitted, before finish() (which both paths share) resolves anything.
  const code = Buffer.from(asm.buf.bytes.subarray(0, asm.buf.length)).toString('hex');
  return { code, fixups: (asm as unknown as { fixups: unknown }).fixups, refs, errors };
}

function same(script: (asm: Assembler, label: () => Label) => void): void {
  const direct = run(true, script) as { code: string };
  expect(direct.code.length).toBeGreaterThan(0);
  expect(direct).toEqual(run(false, script));
}

const REGS: readonly Gpr[] = [...GPR8, ...GPR16, ...GPR32, ...GPR64];
/** Addresses in every awkward role: rsp/r12 need a SIB byte, rbp/r13 a displacement; no base; RIP. */
function addresses(label: () => Label): Mem[] {
  const out: Mem[] = [];
  const disps = [0, 1, -128, 127, 128, -129, 0x7fffffff, -0x80000000];
  for (const base of GPR64) for (const disp of [0, 8, -200]) out.push(mem(base, disp));
  for (const disp of disps) out.push(mem(GPR64[13]!, disp), mem(GPR64[4]!, disp));
  for (const [b, i] of [[0, 1], [4, 5], [13, 12], [5, 13], [12, 15], [9, 0]] as const) {
    for (const scale of [1, 2, 4, 8] as const) out.push(mem(GPR64[b]!, 16 * scale, GPR64[i]!, scale));
  }
  out.push(mem(null, 64, GPR64[3]!, 8), mem(null, 0x1000, GPR64[11]!, 1));
  out.push(ripLabel(label(), 4), ripLabel(label()), ripExternal(external('data'), 8));
  return out;
}
const SIZES = [0, 8, 16, 32, 64, 128] as const;
const sized = (m: Mem, size: (typeof SIZES)[number]): Mem => ({ ...m, size });
const IMMEDIATES: readonly Imm[] = [
  0, 1, -1, 2, 5, 127, 128, -128, -129, 255, 256, 1000, 32767, 32768, -32768, -32769, 65535, 65536,
  0x7fffffff, 0x80000000, -0x80000000, -0x80000001, 0xffffff80, 0xffffffff, 0x100000000, 2 ** 53 - 1, 2 ** 53,
  1.5, -0, NaN, 7n, -1n, 0xffffffffn, 1n << 63n,
];

/** A few registers of each width: numbers 0 (al/ax/eax/rax forms), 1 (cl), 4-7 (REX for bytes) and 8+. */
const SOME_REGS = REGS.filter((r) => [0, 1, 3, 4, 6, 7, 8, 12, 13, 15].includes(r.num));

describe('direct encodings equal the table path', () => {
  type Two = (asm: Assembler, a: RM, b: RM | Imm) => void;
  const ops: [string, Two][] = [
    ['mov', (asm, a, b) => asm.mov(a, b)],
    ...(['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'] as const).map((op): [string, Two] => [op, (asm, a, b) => asm[op](a, b)]),
    ['test', (asm, a, b) => asm.test(a, b)],
  ];
  for (const [name, op] of ops) {
    it(`${name} over registers, memory and immediates`, () => {
      same((asm, label) => {
        const ms = addresses(label);
        for (const a of REGS) for (const b of REGS) op(asm, a, b);
        for (const r of SOME_REGS) {
          // Memory of the register's width, unsized, and of another width (an error either way).
          for (const m of ms) for (const size of [0, r.size, r.size === 64 ? 32 : 64] as const) (op(asm, r, sized(m, size)), op(asm, sized(m, size), r));
          for (const v of IMMEDIATES) op(asm, r, v);
        }
        for (const m of ms.filter((_, i) => i % 3 === 0)) for (const size of SIZES) for (const v of IMMEDIATES) op(asm, sized(m, size), v);
      });
    });
  }

  it('lea, movzx, movsx, movsxd, cmovcc, setcc', () => {
    same((asm, label) => {
      const ms = addresses(label);
      for (const a of SOME_REGS) {
        for (const m of ms) {
          asm.lea(a, m);
          for (const size of SIZES) {
            asm.movzx(a, sized(m, size));
            asm.movsx(a, sized(m, size));
            asm.movsxd(a, sized(m, size));
            asm.cmovcc('ne', a, sized(m, size));
          }
        }
        for (const b of REGS) {
          asm.movzx(a, b);
          asm.movsx(a, b);
          asm.movsxd(a, b);
          asm.cmovcc('l', a, b);
        }
      }
      for (const cond of CONDITIONS) {
        for (const r of REGS) (asm.setcc(cond, r), asm.cmovcc(cond, r, GPR64[9]!));
        for (const m of ms) for (const size of SIZES) asm.setcc(cond, sized(m, size));
      }
    });
  });

  it('SSE moves, scalar and packed arithmetic, compares', () => {
    const moves = ['movss', 'movsd', 'movaps', 'movups', 'movapd', 'movdqa', 'movdqu'] as const;
    const arithmetic = [
      ...['add', 'sub', 'mul', 'div', 'sqrt', 'min', 'max'].flatMap((op) => [`${op}ss`, `${op}sd`]),
      ...['and', 'andn', 'or', 'xor'].flatMap((op) => [`${op}ps`, `${op}pd`]),
      'pxor', 'pand', 'por', 'ucomiss', 'ucomisd', 'comiss', 'comisd',
    ] as const;
    same((asm, label) => {
      const ms = addresses(label);
      const call = (name: string, a: unknown, b: unknown): void => (asm as unknown as Record<string, (a: unknown, b: unknown) => void>)[name]!(a, b);
      for (const name of [...moves, ...arithmetic]) {
        for (const a of XMM) for (const b of XMM) call(name, a, b);
        for (const x of [XMM[0]!, XMM[5]!, XMM[8]!, XMM[15]!]) {
          for (const m of ms) for (const size of SIZES) (call(name, x, sized(m, size)), call(name, sized(m, size), x));
          for (const r of [GPR32[1]!, GPR64[9]!]) (call(name, x, r), call(name, r, x));
        }
        call(name, ms[0], ms[1]);
      }
    });
  });

  it('multiplication and division: imul of one, two and three operands, the F7 group, cdq, cqo', () => {
    same((asm, label) => {
      const ms = addresses(label);
      for (const op of ['not', 'neg', 'mul', 'div', 'idiv'] as const) {
        for (const r of REGS) asm[op](r);
        for (const m of ms) for (const size of SIZES) asm[op](sized(m, size));
      }
      for (const a of REGS) {
        asm.imul(a);
        for (const b of REGS) asm.imul(a, b);
      }
      for (const m of ms) for (const size of SIZES) asm.imul(sized(m, size));
      for (const r of SOME_REGS) {
        for (const m of ms) for (const size of [0, r.size, r.size === 64 ? 32 : 64] as const) (asm.imul(r, sized(m, size)), asm.imul(r, sized(m, size), 100000));
        for (const v of IMMEDIATES) (asm.imul(r, GPR64[9]!, v), asm.imul(r, GPR32[3]!, v), asm.imul(r, sized(ms[5]!, r.size as 8), v));
        asm.imul(r, undefined, 3);
      }
      asm.cdq();
      asm.cqo();
    });
  });

  it('shifts and rotates by 1, by a constant and by cl', () => {
    same((asm, label) => {
      const ms = addresses(label);
      const counts: (Gpr | number)[] = [...IMMEDIATES.filter((v): v is number => typeof v === 'number'), 31, 63, GPR8[1]!, GPR8[2]!, GPR32[1]!];
      for (const op of ['rol', 'ror', 'shl', 'shr', 'sar'] as const) {
        for (const c of counts) {
          for (const r of REGS) asm[op](r, c);
          for (const m of ms.slice(0, 40)) for (const size of SIZES) asm[op](sized(m, size), c);
        }
      }
    });
  });

  it('jumps, calls, push, pop and ret, to labels near and far, bound and not, and externals', () => {
    same((asm, label) => {
      const ms = addresses(label);
      const targets = (): (Label | ReturnType<typeof external>)[] => [label(), label(), label(), label(), external({ func: 1 })];
      for (let i = 0; i < 300; i++) {
        // Labels bound behind us at every distance around the rel8 limit.
        const back = asm.here();
        for (let k = 0; k < i % 40; k++) asm.mov(GPR32[k % 16]!, k);
        for (const short of [false, true]) {
          for (const t of [back, ...targets()]) {
            asm.jmp(t, short);
            if (t.kind === 'label') asm.jcc(CONDITIONS[i % 16]!, t, short);
            asm.call(t);
          }
        }
      }
      for (const r of REGS) (asm.jmp(r), asm.call(r), asm.push(r), asm.pop(r));
      for (const m of ms) for (const size of SIZES) (asm.jmp(sized(m, size)), asm.call(sized(m, size)), asm.push(sized(m, size)), asm.pop(sized(m, size)));
      for (const v of IMMEDIATES) asm.push(v);
      asm.ret();
      asm.movss(XMM[1]!, XMM[2]!);
    });
  });
});
