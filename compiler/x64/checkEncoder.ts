// The exhaustive encoder check: encode every form of the table with every register, a spread
// of memory shapes and immediates at their edges; decode the bytes with iced-x86 and compare
// mnemonic and operands structurally with what was meant. Also ask iced-x86's own encoder for
// the shortest encoding of the same instruction and count where it beats ours.
// Run by `npm run check:encoder` and by checkEncoder.test.ts.

import { Assembler } from './assembler.ts';
import { dispatchOf, type Form, FORMS, Shape, shapeWidth } from './forms.ts';
import { type Iced, loadIced } from './iced.ts';
import { normalizeImm } from './immediates.ts';
import { CONDITIONS, external, type External, Label, type Mem, mem, type MemSize, type Operand, ripExternal, ripLabel } from './operands.ts';
import { GPR16, GPR32, GPR64, GPR8, type Gpr, rbp, r12, r13, rsp, rax, rcx, r15, XMM } from './registers.ts';

/** One instruction the check encoded. */
interface Case {
  readonly mnemonic: string;
  readonly cc: number;
  readonly ops: readonly Operand[];
  start: number;
  end: number;
  form: Form;
  /** A forward branch to a label not yet bound: near by design (see `Assembler.jmp`). */
  forwardUnbound: boolean;
}

export interface Mismatch {
  readonly meant: string;
  readonly form: string;
  readonly bytes: string;
  readonly decoded: string;
  readonly problem: string;
}

export interface EncoderCheckResult {
  /** Instructions encoded and compared. */
  readonly checked: number;
  readonly mismatches: readonly Mismatch[];
  /** Instructions iced-x86 encodes in fewer bytes than we do (excluding forward branches). */
  readonly shorterInIced: readonly Mismatch[];
  /** Instructions whose length was compared with iced-x86's shortest. */
  readonly comparedWithIced: number;
  /** Forward branches to labels not bound when emitted (sized by relaxation at finish); how many iced makes shorter. */
  readonly forwardBranches: number;
  readonly forwardBranchesIcedShorter: number;
  /** Table forms that no test case ended up using (dead or shadowed rows). */
  readonly formsNotExercised: readonly string[];
  readonly forms: number;
}

const gprTable = (size: number): readonly Gpr[] => (size === 64 ? GPR64 : size === 32 ? GPR32 : size === 16 ? GPR16 : GPR8);

// #region memory-shapes
/** A spread of memory operands: every base and index, every scale, disp0/8/32, the special bases, RIP. */
function memoryShapes(size: MemSize, backward: Label, forward: Label): Mem[] {
  const out: Mem[] = [];
  const specialBases = new Set([4, 5, 12, 13, 0, 15]);
  const wideDisps = [0, 1, -128, 127, 128, -129, 0x7fffffff, -0x80000000];
  const scales = [1, 2, 4, 8] as const;
  for (const b of GPR64) {
    for (const d of specialBases.has(b.num) ? wideDisps : [0, 0x40, 0x1000]) out.push(mem(b, d, null, 1, size));
  }
  const indexes = GPR64.filter((r) => r.num !== 4);
  indexes.forEach((i, k) => {
    out.push(mem(null, [0, 0x10, -0x10, 0x12345678][k % 4]!, i, scales[k % 4], size));
    out.push(mem(GPR64[(k * 5 + 3) % 16]!, [0, 8, -8, 0x100, -0x1000][k % 5]!, i, scales[(k + 1) % 4], size));
    for (const b of [rsp, rbp, r12, r13]) out.push(mem(b, 0, i, scales[(k + b.num) % 4], size));
  });
  for (const s of scales) out.push(mem(rax, 0, rcx, s, size), mem(r13, 0, r12, s, size), mem(r15, -0x80000000, r13, s, size));
  for (const d of [0, 0x1000, -1, 0x7fffffff]) out.push(mem(null, d, null, 1, size));
  out.push(ripLabel(backward, 0, size), ripLabel(backward, 8, size), ripLabel(forward, 0, size), ripLabel(forward, -4, size));
  out.push(ripExternal(external('data'), 0, size), ripExternal(external('data'), 16, size));
  return out;
}
// #endregion memory-shapes

