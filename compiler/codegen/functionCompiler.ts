// The state of one function being compiled, and the operations every lowering shares:
// putting values where an instruction wants them, allocating and spilling registers,
// reading and writing locals, trap stubs, the frame. The lowerings (integerOps.ts,
// controlFlow.ts, calls.ts) are functions over this state.

import { ValType, type FuncType, type ModuleInfo } from '../binary/types.ts';
import { CompileError } from '../errors.ts';
import { MAX_UNCHECKED_FRAME, type SignatureLayout, signatureLayout, TrapCode, VMCTX, type VMContextLayout } from '../abi/index.ts';
import {
  Assembler, CONDITIONS, dword, GPR32, GPR64, GPR8, type Gpr, type Label, type Mem, qword, rbp, rsp,
} from '../x64/index.ts';
import {
  ALLOCATABLE, bit, Gpr as R, SCRATCH, VMCTX as VMCTX_REG,
} from './registers.ts';
import { emitMove, localKey, type MoveDest, type MoveSource, REG, slotKey } from './parallelMove.ts';
import { assignLocals } from './locals.ts';
import { constant, inReg, inSlot, Loc, type Value, ValueStack } from './valueStack.ts';
import type { ControlState } from './controlFlow.ts';

export const I64 = ValType.i64;
/** A frame slot as a move operand (the same object serves as source and destination). */
type MemLocation = { readonly kind: 'mem'; readonly mem: Mem; readonly key: number };
export type TwoAddressOp = 'add' | 'sub' | 'and' | 'or' | 'xor' | 'imul';

/** A trap stub to emit at the end of the function. */
export interface TrapStub {
  readonly label: Label;
  readonly code: TrapCode;
  readonly wasmOffset: number;
}

/** What the module compiler gives each function. */
export interface FunctionEnv {
  readonly asm: Assembler;
  readonly module: ModuleInfo;
  readonly vmctx: VMContextLayout;
  /** Records (code offset, text) notes for the disassembly. */
  readonly notes: [number, string][];
  /** Code ranges [start, end) that hold data (jump tables), for the disassembly. */
  readonly dataRanges: [number, number][];
}

/**
 * Thrown by a lowering when the function uses something not implemented yet; the module compiler
 * catches it and compiles the function as a stub. Not an Error: capturing a stack trace for every
 * stubbed function cost more than compiling the rest of a real module.
 */
export class NotImplementedYet {
  constructor(
    /** "not implemented yet: <what>", as the stub and the spec runner report it. */
    readonly reason: string,
    readonly offset?: number,
    readonly funcIndex?: number,
  ) {}
}

export function notImplemented(what: string, offset?: number, funcIndex?: number): NotImplementedYet {
  return new NotImplementedYet(`not implemented yet: ${what}`, offset, funcIndex);
}

// #region function-state
export class FunctionCompiler {
  readonly asm: Assembler;
  readonly stack: ValueStack;
  /** Registers held by operands popped by the current operator (released when it ends). */
  held = 0;
  /** Positions below this hold only constants and spilled values (frozen at block entry). */
  frozen = 0;
  /** Bytes pushed below the frame right now (stack arguments of a call being set up). */
  spDelta = 0;
  /** Byte offset of the operator being compiled. */
  opOffset = 0;
  readonly localTypes: readonly number[];
  /** Home register of each local, or -1 (lives in its slot). */
  readonly localHome: Int8Array;
  /** For a register local: its register holds the value / its save slot does. 0/0 means "still zero". */
  readonly regValid: Uint8Array;
  readonly slotValid: Uint8Array;
  /** Frame offset of each local's slot (from rsp with spDelta 0), or from rbp for stack parameters. */
  readonly localDisp: Int32Array;
  readonly localIncoming: Uint8Array;
  readonly regLocals: number[] = [];
  homesMask = 0;
  /** 8-byte slots for locals, below the value-stack slots. */
  localSlots = 0;
  maxStackSlots = 0;
  usesFramePointer = false;
  /**
   * The last arithmetic instruction, if it may be redone in place: `x = x op y` first comes out as
   * `mov t, x; op t, y` (or `op t, x` for a commutative op on a temporary t), and `local.set x`
   * right after it rewrites that into `op x, y` (see writeLocal).
   */
  lastOp: { result: number; home: number; start: number; end: number; op: TwoAddressOp; type: number; src: Gpr | Mem | number } | null = null;
  /** The body has a loop: loop heads are aligned, so the prologue's length matters (see alignLoopHead). */
  hasLoops = false;
  /** The frame size, once finish() has run. */
  finalFrameSize = 0;
  /** Some slot (of a local or a value) was addressed. */
  frameUsed = false;
  /** Set while a condition lives in the flags outside the value stack (branch being emitted). */
  pinFlags = false;
  hasCalls = false;
  /** Index of the hidden local holding the return-area pointer, or -1. */
  readonly returnAreaLocal: number;
  readonly frameSizePatches: number[] = [];
  /** Addresses of value slots and local slots (with spDelta 0), made on first use. */
  private readonly slotMems: (Mem | null)[] = [];
  private readonly localMems: (Mem | null)[] = [];
  private readonly slotLocations: (MemLocation | null)[] = [];
  private readonly localLocations: (MemLocation | null)[] = [];
  readonly traps: TrapStub[] = [];
  readonly stackTrap: TrapStub;
  control!: ControlState;

