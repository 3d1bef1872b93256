// Direct encodings: a fast layer over the table-driven engine (encoder.ts) for the few operand
// shapes a one-pass compiler emits most: register and memory moves, ALU operations, compares,
// lea, zero/sign extension, shifts by a constant, setcc/cmovcc, jumps, calls, push, pop, ret,
// multiplication and division (imul, the F7 group, cdq/cqo), and the legacy SSE moves, scalar
// arithmetic, bitwise operations and compares.
//
// What it adds: for those shapes, the choice the table search would make is written out as code
// (`mov r32, r/m32` is 8B /r, `add r/m32, imm8` is 83 /0 ib when the value sign-extends, ...), and
// the bytes go straight into the code buffer. The table path finds the same row through the
// selection cache, then reads the row's prefix and opcode arrays and resolves every operand role
// through the Form: data loads from objects spread over the heap, which dominate the cost of an
// instruction in a compiler whose other data structures crowd the processor's caches. Here the
// opcodes are constants in the code and the operands arrive already in their roles.
//
// What it buys, measured on a shared 2-core machine (December 2026): `npx tsx bench/assembler.ts`
// runs one instruction mix with the layer on and off, interleaved: 1.3-1.4x the instructions per
// second. Compiling iced_x86_bg.wasm (bench/compile-profile.ts under --cpu-prof), the assembler's
// self time fell from 26-28% of the profile to about 20%, together with labelRefs.ts.
//
// The moves of values, which a code generator makes most (parallelMove.ts: register to register,
// register to and from a frame slot, a constant or an lea into a register), also have entries that
// take the registers as numbers and the width as a flag (Instructions.movRegisters, movLoad,
// movStore, movStoreImmediate, movImmediate32, leaRegisters): `mov`'s own entry first finds out
// what kind and width of operand it was handed, and with every shape of source and destination
// arriving at that one site, those checks cost more than the bytes (with these entries, December
// 2026, on a busy shared machine: iced-x86 compiled 2-9% faster, onig.wasm 2-7%, large.wasm 3-5%).
// The linear-memory accesses have the same kind of entries (Instructions.loadIndexed and its kin):
// the operand is always `[r14 + index + disp]`, so they take the index register and displacement
// as numbers too, and the width and extension of the access as flags.
//
// What keeps it honest: every method returns false (or undefined) for any operand it does not
// handle, and the caller then takes the table path, which also produces every error message.
// ModRM memory operands and branch displacements are written by the engine's own helpers, so
// RIP-relative labels, fix-ups and relaxation records are recorded the same way. `direct = false`
// turns the layer off; directEncoder.test.ts compares both paths byte for byte (code, fix-ups,
// label references) over many operand combinations and whole compiled modules.

import { Encoder, writeSmallImmediate as writeImm } from './encoder.ts';
import { type Form, FORMS_BY_MNEMONIC } from './forms.ts';
import { normalizeImm, splitImm64 } from './immediates.ts';
import { type External, type Imm, type Label, type Mem, scratchMem } from './operands.ts';
import { type Gpr, GPR64, type Xmm } from './registers.ts';

/** A form of the table by its row text: the direct path's results are checked against it. */
function row(text: string): Form {
  const mnemonic = text.slice(0, text.indexOf(' '));
  const form = FORMS_BY_MNEMONIC.get(mnemonic)?.find((f) => f.row[0] === text);
  if (!form) throw new Error(`x64: direct encoder names a missing row '${text}'`);
  return form;
}
/** By width index (0: 8, 1: 16, 2: 32, 3: 64 bits), the forms `mov` returns. */
const widths = ['8', '16', '32', '64'] as const;
const MOV_RM_R = widths.map((w) => row(`mov r/m${w}, r${w}`));
const MOV_R_RM = widths.map((w) => row(`mov r${w}, r/m${w}`));
const MOV_RM_IMM = widths.map((w) => row(`mov r/m${w}, imm${w === '64' ? '32' : w}`));
const MOV_R32_IMM32 = row('mov r32, imm32');
const MOV_R64_IMM64 = row('mov r64, imm64');

