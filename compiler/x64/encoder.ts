// The encoding engine: chooses the first form of a mnemonic that accepts the operands and
// writes its bytes: prefixes, REX or VEX, opcode, ModRM, SIB, displacement, immediate. Every
// form is written by the same few functions (`encode` and its helpers). It knows no instruction
// by name; everything specific lives in the encoding table. (directEncoder.ts, on top of it,
// writes the hottest shapes without the table search; see there.)

import { CodeBuffer } from './codeBuffer.ts';
import { type Dispatch, dispatchOf, type Form, Shape, type Vex } from './forms.ts';
import { fitsSigned, normalizeImm, splitImm64 } from './immediates.ts';
import { LabelRefs } from './labelRefs.ts';
import type { External, Label, Mem, Operand } from './operands.ts';
import type { Gpr, Xmm } from './registers.ts';

// #region fixup
/**
 * Something only the runtime can finish, reported by `finish()`:
 * - `rel32`: write the 32-bit value `address(target) + addend - (codeBase + offset)` at `offset`
 *   (calls to other functions, RIP-relative data outside this code);
 * - `abs64`: write the 64-bit value `address(target) + addend` at `offset` (absolute addresses).
 * `target` is whatever the caller passed to `external(...)`, or `CODE_START` for addresses in this code.
 */
export interface Fixup {
  readonly kind: 'rel32' | 'abs64';
  readonly offset: number;
  readonly target: unknown;
  readonly addend: number;
}
// #endregion fixup

/** The target of fix-ups that need this code's own load address (absolute jump-table entries). */
export const CODE_START: unique symbol = Symbol('code start');

const SCALE_BITS = [0, 0, 1, 0, 2, 0, 0, 0, 3] as const;

function describe(op: Operand | undefined): string {
  if (op === undefined) return '';
  if (typeof op === 'number' || typeof op === 'bigint') return String(op);
  switch (op.kind) {
    case 'gpr': case 'xmm': return op.name;
    case 'label': return `label ${op.name ?? ''}`.trim();
    case 'external': return 'external';
    case 'mem': {
      const parts = [op.label ? 'rip+label' : op.external ? 'rip+external' : '', op.base?.name ?? '', op.index ? `${op.index.name}*${op.scale}` : '', op.disp ? String(op.disp) : ''].filter(Boolean);
      return `${op.size ? `m${op.size}` : 'm'}[${parts.join('+') || '0'}]`;
    }
  }
}

// #region engine
export class Encoder {
  readonly buf: CodeBuffer;
  /** Label references waiting for `finish()`. */
  protected readonly labelRefs = new LabelRefs();
  /** Fix-ups for the runtime. */
  protected readonly fixups: Fixup[] = [];

  constructor(initialCapacity = 4096) {
    this.buf = new CodeBuffer(initialCapacity);
  }

  /** Current offset: where the next instruction starts. */
  get offset(): number {
    return this.buf.length;
  }

  /**
   * Encode `mnemonic` with the first table form that accepts the operands (the shortest).
   * Returns the form used.
   */
  emit(mnemonic: string, a?: Operand, b?: Operand, c?: Operand, d?: Operand): Form {
    return this.emitWith(dispatchOf(mnemonic), a, b, c, d);
  }

  /** `emit` for jcc/setcc/cmovcc: `cc` is the condition's 4-bit encoding. */
  emitCc(mnemonic: string, cc: number, a?: Operand, b?: Operand): Form {
    return this.emitWith(dispatchOf(mnemonic), a, b, undefined, undefined, cc);
  }

  // #region row-selection
  /** `emit` with the mnemonic's dispatch already looked up (the hot path of the Assembler's methods). */
  emitWith(dispatch: Dispatch, a?: Operand, b?: Operand, c?: Operand, d?: Operand, cc = 0): Form {
    // The form is a function of the operands' exact classes (see forms.ts): chosen once per
    // mnemonic and signature by the search below, then looked up.
    const known = dispatch.cached(a, b, c, d, this.buf.length);
    if (known !== undefined) {
      this.encode(known, a, b, c, d, cc);
      return known;
    }
    const forms = dispatch.bucket(a, b);
    for (let i = 0; i < forms.length; i++) {
      const f = forms[i]!;
      if (this.accepts(f, a, b, c, d)) {
        // Which of two VEX register forms is shorter depends on the register numbers: not cached.
        if (f.vex !== null && dispatch.hasAlternatives) return this.encodeShortest(forms, i, a, b, c, d, cc);
        dispatch.remember(a, b, c, d, this.buf.length, f);
        this.encode(f, a, b, c, d, cc);
        return f;
      }
    }
    const ops = [a, b, c, d].filter((x) => x !== undefined).map(describe).join(', ');
    throw new Error(`x64: no encoding of '${dispatch.mnemonic} ${ops}'`);
  }
  // #endregion row-selection

