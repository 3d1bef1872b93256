// The encoder check's comparison: does the instruction iced-x86 decoded from our bytes say
// what the case meant? Structural: mnemonic, operand kinds, registers, memory fields, values.

import { type Form, Shape, shapeWidth } from './forms.ts';
import type { Case } from './checkCases.ts';
import type { Iced } from './iced.ts';
import { normalizeImm } from './immediates.ts';
import { CONDITIONS, type External, type Operand } from './operands.ts';

/** The mnemonic as iced names it: the condition filled in, without a lock prefix (checked on its own). */
export function mnemonicOf(c: Case): string {
  if (c.mnemonic.startsWith('lock ')) return c.mnemonic.slice(5);
  return c.mnemonic.endsWith('cc') ? c.mnemonic.slice(0, -2) + CONDITIONS[c.cc] : c.mnemonic;
}

export function describeOperand(op: Operand): string {
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
export function icedRegister(x: Iced, name: string): number {
  let r = icedRegisters.get(name);
  if (r === undefined) {
    const n = /^r(\d+)b$/.test(name) ? name.replace(/b$/, 'l') : name;
    r = (x.Register as unknown as Record<string, number>)[n.toUpperCase()];
    if (r === undefined) throw new Error(`no iced register for ${name}`);
    icedRegisters.set(name, r);
  }
  return r;
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
export function memBytes(f: Form): number {
  const s = f.shapes[f.rmOperand];
  if (s === undefined) return 0;
  if (s === Shape.XMM_M16 || s === Shape.R32_M16) return 2;
  if (s === Shape.R32_M8 || s === Shape.M8) return 1;
  if (s === Shape.M16) return 2;
  if (s === Shape.XMM_M32 || s === Shape.M32) return 4;
  if (s === Shape.XMM_M64 || s === Shape.M64) return 8;
  if (s === Shape.XMM_M128 || s === Shape.M128) return 16;
  return shapeWidth(s) / 8;
}

// #region compare
/** What differs between the decoded instruction and the case (empty: nothing). */
export function compare(x: Iced, instr: InstanceType<Iced['Instruction']>, c: Case, fixupAt: ReadonlyMap<number, { target: unknown; kind: string; addend: number }>): string[] {
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
  if (instr.hasLockPrefix !== c.mnemonic.startsWith('lock ')) problems.push(instr.hasLockPrefix ? 'a lock prefix' : 'no lock prefix');
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
export const SYMMETRIC = new Set(['xchg', 'test']);
