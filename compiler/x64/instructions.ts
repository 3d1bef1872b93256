// One method per instruction, on top of the encoding engine: typed operands for the code
// generator, the mnemonic's dispatch looked up once. Labels, data and finishing live in
// assembler.ts; encodings live in the table. The hottest shapes first try the direct layer
// (directEncoder.ts), which writes the same bytes without searching the table.

import { DirectEncoder } from './directEncoder.ts';
import { type Dispatch, dispatchOf, type Form, FORMS_BY_MNEMONIC } from './forms.ts';
import { normalizeImm } from './immediates.ts';
import { type CondName, condCode, type External, type Imm, type Label, type Mem, mem, type MemSize, qword, withSize } from './operands.ts';
import { type Gpr, GPR16, GPR32, GPR64, GPR8, resize, XMM, type Xmm } from './registers.ts';

/** Each mnemonic's dispatch, looked up once. */
const D: Readonly<Record<string, Dispatch>> = Object.fromEntries([...FORMS_BY_MNEMONIC.keys()].map((m) => [m, dispatchOf(m)]));
/** The ALU group by its /digit (the reg field of 0x81 /n): add, or, adc, sbb, and, sub, xor, cmp. */
const ALU: readonly Dispatch[] = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'].map((m) => D[m]!);

type RM = Gpr | Mem;
type XM = Xmm | Mem;
type Src = Gpr | Mem | Imm;
type Target = Label | Gpr | Mem | External;

/** `[base + index + disp]` of `bytes` bytes as a Mem, for the table path of the indexed entries. */
function indexed(base: number, index: number, disp: number, bytes: number): Mem {
  return mem(GPR64[base]!, disp, index >= 0 ? GPR64[index]! : null, 1, (8 * bytes) as MemSize);
}
/** The general registers of a width, by its size in bytes. */
const GPR_BY_BYTES: readonly (readonly Gpr[] | undefined)[] = [undefined, GPR8, GPR16, undefined, GPR32, undefined, undefined, undefined, GPR64];

// #region instructions
export class Instructions extends DirectEncoder {
  // --- data movement

  /** Returns the form used (like `emit`). */
  mov(dst: RM, src: Src): Form {
    return this.directMov(dst, src) ?? this.movByTable(dst, src);
  }
  private movByTable(dst: RM, src: Src): Form {
    // A 64-bit register loaded with an immediate that fits 32 unsigned bits: `mov r32, imm32`
    // zero-extends and is shorter than both 64-bit forms.
    if (dst.kind === 'gpr' && dst.size === 64 && (typeof src === 'number' || typeof src === 'bigint')) {
      const v = normalizeImm(src, 64);
      if (v !== undefined && v >= 0 && v <= 0xffffffff) return this.emitWith(D.mov!, resize(dst, 32), Number(v));
    }
    return this.emitWith(D.mov!, dst, src);
  }
  /** `mov dst, src` between general registers by number: 64-bit, or 32-bit unless `wide`. */
  movRegisters(dst: number, src: number, wide: boolean): void {
    if (this.directMovRegisters(dst, src, wide)) return;
    const regs = wide ? GPR64 : GPR32;
    this.mov(regs[dst]!, regs[src]!);
  }
  /** `mov dst, [m]` into a general register by number, 64-bit or 32-bit (unless `wide`) whatever m's size. */
  movLoad(dst: number, m: Mem, wide: boolean): void {
    if (!this.directMovMemory(true, dst, m, wide)) this.mov((wide ? GPR64 : GPR32)[dst]!, withSize(m, wide ? 64 : 32));
  }
  /** `mov [m], src` from a general register by number, 64-bit or 32-bit (unless `wide`) whatever m's size. */
  movStore(m: Mem, src: number, wide: boolean): void {
    if (!this.directMovMemory(false, src, m, wide)) this.mov(withSize(m, wide ? 64 : 32), (wide ? GPR64 : GPR32)[src]!);
  }
  /** `mov [m], v`, 64-bit (v sign-extended from 32 bits) or 32-bit (unless `wide`) whatever m's size. */
  movStoreImmediate(m: Mem, v: number, wide: boolean): void {
    if (!this.directMovMemoryImmediate(m, v, wide)) this.mov(withSize(m, wide ? 64 : 32), v);
  }
  /** `mov r32, imm32` into a general register by number (its upper half cleared); `v` is an int32 or a uint32. */
  movImmediate32(dst: number, v: number): void {
    if (!this.directMovImmediate32(dst, v)) this.mov(GPR32[dst]!, v);
  }
  /** `lea dst, [base + disp]` of general registers by number: 64-bit, or 32-bit unless `wide`. */
  leaRegisters(dst: number, base: number, disp: number, wide: boolean): void {
    if (!this.directLeaRegisters(dst, base, disp, wide)) this.lea((wide ? GPR64 : GPR32)[dst]!, qword(GPR64[base]!, disp));
  }
  // --- linear-memory accesses on `[base + index + disp]`, registers by number (`index` -1: none)