  /**
   * Among the accepting forms from `first` on, encode the shortest. Only VEX register-to-register
   * moves get here: which of their two forms avoids the 3-byte VEX depends on the registers.
   * Each candidate is encoded and rolled back, which is safe because register operands record
   * no label references or fix-ups.
   */
  private encodeShortest(forms: readonly Form[], first: number, a: Operand | undefined, b: Operand | undefined, c: Operand | undefined, d: Operand | undefined, cc: number): Form {
    let best = forms[first]!;
    // With a memory operand the table order already gives the shortest (and encoding twice would
    // record its label reference twice), so only all-register operands are compared.
    let alternatives = false;
    if (!isMem(a) && !isMem(b) && !isMem(c)) {
      for (let i = first + 1; i < forms.length && !alternatives; i++) alternatives = this.accepts(forms[i]!, a, b, c, d);
    }
    if (alternatives) {
      const start = this.buf.length;
      let bestLength = Infinity;
      for (let i = first; i < forms.length; i++) {
        const f = forms[i]!;
        if (!this.accepts(f, a, b, c, d)) continue;
        this.encode(f, a, b, c, d, cc);
        const n = this.buf.length - start;
        this.buf.length = start;
        if (n < bestLength) (best = f), (bestLength = n);
      }
    }
    this.encode(best, a, b, c, d, cc);
    return best;
  }

  /** Does form `f` take these operands? */
  accepts(f: Form, a: Operand | undefined, b: Operand | undefined, c: Operand | undefined, d?: Operand): boolean {
    const shapes = f.shapes;
    const n = shapes.length;
    // Operands are positional: exactly the first n are given (imul(rax, undefined, 5) has no form).
    const given = a === undefined ? 0 : b === undefined ? 1 : c === undefined ? 2 : d === undefined ? 3 : 4;
    if (given !== n || (n < 4 && (d !== undefined || (n < 3 && (c !== undefined || (n < 2 && b !== undefined)))))) return false;
    if (n > 0 && !this.acceptsOperand(f, shapes[0]!, a!)) return false;
    if (n > 1 && !this.acceptsOperand(f, shapes[1]!, b!)) return false;
    if (n > 2 && !this.acceptsOperand(f, shapes[2]!, c!)) return false;
    if (n > 3 && !this.acceptsOperand(f, shapes[3]!, d!)) return false;
    // 90+r with register 0 is `nop` in 64-bit mode, not an exchange that zero-extends: use 87 /r.
    if (f.plus === 'r' && f.opcode[0] === 0x90 && (operandAt(f.plusOperand, a, b, c, d) as Gpr).num === 0) return false;
    return true;
  }

