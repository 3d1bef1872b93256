// The exhaustive encoder check: encode every form of the table with every register, a spread
// of memory shapes and immediates at their edges; decode the bytes with iced-x86 and compare
// mnemonic and operands structurally with what was meant. Also ask iced-x86's own encoder for
// the shortest encoding of the same instruction and count where it beats ours.
// Run by `npm run check:encoder` and by checkEncoder.test.ts.

import { Assembler } from './assembler.ts';
import { type Case, memoryShapes, operandTuples } from './checkCases.ts';
import { compare, describeOperand, mnemonicOf } from './checkCompare.ts';
import { dispatchOf, type Form, FORMS } from './forms.ts';
import { IcedLengths } from './icedLengths.ts';
import { loadIced } from './iced.ts';
import { normalizeImm } from './immediates.ts';
import { CONDITIONS, external, type Mem, type MemSize, type Operand } from './operands.ts';
import { GPR32, GPR64 } from './registers.ts';

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