/** Immediates at the edges of what each immediate shape accepts. */
function immediates(shape: Shape, opSize: number): (number | bigint)[] {
  switch (shape) {
    case Shape.IMM8: {
      const extra = opSize === 8 ? [0x80, 0xff] : opSize === 16 ? [0xffff, 0xff80] : opSize === 32 ? [0xffffffff, 0xffffff80] : [-1n];
      return [-128, -1, 0, 1, 127, ...extra];
    }
    case Shape.IMM16: return [-32768, -129, 128, 32767, 0x8000, 0xffff];
    case Shape.IMM32:
      return opSize === 32 ? [-0x80000000, -129, 128, 0x7fffffff, 0x80000000, 0xffffff7f] : [-0x80000000, -129, 128, 0x7fffffff, 0x12345678];
    case Shape.IMM64:
      return [0x80000000, -0x80000001, 0x100000000, 2 ** 53 - 1, 0x7fffffffffffffffn, -(2n ** 63n), 0xffffffffffffffffn, 0x123456789abcdef0n];
    case Shape.U8: return [0, 1, 2, 31, 63, 127, 128, 255];
    case Shape.ONE: return [1];
    default: return [];
  }
}

/** Every operand value the check tries in one position of a form. */
function candidates(f: Form, s: Shape, mems: (size: MemSize) => Mem[]): Operand[] {
  const memSize = (w: number): MemSize => (f.unsizedMemOk ? 0 : (w as MemSize));
  switch (s) {
    case Shape.R8: case Shape.R16: case Shape.R32: case Shape.R64: return [...gprTable(shapeWidth(s))];
    case Shape.RM8: case Shape.RM16: case Shape.RM32: case Shape.RM64:
      return [...gprTable(shapeWidth(s)), ...mems(memSize(shapeWidth(s))), ...(f.unsizedMemOk ? mems(shapeWidth(s) as MemSize).slice(0, 8) : [])];
    case Shape.M: return mems(0);
    case Shape.XMM: return [...XMM];
    case Shape.XMM_M16: return [...XMM, ...mems(0), ...mems(16).slice(0, 8)];
    case Shape.XMM_M32: return [...XMM, ...mems(0), ...mems(32).slice(0, 8)];
    case Shape.XMM_M64: return [...XMM, ...mems(0), ...mems(64).slice(0, 8)];
    case Shape.XMM_M128: return [...XMM, ...mems(0), ...mems(128).slice(0, 8)];
    case Shape.M32: return [...mems(0), ...mems(32).slice(0, 8)];
    case Shape.R32_M8: return [...GPR32, ...mems(0), ...mems(8).slice(0, 8)];
    case Shape.R32_M16: return [...GPR32, ...mems(0), ...mems(16).slice(0, 8)];
    case Shape.M64: return [...mems(0), ...mems(64).slice(0, 8)];
    case Shape.M128: return [...mems(0), ...mems(128).slice(0, 8)];
    case Shape.AL: return [GPR8[0]!];
    case Shape.AX: return [GPR16[0]!];
    case Shape.EAX: return [GPR32[0]!];
    case Shape.RAX: return [GPR64[0]!];
    case Shape.CL: return [GPR8[1]!];
    default: return immediates(s, f.opSize);
  }
}

const isRegister = (op: Operand): boolean => typeof op === 'object' && (op.kind === 'gpr' || op.kind === 'xmm');

// #region generate-cases
/**
 * Operand tuples for one form: every candidate in every position (the other positions
 * rotating through theirs), plus every register pair for register-register forms.
 */
function operandTuples(f: Form, mems: (size: MemSize) => Mem[]): Operand[][] {
  const lists = f.shapes.map((s) => candidates(f, s, mems));
  if (lists.length === 0) return [[]];
  const tuples: Operand[][] = [];
  lists.forEach((list, p) => {
    list.forEach((value, j) => {
      tuples.push(lists.map((other, q) => (q === p ? value : other[(j + p * 7 + q * 3) % other.length]!)));
    });
  });
  if (lists.length >= 2) {
    const regs0 = lists[0]!.filter(isRegister);
    const regs1 = lists[1]!.filter(isRegister);
    for (const a of regs0) for (const b of regs1) tuples.push([a, b, ...lists.slice(2).map((l, k) => l[(a as Gpr).num + k]! ?? l[0]!)]);
  }
  return tuples;
}
// #endregion generate-cases