  /**
   * A load of `bytes` (1, 2, 4 or 8) into general register dst: a `mov` of 8 bytes, or of 4 into a
   * 32-bit register (clearing the upper half); movsxd of 4 when `signed`; movzx/movsx of 1 or 2
   * into a 64-bit register when `wide`, else a 32-bit one.
   */
  loadIndexed(dst: number, bytes: 1 | 2 | 4 | 8, signed: boolean, wide: boolean, base: number, index: number, disp: number): void {
    const opcode = bytes === 8 || (bytes === 4 && !signed) ? 0x8b : bytes === 4 ? 0x63 : (signed ? 0x0fbe : 0x0fb6) + (bytes === 2 ? 1 : 0);
    const w = bytes === 8 || (bytes === 4 ? signed : wide);
    if (this.directIndexed(0, w ? 8 : 0, opcode, dst, base, index, disp, 0, 0)) return;
    const m = indexed(base, index, disp, bytes);
    const r = (w ? GPR64 : GPR32)[dst]!;
    if (bytes >= 4) (bytes === 4 && signed ? this.movsxd(r, m) : this.mov(r, m));
    else if (signed) this.movsx(r, m);
    else this.movzx(r, m);
  }
  /** A store of the low `bytes` (1, 2, 4 or 8) of general register src. */
  storeIndexed(src: number, bytes: 1 | 2 | 4 | 8, base: number, index: number, disp: number): void {
    const rex = bytes === 8 ? 8 : bytes === 1 && src >= 4 ? 0x40 : 0; // spl..dil need a REX prefix
    if (this.directIndexed(bytes === 2 ? 0x66 : 0, rex, bytes === 1 ? 0x88 : 0x89, src, base, index, disp, 0, 0)) return;
    this.mov(indexed(base, index, disp, bytes), GPR_BY_BYTES[bytes]![src]!);
  }
  /** A store of the constant v in `bytes` (1, 2, 4, or 8: v sign-extended from 32 bits); v fits the width. */
  storeImmediateIndexed(v: number, bytes: 1 | 2 | 4 | 8, base: number, index: number, disp: number): void {
    const n = bytes === 8 ? 4 : bytes;
    if (this.directIndexed(bytes === 2 ? 0x66 : 0, bytes === 8 ? 8 : 0, bytes === 1 ? 0xc6 : 0xc7, 0, base, index, disp, v, n)) return;
    this.mov(indexed(base, index, disp, bytes), v);
  }
  /** movss (4 bytes) or movsd (8) from memory into xmm register dst (by its number 0-15). */
  loadFloatIndexed(dst: number, bytes: 4 | 8, base: number, index: number, disp: number): void {
    if (this.directIndexed(bytes === 4 ? 0xf3 : 0xf2, 0, 0x0f10, dst, base, index, disp, 0, 0)) return;
    const m = indexed(base, index, disp, bytes);
    if (bytes === 4) this.movss(XMM[dst]!, m);
    else this.movsd(XMM[dst]!, m);
  }
  /** movss (4 bytes) or movsd (8) of xmm register src (0-15) to memory. */
  storeFloatIndexed(src: number, bytes: 4 | 8, base: number, index: number, disp: number): void {
    if (this.directIndexed(bytes === 4 ? 0xf3 : 0xf2, 0, 0x0f11, src, base, index, disp, 0, 0)) return;
    const m = indexed(base, index, disp, bytes);
    if (bytes === 4) this.movss(m, XMM[src]!);
    else this.movsd(m, XMM[src]!);
  }