  private acceptsOperand(f: Form, s: Shape, op: Operand): boolean {
    if (typeof op === 'number' || typeof op === 'bigint') {
      switch (s) {
        case Shape.IMM8: case Shape.IMM16: case Shape.IMM32: case Shape.IMM64: {
          const v = normalizeImm(op, s === Shape.IMM16 ? 16 : f.opSize);
          return v !== undefined && fitsSigned(v, s === Shape.IMM8 ? 8 : s === Shape.IMM16 ? 16 : s === Shape.IMM32 ? 32 : 64);
        }
        case Shape.U8: return op >= 0 && op <= 255 && (typeof op === 'bigint' || Number.isInteger(op));
        case Shape.ONE: return op === 1 || op === 1n;
        default: return false;
      }
    }
    switch (op.kind) {
      case 'gpr':
        switch (s) {
          case Shape.R8: case Shape.RM8: return op.size === 8;
          case Shape.R16: case Shape.RM16: return op.size === 16;
          case Shape.R32: case Shape.RM32: return op.size === 32;
          case Shape.R64: case Shape.RM64: return op.size === 64;
          case Shape.AL: return op.size === 8 && op.num === 0;
          case Shape.AX: return op.size === 16 && op.num === 0;
          case Shape.EAX: return op.size === 32 && op.num === 0;
          case Shape.RAX: return op.size === 64 && op.num === 0;
          case Shape.CL: return op.size === 8 && op.num === 1;
          case Shape.R32_M8: case Shape.R32_M16: return op.size === 32;
          default: return false;
        }
      case 'xmm':
        return s === Shape.XMM || (s >= Shape.XMM_M16 && s <= Shape.XMM_M128);
      case 'mem':
        switch (s) {
          case Shape.RM8: return op.size === 8 || (op.size === 0 && f.unsizedMemOk);
          case Shape.RM16: return op.size === 16 || (op.size === 0 && f.unsizedMemOk);
          case Shape.RM32: return op.size === 32 || (op.size === 0 && f.unsizedMemOk);
          case Shape.RM64: return op.size === 64 || (op.size === 0 && f.unsizedMemOk);
          case Shape.M: return true;
          case Shape.XMM_M16: return op.size === 0 || op.size === 16;
          case Shape.XMM_M32: return op.size === 0 || op.size === 32;
          case Shape.XMM_M64: return op.size === 0 || op.size === 64;
          case Shape.XMM_M128: case Shape.M128: return op.size === 0 || op.size === 128;
          case Shape.M32: return op.size === 0 || op.size === 32;
          case Shape.M64: return op.size === 0 || op.size === 64;
          case Shape.M8: return op.size === 0 || op.size === 8;
          case Shape.M16: return op.size === 0 || op.size === 16;
          case Shape.R32_M8: return op.size === 0 || op.size === 8;
          case Shape.R32_M16: return op.size === 0 || op.size === 16;
          default: return false;
        }
      case 'label':
        if (s === Shape.REL32) return true;
        // rel8 only when the target is already known to be near (a backward jump).
        if (s === Shape.REL8 && op.offset >= 0) {
          const d = op.offset - (this.buf.length + f.fixedLength);
          return d >= -128 && d <= 127;
        }
        return false;
      case 'external':
        return s === Shape.REL32;
    }
  }

  // #region encode
  /**
   * Write form `f` with these operands (which `accepts` has approved). Every form takes this one
   * path: prefixes, REX or VEX, opcode, ModRM (with SIB and displacement for memory), then an
   * immediate or a branch displacement. An instruction is at most 15 bytes, so room for 16 is
   * made once and the bytes are written through a local position.
   */
  encode(f: Form, a: Operand | undefined, b: Operand | undefined, c: Operand | undefined, d?: Operand, cc = 0): void {
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    let p = buf.length;
    const prefixes = f.prefixes;
    for (let i = 0; i < prefixes.length; i++) bytes[p++] = prefixes[i]!;

    // The registers in ModRM.reg (a /r form; a /digit puts its digit there), in ModRM.rm or
    // memory, and in the low bits of the opcode (+r).
    const reg = f.modrm === 8 ? (operandAt(f.regOperand, a, b, c, d) as Gpr | Xmm) : null;
    const rm = f.rmOperand >= 0 ? (operandAt(f.rmOperand, a, b, c, d) as Gpr | Xmm | Mem) : null;
    const inOpcode = f.plusOperand >= 0 ? (operandAt(f.plusOperand, a, b, c, d) as Gpr) : null;
    const rex = rexPrefix(f.rexW, reg, rm, inOpcode);
    if (f.vex !== null) p = writeVex(bytes, p, f.vex, rex, f.vvvvOperand >= 0 ? (operandAt(f.vvvvOperand, a, b, c, d) as Gpr | Xmm).num : 0);
    else if (rex !== 0) bytes[p++] = rex;

    const op = f.opcode;
    const last = op.length - 1;
    for (let i = 0; i < last; i++) bytes[p++] = op[i]!;
    bytes[p++] = op[last]! + (inOpcode !== null ? inOpcode.num & 7 : f.plus === 'cc' ? cc : 0);

    if (rm !== null) {
      const reg3 = (reg !== null ? reg.num : f.modrm) & 7;
      // mod=11: rm is a register; otherwise memory, with SIB and displacement as needed.
      if (rm.kind !== 'mem') bytes[p++] = 0xc0 | (reg3 << 3) | (rm.num & 7);
      else p = this.writeMemory(bytes, p, reg3, rm, f.immBytes);
    }

    const n = f.immBytes;
    if (n > 0) {
      const imm = operandAt(f.immOperand, a, b, c, d)!;
      if (f.isRel) {
        const shortOpcode = n === 4 ? (f.mnemonic === 'jmp' ? 0xeb : f.mnemonic === 'jcc' ? 0x70 + cc : 0) : 0;
        p = this.writeBranchDisplacement(bytes, p, imm as Label | External, n as 1 | 4, p - f.opcode.length, shortOpcode);
      }
      else p = writeImmediate(bytes, p, imm as number | bigint, n, f.opSize);
    }
    buf.length = p;
  }
  // #endregion encode