/** 0..3 for a width of 8, 16, 32, 64 bits. */
const widthIndex = (size: number): number => 28 - Math.clz32(size);

/** Is `v` an integer a 32-bit operation takes as an immediate (int32 or uint32)? */
const isImm32 = (v: number): boolean => (v | 0) === v || v >>> 0 === v;

type RM = Gpr | Mem;

/**
 * ModRM (`reg3` in its reg field), SIB and displacement of `[base + index + disp]`, registers by
 * number (`index` -1 for none, scale 1), at bytes[p]; returns the position after. As writeMemory:
 * rbp/r13 as base always carry a displacement, rsp/r12 need a SIB byte.
 */
function writeBaseIndex(bytes: Uint8Array, p: number, reg3: number, base: number, index: number, disp: number): number {
  const b3 = base & 7;
  const mod = disp === 0 && b3 !== 5 ? 0 : disp >= -128 && disp <= 127 ? 1 : 2;
  if (index >= 0 || b3 === 4) {
    bytes[p++] = (mod << 6) | (reg3 << 3) | 4;
    bytes[p++] = ((index >= 0 ? index & 7 : 4) << 3) | b3;
  } else bytes[p++] = (mod << 6) | (reg3 << 3) | b3;
  if (mod === 1) bytes[p++] = disp;
  else if (mod === 2) p = writeImm(bytes, p, disp, 4);
  return p;
}

// #region direct-encoder
export class DirectEncoder extends Encoder {
  /** What `direct` starts as in new assemblers (tests turn it off to compare whole modules). */
  static directByDefault = true;
  /** Write the shapes below directly (true) or send everything through the table (false). */
  direct = DirectEncoder.directByDefault;

  /**
   * `[66] [REX] opcode ModRM [SIB] [disp]` with register number or /digit `reg` in ModRM.reg and
   * `rm` in ModRM.rm. `rex` holds W (8) and 0x40 when a byte register needs a REX prefix; the
   * R, X and B bits are added here. `opcode` above 0xFF is the two-byte `0F xx`. Room for 16
   * bytes is reserved; returns the position after ModRM and its memory bytes, where `trailing`
   * immediate bytes will follow (the caller writes them and sets the length).
   */
  private modrm(prefix: number, rex: number, opcode: number, reg: number, rm: RM | Xmm, trailing: number): number {
    if (rm.kind === 'mem') return this.memoryRm(prefix, rex, opcode, reg, rm, trailing);
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    let p = buf.length;
    if (prefix !== 0) bytes[p++] = prefix;
    rex |= ((reg >> 3) << 2) | (rm.num >> 3);
    if (rm.size === 8 && rm.num >= 4) rex |= 0x40;
    if (rex !== 0) bytes[p++] = 0x40 | rex;
    if (opcode > 0xff) bytes[p++] = 0x0f;
    bytes[p++] = opcode & 0xff;
    bytes[p++] = 0xc0 | ((reg & 7) << 3) | (rm.num & 7);
    return p;
  }

  /**
   * `modrm` with a memory operand in ModRM.rm. Apart, so that its reads of the operand's fields
   * only ever meet Mems (callers that hold one come here directly), not registers as well.
   */
  private memoryRm(prefix: number, rex: number, opcode: number, reg: number, m: Mem, trailing: number): number {
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    let p = buf.length;
    if (prefix !== 0) bytes[p++] = prefix;
    const base = m.base, index = m.index;
    rex |= (reg >> 3) << 2;
    if (base !== null) rex |= base.num >> 3;
    if (index !== null) rex |= (index.num >> 3) << 1;
    if (rex !== 0) bytes[p++] = 0x40 | rex;
    if (opcode > 0xff) bytes[p++] = 0x0f;
    bytes[p++] = opcode & 0xff;
    // [base + disp], nearly every memory operand: written here rather than by writeMemory.
    if (base !== null && index === null && m.label === null && m.external === null) return writeBaseIndex(bytes, p, reg & 7, base.num, -1, m.disp);
    return this.writeMemory(bytes, p, reg & 7, m, trailing);
  }

