// The encoding engine: chooses the first form of a mnemonic that accepts the operands and
// writes its bytes: prefixes, REX, opcode, ModRM, SIB, displacement, immediate. It knows no
// instruction by name; everything specific lives in the encoding table.

import { CodeBuffer } from './codeBuffer.ts';
import { type Dispatch, dispatchOf, type Form, Shape } from './forms.ts';
import { fitsSigned, normalizeImm, splitImm64 } from './immediates.ts';
import type { External, Label, Mem, Operand } from './operands.ts';
import type { Gpr, Xmm } from './registers.ts';

/** A reference to a label, resolved (again) when the code is finished. Internal; mutated by relaxation. */
export interface LabelRef {
  /** Offset of the displacement field. */
  at: number;
  /** Offset the displacement is relative to (the end of the instruction). */
  end: number;
  readonly label: Label;
  /** 1 (rel8) or 4 (rel32) bytes. */
  size: 1 | 4;
  /** Extra displacement added to the label's offset (RIP-relative `[label + disp]`). */
  readonly addend: number;
  /** For a near jmp/jcc to a label not yet bound: its start and its short opcode (EB, 70+cc), for relaxation; else 0. */
  start: number;
  shortOpcode: number;
}

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
  protected readonly labelRefs: LabelRef[] = [];
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

  /** `emit` with the mnemonic's dispatch already looked up (the hot path of the Assembler's methods). */
  emitWith(dispatch: Dispatch, a?: Operand, b?: Operand, c?: Operand, d?: Operand, cc = 0): Form {
    // The form is a function of the operands' exact classes (see forms.ts): chosen once per
    // mnemonic and signature by the search below, then looked up.
    const known = dispatch.cached(a, b, c, d, this.buf.length);
    if (known !== undefined) {
      if (known.legacy) this.encodeLegacy(known, a, b, c, d, cc);
      else this.encode(known, a, b, c, d, cc);
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

  /** Write form `f` with these operands (which `accepts` has approved). */
  encode(f: Form, a: Operand | undefined, b: Operand | undefined, c: Operand | undefined, d?: Operand, cc = 0): void {
    const buf = this.buf;
    buf.reserve(16);
    for (let i = 0; i < f.prefixes.length; i++) buf.put(f.prefixes[i]!);

    // #region rex-prefix
    // REX: W from the form; R, X, B extend the reg field, the SIB index and the rm/base/opcode register.
    let rex = f.rexW ? 8 : 0;
    let needRex = false; // spl/bpl/sil/dil are reachable only with a REX prefix
    let regField = f.modrm;
    const rm = f.rmOperand >= 0 ? (operandAt(f.rmOperand, a, b, c, d) as Gpr | Mem | { kind: 'xmm'; num: number }) : null;
    if (f.modrm === 8) {
      const reg = operandAt(f.regOperand, a, b, c, d) as { kind: 'gpr' | 'xmm'; num: number; size: number };
      regField = reg.num;
      rex |= (reg.num >> 3) << 2;
      if (reg.kind === 'gpr' && reg.size === 8 && reg.num >= 4) needRex = true;
    }
    if (rm !== null) {
      if (rm.kind === 'mem') {
        if (rm.base !== null) rex |= rm.base.num >> 3;
        if (rm.index !== null) rex |= (rm.index.num >> 3) << 1;
      } else {
        rex |= rm.num >> 3;
        if (rm.kind === 'gpr' && rm.size === 8 && rm.num >= 4) needRex = true;
      }
    }
    let opcodeAdd = f.plus === 'cc' ? cc : 0;
    if (f.plusOperand >= 0) {
      const r = operandAt(f.plusOperand, a, b, c, d) as Gpr;
      rex |= r.num >> 3;
      if (r.size === 8 && r.num >= 4) needRex = true;
      opcodeAdd = r.num & 7;
    }
    if (f.vex !== null) this.encodeVex(f, rex, f.vvvvOperand >= 0 ? (operandAt(f.vvvvOperand, a, b, c, d) as Gpr).num : 0);
    else if (rex !== 0 || needRex) buf.put(0x40 | rex);
    // #endregion rex-prefix

    const op = f.opcode;
    const last = op.length - 1;
    for (let i = 0; i < last; i++) buf.put(op[i]!);
    buf.put(op[last]! + opcodeAdd);

    if (rm !== null) {
      if (rm.kind === 'mem') this.encodeMem(regField & 7, rm, f.immBytes);
      else buf.put(0xc0 | ((regField & 7) << 3) | (rm.num & 7));
    }

    if (f.immBytes > 0) {
      const imm = operandAt(f.immOperand, a, b, c, d)!;
      if (f.isRel) this.encodeRel(imm as Label | External, f.immBytes as 1 | 4, f, cc);
      else this.encodeImm(imm as number | bigint, f);
    }
  }

  /**
   * `encode` for the legacy forms (no VEX, no branch displacement), the engine's common case:
   * the same steps, with the bytes written through a local position. Memory operands still go
   * through `encodeMem`, immediates wider than 4 bytes through `encodeImm`.
   */
  private encodeLegacy(f: Form, a: Operand | undefined, b: Operand | undefined, c: Operand | undefined, d: Operand | undefined, cc: number): void {
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    let p = buf.length;
    const prefixes = f.prefixes;
    for (let i = 0; i < prefixes.length; i++) bytes[p++] = prefixes[i]!;
    let rex = f.rexW ? 8 : 0;
    let needRex = false;
    let regField = f.modrm;
    if (regField === 8) {
      const reg = operandAt(f.regOperand, a, b, c, d) as Gpr | Xmm;
      regField = reg.num;
      rex |= (reg.num >> 3) << 2;
      if (reg.size === 8 && reg.num >= 4) needRex = true;
    }
    const rm = f.rmOperand >= 0 ? (operandAt(f.rmOperand, a, b, c, d) as Gpr | Xmm | Mem) : null;
    if (rm !== null) {
      if (rm.kind === 'mem') {
        if (rm.base !== null) rex |= rm.base.num >> 3;
        if (rm.index !== null) rex |= (rm.index.num >> 3) << 1;
      } else {
        rex |= rm.num >> 3;
        if (rm.size === 8 && rm.num >= 4) needRex = true;
      }
    }
    let opcodeAdd = f.plus === 'cc' ? cc : 0;
    if (f.plusOperand >= 0) {
      const r = operandAt(f.plusOperand, a, b, c, d) as Gpr;
      rex |= r.num >> 3;
      if (r.size === 8 && r.num >= 4) needRex = true;
      opcodeAdd = r.num & 7;
    }
    if (rex !== 0 || needRex) bytes[p++] = 0x40 | rex;
    const op = f.opcode;
    const last = op.length - 1;
    for (let i = 0; i < last; i++) bytes[p++] = op[i]!;
    bytes[p++] = op[last]! + opcodeAdd;
    if (rm !== null) {
      if (rm.kind === 'mem') {
        buf.length = p;
        this.encodeMem(regField & 7, rm, f.immBytes);
        p = buf.length;
      } else bytes[p++] = 0xc0 | ((regField & 7) << 3) | (rm.num & 7);
    }
    const n = f.immBytes;
    if (n === 0) {
      buf.length = p;
      return;
    }
    const imm = operandAt(f.immOperand, a, b, c, d) as number | bigint;
    if (typeof imm === 'number' && n <= 4) {
      bytes[p++] = imm;
      if (n > 1) {
        bytes[p++] = imm >> 8;
        if (n === 4) (bytes[p++] = imm >> 16), (bytes[p++] = imm >> 24);
      }
      buf.length = p;
    } else {
      buf.length = p;
      this.encodeImm(imm, f);
    }
  }

  // #region memory-operand
  // #region vex-prefix
  /**
   * The VEX prefix replaces REX and the 66/F2/F3 and 0F/0F38/0F3A bytes. R, X, B and vvvv are
   * stored inverted. The 2-byte form (C5) fits when only R is needed, W is 0 and the map is 0F.
   */
  private encodeVex(f: Form, rex: number, vvvv: number): void {
    const buf = this.buf;
    const v = f.vex!;
    const notR = ((rex >> 2) & 1) ^ 1;
    const low = ((~vvvv & 15) << 3) | (v.l << 2) | v.pp;
    if ((rex & 3) === 0 && !v.w && v.map === 1) {
      buf.put(0xc5);
      buf.put((notR << 7) | low);
    } else {
      buf.put(0xc4);
      buf.put((notR << 7) | ((((rex >> 1) & 1) ^ 1) << 6) | (((rex & 1) ^ 1) << 5) | v.map);
      buf.put((v.w ? 0x80 : 0) | low);
    }
  }
  // #endregion vex-prefix

  /** ModRM (mod, rm), SIB and displacement for a memory operand; `trailing` immediate bytes follow. */
  private encodeMem(reg3: number, m: Mem, trailing: number): void {
    const buf = this.buf;
    const disp = m.disp;
    if (m.label !== null || m.external !== null) {
      // mod=00 rm=101: [rip + disp32], relative to the end of the instruction.
      buf.put(0x05 | (reg3 << 3));
      const at = buf.length;
      buf.put32(0);
      const end = at + 4 + trailing;
      if (m.label !== null) this.labelRefs.push({ at, end, label: m.label, size: 4, addend: disp, start: 0, shortOpcode: 0 });
      else this.fixups.push({ kind: 'rel32', offset: at, target: m.external!.target, addend: disp - (end - at) });
      return;
    }
    const base = m.base;
    const index = m.index;
    if (base === null) {
      // No base: SIB with base=101 and mod=00 means [index*scale + disp32] (rm=101 alone would be RIP).
      buf.put(0x04 | (reg3 << 3));
      buf.put((SCALE_BITS[m.scale] << 6) | ((index !== null ? index.num & 7 : 4) << 3) | 5);
      buf.put32(disp);
      return;
    }
    const b3 = base.num & 7;
    // rbp/r13 as base with mod=00 would mean RIP/disp32, so they always carry a displacement.
    const mod = disp === 0 && b3 !== 5 ? 0 : disp >= -128 && disp <= 127 ? 1 : 2;
    if (index !== null || b3 === 4) {
      // rsp/r12 in rm mean "a SIB byte follows", so they are encoded as a SIB base.
      buf.put((mod << 6) | (reg3 << 3) | 4);
      buf.put((SCALE_BITS[m.scale] << 6) | ((index !== null ? index.num & 7 : 4) << 3) | b3);
    } else {
      buf.put((mod << 6) | (reg3 << 3) | b3);
    }
    if (mod === 1) buf.put(disp);
    else if (mod === 2) buf.put32(disp);
  }
  // #endregion memory-operand

  private encodeImm(v: number | bigint, f: Form): void {
    const buf = this.buf;
    const n = f.immBytes;
    const value = typeof v === 'number' && n <= 4 ? v : normalizeImm(v, f.opSize)!;
    if (n === 8) {
      const [lo, hi] = splitImm64(value);
      buf.put32(lo);
      buf.put32(hi);
    } else {
      const x = Number(value);
      if (n === 4) buf.put32(x);
      else if (n === 2) (buf.put(x), buf.put(x >> 8));
      else buf.put(x);
    }
  }

  private encodeRel(target: Label | External, size: 1 | 4, f: Form, cc: number): void {
    const buf = this.buf;
    const at = buf.length;
    const end = at + size;
    if (target.kind === 'external') {
      buf.put32(0);
      this.fixups.push({ kind: 'rel32', offset: at, target: target.target, addend: -4 });
    } else if (target.offset >= 0) {
      // A backward branch: written now, and also recorded, because branch relaxation may later
      // shrink code between it and its target.
      const d = target.offset - end;
      if (size === 1) {
        if (d < -128 || d > 127) throw new Error(`x64: short jump to ${target.name ?? 'label'} out of range (${d})`);
        buf.put(d);
      } else buf.put32(d);
      this.labelRefs.push({ at, end, label: target, size, addend: 0, start: 0, shortOpcode: 0 });
    } else {
      if (size === 1) buf.put(0);
      else buf.put32(0);
      const shortOpcode = size === 4 ? (f.mnemonic === 'jmp' ? 0xeb : f.mnemonic === 'jcc' ? 0x70 + cc : 0) : 0;
      this.labelRefs.push({ at, end, label: target, size, addend: 0, start: at - f.opcode.length, shortOpcode });
    }
  }
}
// #endregion engine

function isMem(op: Operand | undefined): boolean {
  return typeof op === 'object' && op.kind === 'mem';
}

function operandAt(i: number, a: Operand | undefined, b: Operand | undefined, c: Operand | undefined, d: Operand | undefined): Operand | undefined {
  return i === 0 ? a : i === 1 ? b : i === 2 ? c : d;
}
