// A yardstick, not a compiler: the least a code generator behind our validator can do for
// straight-line i32 code, to measure how much of our compile time is the code generator's
// structure rather than the work itself (bench/codegen-floor.ts).
//
// Its subset: local.get, local.set, local.tee, i32.const, drop, and i32 add, sub, mul, and, or,
// xor, in functions of at most six locals, all i32 (each gets a register for the whole function).
// Anything else throws: a number for an operator it did not compile would be a lie.
// Within the subset it picks the instructions ours picks for the common shapes (a local plus a
// constant stays deferred and becomes one lea; `x = a op b` computes straight into x's register
// when the next operator is its local.set; a local written while a deferred copy of it is on the
// stack has that copy moved out first), so the two emit about as much code. What it leaves out is
// everything ours does beyond that: no frame or prologue, no spilling (it throws when out of
// registers), no flags values, range facts, zero-extension marks, notes, branch relaxation or
// trap sites. Its value stack is three typed arrays; it writes bytes directly. It finds a local's
// deferred copies by looking down the whole stack (`referenced`, `write`): nothing on these
// patterns' shallow stacks, quadratic on a deep one, where ours keeps a list per local.

import { NoopCodeGenerator, type FunctionContext } from '../compiler/validate/codegenInterface.ts';

const LOCAL = 0, REG = 1, CONST = 2, LOCAL_PLUS = 3;
/** Home registers for locals 0-5: rdi, rsi (the parameters' registers), then rbx, r12, r13, r14. */
const HOMES = [7, 6, 3, 12, 13, 14];
/** Temporaries: rax, rcx, rdx, r8-r11 (a bit per register). */
const TEMPORARIES = 0b1111_0000_0111;
/**
 * The x86 ALU group number by wasm opcode (-1: none; mul is imul): the /n of `op r/m32, imm` (83 /n,
 * 81 /n), and `op r/m32, r32` is opcode 8n + 1.
 */
const ALU_DIGIT = new Int8Array(256).fill(-1);
ALU_DIGIT[0x6a] = 0; ALU_DIGIT[0x6b] = 5; ALU_DIGIT[0x71] = 4; ALU_DIGIT[0x72] = 1; ALU_DIGIT[0x73] = 6;
const SUPPORTED = new Set(['beginModule', 'endModule', 'beginFunction', 'endFunction', 'end', 'localGet', 'localSet', 'localTee', 'i32Const', 'drop', 'binary']);

/**
 * NoopCodeGenerator with every hook outside the subset throwing (its own would ignore the
 * operator). On the prototype: an instance given ~50 properties of its own would fall back to
 * V8's slow dictionary mode, and every field access of the generator with it.
 */
class OnlyTheSubset extends NoopCodeGenerator {}
for (const name of Object.getOwnPropertyNames(NoopCodeGenerator.prototype)) {
  if (name === 'constructor' || SUPPORTED.has(name)) continue;
  Object.defineProperty(OnlyTheSubset.prototype, name, {
    value: () => {
      throw new Error(`minimal code generator: ${name} is outside its subset`);
    },
  });
}

export class MinimalCodegen extends OnlyTheSubset {
  /** The value stack: what each entry is (LOCAL, REG, CONST, LOCAL_PLUS), its local or register, its constant. */
  private kind = new Uint8Array(1024);
  private n = new Int32Array(1024);
  private imm = new Int32Array(1024);
  private height = 0;
  /** Free temporaries, a bit each. */
  private free = TEMPORARIES;
  private code = new Uint8Array(1 << 16);
  private length = 0;
  /** Bytes of code emitted, over every function. */
  emitted = 0;
  private context: FunctionContext | null = null;

  override beginFunction(context: FunctionContext): void {
    const locals = context.locals;
    if (locals.length > HOMES.length || locals.some((t) => t !== 0x7f)) throw new Error('minimal code generator: at most six locals, all i32');
    this.context = context;
    this.height = 0;
    this.free = TEMPORARIES;
    this.length = 0;
  }

  override endFunction(): void {
    this.byte(0xc3); // ret (the result is wherever the last operator left it: not this yardstick's concern)
    this.emitted += this.length;
  }

  override end(): void {}

  /** The last function's code (until the next one begins). */
  functionCode(): Uint8Array {
    return this.code.subarray(0, this.length);
  }

  override localGet(index: number): void {
    this.push(LOCAL, index, 0);
  }

  override i32Const(value: number): void {
    this.push(CONST, 0, value);
  }

  override drop(): void {
    const s = --this.height;
    if (this.kind[s] === REG) this.free |= 1 << this.n[s]!;
  }

  override localSet(index: number): void {
    this.write(index);
  }

  override localTee(index: number): void {
    this.write(index);
    this.push(LOCAL, index, 0);
  }