  /** `modrm` for a /r form: `reg` is a register (a byte register 4-7 needs a REX prefix too). */
  private regRm(size: number, w: boolean, opcode: number, reg: Gpr, rm: RM): void {
    const rex = (w ? 8 : 0) | (reg.size === 8 && reg.num >= 4 ? 0x40 : 0);
    this.buf.length = this.modrm(size === 16 ? 0x66 : 0, rex, opcode, reg.num, rm, 0);
  }

  /** `modrm` for a /digit form followed by an immediate of `n` (0, 1, 2 or 4) bytes. */
  private digitRm(size: number, opcode: number, digit: number, rm: RM, imm: number, n: number): void {
    const p = this.modrm(size === 16 ? 0x66 : 0, size === 64 ? 8 : 0, opcode, digit, rm, n);
    this.buf.length = writeImm(this.buf.bytes, p, imm, n);
  }

  /** `mov`; returns the table row written, undefined if the shape is not one of these. */
  protected directMov(dst: RM, src: RM | Imm): Form | undefined {
    if (!this.direct) return undefined;
    if (typeof src === 'number') {
      if (dst.kind === 'gpr') {
        const size = dst.size;
        // 64-bit values that fit 32 unsigned bits use `mov r32, imm32` (zero-extending, shorter).
        if (size === 32 ? isImm32(src) : size === 64 && src >>> 0 === src) {
          const buf = this.buf;
          buf.reserve(16);
          const bytes = buf.bytes;
          let p = buf.length;
          if (dst.num >= 8) bytes[p++] = 0x41;
          bytes[p++] = 0xb8 + (dst.num & 7);
          buf.length = writeImm(bytes, p, src, 4);
          return MOV_R32_IMM32;
        }
        if (size !== 64) return undefined;
        // Sign-extending imm32 when the value allows (7 bytes), else the full imm64 (10).
        if ((src | 0) === src) {
          this.digitRm(64, 0xc7, 0, dst, src, 4);
          return MOV_RM_IMM[3];
        }
        if (!Number.isSafeInteger(src)) return undefined;
        this.movImm64(dst, src);
        return MOV_R64_IMM64;
      }
      const size = dst.size;
      const ok = size === 32 ? isImm32(src) : size === 64 ? (src | 0) === src
        : size === 8 ? (src | 0) === src && src >= -0x80 && src <= 0xff
        : size === 16 && (src | 0) === src && src >= -0x8000 && src <= 0xffff;
      if (!ok) return undefined;
      this.digitRm(size, size === 8 ? 0xc6 : 0xc7, 0, dst, src, size === 8 ? 1 : size === 16 ? 2 : 4);
      return MOV_RM_IMM[widthIndex(size)];
    }
    if (typeof src === 'bigint') {
      // A bigint the size of a number is moved as one; a larger one is a full 64-bit immediate.
      if (dst.kind !== 'gpr' || dst.size !== 64) return undefined;
      const v = normalizeImm(src, 64);
      if (v === undefined) return undefined;
      if (typeof v === 'number') return this.directMov(dst, v);
      this.movImm64(dst, v);
      return MOV_R64_IMM64;
    }
    if (typeof src !== 'object') return undefined;
    if (src.kind === 'gpr') {
      const size = src.size;
      if (dst.size !== size && !(dst.kind === 'mem' && dst.size === 0)) return undefined;
      this.regRm(size, size === 64, size === 8 ? 0x88 : 0x89, src, dst);
      return MOV_RM_R[widthIndex(size)];
    }
    if (src.kind === 'mem' && dst.kind === 'gpr') {
      const size = dst.size;
      if (src.size !== size && src.size !== 0) return undefined;
      this.regRm(size, size === 64, size === 8 ? 0x8a : 0x8b, dst, src);
      return MOV_R_RM[widthIndex(size)];
    }
    return undefined;
  }