export async function checkEncoder(): Promise<EncoderCheckResult> {
  const x = await loadIced();
  const asm = new Assembler(1 << 20);
  const cases: Case[] = [];
  const formsUsed = new Set<Form>();
  const backward = asm.here('backward');
  asm.nop(1);
  const forward = asm.newLabel('forward');
  const memCache = new Map<MemSize, Mem[]>();
  const mems = (size: MemSize): Mem[] => {
    let list = memCache.get(size);
    if (!list) memCache.set(size, (list = memoryShapes(size, backward, forward)));
    return list;
  };

  const record = (mnemonic: string, cc: number, ops: Operand[], emitIt: () => Form, forwardUnbound = false): void => {
    const start = asm.offset;
    let form: Form;
    try {
      form = emitIt();
    } catch (e) {
      cases.push({ mnemonic, cc, ops, start, end: -1, form: undefined as unknown as Form, forwardUnbound });
      failures.set(cases.length - 1, (e as Error).message);
      return;
    }
    formsUsed.add(form);
    cases.push({ mnemonic, cc, ops, start, end: asm.offset, form, forwardUnbound });
  };
  const failures = new Map<number, string>();

  // Straight-line forms.
  for (const f of FORMS) {
    if (f.isRel) continue;
    const tuples = operandTuples(f, mems);
    tuples.forEach((ops, k) => {
      const cc = f.plus === 'cc' ? k % 16 : 0;
      record(f.mnemonic, cc, ops, () => asm.emitWith(dispatchOf(f.mnemonic), ops[0], ops[1], ops[2], ops[3], cc));
    });
  }

  // The Assembler's own mov: a 64-bit register and a value in [0, 2^32) may be loaded with
  // `mov r32, imm32`, which zero-extends; the case then means exactly that instruction.
  for (const r of GPR64) {
    for (const v of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, -1, -0x80000000, 2 ** 32, -0x80000001, 0xffffffffn, 0xffffffffffffffffn, 0x7fffffffffffffffn]) {
      const n = normalizeImm(v, 64)!;
      const zeroExtends = n >= 0 && n <= 0xffffffff;
      record('mov', 0, zeroExtends ? [GPR32[r.num]!, Number(n)] : [r, v], () => asm.mov(r, v));
    }
  }

  // Branches: backward near and far, forward near (default and forced short) and far, external.
  const farBack = backward;
  for (const f of FORMS.filter((g) => g.isRel && g.immBytes === 4)) {
    const m = f.mnemonic;
    for (let cc = 0; cc < (f.plus === 'cc' ? 16 : 1); cc++) {
      const near = asm.here();
      record(m, cc, [near], () => asm.emitCc(m, cc, near));
      record(m, cc, [farBack], () => asm.emitCc(m, cc, farBack));
      const ext = external({ func: cc });
      record(m, cc, [ext], () => asm.emitCc(m, cc, ext));
      for (const pad of [5, 300]) {
        const fwd = asm.newLabel();
        record(m, cc, [fwd], () => asm.emitCc(m, cc, fwd), true);
        asm.nop(pad);
        asm.bind(fwd);
      }
      if (m !== 'call') {
        const fwd = asm.newLabel();
        const short = FORMS.find((g) => g.mnemonic === m && g.isRel && g.immBytes === 1)!;
        record(m, cc, [fwd], () => (m === 'jmp' ? asm.jmp(fwd, true) : asm.jcc(CONDITIONS[cc]!, fwd, true), short));
        asm.nop(7);
        asm.bind(fwd);
      }
    }
  }
  asm.bind(forward);
  asm.nop(1);
  // Relaxation shrinks the forward branches whose targets ended up near; every case moves with it.
  const out = asm.finish({ relaxBranches: true });
  for (const c of cases) {
    if (c.end < 0) continue;
    c.start = out.mapOffset(c.start);
    c.end = out.mapOffset(c.end);
  }
  const code = out.code;
  const fixupAt = new Map(out.fixups.map((fx) => [fx.offset, fx]));

  // Decode everything once; pick the instructions that start a case.
  const byStart = new Map<number, number>();
  cases.forEach((c, i) => c.end >= 0 && byStart.set(c.start, i));
  const decoded = new Map<number, { text: string; length: number; problems: string[] }>();
  const formatter = new x.Formatter(x.FormatterSyntax.Intel);
  const instr = new x.Instruction();
  const decoder = new x.Decoder(64, code, x.DecoderOptions.None);
  const mismatches: Mismatch[] = [];
  const describeMeant = (c: Case): string => `${mnemonicOf(c)} ${c.ops.map(describeOperand).join(', ')}`.trim();
  const hex = (c: Case): string => Array.from(code.subarray(c.start, Math.max(c.start, c.end)), (b) => b.toString(16).padStart(2, '0')).join(' ');
  try {
    while (decoder.canDecode) {
      decoder.decodeOut(instr);
      const at = Number(instr.ip);
      const i = byStart.get(at);
      if (i === undefined) continue;
      const c = cases[i]!;
      decoded.set(i, { text: formatter.format(instr), length: instr.length, problems: compare(x, instr, c, fixupAt) });
    }
  } finally {
    decoder.free();
  }
  cases.forEach((c, i) => {
    const d = decoded.get(i);
    const failure = failures.get(i);
    const problem = failure ?? (!d ? 'not decoded at its offset' : d.problems.join('; '));
    if (problem) mismatches.push({ meant: describeMeant(c), form: c.form?.row.join(' | ') ?? '-', bytes: hex(c), decoded: d?.text ?? '', problem });
  });

  // Lengths against iced-x86's own encoder, over every candidate encoding of the mnemonic.
  const shorterInIced: Mismatch[] = [];
  let compared = 0;
  let forwardBranches = 0;
  let forwardBranchesIcedShorter = 0;
  const icedLengths = new IcedLengths(x);
  try {
    for (const c of cases) {
      if (c.end < 0) continue;
      const ours = c.end - c.start;
      const best = icedLengths.shortest(c);
      if (best === undefined) {
        mismatches.push({ meant: describeMeant(c), form: c.form.row.join(' | '), bytes: hex(c), decoded: '', problem: 'iced-x86 could not encode it' });
        continue;
      }
      if (c.forwardUnbound) {
        forwardBranches++;
        if (best < ours) forwardBranchesIcedShorter++;
        continue;
      }
      compared++;
      if (best < ours) shorterInIced.push({ meant: describeMeant(c), form: c.form.row.join(' | '), bytes: hex(c), decoded: '', problem: `iced: ${best} bytes, ours: ${ours}` });
    }
  } finally {
    icedLengths.free();
    instr.free();
    formatter.free();
  }

  return {
    checked: cases.length,
    mismatches,
    shorterInIced,
    comparedWithIced: compared,
    forwardBranches,
    forwardBranchesIcedShorter,
    formsNotExercised: FORMS.filter((f) => !formsUsed.has(f)).map((f) => f.row.join(' | ')),
    forms: FORMS.length,
  };
}