  /** `mov r64, imm64` with an absolute address the runtime fills in (an `abs64` fix-up). */
  movAbs(dst: Gpr, target: External, addend = 0): void {
    if (dst.size !== 64) throw new Error(`x64: movAbs needs a 64-bit register, got ${dst.name}`);
    this.encode(this.emitFormNamed('mov', 'r64, imm64'), dst, 0, undefined);
    this.fixups.push({ kind: 'abs64', offset: this.buf.length - 8, target: target.target, addend });
  }
  movzx(dst: Gpr, src: RM): void { if (!this.directExtend(0x0fb6, dst, src)) this.emitWith(D.movzx!, dst, src); }
  movsx(dst: Gpr, src: RM): void { if (!this.directExtend(0x0fbe, dst, src)) this.emitWith(D.movsx!, dst, src); }
  movsxd(dst: Gpr, src: RM): void { if (!this.directMovsxd(dst, src)) this.emitWith(D.movsxd!, dst, src); }
  lea(dst: Gpr, src: Mem): void { if (!this.directLea(dst, src)) this.emitWith(D.lea!, dst, src); }
  xchg(a: RM, b: RM): void { this.emitWith(D.xchg!, a, b); }
  /** `lock xadd [m], r`: adds r to memory atomically, r gets the old value. */
  lockXadd(m: Mem, r: Gpr): void { this.emitWith(D['lock xadd']!, m, r); }
  /** `lock cmpxchg [m], r`: if memory equals al/ax/eax/rax, store r (ZF set); else load it into the accumulator. */
  lockCmpxchg(m: Mem, r: Gpr): void { this.emitWith(D['lock cmpxchg']!, m, r); }
  /** `bts [m], r`: set bit r (any 64-bit offset from m) of the bit string at m; CF gets its old value. */
  bts(m: RM, r: Gpr): void { this.emitWith(D.bts!, m, r); }
  mfence(): void { this.emitWith(D.mfence!); }
  push(src: Gpr | Mem | Imm): void { if (!this.directPushPop(0x50, src)) this.emitWith(D.push!, src); }
  pop(dst: Gpr | Mem): void { if (!this.directPushPop(0x58, dst)) this.emitWith(D.pop!, dst); }

  // --- integer arithmetic