  /**
   * `mov` between general registers given by number (64-bit, or 32-bit unless `wide`), the move
   * a code generator makes most: no operand objects to look up and dispatch on. The bytes are
   * those of `mov r/m, r` (89 /r), as directMov writes them. False when the direct layer is off.
   */
  protected directMovRegisters(dst: number, src: number, wide: boolean): boolean {
    if (!this.direct) return false;
    const buf = this.buf;
    buf.reserve(3);
    const bytes = buf.bytes;
    let p = buf.length;
    const rex = (wide ? 8 : 0) | ((src >> 3) << 2) | (dst >> 3);
    if (rex !== 0) bytes[p++] = 0x40 | rex;
    bytes[p++] = 0x89;
    bytes[p++] = 0xc0 | ((src & 7) << 3) | (dst & 7);
    buf.length = p;
    return true;
  }

  /**
   * `mov` between general register `reg` (by number) and memory, 64-bit or 32-bit whatever the
   * operand's own size: a load (`load`: 8B /r) or a store (89 /r), as directMov writes them.
   */
  protected directMovMemory(load: boolean, reg: number, m: Mem, wide: boolean): boolean {
    if (!this.direct) return false;
    this.buf.length = this.memoryRm(0, wide ? 8 : 0, load ? 0x8b : 0x89, reg, m, 0);
    return true;
  }

  /** `mov [m], imm32` (C7 /0 id), 64-bit (the immediate sign-extended) or 32-bit whatever m's own size. */
  protected directMovMemoryImmediate(m: Mem, v: number, wide: boolean): boolean {
    if (!this.direct || (wide ? (v | 0) !== v : !isImm32(v))) return false;
    const p = this.memoryRm(0, wide ? 8 : 0, 0xc7, 0, m, 4);
    this.buf.length = writeImm(this.buf.bytes, p, v, 4);
    return true;
  }

  /** `mov r32, imm32` (B8+r id) into a general register by number: `v` is an int32 or a uint32. */
  protected directMovImmediate32(dst: number, v: number): boolean {
    if (!this.direct) return false;
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    let p = buf.length;
    if (dst >= 8) bytes[p++] = 0x41;
    bytes[p++] = 0xb8 + (dst & 7);
    buf.length = writeImm(bytes, p, v, 4);
    return true;
  }

  /** `[base + disp]` of directLeaRegisters, rewritten by each (modrm reads it at once). */
  private readonly baseDisp = scratchMem(GPR64[0]!, 0);

  /** `lea dst, [base + disp]` (8D /r) of general registers by number, 64-bit or 32-bit. */
  protected directLeaRegisters(dst: number, base: number, disp: number, wide: boolean): boolean {
    if (!this.direct) return false;
    const m = this.baseDisp;
    m.base = GPR64[base]!;
    m.disp = disp;
    this.buf.length = this.memoryRm(0, wide ? 8 : 0, 0x8d, dst, m, 0);
    return true;
  }

  /**
   * An instruction on the memory operand `[base + index + disp]` (registers by number, `index` -1
   * for none, scale 1), the operand of every linear-memory access (Instructions.loadIndexed and
   * its kin): `[prefix] [REX] opcode ModRM [SIB] [disp]`, `reg` in ModRM.reg, `rex` and `opcode`
   * as for modrm, then `n` (0, 1, 2 or 4) bytes of the immediate `imm`. False when the layer is
   * off, or for rsp as the index (which SIB cannot name; the table path reports it).
   */
  protected directIndexed(prefix: number, rex: number, opcode: number, reg: number, base: number, index: number, disp: number, imm: number, n: number): boolean {
    if (!this.direct || index === 4) return false;
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    let p = buf.length;
    if (prefix !== 0) bytes[p++] = prefix;
    rex |= ((reg >> 3) << 2) | (base >> 3);
    if (index >= 0) rex |= (index >> 3) << 1;
    if (rex !== 0) bytes[p++] = 0x40 | rex;
    if (opcode > 0xff) bytes[p++] = 0x0f;
    bytes[p++] = opcode & 0xff;
    p = writeBaseIndex(bytes, p, reg & 7, base, index, disp);
    buf.length = writeImm(bytes, p, imm, n);
    return true;
  }