function mnemonicOf(c: Case): string {
  return c.mnemonic.endsWith('cc') ? c.mnemonic.slice(0, -2) + CONDITIONS[c.cc] : c.mnemonic;
}

function describeOperand(op: Operand): string {
  if (typeof op === 'number' || typeof op === 'bigint') return `0x${op.toString(16)}`;
  switch (op.kind) {
    case 'gpr': case 'xmm': return op.name;
    case 'label': return `label@${op.offset}`;
    case 'external': return 'external';
    case 'mem': {
      const inner = op.label ? `rip+label@${op.label.offset}` : op.external ? 'rip+external' : [op.base?.name, op.index ? `${op.index.name}*${op.scale}` : ''].filter(Boolean).join('+');
      return `${op.size ? `m${op.size}` : ''}[${inner}${op.disp ? (op.disp < 0 ? '-' : '+') + Math.abs(op.disp).toString(16) : ''}]`;
    }
  }
}

const icedRegisters = new Map<string, number>();
function icedRegister(x: Iced, name: string): number {
  let r = icedRegisters.get(name);
  if (r === undefined) {
    const n = /^r(\d+)b$/.test(name) ? name.replace(/b$/, 'l') : name;
    r = (x.Register as unknown as Record<string, number>)[n.toUpperCase()];
    if (r === undefined) throw new Error(`no iced register for ${name}`);
    icedRegisters.set(name, r);
  }
  return r;
}

/**
 * What decides whether an iced code can take these operands at all (register kind, width and
 * whether it is the accumulator or cl, memory, the immediate's range), so that a code that
 * failed once for this signature is not tried again. Branches are not cached.
 */
function operandSignature(ops: readonly Operand[], opSize: number): string | undefined {
  let sig = '';
  for (const op of ops) {
    if (typeof op === 'number' || typeof op === 'bigint') {
      const v = normalizeImm(op, opSize)!;
      const n = typeof v === 'bigint' ? Infinity : v;
      sig += `i${n === 1 ? 'one' : n >= -128 && n <= 127 ? 8 : n >= 0 && n <= 255 ? 'u8' : n >= -32768 && n <= 65535 ? 16 : n >= -0x80000000 && n <= 0xffffffff ? 32 : 64},`;
    } else if (op.kind === 'gpr' || op.kind === 'xmm') sig += `${op.kind}${op.size}${op.num === 0 ? 'a' : op.num === 1 ? 'c' : ''},`;
    else if (op.kind === 'mem') sig += `m${op.label || op.external ? 'rip' : ''}${op.base ? 'b' : ''}${op.index ? 'i' : ''},`;
    else return undefined;
  }
  return sig;
}