  // #region minimal-binary
  override binary(opcode: number, offset: number): void {
    const b = --this.height, a = b - 1;
    const kb = this.kind[b]!, ka = this.kind[a]!;
    const add = opcode === 0x6a, sub = opcode === 0x6b;
    // local + constant stays deferred.
    if ((add || sub) && kb === CONST && (ka === LOCAL || ka === LOCAL_PLUS)) {
      this.kind[a] = LOCAL_PLUS;
      this.imm[a] = (ka === LOCAL_PLUS ? this.imm[a]! : 0) + (add ? this.imm[b]! : -this.imm[b]!);
      return;
    }
    if (opcode !== 0x6c && ALU_DIGIT[opcode]! < 0) throw new Error(`minimal code generator: opcode 0x${opcode.toString(16)} is outside its subset`);
    // The destination: a's register if a is a temporary, else the register of the local that the
    // next operator sets (when b does not read that local), else a new temporary.
    let dst: number;
    if (ka === REG) dst = this.n[a]!;
    else {
      const next = this.localSetNext(offset);
      dst = next >= 0 && !this.isCopyOf(b, next) && !this.referenced(next, a) ? HOMES[next]! : this.alloc();
      this.put(dst, a);
    }
    if (kb === CONST && opcode !== 0x6c) {
      const v = this.imm[b]!;
      this.rex(0, dst);
      if (v >= -128 && v <= 127) (this.byte(0x83), this.byte(0xc0 | (ALU_DIGIT[opcode]! << 3) | (dst & 7)), this.byte(v));
      else (this.byte(0x81), this.byte(0xc0 | (ALU_DIGIT[opcode]! << 3) | (dst & 7)), this.int32(v));
    } else {
      const src = this.register(b);
      if (opcode === 0x6c) (this.rex(dst, src), this.byte(0x0f), this.byte(0xaf), this.byte(0xc0 | ((dst & 7) << 3) | (src & 7)));
      else this.rr(8 * ALU_DIGIT[opcode]! + 1, src, dst);
      if (this.kind[b] === REG) this.free |= 1 << src;
    }
    this.kind[a] = REG;
    this.n[a] = dst;
  }

  // #endregion minimal-binary

  /** local.set / local.tee of local i: the value on top goes to i's register. */
  private write(i: number): void {
    const s = --this.height;
    const h = HOMES[i]!;
    // A deferred copy of i below: moved to a temporary first.
    for (let p = 0; p < s; p++) {
      if (this.isCopyOf(p, i)) {
        const t = this.alloc();
        this.put(t, p);
        this.kind[p] = REG;
        this.n[p] = t;
      }
    }
    if (this.kind[s] === REG && this.n[s] === h) return; // computed there already
    this.put(h, s);
    if (this.kind[s] === REG) this.free |= 1 << this.n[s]!;
  }

  /** The local the operator after this one-byte operator sets, or -1. */
  private localSetNext(offset: number): number {
    const e = this.context!.expression;
    const p = offset - e.base + 1;
    return p + 1 < e.end && (e.code[p] === 0x21 || e.code[p] === 0x22) && e.code[p + 1]! < 0x80 ? e.code[p + 1]! : -1;
  }

  /** Does a deferred copy of local i sit below position `below`? */
  private referenced(i: number, below: number): boolean {
    for (let p = 0; p < below; p++) if (this.isCopyOf(p, i)) return true;
    return false;
  }

  /** Is the value at position p a deferred read of local i (the local, or the local plus a constant)? */
  private isCopyOf(p: number, i: number): boolean {
    return (this.kind[p] === LOCAL || this.kind[p] === LOCAL_PLUS) && this.n[p] === i;
  }

  private push(kind: number, n: number, imm: number): void {
    const s = this.height++;
    this.kind[s] = kind;
    this.n[s] = n;
    this.imm[s] = imm;
  }

  private alloc(): number {
    const f = this.free;
    if (f === 0) throw new Error('minimal code generator: out of registers');
    const r = 31 - Math.clz32(f & -f);
    this.free = f & ~(1 << r);
    return r;
  }

  /** A register holding the value at position s (a local's own, a temporary, or one loaded now). */
  private register(s: number): number {
    const k = this.kind[s]!;
    if (k === REG) return this.n[s]!;
    if (k === LOCAL) return HOMES[this.n[s]!]!;
    const t = this.alloc();
    this.put(t, s);
    this.kind[s] = REG;
    this.n[s] = t;
    return t;
  }

  /** Put the value at position s into register r. */
  private put(r: number, s: number): void {
    const k = this.kind[s]!;
    if (k === CONST) {
      this.rex(0, r);
      this.byte(0xb8 + (r & 7));
      this.int32(this.imm[s]!);
    } else if (k === LOCAL_PLUS) {
      // lea r32, [home + disp8/disp32] (r12's encoding needs a SIB byte)
      const base = HOMES[this.n[s]!]!, v = this.imm[s]!, short = v >= -128 && v <= 127;
      this.rex(r, base);
      this.byte(0x8d);
      this.byte((short ? 0x40 : 0x80) | ((r & 7) << 3) | (base & 7));
      if ((base & 7) === 4) this.byte(0x24);
      if (short) this.byte(v);
      else this.int32(v);
    } else {
      const from = k === REG ? this.n[s]! : HOMES[this.n[s]!]!;
      if (from !== r) this.rr(0x89, from, r);
    }
  }

  /** `op r/m32, r32` between registers. */
  private rr(opcode: number, src: number, dst: number): void {
    this.rex(src, dst);
    this.byte(opcode);
    this.byte(0xc0 | ((src & 7) << 3) | (dst & 7));
  }

  /** REX for 32-bit operands: only the extension bits of the reg and r/m fields. */
  private rex(reg: number, rm: number): void {
    const rex = ((reg >> 3) << 2) | (rm >> 3);
    if (rex !== 0) this.byte(0x40 | rex);
  }

  private byte(b: number): void {
    if (this.length === this.code.length) {
      const bigger = new Uint8Array(2 * this.code.length);
      bigger.set(this.code);
      this.code = bigger;
    }
    this.code[this.length++] = b;
  }

  private int32(v: number): void {
    this.byte(v);
    this.byte(v >> 8);
    this.byte(v >> 16);
    this.byte(v >> 24);
  }
}