  // #region memory-operand
  /**
   * ModRM, SIB and displacement for a memory operand, written at `p`; returns the position after
   * them. `reg3` goes into ModRM.reg (the low three bits of a register, or a /digit). `trailing`
   * immediate bytes follow, which matters for RIP-relative addresses: they count from the end of
   * the instruction.
   */
  protected writeMemory(bytes: Uint8Array, p: number, reg3: number, m: Mem, trailing: number): number {
    const disp = m.disp;
    if (m.label !== null || m.external !== null) {
      // mod=00 rm=101: [rip + disp32]; the label or the runtime fills in disp32 later.
      bytes[p++] = 0x05 | (reg3 << 3);
      const end = p + 4 + trailing;
      if (m.label !== null) this.labelRefs.add(p, end, m.label, 4, disp, 0, 0);
      else this.fixups.push({ kind: 'rel32', offset: p, target: m.external!.target, addend: disp - (end - p) });
      return put32(bytes, p, 0);
    }
    const base = m.base;
    const index = m.index;
    if (base === null) {
      // No base: SIB with base=101 and mod=00 means [index*scale + disp32] (rm=101 alone would be RIP).
      bytes[p++] = 0x04 | (reg3 << 3);
      bytes[p++] = (SCALE_BITS[m.scale] << 6) | ((index !== null ? index.num & 7 : 4) << 3) | 5;
      return put32(bytes, p, disp);
    }
    const b3 = base.num & 7;
    // rbp/r13 as base with mod=00 would mean RIP/disp32, so they always carry a displacement.
    const mod = disp === 0 && b3 !== 5 ? 0 : disp >= -128 && disp <= 127 ? 1 : 2;
    if (index !== null || b3 === 4) {
      // rsp/r12 in rm mean "a SIB byte follows", so they are encoded as a SIB base.
      bytes[p++] = (mod << 6) | (reg3 << 3) | 4;
      bytes[p++] = (SCALE_BITS[m.scale] << 6) | ((index !== null ? index.num & 7 : 4) << 3) | b3;
    } else {
      bytes[p++] = (mod << 6) | (reg3 << 3) | b3;
    }
    if (mod === 1) bytes[p++] = disp;
    else if (mod === 2) p = put32(bytes, p, disp);
    return p;
  }
  // #endregion memory-operand

  /**
   * A rel8/rel32 branch displacement at `p` (the last field of the instruction, which starts at
   * `start`); returns the position after it. `shortOpcode`: for a near jmp/jcc, its rel8 form's
   * opcode (EB, 70+cc), which relaxation may turn it into; else 0.
   */
  protected writeBranchDisplacement(bytes: Uint8Array, p: number, target: Label | External, size: 1 | 4, start: number, shortOpcode: number): number {
    if (target.kind === 'external') {
      this.fixups.push({ kind: 'rel32', offset: p, target: target.target, addend: -4 });
      return put32(bytes, p, 0);
    }
    return this.writeLabelDisplacement(bytes, p, target, size, start, shortOpcode);
  }

  /** writeBranchDisplacement to a label (apart, so that its reads of the target only ever meet Labels). */
  protected writeLabelDisplacement(bytes: Uint8Array, p: number, target: Label, size: 1 | 4, start: number, shortOpcode: number): number {
    const end = p + size;
    if (target.offset >= 0) {
      // A backward branch: written now, and also recorded, because branch relaxation may later
      // shrink code between it and its target.
      const d = target.offset - end;
      if (size === 1 && (d < -128 || d > 127)) throw new Error(`x64: short jump to ${target.name ?? 'label'} out of range (${d})`);
      this.labelRefs.add(p, end, target, size, 0, 0, 0);
      if (size === 1) bytes[p] = d;
      else put32(bytes, p, d);
      return end;
    }
    this.labelRefs.add(p, end, target, size, 0, shortOpcode === 0 ? 0 : start, shortOpcode);
    if (size === 1) bytes[p] = 0;
    else put32(bytes, p, 0);
    return end;
  }
}
// #endregion engine