const immBits = (x: Iced, kind: number): number => {
  const K = x.OpKind;
  switch (kind) {
    case K.Immediate8: case K.Immediate8_2nd: return 8;
    case K.Immediate16: case K.Immediate8to16: return 16;
    case K.Immediate32: case K.Immediate8to32: return 32;
    case K.Immediate64: case K.Immediate8to64: case K.Immediate32to64: return 64;
    default: return 0;
  }
};

/** Memory width the form implies for its r/m operand, in bytes (0: any). */
function memBytes(f: Form): number {
  const s = f.shapes[f.rmOperand];
  if (s === undefined) return 0;
  if (s === Shape.XMM_M16 || s === Shape.R32_M16) return 2;
  if (s === Shape.R32_M8) return 1;
  if (s === Shape.XMM_M32 || s === Shape.M32) return 4;
  if (s === Shape.XMM_M64 || s === Shape.M64) return 8;
  if (s === Shape.XMM_M128 || s === Shape.M128) return 16;
  return shapeWidth(s) / 8;
}

// #region compare
/** What differs between the decoded instruction and the case (empty: nothing). */
function compare(x: Iced, instr: InstanceType<Iced['Instruction']>, c: Case, fixupAt: ReadonlyMap<number, { target: unknown; kind: string; addend: number }>): string[] {
  const problems: string[] = [];
  if (instr.code === x.Code.INVALID) return ['invalid instruction'];
  if (instr.length !== c.end - c.start) problems.push(`decoded length ${instr.length}, emitted ${c.end - c.start}`);
  if (c.mnemonic.startsWith('rep ')) {
    // String instructions: the rep prefix, and iced's implicit [rsi]/[rdi] operands.
    const mnemonic = 'rep ' + x.Mnemonic[instr.mnemonic]!.toLowerCase();
    if (mnemonic !== c.mnemonic || !instr.hasRepPrefix) problems.push(`decoded ${instr.hasRepPrefix ? 'rep ' : ''}${mnemonic.slice(4)}`);
    const memKinds = [x.OpKind.MemorySegRSI, x.OpKind.MemoryESRDI];
    const kinds = Array.from({ length: instr.opCount }, (_, i) => instr.opKind(i));
    if (!kinds.every((k) => k === x.OpKind.Register || memKinds.includes(k))) problems.push(`operands ${kinds.map((k) => x.OpKind[k]).join(',')}`);
    return problems;
  }
  const mnemonic = x.Mnemonic[instr.mnemonic]!.toLowerCase();
  if (mnemonic !== mnemonicOf(c)) problems.push(`mnemonic ${mnemonic}`);
  if (instr.opCount !== c.ops.length) return [...problems, `${instr.opCount} operands`];
  const operandProblems = (order: readonly number[]): string[] => {
    const out: string[] = [];
    for (let i = 0; i < c.ops.length; i++) {
      const p = operandMatches(x, instr, i, c.ops[order[i]!]!, c, fixupAt);
      if (p) out.push(`operand ${i}: ${p}`);
    }
    return out;
  };
  let ops = operandProblems(c.ops.map((_, i) => i));
  // xchg and test are symmetric: iced prints the operands in its own order.
  if (ops.length > 0 && SYMMETRIC.has(c.mnemonic) && operandProblems([1, 0]).length === 0) ops = [];
  return [...problems, ...ops];
}