  constructor(
    readonly env: FunctionEnv,
    readonly funcIndex: number,
    readonly type: FuncType,
    locals: readonly number[],
    bodyOffset: number,
  ) {
    this.asm = env.asm;
    this.opOffset = bodyOffset;
    for (let i = 0; i < locals.length; i++) checkType(locals[i]!, bodyOffset, funcIndex);
    for (let i = 0; i < type.results.length; i++) checkType(type.results[i]!, bodyOffset, funcIndex);
    const sig = layoutOf(type);
    this.returnAreaLocal = sig.returnAreaPointer ? locals.length : -1;
    // The validator hands each function its own array of local types.
    this.localTypes = sig.returnAreaPointer ? [...locals, I64] : locals;
    const n = this.localTypes.length;
    this.stack = new ValueStack(n);
    this.localHome = new Int8Array(n).fill(-1);
    this.regValid = new Uint8Array(n);
    this.slotValid = new Uint8Array(n);
    this.localDisp = new Int32Array(n);
    this.localIncoming = new Uint8Array(n);
    this.stackTrap = { label: this.asm.newLabel(), code: TrapCode.callStackExhausted, wasmOffset: bodyOffset };

    const { moves, zeroSlots } = assignLocals(this, sig, type.params.length, locals.length);

    // #region prologue
    // The stack check, frame pointer and `sub rsp, F` are assembled last (emitPrologue), when
    // F is known, and put in front of the body. The body starts with the parameter moves.
    const asm = this.asm;
    // Parameters that cannot stay where they arrived (rdx and rcx are wanted by division and
    // shifts; beyond the register budget, the frame) move now, before anything reads them.
    // Their sources are argument registers and their destinations are not, so order is free.
    for (const m of moves) {
      if (m.home >= 0) asm.mov(GPR64[m.home]!, GPR64[m.from]!);
      else asm.mov(this.localAddr(m.local), GPR64[m.from]!);
    }
    // Declared locals that live in the frame start at zero. Many of them: one loop over the
    // whole range (a register local's save slot in between gets a harmless zero too).
    if (zeroSlots.length <= 8) for (const i of zeroSlots) asm.mov(this.localAddr(i), 0);
    else {
      const first = this.localDisp[zeroSlots[0]!]!;
      const count = (this.localDisp[zeroSlots[zeroSlots.length - 1]!]! - first) / 8 + 1;
      const counter = GPR64[SCRATCH]!;
      asm.mov(counter, count);
      const again = asm.here();
      asm.mov(qword(rsp, first - 8, counter, 8), 0);
      asm.dec(counter);
      asm.jcc('ne', again);
      this.frameUsed = true;
    }
    // #endregion prologue
  }

  // --- the frame

  /** `sub rsp, F` / `add rsp, F` with F patched at the end (imm32 form forced by a big placeholder). */
  adjustFrame(op: 'sub' | 'add'): void {
    this.asm[op](rsp, 0x7ffffff0);
    this.frameSizePatches.push(this.asm.offset - 4);
  }

