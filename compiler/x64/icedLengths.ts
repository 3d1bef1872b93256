// The encoder check's length comparison: the shortest encoding iced-x86's own encoder finds for
// the same instruction, over every code of the mnemonic.

import type { Case } from './checkCases.ts';
import { icedRegister, memBytes, mnemonicOf, SYMMETRIC } from './checkCompare.ts';
import type { Iced } from './iced.ts';
import { normalizeImm } from './immediates.ts';
import type { External, Label, Mem, Operand } from './operands.ts';
import type { Gpr } from './registers.ts';

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

// #region iced-lengths
/** The shortest encoding iced-x86's encoder finds for a case, over every code of the mnemonic. */
export class IcedLengths {
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
      if (c.mnemonic.startsWith('lock ')) instr.hasLockPrefix = true;
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

const STACK_OR_BRANCH = new Set(['push', 'pop', 'jmp', 'jcc', 'call', 'ret']);
const capitalize = (s: string): string => s[0]!.toUpperCase() + s.slice(1);