function operandMatches(x: Iced, instr: InstanceType<Iced['Instruction']>, i: number, op: Operand, c: Case, fixupAt: ReadonlyMap<number, { target: unknown; kind: string; addend: number }>): string {
  const kind = instr.opKind(i);
  const K = x.OpKind;
  if (typeof op === 'number' || typeof op === 'bigint') {
    const bits = immBits(x, kind);
    if (!bits) return `expected an immediate, got op kind ${K[kind]}`;
    const meant = normalizeImm(op, Math.max(bits, c.form.opSize))!;
    const want = BigInt.asUintN(bits, BigInt(meant));
    const got = BigInt.asUintN(bits, instr.immediate(i));
    return want === got ? '' : `immediate 0x${got.toString(16)}, meant 0x${want.toString(16)}`;
  }
  switch (op.kind) {
    case 'gpr': case 'xmm': {
      if (kind !== K.Register) return `expected register ${op.name}, got op kind ${K[kind]}`;
      const got = instr.opRegister(i);
      return got === icedRegister(x, op.name) ? '' : `register ${x.Register[got]}, meant ${op.name}`;
    }
    case 'label': case 'external': {
      if (kind !== K.NearBranch64) return `expected a branch, got op kind ${K[kind]}`;
      const target = Number(instr.nearBranch64);
      if (op.kind === 'label') return target === op.offset ? '' : `branch to ${target}, meant ${op.offset}`;
      const fx = fixupAt.get(c.end - 4);
      if (!fx || fx.kind !== 'rel32' || fx.target !== op.target || fx.addend !== -4) return 'no rel32 fix-up for the external target';
      return target === c.end ? '' : `external branch field not zero (target ${target})`;
    }
    case 'mem': {
      if (kind !== K.Memory) return `expected memory, got op kind ${K[kind]}`;
      const size = x.MemorySizeExt.size(instr.memorySize);
      const want = memBytes(c.form);
      if (want && size !== want) return `memory size ${size}, meant ${want}`;
      if (op.label || op.external) {
        if (instr.memoryBase !== x.Register.RIP) return `base ${x.Register[instr.memoryBase]}, meant rip`;
        const target = Number(instr.memoryDisplacement);
        if (op.label) return target === op.label.offset + op.disp ? '' : `rip target ${target}, meant ${op.label.offset + op.disp}`;
        const fieldAt = c.end - 4 - trailingImmBytes(c.form);
        const fx = fixupAt.get(fieldAt);
        if (!fx || fx.kind !== 'rel32' || fx.target !== (op.external as External).target) return 'no rel32 fix-up for the external data';
        if (fx.addend !== op.disp - (c.end - fieldAt)) return `fix-up addend ${fx.addend}`;
        return target === c.end ? '' : 'external displacement field not zero';
      }
      const base = op.base ? icedRegister(x, op.base.name) : x.Register.None;
      const index = op.index ? icedRegister(x, op.index.name) : x.Register.None;
      if (instr.memoryBase !== base) return `base ${x.Register[instr.memoryBase]}, meant ${op.base?.name ?? 'none'}`;
      if (instr.memoryIndex !== index) return `index ${x.Register[instr.memoryIndex]}, meant ${op.index?.name ?? 'none'}`;
      if (op.index && instr.memoryIndexScale !== op.scale) return `scale ${instr.memoryIndexScale}, meant ${op.scale}`;
      const disp = BigInt.asUintN(64, instr.memoryDisplacement);
      return disp === BigInt.asUintN(64, BigInt(op.disp)) ? '' : `displacement 0x${disp.toString(16)}, meant ${op.disp}`;
    }
  }
}
// #endregion compare

const trailingImmBytes = (f: Form): number => (f.isRel ? 0 : f.immBytes);

// #region iced-lengths
/** The shortest encoding iced-x86's encoder finds for a case, over every code of the mnemonic. */
class IcedLengths {
  private readonly byMnemonic = new Map<number, { code: number; opCount: number; operandSize: number; accumulatorXchg: boolean }[]>();
  private readonly encoder;
  /** code:signature pairs iced-x86 refused (see operandSignature). */
  private readonly failed = new Set<string>();
  constructor(private readonly x: Iced) {
    this.encoder = new x.Encoder(64);
    for (let code = 1; code < x.Code.INVALID + 5000; code++) {
      if (x.Code[code] === undefined) break;
      const info = x.CodeExt.opCode(code);
      try {
        // KNC codes are Knights Corner (Xeon Phi) encodings, not x86-64 as the rest of the world runs it.
        if (!x.Code[code]!.includes('KNC') && info.mode64 && (info.encoding === x.EncodingKind.Legacy || info.encoding === x.EncodingKind.VEX) && info.isInstruction) {
          let list = this.byMnemonic.get(info.mnemonic);
          if (!list) this.byMnemonic.set(info.mnemonic, (list = []));
          // 90+r with the accumulator is `nop`, not an exchange (it does not zero-extend eax into rax).
          const accumulatorXchg = /^Xchg_r(16|32|64)_(AX|EAX|RAX)$/.test(x.Code[code]!);
          list.push({ code, opCount: info.opCount, operandSize: info.operandSize, accumulatorXchg });
        }
      } finally {
        info.free();
      }
    }
  }