  frameSize(): number {
    let size = 8 * (this.localSlots + this.maxStackSlots);
    // A leaf that never touched a slot needs no frame (the sub/add become `sub rsp, 0`: patched below).
    if (!this.frameUsed && !this.hasCalls) return 0;
    // On entry rsp is 8 below a multiple of 16 (the return address); calls need it aligned.
    const want = this.usesFramePointer ? 0 : 8;
    while (size % 16 !== want) size += 8;
    return size;
  }

  /** Address of the slot of value-stack position `pos`. */
  slotAddr(pos: number): Mem {
    this.frameUsed = true;
    if (pos + 1 > this.maxStackSlots) this.maxStackSlots = pos + 1;
    if (this.spDelta !== 0 || pos >= CACHED) return qword(rsp, this.spDelta + 8 * (this.localSlots + pos));
    // Operands are immutable, so each slot's address is made once.
    return (growTo(this.slotMems, pos)[pos] ??= qword(rsp, 8 * (this.localSlots + pos)));
  }

  localAddr(i: number): Mem {
    this.frameUsed = true;
    if (this.localIncoming[i]) return qword(rbp, this.localDisp[i]!);
    if (this.spDelta !== 0 || i >= CACHED) return qword(rsp, this.spDelta + this.localDisp[i]!);
    return (growTo(this.localMems, i)[i] ??= qword(rsp, this.localDisp[i]!));
  }

  // --- registers

  /** Pop an operand; a comparison still in the flags becomes 0/1 in a register first. */
  pop(): Value {
    const v = this.popCond();
    if (v.loc !== Loc.Flags) return v;
    const r = this.alloc();
    this.asm.setcc(CONDITIONS[v.n]!, GPR8[r]!);
    this.asm.movzx(GPR32[r]!, GPR8[r]!);
    return inReg(v.type, r);
  }

  /** Pop a condition: a value in the flags stays there (for br_if, if, select, eqz). */
  popCond(): Value {
    const v = this.stack.pop();
    if (v.loc === Loc.Reg) this.held |= bit(v.n);
    if (this.stack.height < this.frozen) this.frozen = this.stack.height;
    return v;
  }

  push(v: Value): void {
    if (v.loc === Loc.Slot && v.n !== this.stack.height) {
      // A spilled value may only sit at its own position: the slot of another position is
      // reused by whatever is pushed there next (select with a constant condition moves one).
      const r = this.alloc();
      this.asm.mov(reg(v.type, r), sized(v.type, this.slotAddr(v.n)));
      v = inReg(v.type, r);
    }
    if (v.loc === Loc.Reg) this.held &= ~bit(v.n);
    this.stack.push(v);
  }

  /** A free register (spilling the deepest register value if none is), held by the current operator. */
  alloc(avoid = 0): number {
    for (;;) {
      const busy = this.homesMask | this.stack.ownedMask | this.held | avoid;
      for (const r of ALLOCATABLE) {
        if (!(busy & bit(r))) {
          this.held |= bit(r);
          return r;
        }
      }
      if (!this.spillDeepest(avoid)) throw new Error('codegen: out of registers');
    }
  }

  spillDeepest(avoid: number): boolean {
    const e = this.stack.entries;
    let p = Math.max(this.frozen, this.stack.lowestReg);
    while (p < e.length && e[p]!.loc !== Loc.Reg) p++;
    this.stack.lowestReg = p;
    for (; p < e.length; p++) {
      const v = e[p]!;
      if (v.loc === Loc.Reg && !(avoid & bit(v.n))) {
        this.spillAt(p);
        return true;
      }
    }
    return false;
  }

  /** Make register r available to the current operator, moving a stack value out of it. */
  take(r: number): void {
    const owner = this.stack.regOwner[r]!;
    if (owner >= 0) {
      const v = this.stack.at(owner);
      const to = this.alloc(bit(r));
      this.asm.mov(GPR64[to]!, GPR64[r]!);
      this.held &= ~bit(to);
      this.stack.replace(owner, inReg(v.type, to));
    } else if (this.held & bit(r)) throw new Error(`codegen: register ${r} is busy`);
    if (this.homesMask & bit(r)) throw new Error(`codegen: register ${r} holds a local`);
    this.held |= bit(r);
  }

  release(r: number): void {
    this.held &= ~bit(r);
  }