  /** `mov r64, imm64` (REX.W B8+r io). */
  private movImm64(dst: Gpr, v: number | bigint): void {
    const [lo, hi] = splitImm64(v);
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    let p = buf.length;
    bytes[p++] = 0x48 | (dst.num >> 3);
    bytes[p++] = 0xb8 + (dst.num & 7);
    p = writeImm(bytes, p, lo, 4);
    buf.length = writeImm(bytes, p, hi, 4);
  }

  /**
   * The eight classic ALU operations (`n`: add 0, or 1, adc 2, sbb 3, and 4, sub 5, xor 6, cmp 7)
   * on registers and memory, and with 32- and 64-bit operations, immediates.
   */
  protected directAlu(n: number, dst: RM, src: RM | Imm): boolean {
    if (!this.direct) return false;
    if (typeof src === 'number') {
      const size = dst.size;
      if (size === 32 ? !isImm32(src) : size !== 64 || (src | 0) !== src) return false;
      const v = src | 0;
      if (v >= -128 && v <= 127) this.digitRm(size, 0x83, n, dst, v, 1);
      else if (dst.kind === 'gpr' && dst.num === 0) this.opcodeImm32(size === 64, 8 * n + 5, v);
      else this.digitRm(size, 0x81, n, dst, v, 4);
      return true;
    }
    return this.regPair(8 * n, dst, src);
  }

  /** `test` of two registers, memory and a register, or an 8/32/64-bit register or memory and an immediate. */
  protected directTest(a: RM, b: RM | Imm): boolean {
    if (!this.direct) return false;
    if (typeof b === 'number') {
      const size = a.size;
      if (size === 8) {
        if ((b | 0) !== b || b < -0x80 || b > 0xff) return false;
        if (a.kind === 'gpr' && a.num === 0) (this.buf.reserve(2), this.buf.put(0xa8), this.buf.put(b));
        else this.digitRm(8, 0xf6, 0, a, b, 1);
        return true;
      }
      if (size === 32 ? !isImm32(b) : size !== 64 || (b | 0) !== b) return false;
      if (a.kind === 'gpr' && a.num === 0) this.opcodeImm32(size === 64, 0xa9, b);
      else this.digitRm(size, 0xf7, 0, a, b, 4);
      return true;
    }
    if (typeof b !== 'object') return false;
    // test is symmetric: the register goes into ModRM.reg, the other operand into ModRM.rm.
    if (b.kind === 'gpr') return this.sameWidth(a, b) && (this.regRm(b.size, b.size === 64, b.size === 8 ? 0x84 : 0x85, b, a), true);
    if (b.kind === 'mem' && a.kind === 'gpr') return this.sameWidth(b, a) && (this.regRm(a.size, a.size === 64, a.size === 8 ? 0x84 : 0x85, a, b), true);
    return false;
  }

  /** The F7 group on a 32- or 64-bit operand (`digit`: not 2, neg 3, mul 4, imul 5, div 6, idiv 7). */
  protected directUnary(digit: number, src: RM): boolean {
    if (!this.direct || (src.size !== 32 && src.size !== 64)) return false;
    this.digitRm(src.size, 0xf7, digit, src, 0, 0);
    return true;
  }

  /** `imul r, r/m` (0F AF) and `imul r, r/m, imm` (6B ib, or 69 id when the value needs it) at 32 and 64 bits. */
  protected directImul(dst: RM, src: RM, imm: Imm | undefined): boolean {
    if (!this.direct || dst.kind !== 'gpr' || (dst.size !== 32 && dst.size !== 64) || !this.sameWidth(src, dst)) return false;
    const size = dst.size;
    if (imm === undefined) {
      this.regRm(size, size === 64, 0x0faf, dst, src);
      return true;
    }
    if (typeof imm !== 'number' || (size === 32 ? !isImm32(imm) : (imm | 0) !== imm)) return false;
    const v = imm | 0;
    const n = v >= -128 && v <= 127 ? 1 : 4;
    const p = this.modrm(0, size === 64 ? 8 : 0, n === 1 ? 0x6b : 0x69, dst.num, src, n);
    this.buf.length = writeImm(this.buf.bytes, p, v, n);
    return true;
  }