// #region rex-prefix
/**
 * The REX prefix `0100WRXB`, or 0 when the instruction needs none. W (64-bit operand size) comes
 * from the form; R extends the register in ModRM.reg, X the SIB index, B the register in
 * ModRM.rm, the SIB base, or the register added to the opcode. A VEX prefix carries the same
 * R, X and B bits, so VEX forms use this too.
 */
function rexPrefix(w: boolean, reg: Gpr | Xmm | null, rm: Gpr | Xmm | Mem | null, inOpcode: Gpr | null): number {
  let rex = w ? 8 : 0;
  // spl, bpl, sil and dil (byte registers 4-7) exist only when some REX prefix is present.
  let byteRegister = false;
  if (reg !== null) {
    rex |= (reg.num >> 3) << 2;
    byteRegister = reg.size === 8 && reg.num >= 4;
  }
  if (rm !== null) {
    if (rm.kind === 'mem') {
      if (rm.base !== null) rex |= rm.base.num >> 3;
      if (rm.index !== null) rex |= (rm.index.num >> 3) << 1;
    } else {
      rex |= rm.num >> 3;
      if (rm.size === 8 && rm.num >= 4) byteRegister = true;
    }
  }
  if (inOpcode !== null) {
    rex |= inOpcode.num >> 3;
    if (inOpcode.size === 8 && inOpcode.num >= 4) byteRegister = true;
  }
  return rex !== 0 || byteRegister ? 0x40 | rex : 0;
}
// #endregion rex-prefix

// #region vex-prefix
/**
 * The VEX prefix replaces REX and the 66/F2/F3 and 0F/0F38/0F3A bytes. R, X, B (from `rex`, as
 * `rexPrefix` computes it) and vvvv are stored inverted. The 2-byte form (C5) fits when only R is
 * needed, W is 0 and the map is 0F. Returns the position after the prefix.
 */
function writeVex(bytes: Uint8Array, p: number, v: Vex, rex: number, vvvv: number): number {
  const notR = ((rex >> 2) & 1) ^ 1;
  const low = ((~vvvv & 15) << 3) | (v.l << 2) | v.pp;
  if ((rex & 3) === 0 && !v.w && v.map === 1) {
    bytes[p] = 0xc5;
    bytes[p + 1] = (notR << 7) | low;
    return p + 2;
  }
  bytes[p] = 0xc4;
  bytes[p + 1] = (notR << 7) | ((((rex >> 1) & 1) ^ 1) << 6) | (((rex & 1) ^ 1) << 5) | v.map;
  bytes[p + 2] = (v.w ? 0x80 : 0) | low;
  return p + 3;
}
// #endregion vex-prefix

/** An immediate of `n` bytes at `p`, little-endian; returns the position after it. */
function writeImmediate(bytes: Uint8Array, p: number, v: number | bigint, n: number, opSize: number): number {
  if (typeof v !== 'number' || n === 8) return writeWideImmediate(bytes, p, v, n, opSize);
  return writeSmallImmediate(bytes, p, v, n);
}

/** `n` (0, 1, 2 or 4) little-endian bytes of the number `v` at `p`; returns the position after them. */
export function writeSmallImmediate(bytes: Uint8Array, p: number, v: number, n: number): number {
  if (n === 0) return p;
  bytes[p] = v;
  if (n === 1) return p + 1;
  bytes[p + 1] = v >> 8;
  if (n === 2) return p + 2;
  bytes[p + 2] = v >> 16;
  bytes[p + 3] = v >> 24;
  return p + 4;
}

/** `writeImmediate` for bigints and 8-byte immediates, read at the operand size `opSize`. */
function writeWideImmediate(bytes: Uint8Array, p: number, v: number | bigint, n: number, opSize: number): number {
  const value = normalizeImm(v, opSize)!;
  if (n !== 8) return writeImmediate(bytes, p, Number(value), n, opSize);
  const [lo, hi] = splitImm64(value);
  return put32(bytes, put32(bytes, p, lo), hi);
}

/** 32 bits at `p`, little-endian; returns the position after them. */
function put32(bytes: Uint8Array, p: number, v: number): number {
  bytes[p] = v;
  bytes[p + 1] = v >> 8;
  bytes[p + 2] = v >> 16;
  bytes[p + 3] = v >> 24;
  return p + 4;
}

function isMem(op: Operand | undefined): boolean {
  return typeof op === 'object' && op.kind === 'mem';
}

function operandAt(i: number, a: Operand | undefined, b: Operand | undefined, c: Operand | undefined, d: Operand | undefined): Operand | undefined {
  return i === 0 ? a : i === 1 ? b : i === 2 ? c : d;
}