  /** Move the value at `pos` to its slot (constants stay constants). */
  spillAt(pos: number): void {
    const v = this.stack.at(pos);
    switch (v.loc) {
      case Loc.Const: case Loc.Slot: return;
      case Loc.Reg: this.asm.mov(this.slotAddr(pos), GPR64[v.n]!); break;
      case Loc.Flags:
        this.asm.setcc(CONDITIONS[v.n]!, GPR8[SCRATCH]!);
        this.asm.movzx(GPR32[SCRATCH]!, GPR8[SCRATCH]!);
        this.asm.mov(this.slotAddr(pos), GPR64[SCRATCH]!);
        break;
      default: emitMove(this.asm, this.slotDest(pos), this.sourceOf(v));
    }
    this.stack.replace(pos, inSlot(v.type, pos));
  }

  slotDest(pos: number): MemLocation {
    const mem = this.slotAddr(pos);
    if (this.spDelta !== 0 || pos >= CACHED) return { kind: 'mem', mem, key: slotKey(pos) };
    return (growTo(this.slotLocations, pos)[pos] ??= { kind: 'mem', mem, key: slotKey(pos) });
  }

  /** The slot of local i as a move's source or destination (see slotDest). */
  localLocation(i: number): MemLocation {
    const mem = this.localAddr(i);
    if (this.spDelta !== 0 || this.localIncoming[i] || i >= CACHED) return { kind: 'mem', mem, key: localKey(i) };
    return (growTo(this.localLocations, i)[i] ??= { kind: 'mem', mem, key: localKey(i) });
  }

  /** Spill everything below `base` that could change inside a block (see controlFlow.ts). */
  freezeBelow(base: number): void {
    // Top down: a deferred local's stack references are kept in push order, so the one
    // being removed is always the last (keeps this linear however many there are).
    for (let p = base - 1; p >= this.frozen; p--) this.spillAt(p);
    if (base > this.frozen) this.frozen = base;
  }

  /** Turn a comparison left in the flags into a 0/1 register before something clobbers the flags. */
  materializeFlags(): void {
    const p = this.stack.flagsPos;
    if (p < 0) return;
    const v = this.stack.at(p);
    const r = this.alloc();
    this.asm.setcc(CONDITIONS[v.n]!, GPR8[r]!);
    this.asm.movzx(GPR32[r]!, GPR8[r]!);
    this.release(r);
    this.stack.replace(p, inReg(v.type, r));
  }

  /** May code clobber the flags now? */
  flagsFree(): boolean {
    return this.stack.flagsPos < 0 && !this.pinFlags;
  }

  /** Before an operator that clobbers the flags and consumes the top `operands` values. */
  protectFlags(operands: number): void {
    const p = this.stack.flagsPos;
    if (p >= 0 && p < this.stack.height - operands) this.materializeFlags();
  }

  // --- values

  /** Where a value can be read by a move. Flags must have been materialized. */
  sourceOf(v: Value): MoveSource {
    const wide = isWide(v.type);
    switch (v.loc) {
      case Loc.Const: return { kind: 'imm', value: v.imm, wide };
      case Loc.Reg: return REG[v.n]!;
      case Loc.Slot: return this.slotDest(v.n);
      case Loc.Local: {
        const i = v.n;
        const h = this.localHome[i]!;
        if (h >= 0 && this.regValid[i]) return REG[h]!;
        if (h < 0 || this.slotValid[i]) return this.localLocation(i);
        return { kind: 'imm', value: 0n, wide };
      }
      case Loc.LocalPlus: {
        const i = v.n;
        const h = this.localHome[i]!;
        const disp = Number(v.imm);
        if (h >= 0 && this.regValid[i]) return { kind: 'lea', base: h, disp, wide };
        if (h < 0 || this.slotValid[i]) return { kind: 'memPlus', mem: this.localAddr(i), key: localKey(i), disp, wide };
        return { kind: 'imm', value: v.imm, wide };
      }
      default: throw new Error('codegen: flags value read as a move source');
    }
  }

  /** Put value v (already popped, or a copy) into register r. */
  loadInto(r: number, v: Value): void {
    if (v.loc === Loc.Flags) {
      this.asm.setcc(CONDITIONS[v.n]!, GPR8[r]!);
      this.asm.movzx(GPR32[r]!, GPR8[r]!);
      return;
    }
    if (v.loc === Loc.Const && v.imm === 0n && this.flagsFree()) {
      this.asm.xor(GPR32[r]!, GPR32[r]!);
      return;
    }
    emitMove(this.asm, REG[r]!, this.sourceOf(v));
  }