  add(dst: RM, src: Src): void { if (!this.directAlu(0, dst, src)) this.emitWith(D.add!, dst, src); }
  or(dst: RM, src: Src): void { if (!this.directAlu(1, dst, src)) this.emitWith(D.or!, dst, src); }
  adc(dst: RM, src: Src): void { if (!this.directAlu(2, dst, src)) this.emitWith(D.adc!, dst, src); }
  sbb(dst: RM, src: Src): void { if (!this.directAlu(3, dst, src)) this.emitWith(D.sbb!, dst, src); }
  and(dst: RM, src: Src): void { if (!this.directAlu(4, dst, src)) this.emitWith(D.and!, dst, src); }
  sub(dst: RM, src: Src): void { if (!this.directAlu(5, dst, src)) this.emitWith(D.sub!, dst, src); }
  xor(dst: RM, src: Src): void { if (!this.directAlu(6, dst, src)) this.emitWith(D.xor!, dst, src); }
  cmp(dst: RM, src: Src): void { if (!this.directAlu(7, dst, src)) this.emitWith(D.cmp!, dst, src); }
  /** The ALU instruction of /digit n (0 add, 1 or, 2 adc, 3 sbb, 4 and, 5 sub, 6 xor, 7 cmp): for a caller that picks it by number. */
  alu(n: number, dst: RM, src: Src): void { if (!this.directAlu(n, dst, src)) this.emitWith(ALU[n]!, dst, src); }
  test(a: RM, b: RM | Imm): void { if (!this.directTest(a, b)) this.emitWith(D.test!, a, b); }
  not(dst: RM): void { if (!this.directUnary(2, dst)) this.emitWith(D.not!, dst); }
  neg(dst: RM): void { if (!this.directUnary(3, dst)) this.emitWith(D.neg!, dst); }
  inc(dst: RM): void { this.emitWith(D.inc!, dst); }
  dec(dst: RM): void { this.emitWith(D.dec!, dst); }
  /** Unsigned rdx:rax = rax * src (or the narrower forms). */
  mul(src: RM): void { if (!this.directUnary(4, src)) this.emitWith(D.mul!, src); }
  /** `imul src` (one operand, widening), `imul dst, src`, or `imul dst, src, imm`. */
  imul(a: RM, b?: RM, imm?: Imm): void {
    if (!(b === undefined ? imm === undefined && this.directUnary(5, a) : this.directImul(a, b, imm))) this.emitWith(D.imul!, a, b, imm);
  }
  div(src: RM): void { if (!this.directUnary(6, src)) this.emitWith(D.div!, src); }
  idiv(src: RM): void { if (!this.directUnary(7, src)) this.emitWith(D.idiv!, src); }
  /** Sign-extend eax into edx (before a 32-bit idiv). */
  cdq(): void { if (!this.directByte(0x99)) this.emitWith(D.cdq!); }
  /** Sign-extend rax into rdx (before a 64-bit idiv). */
  cqo(): void { if (!this.directByte(0x99, 0x48)) this.emitWith(D.cqo!); }
  cdqe(): void { this.emitWith(D.cdqe!); }
  rol(dst: RM, count: Gpr | number): void { if (!this.directShift(0, dst, count)) this.emitWith(D.rol!, dst, count); }
  ror(dst: RM, count: Gpr | number): void { if (!this.directShift(1, dst, count)) this.emitWith(D.ror!, dst, count); }
  shl(dst: RM, count: Gpr | number): void { if (!this.directShift(4, dst, count)) this.emitWith(D.shl!, dst, count); }
  shr(dst: RM, count: Gpr | number): void { if (!this.directShift(5, dst, count)) this.emitWith(D.shr!, dst, count); }
  sar(dst: RM, count: Gpr | number): void { if (!this.directShift(7, dst, count)) this.emitWith(D.sar!, dst, count); }
  bsf(dst: Gpr, src: RM): void { this.emitWith(D.bsf!, dst, src); }
  bsr(dst: Gpr, src: RM): void { this.emitWith(D.bsr!, dst, src); }
  lzcnt(dst: Gpr, src: RM): void { this.emitWith(D.lzcnt!, dst, src); }
  tzcnt(dst: Gpr, src: RM): void { this.emitWith(D.tzcnt!, dst, src); }
  popcnt(dst: Gpr, src: RM): void { this.emitWith(D.popcnt!, dst, src); }
  setcc(cond: CondName, dst: RM): void {
    const cc = condCode(cond);
    if (!this.directSetcc(cc, dst)) this.emitWith(D.setcc!, dst, undefined, undefined, undefined, cc);
  }
  cmovcc(cond: CondName, dst: Gpr, src: RM): void {
    const cc = condCode(cond);
    if (!this.directCmovcc(cc, dst, src)) this.emitWith(D.cmovcc!, dst, src, undefined, undefined, cc);
  }

  // --- control flow

  /**
   * `jmp` to a label (rel8 when the label is bound and near, else rel32; `short` forces rel8 and
   * `finish` throws if the target ends up too far), to an external target, or through a register
   * or memory.
   */
  jmp(target: Target, short = false): void {
    if (this.directBranch(-1, false, target, short)) return;
    if (short && target.kind === 'label') this.emitShort('jmp', target, 0);
    else this.emitWith(D.jmp!, target);
  }
  /** Conditional jump; same sizing rules as `jmp`. */
  jcc(cond: CondName, target: Label, short = false): void {
    this.jccCode(condCode(cond), target, short);
  }
  /** `jcc` by the condition's 4-bit encoding (as the code generator holds a comparison's condition). */
  jccCode(cc: number, target: Label, short = false): void {
    if (this.directJump(cc, target, short)) return;
    if (short) this.emitShort('jcc', target, cc);
    else this.emitWith(D.jcc!, target, undefined, undefined, undefined, cc);
  }
  /** Call a label, an external target (a `rel32` fix-up), a register or memory. */
  call(target: Target): void { if (!this.directBranch(-1, true, target, false)) this.emitWith(D.call!, target); }
  ret(): void { if (!this.directByte(0xc3)) this.emitWith(D.ret!); }
  ud2(): void { this.emitWith(D.ud2!); }
  leave(): void { this.emitWith(D.leave!); }
  /** `rep movsb`/`rep movsq`: copy rcx bytes/qwords from [rsi] to [rdi] (forward; the direction flag is clear in the ABI). */
  repMovs(unit: 'b' | 'q'): void { this.emitWith(unit === 'b' ? D['rep movsb']! : D['rep movsq']!); }
  /** `rep stosb`/`rep stosq`: store al/rax into rcx bytes/qwords at [rdi]. */
  repStos(unit: 'b' | 'q'): void { this.emitWith(unit === 'b' ? D['rep stosb']! : D['rep stosq']!); }
  cpuid(): void { this.emitWith(D.cpuid!); }
  xgetbv(): void { this.emitWith(D.xgetbv!); }
  int3(): void { this.emitWith(D.int3!); }