  free(): void {
    this.encoder.free();
  }

  shortest(c: Case): number | undefined {
    const x = this.x;
    if (c.mnemonic.startsWith('rep ')) {
      const make = { 'rep movsb': x.Instruction.createRepMovsb, 'rep movsq': x.Instruction.createRepMovsq, 'rep stosb': x.Instruction.createRepStosb, 'rep stosq': x.Instruction.createRepStosq }[c.mnemonic];
      if (!make) return undefined;
      const instr = make(64);
      try {
        const n = this.encoder.encode(instr, BigInt(c.start));
        this.encoder.takeBuffer();
        return n;
      } finally {
        instr.free();
      }
    }
    const mnemonic = (x.Mnemonic as unknown as Record<string, number>)[capitalize(mnemonicOf(c))];
    const codes = mnemonic === undefined ? undefined : this.byMnemonic.get(mnemonic);
    if (!codes) return undefined;
    let best: number | undefined;
    const orders = SYMMETRIC.has(c.mnemonic) ? [c.ops, [...c.ops].reverse()] : [c.ops];
    for (const { code, opCount, operandSize, accumulatorXchg } of codes) {
      // iced's create*() ignores extra operands, so the operand count must match; and a code of another
      // operand size (push word vs push qword) is a different instruction.
      if (opCount !== c.ops.length) continue;
      if (operandSize !== 0 && c.form.opSize !== 0 && operandSize !== c.form.opSize && c.form.opSize === 64 && STACK_OR_BRANCH.has(c.mnemonic)) continue;
      if (accumulatorXchg && c.ops.every((o) => typeof o === 'object' && o.kind === 'gpr' && o.num === 0)) continue;
      for (const ops of orders) {
        const sig = operandSignature(ops, c.form.opSize);
        const key = sig === undefined ? undefined : `${code}:${c.form.opSize}:${memBytes(c.form)}:${sig}`;
        if (key !== undefined && this.failed.has(key)) continue;
        const n = this.tryEncode(code, ops, c);
        if (n === undefined && key !== undefined) this.failed.add(key);
        if (n !== undefined && (best === undefined || n < best)) best = n;
      }
    }
    return best;
  }

  private tryEncode(code: number, ops: readonly Operand[], c: Case): number | undefined {
    let instr: InstanceType<Iced['Instruction']> | undefined;
    try {
      instr = this.create(code, ops, c);
      if (!instr) return undefined;
      // iced takes the memory width from the code, so a code of another width must not count.
      const want = memBytes(c.form);
      if (want && ops.some((o) => typeof o === 'object' && o.kind === 'mem') && this.x.MemorySizeExt.size(instr.memorySize) !== want) return undefined;
      const n = this.encoder.encode(instr, BigInt(c.start));
      this.encoder.takeBuffer();
      return n;
    } catch {
      return undefined;
    } finally {
      instr?.free();
    }
  }

  private memory(m: Mem, c: Case): InstanceType<Iced['MemoryOperand']> {
    const x = this.x;
    if (m.label || m.external) {
      // External data: assume it is far from the code but within rel32 (the runtime's contract).
      const target = m.label ? m.label.offset + m.disp : c.end + 0x100000;
      return x.MemoryOperand.createBaseDisplSize(x.Register.RIP, BigInt(target), 0);
    }
    const base = m.base ? icedRegister(x, m.base.name) : x.Register.None;
    const index = m.index ? icedRegister(x, m.index.name) : x.Register.None;
    const displSize = m.base === null && m.index === null ? 0 : m.disp === 0 ? 0 : 1;
    return x.MemoryOperand.new64(base, index, m.scale, BigInt.asUintN(64, BigInt(m.disp)), displSize, false, x.Register.None);
  }