  /** `lea r16/r32/r64, m`. */
  protected directLea(dst: Gpr, src: Mem): boolean {
    if (!this.direct || dst.kind !== 'gpr' || dst.size === 8 || src.kind !== 'mem') return false;
    this.regRm(dst.size, dst.size === 64, 0x8d, dst, src);
    return true;
  }

  /** movzx (`opcode` 0F B6) and movsx (0F BE) into a 32- or 64-bit register from 8 or 16 bits. */
  protected directExtend(opcode: number, dst: Gpr, src: RM): boolean {
    if (!this.direct || dst.kind !== 'gpr' || dst.size < 32) return false;
    const from = src.size;
    if (from !== 8 && from !== 16) return false;
    this.regRm(32, dst.size === 64, opcode + (from === 16 ? 1 : 0), dst, src);
    return true;
  }

  /** `movsxd r64, r/m32`. */
  protected directMovsxd(dst: Gpr, src: RM): boolean {
    if (!this.direct || dst.kind !== 'gpr' || dst.size !== 64 || (src.size !== 32 && !(src.kind === 'mem' && src.size === 0))) return false;
    this.regRm(64, true, 0x63, dst, src);
    return true;
  }

  /** Shift group (`digit`: rol 0, ror 1, shl 4, shr 5, sar 7) of a 32/64-bit operand by 1, by a constant, or by cl. */
  protected directShift(digit: number, dst: RM, count: Gpr | number): boolean {
    if (!this.direct) return false;
    const size = dst.size;
    if (size !== 32 && size !== 64) return false;
    if (typeof count === 'number') {
      if (count === 1) this.digitRm(size, 0xd1, digit, dst, 0, 0);
      else if ((count | 0) === count && count >= 0 && count <= 255) this.digitRm(size, 0xc1, digit, dst, count, 1);
      else return false;
      return true;
    }
    if (count.kind !== 'gpr' || count.size !== 8 || count.num !== 1) return false;
    this.digitRm(size, 0xd3, digit, dst, 0, 0);
    return true;
  }

  /** `setcc r/m8` (`cc`: the condition's encoding). */
  protected directSetcc(cc: number, dst: RM): boolean {
    if (!this.direct || (dst.size !== 8 && !(dst.kind === 'mem' && dst.size === 0))) return false;
    this.buf.length = this.modrm(0, 0, 0x0f90 + cc, 0, dst, 0);
    return true;
  }

  /** `cmovcc r32/r64, r/m`. */
  protected directCmovcc(cc: number, dst: Gpr, src: RM): boolean {
    if (!this.direct || dst.kind !== 'gpr' || dst.size < 32 || !this.sameWidth(src, dst)) return false;
    this.regRm(dst.size, dst.size === 64, 0x0f40 + cc, dst, src);
    return true;
  }

  /**
   * jmp (`cc` < 0), jcc (`cc` its encoding) or call (`call` true) to a label or an external target;
   * jmp and call also through a 64-bit register or memory. `short` asks for rel8 (jmp, jcc).
   */
  protected directBranch(cc: number, call: boolean, target: Label | External | RM, short: boolean): boolean {
    if (!this.direct) return false;
    const kind = target.kind;
    if (kind === 'label' && !call) return this.directJump(cc, target, short);
    if (kind === 'gpr' || kind === 'mem') {
      if (cc >= 0 || (target.size !== 64 && !(kind === 'mem' && target.size === 0))) return false;
      this.buf.length = this.modrm(0, 0, 0xff, call ? 2 : 4, target, 0);
      return true;
    }
    // A call to a label or an external target, or a jmp to an external target: rel32.
    if (!call && (cc >= 0 || short)) return false;
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    const here = buf.length;
    bytes[here] = call ? 0xe8 : 0xe9;
    buf.length = this.writeBranchDisplacement(bytes, here + 1, target, 4, here, 0);
    return true;
  }