  private emitShort(mnemonic: string, target: Label, cc: number): void {
    const form = this.emitFormNamed(mnemonic, 'rel8');
    this.encode(form, target, undefined, undefined, undefined, cc);
  }
  private emitFormNamed(mnemonic: string, shapeText: string): Form {
    const form = FORMS_BY_MNEMONIC.get(mnemonic)?.find((f) => f.row[0] === `${mnemonic} ${shapeText}`);
    if (!form) throw new Error(`x64: no form '${mnemonic} ${shapeText}'`);
    return form;
  }

  // --- SSE scalar floating point and 128-bit moves

  movss(dst: XM, src: XM): void { if (!this.directSse(0xf3, 0x10, 32, dst, src, 0x11)) this.emitWith(D.movss!, dst, src); }
  movsd(dst: XM, src: XM): void { if (!this.directSse(0xf2, 0x10, 64, dst, src, 0x11)) this.emitWith(D.movsd!, dst, src); }
  movd(dst: Xmm | RM, src: Xmm | RM): void { this.emitWith(D.movd!, dst, src); }
  movq(dst: Xmm | RM, src: Xmm | RM): void { this.emitWith(D.movq!, dst, src); }
  movaps(dst: XM, src: XM): void { if (!this.directSse(0x0, 0x28, 128, dst, src, 0x29)) this.emitWith(D.movaps!, dst, src); }
  movups(dst: XM, src: XM): void { if (!this.directSse(0x0, 0x10, 128, dst, src, 0x11)) this.emitWith(D.movups!, dst, src); }
  movapd(dst: XM, src: XM): void { if (!this.directSse(0x66, 0x28, 128, dst, src, 0x29)) this.emitWith(D.movapd!, dst, src); }
  movdqa(dst: XM, src: XM): void { if (!this.directSse(0x66, 0x6f, 128, dst, src, 0x7f)) this.emitWith(D.movdqa!, dst, src); }
  movdqu(dst: XM, src: XM): void { if (!this.directSse(0xf3, 0x6f, 128, dst, src, 0x7f)) this.emitWith(D.movdqu!, dst, src); }
  /** Scalar arithmetic: `op` is add/sub/mul/div/sqrt/min/max, `ty` ss (f32) or sd (f64). */
  sse(op: 'add' | 'sub' | 'mul' | 'div' | 'sqrt' | 'min' | 'max', ty: 'ss' | 'sd', dst: Xmm, src: XM): void {
    this.emit(op + ty, dst, src);
  }
  addss(dst: Xmm, src: XM): void { if (!this.directSse(0xf3, 0x58, 32, dst, src)) this.emitWith(D.addss!, dst, src); }
  addsd(dst: Xmm, src: XM): void { if (!this.directSse(0xf2, 0x58, 64, dst, src)) this.emitWith(D.addsd!, dst, src); }
  subss(dst: Xmm, src: XM): void { if (!this.directSse(0xf3, 0x5c, 32, dst, src)) this.emitWith(D.subss!, dst, src); }
  subsd(dst: Xmm, src: XM): void { if (!this.directSse(0xf2, 0x5c, 64, dst, src)) this.emitWith(D.subsd!, dst, src); }
  mulss(dst: Xmm, src: XM): void { if (!this.directSse(0xf3, 0x59, 32, dst, src)) this.emitWith(D.mulss!, dst, src); }
  mulsd(dst: Xmm, src: XM): void { if (!this.directSse(0xf2, 0x59, 64, dst, src)) this.emitWith(D.mulsd!, dst, src); }
  divss(dst: Xmm, src: XM): void { if (!this.directSse(0xf3, 0x5e, 32, dst, src)) this.emitWith(D.divss!, dst, src); }
  divsd(dst: Xmm, src: XM): void { if (!this.directSse(0xf2, 0x5e, 64, dst, src)) this.emitWith(D.divsd!, dst, src); }
  sqrtss(dst: Xmm, src: XM): void { if (!this.directSse(0xf3, 0x51, 32, dst, src)) this.emitWith(D.sqrtss!, dst, src); }
  sqrtsd(dst: Xmm, src: XM): void { if (!this.directSse(0xf2, 0x51, 64, dst, src)) this.emitWith(D.sqrtsd!, dst, src); }
  minss(dst: Xmm, src: XM): void { if (!this.directSse(0xf3, 0x5d, 32, dst, src)) this.emitWith(D.minss!, dst, src); }
  minsd(dst: Xmm, src: XM): void { if (!this.directSse(0xf2, 0x5d, 64, dst, src)) this.emitWith(D.minsd!, dst, src); }
  maxss(dst: Xmm, src: XM): void { if (!this.directSse(0xf3, 0x5f, 32, dst, src)) this.emitWith(D.maxss!, dst, src); }
  maxsd(dst: Xmm, src: XM): void { if (!this.directSse(0xf2, 0x5f, 64, dst, src)) this.emitWith(D.maxsd!, dst, src); }
  andps(dst: Xmm, src: XM): void { if (!this.directSse(0x0, 0x54, 128, dst, src)) this.emitWith(D.andps!, dst, src); }
  andpd(dst: Xmm, src: XM): void { if (!this.directSse(0x66, 0x54, 128, dst, src)) this.emitWith(D.andpd!, dst, src); }
  andnps(dst: Xmm, src: XM): void { if (!this.directSse(0x0, 0x55, 128, dst, src)) this.emitWith(D.andnps!, dst, src); }
  andnpd(dst: Xmm, src: XM): void { if (!this.directSse(0x66, 0x55, 128, dst, src)) this.emitWith(D.andnpd!, dst, src); }
  orps(dst: Xmm, src: XM): void { if (!this.directSse(0x0, 0x56, 128, dst, src)) this.emitWith(D.orps!, dst, src); }
  orpd(dst: Xmm, src: XM): void { if (!this.directSse(0x66, 0x56, 128, dst, src)) this.emitWith(D.orpd!, dst, src); }
  xorps(dst: Xmm, src: XM): void { if (!this.directSse(0x0, 0x57, 128, dst, src)) this.emitWith(D.xorps!, dst, src); }
  xorpd(dst: Xmm, src: XM): void { if (!this.directSse(0x66, 0x57, 128, dst, src)) this.emitWith(D.xorpd!, dst, src); }
  pxor(dst: Xmm, src: XM): void { if (!this.directSse(0x66, 0xef, 128, dst, src)) this.emitWith(D.pxor!, dst, src); }
  pand(dst: Xmm, src: XM): void { if (!this.directSse(0x66, 0xdb, 128, dst, src)) this.emitWith(D.pand!, dst, src); }
  por(dst: Xmm, src: XM): void { if (!this.directSse(0x66, 0xeb, 128, dst, src)) this.emitWith(D.por!, dst, src); }
  ucomiss(a: Xmm, b: XM): void { if (!this.directSse(0x0, 0x2e, 32, a, b)) this.emitWith(D.ucomiss!, a, b); }
  ucomisd(a: Xmm, b: XM): void { if (!this.directSse(0x66, 0x2e, 64, a, b)) this.emitWith(D.ucomisd!, a, b); }
  comiss(a: Xmm, b: XM): void { if (!this.directSse(0x0, 0x2f, 32, a, b)) this.emitWith(D.comiss!, a, b); }
  comisd(a: Xmm, b: XM): void { if (!this.directSse(0x66, 0x2f, 64, a, b)) this.emitWith(D.comisd!, a, b); }
  /** Signed integer (32- or 64-bit register or sized memory) to f32. */
  cvtsi2ss(dst: Xmm, src: RM): void { this.emitWith(D.cvtsi2ss!, dst, src); }
  cvtsi2sd(dst: Xmm, src: RM): void { this.emitWith(D.cvtsi2sd!, dst, src); }
  /** Truncating f32/f64 to signed integer of the destination's width. */
  cvttss2si(dst: Gpr, src: XM): void { this.emitWith(D.cvttss2si!, dst, src); }
  cvttsd2si(dst: Gpr, src: XM): void { this.emitWith(D.cvttsd2si!, dst, src); }
  cvtss2sd(dst: Xmm, src: XM): void { this.emitWith(D.cvtss2sd!, dst, src); }
  cvtsd2ss(dst: Xmm, src: XM): void { this.emitWith(D.cvtsd2ss!, dst, src); }
  /** Compare scalars into a mask: predicate 0 eq, 1 lt, 2 le, 3 unord, 4 neq, 5 nlt, 6 nle, 7 ord. */
  cmpss(dst: Xmm, src: XM, predicate: number): void { this.emitWith(D.cmpss!, dst, src, predicate); }
  cmpsd(dst: Xmm, src: XM, predicate: number): void { this.emitWith(D.cmpsd!, dst, src, predicate); }
  /** The sign bits of the lanes into the low bits of a 32-bit register. */
  movmskps(dst: Gpr, src: Xmm): void { this.emitWith(D.movmskps!, dst, src); }
  movmskpd(dst: Gpr, src: Xmm): void { this.emitWith(D.movmskpd!, dst, src); }
  /** SSE4.1 rounding; mode 8|n: n = 0 nearest, 1 floor, 2 ceil, 3 trunc (8 suppresses precision exceptions). */
  roundss(dst: Xmm, src: XM, mode: number): void { this.emitWith(D.roundss!, dst, src, mode); }
  roundsd(dst: Xmm, src: XM, mode: number): void { this.emitWith(D.roundsd!, dst, src, mode); }
  roundps(dst: Xmm, src: XM, mode: number): void { this.emitWith(D.roundps!, dst, src, mode); }
  roundpd(dst: Xmm, src: XM, mode: number): void { this.emitWith(D.roundpd!, dst, src, mode); }