  /** A register holding v that the current operator may overwrite. */
  toReg(v: Value, avoid = 0): number {
    if (v.loc === Loc.Reg && !(avoid & bit(v.n))) return v.n;
    const r = this.alloc(avoid);
    this.loadInto(r, v);
    return r;
  }

  /** A register holding v, not to be overwritten (a local's own register will do). */
  readReg(v: Value): number {
    if ((v.loc === Loc.Local) && this.localHome[v.n]! >= 0 && this.regValid[v.n]) return this.localHome[v.n]!;
    return this.toReg(v);
  }

  /**
   * An operand for an instruction's source: a register, memory, or an immediate that fits
   * a sign-extended 32 bits (when `imm` is allowed).
   */
  operand(v: Value, imm: boolean, memOk = true): Gpr | Mem | number {
    const wide = isWide(v.type);
    switch (v.loc) {
      case Loc.Const:
        if (imm && fitsImm32(v.imm, wide)) return Number(BigInt.asIntN(32, v.imm));
        break;
      case Loc.Reg: return reg(v.type, v.n);
      case Loc.Slot: if (memOk) return sized(v.type, this.slotAddr(v.n)); break;
      case Loc.Local: {
        const s = this.sourceOf(v);
        if (s.kind === 'reg') return reg(v.type, s.reg);
        if (s.kind === 'mem' && memOk) return sized(v.type, s.mem);
        if (s.kind === 'imm' && imm) return 0;
        break;
      }
    }
    return reg(v.type, this.toReg(v));
  }

  /** `op dst, src` for the two-address arithmetic instructions. */
  emitTwoAddress(op: TwoAddressOp, type: number, dst: number, src: Gpr | Mem | number): void {
    const d = reg(type, dst);
    switch (op) {
      case 'add': return this.asm.add(d, src);
      case 'sub': return this.asm.sub(d, src);
      case 'and': return this.asm.and(d, src);
      case 'or': return this.asm.or(d, src);
      case 'xor': return this.asm.xor(d, src);
      case 'imul': return this.asm.imul(d, src as Gpr | Mem);
    }
  }

  /** Drop the code emitted since `offset` (only plain instructions: no labels, no fix-ups). */
  rewindTo(offset: number): void {
    this.asm.buf.length = offset;
    const notes = this.env.notes;
    for (let k = notes.length - 1; k >= 0 && notes[k]![0] > offset; k--) notes[k]![0] = offset;
  }

  // --- traps

  trap(code: TrapCode): Label {
    const label = this.asm.newLabel();
    this.traps.push({ label, code, wasmOffset: this.opOffset });
    return label;
  }

  /** After the body: the trap stubs, then the frame size is known and patched in. */
  finish(): void {
    const asm = this.asm;
    for (const t of [this.stackTrap, ...this.traps]) {
      asm.bind(t.label);
      asm.mov(GPR32[R.rdi]!, t.code);
      asm.mov(GPR32[R.rsi]!, t.wasmOffset);
      asm.mov(GPR32[R.rdx]!, this.funcIndex);
      asm.jmp(qword(GPR64[VMCTX_REG]!, VMCTX.TRAP_HANDLER));
    }
    const size = (this.finalFrameSize = this.frameSize());
    const NOP7 = [0x0f, 0x1f, 0x80, 0, 0, 0, 0];
    for (const at of this.frameSizePatches) {
      if (size !== 0) asm.buf.patch32(at, size);
      // No frame: an epilogue `add rsp, 0; ret` becomes `ret` (then 7 dead bytes).
      else if (asm.buf.bytes[at + 4] === 0xc3) [0xc3, ...NOP7].forEach((b, k) => asm.buf.patch8(at - 3 + k, b));
      else NOP7.forEach((b, k) => asm.buf.patch8(at - 3 + k, b));
    }
  }