  /**
   * jmp (`cc` < 0) or jcc (`cc` its encoding) to a label, every jump of the code generator:
   * directBranch's case apart, so that its reads of the target only ever meet Labels. rel8 when
   * `short` asks for it or the label is bound and within reach of a 2-byte jump, else rel32.
   */
  protected directJump(cc: number, target: Label, short: boolean): boolean {
    if (!this.direct) return false;
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    const here = buf.length;
    const d = target.offset - (here + 2);
    if (short || (target.offset >= 0 && d >= -128 && d <= 127)) {
      bytes[here] = cc < 0 ? 0xeb : 0x70 + cc;
      buf.length = this.writeLabelDisplacement(bytes, here + 1, target, 1, here, 0);
      return true;
    }
    let p = here;
    if (cc < 0) bytes[p++] = 0xe9;
    else {
      bytes[p++] = 0x0f;
      bytes[p++] = 0x80 + cc;
    }
    buf.length = this.writeLabelDisplacement(bytes, p, target, 4, here, cc < 0 ? 0xeb : 0x70 + cc);
    return true;
  }

  /**
   * A legacy SSE form `op xmm, xmm/m` (`prefix` 0, 66, F2 or F3, then 0F `opcode`; `width` the
   * memory operand's) and, for moves, the store form `op m, xmm` (`store`: its opcode, else 0).
   * Register to register takes the first row, the load form.
   */
  protected directSse(prefix: number, opcode: number, width: number, dst: Xmm | Mem, src: Xmm | Mem, store = 0): boolean {
    if (!this.direct) return false;
    if (dst.kind === 'xmm') {
      if (src.kind !== 'xmm' && (src.kind !== 'mem' || (src.size !== 0 && src.size !== width))) return false;
      this.buf.length = this.modrm(prefix, 0, 0x0f00 | opcode, dst.num, src, 0);
      return true;
    }
    if (store === 0 || dst.kind !== 'mem' || src.kind !== 'xmm' || (dst.size !== 0 && dst.size !== width)) return false;
    this.buf.length = this.modrm(prefix, 0, 0x0f00 | store, src.num, dst, 0);
    return true;
  }

  /** push (0x50) or pop (0x58) of a 64-bit register. */
  protected directPushPop(opcode: number, r: Gpr | Mem | Imm): boolean {
    if (!this.direct || typeof r !== 'object' || r.kind !== 'gpr' || r.size !== 64) return false;
    const buf = this.buf;
    buf.reserve(2);
    if (r.num >= 8) buf.put(0x41);
    buf.put(opcode + (r.num & 7));
    return true;
  }

  /** A one-byte instruction (ret, cdq, ...), after a REX prefix when `rex` is not 0 (cqo). */
  protected directByte(b: number, rex = 0): boolean {
    if (!this.direct) return false;
    this.buf.reserve(2);
    if (rex !== 0) this.buf.put(rex);
    this.buf.put(b);
    return true;
  }

  /** `op r/m, r` or `op r, r/m` of the ALU pattern (`base`: the opcode of `op r/m8, r8`). */
  private regPair(base: number, dst: RM, src: RM | Imm): boolean {
    if (typeof src !== 'object') return false;
    if (src.kind === 'gpr') {
      if (!this.sameWidth(dst, src)) return false;
      const size = src.size;
      this.regRm(size, size === 64, size === 8 ? base : base + 1, src, dst);
      return true;
    }
    if (src.kind === 'mem' && dst.kind === 'gpr') {
      if (!this.sameWidth(src, dst)) return false;
      const size = dst.size;
      this.regRm(size, size === 64, size === 8 ? base + 2 : base + 3, dst, src);
      return true;
    }
    return false;
  }

  /** Does `x` (a register, or memory sized or not) have the width of register `r`? */
  private sameWidth(x: RM | Xmm, r: Gpr): boolean {
    return x.size === r.size || (x.kind === 'mem' && x.size === 0);
  }

  /** The accumulator forms `op eax, imm32` / `REX.W op rax, imm32` (one opcode byte, no ModRM). */
  private opcodeImm32(w: boolean, opcode: number, v: number): void {
    const buf = this.buf;
    buf.reserve(16);
    const bytes = buf.bytes;
    let p = buf.length;
    if (w) bytes[p++] = 0x48;
    bytes[p++] = opcode;
    buf.length = writeImm(bytes, p, v, 4);
  }
}
// #endregion direct-encoder