  // --- AVX (VEX) scalar float: three operands, `dst = src1 op src2`, src1 untouched

  /** `v{op}{ty} dst, src1, src2`: add/sub/mul/div/min/max/sqrt on f32 (ss) or f64 (sd). */
  avx(op: 'add' | 'sub' | 'mul' | 'div' | 'sqrt' | 'min' | 'max', ty: 'ss' | 'sd', dst: Xmm, src1: Xmm, src2: XM): void {
    this.emit('v' + op + ty, dst, src1, src2);
  }
  /** `v{op}{ty} dst, src1, src2` for the packed bitwise ops (and, andn, or, xor on ps/pd). */
  avxBitwise(op: 'and' | 'andn' | 'or' | 'xor', ty: 'ps' | 'pd', dst: Xmm, src1: Xmm, src2: XM): void {
    this.emit('v' + op + ty, dst, src1, src2);
  }
  vaddss(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vaddss!, dst, src1, src2); }
  vaddsd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vaddsd!, dst, src1, src2); }
  vsubss(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vsubss!, dst, src1, src2); }
  vsubsd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vsubsd!, dst, src1, src2); }
  vmulss(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vmulss!, dst, src1, src2); }
  vmulsd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vmulsd!, dst, src1, src2); }
  vdivss(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vdivss!, dst, src1, src2); }
  vdivsd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vdivsd!, dst, src1, src2); }
  /** `dst` = the square root of `src2`'s low lane, the upper lanes from `src1`. */
  vsqrtss(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vsqrtss!, dst, src1, src2); }
  vsqrtsd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vsqrtsd!, dst, src1, src2); }
  vminss(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vminss!, dst, src1, src2); }
  vminsd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vminsd!, dst, src1, src2); }
  vmaxss(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vmaxss!, dst, src1, src2); }
  vmaxsd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vmaxsd!, dst, src1, src2); }
  vandps(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vandps!, dst, src1, src2); }
  vandpd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vandpd!, dst, src1, src2); }
  vandnps(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vandnps!, dst, src1, src2); }
  vandnpd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vandnpd!, dst, src1, src2); }
  vorps(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vorps!, dst, src1, src2); }
  vorpd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vorpd!, dst, src1, src2); }
  vxorps(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vxorps!, dst, src1, src2); }
  vxorpd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vxorpd!, dst, src1, src2); }
  vpxor(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vpxor!, dst, src1, src2); }
  /** Predicates as for cmpss; VEX also takes 8..31 (the ordered/signalling variants). */
  vcmpss(dst: Xmm, src1: Xmm, src2: XM, predicate: number): void { this.emitWith(D.vcmpss!, dst, src1, src2, predicate); }
  vcmpsd(dst: Xmm, src1: Xmm, src2: XM, predicate: number): void { this.emitWith(D.vcmpsd!, dst, src1, src2, predicate); }
  /** Rounding modes as for roundss. */
  vroundss(dst: Xmm, src1: Xmm, src2: XM, mode: number): void { this.emitWith(D.vroundss!, dst, src1, src2, mode); }
  vroundsd(dst: Xmm, src1: Xmm, src2: XM, mode: number): void { this.emitWith(D.vroundsd!, dst, src1, src2, mode); }
  /** Signed 32- or 64-bit integer (the source's width) to float in `dst`'s low lane, upper lanes from `src1`. */
  vcvtsi2ss(dst: Xmm, src1: Xmm, src: RM): void { this.emitWith(D.vcvtsi2ss!, dst, src1, src); }
  vcvtsi2sd(dst: Xmm, src1: Xmm, src: RM): void { this.emitWith(D.vcvtsi2sd!, dst, src1, src); }
  vcvttss2si(dst: Gpr, src: XM): void { this.emitWith(D.vcvttss2si!, dst, src); }
  vcvttsd2si(dst: Gpr, src: XM): void { this.emitWith(D.vcvttsd2si!, dst, src); }
  vcvtss2sd(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vcvtss2sd!, dst, src1, src2); }
  vcvtsd2ss(dst: Xmm, src1: Xmm, src2: XM): void { this.emitWith(D.vcvtsd2ss!, dst, src1, src2); }
  vmovss(dst: XM, a: XM, b?: Xmm): void { this.emitWith(D.vmovss!, dst, a, b); }
  vmovsd(dst: XM, a: XM, b?: Xmm): void { this.emitWith(D.vmovsd!, dst, a, b); }
  vmovd(dst: Xmm | RM, src: Xmm | RM): void { this.emitWith(D.vmovd!, dst, src); }
  vmovq(dst: Xmm | RM, src: Xmm | RM): void { this.emitWith(D.vmovq!, dst, src); }
  vmovaps(dst: XM, src: XM): void { this.emitWith(D.vmovaps!, dst, src); }
  vmovapd(dst: XM, src: XM): void { this.emitWith(D.vmovapd!, dst, src); }
  vmovups(dst: XM, src: XM): void { this.emitWith(D.vmovups!, dst, src); }
  vmovdqu(dst: XM, src: XM): void { this.emitWith(D.vmovdqu!, dst, src); }
  vucomiss(a: Xmm, b: XM): void { this.emitWith(D.vucomiss!, a, b); }
  vucomisd(a: Xmm, b: XM): void { this.emitWith(D.vucomisd!, a, b); }

  // --- BMI1 / BMI2 (check CPUID before use)

  /** dst = ~a & b */
  andn(dst: Gpr, a: Gpr, b: RM): void { this.emitWith(D.andn!, dst, a, b); }
  /** dst = src & (src - 1): clear the lowest set bit. */
  blsr(dst: Gpr, src: RM): void { this.emitWith(D.blsr!, dst, src); }
  blsi(dst: Gpr, src: RM): void { this.emitWith(D.blsi!, dst, src); }
  blsmsk(dst: Gpr, src: RM): void { this.emitWith(D.blsmsk!, dst, src); }
  /** Shifts by a count in any register, without touching flags. */
  shlx(dst: Gpr, src: RM, count: Gpr): void { this.emitWith(D.shlx!, dst, src, count); }
  shrx(dst: Gpr, src: RM, count: Gpr): void { this.emitWith(D.shrx!, dst, src, count); }
  sarx(dst: Gpr, src: RM, count: Gpr): void { this.emitWith(D.sarx!, dst, src, count); }
  rorx(dst: Gpr, src: RM, count: number): void { this.emitWith(D.rorx!, dst, src, count); }
}
// #endregion instructions