  private create(code: number, ops: readonly Operand[], c: Case): InstanceType<Iced['Instruction']> | undefined {
    const x = this.x;
    const I = x.Instruction;
    const kinds = ops.map((op) => (typeof op === 'number' || typeof op === 'bigint' ? 'I' : op.kind === 'mem' ? 'M' : op.kind === 'label' || op.kind === 'external' ? 'B' : 'R')).join('');
    const reg = (k: number): number => icedRegister(x, (ops[k] as Gpr).name);
    const imm = (k: number): number | bigint => normalizeImm(ops[k] as number | bigint, c.form.opSize)!;
    const mem = (k: number) => this.memory(ops[k] as Mem, c);
    const withImm = (v: number | bigint, i32: (n: number) => InstanceType<Iced['Instruction']>, u32: (n: number) => InstanceType<Iced['Instruction']>, i64?: (n: bigint) => InstanceType<Iced['Instruction']>) => {
      if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) return i32(v);
      if (typeof v === 'number' && v >= 0 && v <= 0xffffffff) return u32(v);
      return i64 ? i64(BigInt(v)) : undefined;
    };
    switch (kinds) {
      case '': return I.create(code);
      case 'R': return I.createReg(code, reg(0));
      case 'M': return I.createMem(code, mem(0));
      case 'I': return withImm(imm(0), (n) => I.createI32(code, n), (n) => I.createU32(code, n));
      case 'B': {
        const op = ops[0] as Label | External;
        const target = op.kind === 'label' ? op.offset : c.end + 0x100000;
        return I.createBranch(code, BigInt(target));
      }
      case 'RR': return I.createRegReg(code, reg(0), reg(1));
      case 'RM': return I.createRegMem(code, reg(0), mem(1));
      case 'MR': return I.createMemReg(code, mem(0), reg(1));
      case 'RI': return withImm(imm(1), (n) => I.createRegI32(code, reg(0), n), (n) => I.createRegU32(code, reg(0), n), (n) => I.createRegI64(code, reg(0), n));
      case 'MI': return withImm(imm(1), (n) => I.createMemI32(code, mem(0), n), (n) => I.createMemU32(code, mem(0), n));
      case 'RRI': return withImm(imm(2), (n) => I.createRegRegI32(code, reg(0), reg(1), n), (n) => I.createRegRegU32(code, reg(0), reg(1), n));
      case 'RMI': return withImm(imm(2), (n) => I.createRegMemI32(code, reg(0), mem(1), n), (n) => I.createRegMemU32(code, reg(0), mem(1), n));
      case 'MRI': return withImm(imm(2), (n) => I.createMemRegI32(code, mem(0), reg(1), n), (n) => I.createMemRegU32(code, mem(0), reg(1), n));
      case 'RRR': return I.createRegRegReg(code, reg(0), reg(1), reg(2));
      case 'RRM': return I.createRegRegMem(code, reg(0), reg(1), mem(2));
      case 'RMR': return I.createRegMemReg(code, reg(0), mem(1), reg(2));
      case 'RRRI': return withImm(imm(3), (n) => I.createRegRegRegI32(code, reg(0), reg(1), reg(2), n), (n) => I.createRegRegRegU32(code, reg(0), reg(1), reg(2), n));
      case 'RRMI': return withImm(imm(3), (n) => I.createRegRegMemI32(code, reg(0), reg(1), mem(2), n), (n) => I.createRegRegMemU32(code, reg(0), reg(1), mem(2), n));
      default: return undefined;
    }
  }
}
// #endregion iced-lengths

const SYMMETRIC = new Set(['xchg', 'test']);
const STACK_OR_BRANCH = new Set(['push', 'pop', 'jmp', 'jcc', 'call', 'ret']);
const capitalize = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

/** The summary lines `npm run check:encoder` prints; the last is `<N> encodings checked, <M> mismatches`. */
export function summarize(r: EncoderCheckResult, maxListed = 30): string[] {
  const lines: string[] = [];
  for (const m of r.mismatches.slice(0, maxListed)) lines.push(`MISMATCH ${m.meant}  [${m.form}]  bytes ${m.bytes}  decoded '${m.decoded}': ${m.problem}`);
  if (r.mismatches.length > maxListed) lines.push(`... and ${r.mismatches.length - maxListed} more mismatches`);
  for (const m of r.shorterInIced.slice(0, maxListed)) lines.push(`LONGER THAN ICED ${m.meant}  [${m.form}]  bytes ${m.bytes}: ${m.problem}`);
  for (const f of r.formsNotExercised) lines.push(`FORM NOT EXERCISED ${f}`);
  lines.push(`${r.forms} table forms, ${r.forms - r.formsNotExercised.length} exercised`);
  lines.push(`${r.comparedWithIced} lengths compared with iced-x86's encoder: iced shorter in ${r.shorterInIced.length}`);
  lines.push(`${r.forwardBranches} forward branches to labels bound later (sized by relaxation at finish): iced shorter in ${r.forwardBranchesIcedShorter}`);
  lines.push(`${r.checked} encodings checked, ${r.mismatches.length} mismatches`);
  return lines;
}