  // #region stack-check
  /**
   * The function's entry, assembled once the body is done: the stack-limit check (rsp itself
   * when the frame fits in the margin the limit leaves, else rsp - F), the frame pointer when
   * stack parameters need it, and the frame. `bodyStackTrapOffset` is the offset the body's stack-overflow
   * stub will have once this prologue is in front of it (a function of the prologue's length).
   */
  emitPrologue(pro: Assembler, bodyStackTrapOffset: number): void {
    const size = this.finalFrameSize;
    const limit = qword(GPR64[VMCTX_REG]!, VMCTX.STACK_LIMIT);
    const trap = pro.newLabel();
    if (size > MAX_UNCHECKED_FRAME) {
      pro.lea(GPR64[SCRATCH]!, qword(rsp, -size));
      pro.cmp(GPR64[SCRATCH]!, limit);
    } else pro.cmp(rsp, limit);
    pro.jcc('b', trap);
    if (this.usesFramePointer) {
      pro.push(rbp);
      pro.mov(rbp, rsp);
    }
    if (size > 0) pro.sub(rsp, size);
    if (this.hasLoops) {
      // Loop heads were aligned assuming this prologue's usual length: pad it to that (mod 16).
      const want = this.predictedPrologueLength() % 16;
      emitNop(pro, (want - (pro.offset % 16) + 16) % 16);
    }
    trap.offset = pro.offset + bodyStackTrapOffset;
  }
  // #endregion stack-check

  /** cmp + jb, then push/mov for a frame pointer, then a short `sub rsp, F`. */
  predictedPrologueLength(): number {
    return 10 + (this.usesFramePointer ? 4 : 0) + 4;
  }

  /**
   * Start a loop on a 16-byte boundary of the final code (functions start 16-aligned; the body
   * follows a prologue of predictedPrologueLength(), padded to it if need be). The padding is one
   * instruction, run once on entry to the loop.
   */
  alignLoopHead(): void {
    this.hasLoops = true;
    const at = this.predictedPrologueLength() + this.asm.offset;
    emitNop(this.asm, (16 - (at % 16)) % 16);
  }

  /** Leave the function (results already in place). */
  emitEpilogue(): void {
    this.adjustFrame('add');
    if (this.usesFramePointer) this.asm.pop(rbp);
    this.asm.ret();
  }

  pushConst(type: number, v: bigint): void {
    this.push(constant(type, isWide(type) ? BigInt.asIntN(64, v) : BigInt.asIntN(32, v)));
  }
}
// #endregion function-state

/**
 * Slot operands are cached for the first stack positions and locals only: that is where nearly
 * every access goes, and a huge stack would otherwise keep a few objects per position alive.
 */
const CACHED = 256;

/** `cache` with room for index i, grown densely (a write far past the end would make V8 store it as a dictionary). */
function growTo<T>(cache: (T | null)[], i: number): (T | null)[] {
  while (cache.length <= i) cache.push(null);
  return cache;
}

const layouts = new WeakMap<FuncType, SignatureLayout>();
/** The convention's layout of a signature, computed once per function type (FuncTypes are stable). */
export function layoutOf(type: FuncType): SignatureLayout {
  let l = layouts.get(type);
  if (!l) layouts.set(type, (l = signatureLayout(type)));
  return l;
}

export const operandIsMem = (o: Gpr | Mem | number): o is Mem => typeof o === 'object' && o.kind === 'mem';
/** 64-bit values: i64 and references (addresses or handles). Everything else here is 32-bit. */
export const isWide = (type: number): boolean => type === I64 || type === ValType.funcref || type === ValType.externref;
export const reg = (type: number, r: number): Gpr => (isWide(type) ? GPR64[r]! : GPR32[r]!);
export const sized = (type: number, m: Mem): Mem =>
  isWide(type) ? (m.size === 64 ? m : qword(m.base, m.disp, m.index, m.scale)) : dword(m.base, m.disp, m.index, m.scale);

export function fitsImm32(v: bigint, wide: boolean): boolean {
  if (!wide) return true;
  const s = BigInt.asIntN(64, v);
  return s >= -0x80000000n && s <= 0x7fffffffn;
}


function checkType(t: number, offset: number, funcIndex: number): void {
  if (t === ValType.f32 || t === ValType.f64) throw notImplemented('floats', offset, funcIndex);
  if (t === ValType.v128) throw notImplemented('simd', offset, funcIndex);
}

/** One nop instruction of `n` bytes (0..15): the recommended forms, longer ones with extra 0x66 prefixes. */
export function emitNop(asm: Assembler, n: number): void {
  if (n <= 9) asm.nop(n);
  else asm.bytes([...new Array<number>(n - 9).fill(0x66), 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0]);
}
