// One function being compiled: its value stack, register allocator, frame, locals and control
// stack (each in a file of its own), and the operations every lowering shares on them: getting
// a value where an instruction wants it (a register of its class, a memory operand, an
// immediate), spilling, and keeping a comparison in the flags until it is consumed.
// The lowerings (ops/*.ts, controlFlow.ts, calls.ts) are functions over this.

import type { FuncType, ModuleInfo } from '../binary/types.ts';
import { storageFuncType } from '../binary/refTypes.ts';
import { type CpuFeatures, TrapCode, type VMContextLayout } from '../abi/index.ts';
import { isXmm, type RegId, regBit } from '../abi/registers.ts';
import {
  Assembler, CONDITIONS, condCode, type CondName, GPR32, GPR64, GPR8, type Gpr, type Label, type Mem, qword, rsp, type Xmm, XMM,
} from '../x64/index.ts';
import { Frame } from './frame.ts';
import { emitTrapCallIf } from './traps.ts';
import { dwordOf, emitMove, imm64, immOperand, leaOperand, memPlusOperand, type MoveSource, REG, storeRegister } from './parallelMove.ts';
import { assignLocals, LocalState } from './locals.ts';
import { holdsVectorOperator } from './localWeights.ts';
import { RegisterAllocator, SCRATCH, SCRATCH2, type Spiller } from './registerAllocator.ts';
import { FP_EQUAL, inReg, inSlot, Loc, type Value, ValueStack } from './valueStack.ts';
import type { CallSignatures } from './calls.ts';
import type { ControlState } from './controlFlow.ts';
import type { ExpressionBytes } from '../validate/codegenInterface.ts';
import { type BoundsCheckCounts, BoundsFacts, minimumMemoryBytes, retryOrTrapIf } from './ops/boundsChecks.ts';
import type { Fusable } from './ops/fusion.ts';

import { F32, F64, GPR, I32, I64, reg, V128, XMM_CLASS, classOf, isWide, isFloat, xmm, WIDE } from './typeClasses.ts';
// (Defined in typeClasses.ts, first in a bundle: see there. Exported here too, where the lowerings have always found them.)
export { F32, F64, GPR, I32, I64, reg, V128, XMM_CLASS, classOf, isWide, isFloat, xmm };

/** An arithmetic result computed straight into a local's home for the local.set after it (see FunctionCompiler.lastOp). */
export interface LastOp {
  /** The home register, and the code from `start` to `end` that computed into it. */
  home: number; start: number; end: number; type: number;
}

/** What the module compiler gives each function. */
export interface FunctionEnv {
  readonly asm: Assembler;
  readonly module: ModuleInfo;
  /** The layout of each of the module's function types, and what calls need of it (calls.ts). */
  readonly signatures: CallSignatures;
  readonly vmctx: VMContextLayout;
  /** The optional CPU features the code may use. */
  readonly features: CpuFeatures;
  /** Records (code offset, text) notes for the disassembly. */
  readonly notes: [number, string][];
  /** Bounds checks emitted and proven unneeded, counted over the module (ops/boundsChecks.ts). */
  readonly boundsChecks: BoundsCheckCounts;
  /** Check the interrupt flag at function entries and loop heads (interruptCheck.ts). */
  readonly interruptible?: boolean;
  /** The module's types or globals hold a v128: any function may get one from a call, block or global. */
  readonly vectors: boolean;
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

const ZERO32: MoveSource = immOperand(0, 0, false);
const ZERO64: MoveSource = immOperand(0, 0, true);

/** Small constants as move sources are made once and shared, like small constant values (valueStack.ts). */
const SMALL_IMM_MIN = -64;
const smallImmediates = new Array<MoveSource | undefined>(2 * 1024);
function immediateSource(lo: number, hi: number, wide: boolean): MoveSource {
  const k = lo - SMALL_IMM_MIN;
  if (k < 0 || k >= 1024 || hi !== lo >> 31) return immOperand(lo, hi, wide);
  return (smallImmediates[(wide ? 1024 : 0) + k] ??= immOperand(lo, hi, wide));
}

// #region function-state
export class FunctionCompiler implements Spiller {
  readonly asm: Assembler;
  readonly stack: ValueStack;
  readonly regs: RegisterAllocator;
  readonly frame: Frame;
  readonly locals: LocalState;
  control!: ControlState;
  /** What is known about the locals on this straight line: memory bounds, non-null references (ops/boundsChecks.ts). */
  readonly bounds: BoundsFacts;
  /** The module has a memory: only then are range facts of values worth keeping (ops/valueBounds.ts). */
  readonly hasMemory: boolean;
  /** Memory 0 is a memory64 memory: its addresses are i64 (ops/memory.ts, effectiveAddress64). */
  readonly memory64: boolean;
  /** Positions below this hold only constants and spilled values (see ValueStack.floor). */
  get frozen(): number {
    return this.stack.floor;
  }
  set frozen(line: number) {
    this.stack.floor = line;
  }
  /** Byte offset of the operator being compiled. */
  opOffset = 0;
  /** Set while a condition lives in the flags outside the value stack (branch being emitted). */
  pinFlags = false;
  /**
   * The last arithmetic instruction, when it computed `x op y` straight into the home of the local
   * that the `local.set` (or tee) right after it writes: an operator looks at the next one
   * (localSetNext, resultHome in locals.ts), and writeLocal finds the work done.
   */
  lastOp: LastOp | null = null;
  /** The one record lastOp points to when set (see recordLastOp). */
  private readonly lastOpRecord: LastOp = { home: 0, start: 0, end: 0, type: 0 };
  /** The last `and` or lea result, if a consumer may still fuse with it (ops/fusion.ts). */
  fusable: Fusable | null = null;
  /**
   * The register the instruction that ends at zeroExtendedEnd wrote a 32-bit result to (which
   * cleared its upper half): an address there needs no `mov r32, r32` (see effectiveAddress).
   */
  private zeroExtendedReg = -1;
  private zeroExtendedEnd = -1;
  /** The last `add r32, c` on a zero-extended temporary (see noteAddImmediate). */
  private addImmReg = -1;
  private addImmStart = -1;
  private addImmEnd = -1;
  private addImmC = 0;

  /** The body's bytes (null when not given): localSetNext looks at the operator after the current one. */
  private body: ExpressionBytes | null = null;

  /**
   * Code placed after the body (before the trap stubs), emitted when the body is done: slow
   * paths that jump back into it (ops/gcAllocation.ts).
   */
  readonly outOfLine: (() => void)[] = [];

  /** The function being compiled (see restart). */
  funcIndex: number;
  type: FuncType;

  constructor(
    readonly env: FunctionEnv,
    funcIndex: number,
    type: FuncType,
    locals: readonly number[],
    bodyOffset: number,
    /** The body's expression, looked over to find the locals worth a register (null: declaration order). */
    code: ExpressionBytes | null = null,
  ) {
    this.asm = env.asm;
    this.hasMemory = env.module.memories.length > 0;
    this.memory64 = env.module.memories[0]?.address64 === true;
    // Every function has facts about its locals (non-null references: boundsChecks.ts), with a memory or not.
    this.bounds = new BoundsFacts(env.module.memories.map((_, m) => minimumMemoryBytes(env.module, m)), env.boundsChecks);
    this.funcIndex = funcIndex;
    this.type = type;
    this.stack = new ValueStack(0);
    this.locals = new LocalState([], -1);
    this.regs = new RegisterAllocator(this.stack, this);
    this.frame = new Frame(this.asm, 0, funcIndex, bodyOffset);
    this.restart(funcIndex, type, locals, bodyOffset, code);
  }

  /**
   * Start compiling another function of the module: every per-function field as a new compiler
   * would have it, its value stack, locals' state and frame reset in place. One compiler serves
   * every function (a new one per function, with its tables, was most of the allocation of a
   * module of small functions).
   */
  restart(funcIndex: number, type: FuncType, locals: readonly number[], bodyOffset: number, code: ExpressionBytes | null): this {
    this.funcIndex = funcIndex;
    this.type = storageFuncType(type); // typed references as the funcref or externref they are stored as
    this.opOffset = bodyOffset;
    this.body = code;
    if (this.outOfLine.length !== 0) this.outOfLine.length = 0; // (setting a length is a call into V8's runtime)
    this.pinFlags = false;
    this.lastOp = null;
    this.fusable = null;
    this.zeroExtendedReg = this.zeroExtendedEnd = -1;
    this.addImmReg = this.addImmStart = this.addImmEnd = -1;
    this.addImmC = 0;
    this.regs.held = this.regs.homes = 0;
    const sig = this.env.signatures.of(this.env.module.functions[funcIndex]!).layout;
    // The validator's array of local types is rewritten for each body: it holds while this one compiles.
    const types = sig.returnAreaPointer ? [...locals, I64] : locals;
    const returnAreaLocal = sig.returnAreaPointer ? locals.length : -1;
    this.bounds?.startFunction(types.length);
    this.locals.reset(types, returnAreaLocal);
    this.stack.reset(types.length);
    this.frame.reset(types.length, funcIndex, bodyOffset);
    this.frame.mayUseVectors = this.env.vectors || types.includes(V128) || code === null || holdsVectors(code);

    const { moves, moveCount, zeroSlots, zeroSlotCount } = assignLocals(this, sig, type.params.length, locals.length, code);

    // #region prologue
    // The stack check, frame pointer and `sub rsp, F` are assembled last (Frame.emitPrologue),
    // when F is known, and put in front of the body. The body starts with the parameter moves.
    const asm = this.asm;
    // Parameters that cannot stay where they arrived (rdx and rcx are wanted by division and
    // shifts; beyond the register budget, the frame) move now, before anything reads them.
    // Their sources are argument registers and their destinations are not, so order is free.
    for (let k = 0; k < moveCount; k++) {
      const m = moves[k]!;
      const narrow = types[m.local] === I32;
      if (m.home >= 0) emitMove(asm, REG[m.home]!, REG[m.from]!, narrow);
      else storeRegister(asm, this.frame.localAddr(m.local), m.from, narrow);
    }
    // Declared locals that live in the frame start at zero, but for those the body writes before
    // anything can read them (assignLocals leaves them out: writtenFirst in localWeights.ts).
    // Many of them: one loop over the whole range (any slot in between gets a harmless zero too).
    const frame = this.frame;
    if (zeroSlotCount <= 8) {
      for (let k = 0; k < zeroSlotCount; k++) {
        const i = zeroSlots[k]!;
        asm.movStoreImmediate(frame.localAddr(i), 0, true);
        if (frame.vectorLocal[i] === 1) asm.movStoreImmediate(qword(rsp, frame.localDisp[i]! + 8), 0, true);
      }
    } else {
      const first = frame.localDisp[zeroSlots[0]!]!;
      const last = zeroSlots[zeroSlotCount - 1]!;
      const count = (frame.localDisp[last]! - first) / 8 + 1 + frame.vectorLocal[last]!;
      const counter = GPR64[SCRATCH]!;
      asm.mov(counter, count);
      const again = asm.here();
      asm.mov(qword(rsp, first - 8, counter, 8), 0);
      asm.dec(counter);
      asm.jcc('ne', again);
      this.frame.used = true;
    }
    // #endregion prologue
    return this;
  }

  /** A trap raised by the current operator: jump to the returned label. */
  trap(code: TrapCode): Label {
    return this.frame.trap(code, this.opOffset);
  }

  /**
   * threads: where the bounds check being emitted starts, in a module with a shared memory (set
   * by ops/boundsChecks.ts beginCheck): its out-of-bounds branch takes up another thread's grow
   * and checks again (retryOrTrapIf).
   */
  boundsRetry: Label | undefined = undefined;

  // #region trap-if
  /**
   * Trap when `cc` holds. Inside a loop: `jcc stub`, a branch not taken on the hot path to a
   * trap call at the end. Elsewhere, where a taken branch costs nothing that repeats, the call is
   * inline: `j!cc over; call [r15 + TRAP_SITE_HANDLER]`, 6 bytes where the jcc and its stub take 10.
   */
  trapIf(cc: CondName, code: TrapCode): void {
    this.trapIfCode(condCode(cc), code);
  }

  /** trapIf by the condition's 4-bit encoding (a bounds check's, known in advance). */
  trapIfCode(cc: number, code: TrapCode): void {
    if (this.boundsRetry && code === TrapCode.outOfBoundsMemoryAccess) return retryOrTrapIf(this, cc, this.boundsRetry);
    if (this.control.loops > 0) return this.asm.jccCode(cc, this.trap(code));
    emitTrapCallIf(this.asm, cc);
    this.frame.trapSiteHere(code, this.opOffset);
  }
  // #endregion trap-if

  /** Trap unconditionally (the code after it is dead). */
  trapNow(code: TrapCode): void {
    this.frame.trapCall(code, this.opOffset);
  }

  // --- the stack

  /** Pop an operand; a comparison still in the flags becomes 0/1 in a register first. */
  pop(): Value {
    const v = this.popCond();
    if (v.loc !== Loc.Flags) return v;
    const r = this.regs.alloc(GPR);
    this.setFromFlags(r, v.n);
    return inReg(v.type, r);
  }

  /** Pop a condition: a value in the flags stays there (for br_if, if, select, eqz). */
  popCond(): Value {
    const v = this.stack.pop();
    if (v.loc === Loc.Reg) this.regs.hold(v.n);
    return v;
  }

  push(v: Value): void {
    // (The rare case out of line: push is inlined at nearly every operator, and its size counts against V8's inlining budget there.)
    if (v.loc === Loc.Slot && v.n !== this.stack.height) v = this.fromOtherSlot(v);
    if (v.loc === Loc.Reg) this.regs.release(v.n);
    this.stack.push(v);
  }

  /**
   * A spilled value may only sit at its own position: the slot of another position is reused by
   * whatever is pushed there next (select with a constant condition moves one). Loaded into a register.
   */
  private fromOtherSlot(v: Value): Value {
    const r = this.regs.alloc(classOf(v.type));
    emitMove(this.asm, REG[r]!, this.frame.slotLocation(v.n, v.type), v.type === I32);
    return inReg(v.type, r);
  }

  // #region spill-at
  /** Move the value at `pos` to its slot (constants stay constants). */
  spillAt(pos: number): void {
    const v = this.stack.at(pos);
    switch (v.loc) {
      case Loc.Const: case Loc.Slot: return;
      case Loc.Reg: emitMove(this.asm, this.frame.slotLocation(pos, v.type), REG[v.n]!, v.type === I32); break;
      case Loc.Flags:
        this.setFromFlags(SCRATCH, v.n);
        this.asm.mov(this.frame.slotAddr(pos), GPR64[SCRATCH]!);
        break;
      default: emitMove(this.asm, this.frame.slotLocation(pos, v.type), this.sourceOf(v), v.type === I32);
    }
    this.stack.replace(pos, inSlot(v.type, pos));
  }
  // #endregion spill-at

  // #region freeze-below
  /** Spill everything below `base` that could change inside a block (see controlFlow.ts). */
  freezeBelow(base: number): void {
    // Top down: a deferred local's stack references are kept in push order, so the one
    // being removed is always the last (keeps this linear however many there are).
    for (let p = base - 1; p >= this.frozen; p--) this.spillAt(p);
    if (base > this.frozen) this.frozen = base;
  }
  // #endregion freeze-below

  /** Make register r available to the current operator, moving a stack value out of it. */
  take(r: RegId): void {
    const owner = this.stack.regOwner[r]!;
    if (owner >= 0) {
      const v = this.stack.at(owner);
      const to = this.regs.alloc(classOf(v.type), regBit(r));
      emitMove(this.asm, REG[to]!, REG[r]!, v.type === I32);
      this.regs.release(to);
      this.stack.replace(owner, inReg(v.type, to));
    } else if (this.regs.isHeld(r)) throw new Error(`codegen: register ${r} is busy`);
    if (this.regs.isHome(r)) throw new Error(`codegen: register ${r} holds a local`);
    this.regs.hold(r);
  }

  // --- the flags

  /** setcc + movzx: a condition as 0/1 in a general-purpose register. */
  setFromFlags(r: RegId, cc: number): void {
    if (cc >= FP_EQUAL) {
      // Float eq: ZF and not PF; ne: not ZF or PF.
      const t = GPR8[r === SCRATCH ? SCRATCH2 : SCRATCH]!;
      const eq = cc === FP_EQUAL;
      this.asm.setcc(eq ? 'e' : 'ne', GPR8[r]!);
      this.asm.setcc(eq ? 'np' : 'p', t);
      if (eq) this.asm.and(GPR8[r]!, t);
      else this.asm.or(GPR8[r]!, t);
    } else this.asm.setcc(CONDITIONS[cc]!, GPR8[r]!);
    this.asm.movzx(GPR32[r]!, GPR8[r]!);
  }

  /** Turn a comparison left in the flags into a 0/1 register before something clobbers the flags. */
  materializeFlags(): void {
    const p = this.stack.flagsPos;
    if (p < 0) return;
    const v = this.stack.at(p);
    const r = this.regs.alloc(GPR);
    this.setFromFlags(r, v.n);
    this.regs.release(r);
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

  // --- values where instructions want them

  /** Where a value can be read by a move. Flags must have been materialized. */
  sourceOf(v: Value): MoveSource {
    const wide = isWide(v.type);
    switch (v.loc) {
      case Loc.Const: return immediateSource(v.imm, v.hi, wide);
      case Loc.Reg: return REG[v.n]!;
      case Loc.Slot: return this.frame.slotLocation(v.n, v.type);
      case Loc.Local: {
        const i = v.n;
        const h = this.locals.liveRegister(i);
        if (h >= 0) return REG[h]!;
        if (this.localInSlot(i)) return this.frame.localLocation(i);
        return wide ? ZERO64 : ZERO32;
      }
      case Loc.LocalPlus: {
        const i = v.n;
        const h = this.locals.liveRegister(i);
        if (h >= 0) return leaOperand(h, v.imm, wide);
        if (this.localInSlot(i)) {
          return memPlusOperand(this.frame.localAddr(i), this.frame.localLocation(i).key, v.imm, wide);
        }
        return immOperand(v.imm, v.hi, wide);
      }
      default: throw new Error('codegen: flags value read as a move source');
    }
  }

  /** Is local i, not in its register now, read from its slot (a frame local, or a saved register local)? Otherwise it is still zero. */
  localInSlot(i: number): boolean {
    return this.locals.home[i]! < 0 || this.locals.slotValid[i] !== 0;
  }

  // #region float-constant-load
  /** Put value v (already popped, or a copy) into register r. */
  loadInto(r: RegId, v: Value): void {
    if (v.loc === Loc.Flags) return this.setFromFlags(r, v.n);
    if (v.loc === Loc.Const) {
      if (isXmm(r) && (v.imm !== 0 || v.hi !== 0)) {
        // A float constant: one load from the constant pool.
        const mem = poolConstant(this.asm, v.type, v.imm, v.hi);
        if (v.type === F32) this.asm.movss(XMM[r & 15]!, mem);
        else this.asm.movsd(XMM[r & 15]!, mem);
        return;
      }
      if (!isXmm(r)) {
        if (v.imm === 0 && v.hi === 0 && this.flagsFree()) this.asm.xor(GPR32[r]!, GPR32[r]!);
        // A constant below 2^32 is a 32-bit mov, which clears the upper half (as emitMove).
        else if (isWide(v.type) && v.hi !== 0) this.asm.mov(GPR64[r]!, imm64(v.imm, v.hi));
        else this.asm.movImmediate32(r, v.imm >>> 0);
        return;
      }
    }
    if (!isXmm(r) && this.moveFromStorage(r, v)) return;
    emitMove(this.asm, REG[r]!, this.sourceOf(v), v.type === I32);
  }
  // #endregion float-constant-load

  /**
   * The usual cases of emitMove(REG[r], sourceOf(v)) into a general-purpose register r, by
   * register number (no move source built, no dispatch on its kind): v in a general-purpose
   * register or a slot, its own or a local's, or a local plus a constant (an lea). False, having
   * emitted nothing, for any other value.
   */
  moveFromStorage(r: RegId, v: Value): boolean {
    const wide = v.type !== I32;
    let from: RegId;
    switch (v.loc) {
      case Loc.Reg: from = v.n; break;
      case Loc.Slot: this.asm.movLoad(r, this.frame.slotAddr(v.n), wide); return true;
      case Loc.Local:
        from = this.locals.liveRegister(v.n);
        if (from >= 0) break;
        if (!this.localInSlot(v.n)) return false; // still zero
        this.asm.movLoad(r, this.frame.localAddr(v.n), wide);
        return true;
      case Loc.LocalPlus:
        from = this.locals.liveRegister(v.n);
        if (from < 0) {
          if (!this.localInSlot(v.n)) return false; // zero plus c: a constant
          this.asm.movLoad(r, this.frame.localAddr(v.n), wide);
          from = r;
        }
        this.asm.leaRegisters(r, from, v.imm, wide);
        return true;
      default: return false;
    }
    if (isXmm(from)) return false;
    if (from !== r) this.asm.movRegisters(r, from, wide);
    return true;
  }

  // #region materialize
  /** A register (of v's class) holding v that the current operator may overwrite. */
  toReg(v: Value, avoid = 0): RegId {
    if (v.loc === Loc.Reg && !(avoid & regBit(v.n))) return v.n;
    const r = this.regs.alloc(classOf(v.type), avoid);
    this.loadInto(r, v);
    return r;
  }

  /** A register holding v, not to be overwritten (a local's own register will do). */
  readReg(v: Value): RegId {
    if (v.loc === Loc.Local) {
      const h = this.locals.liveRegister(v.n);
      if (h >= 0) return h;
    }
    return this.toReg(v);
  }

  /**
   * An integer instruction's source operand: a register, memory, or an immediate that fits a
   * sign-extended 32 bits (when `imm` is allowed).
   */
  operand(v: Value, imm: boolean, memOk = true): Gpr | Mem | number {
    switch (v.loc) {
      case Loc.Const:
        if (imm && fitsImm32(v)) return v.imm;
        break;
      case Loc.Reg: return reg(v.type, v.n);
      case Loc.Slot: if (memOk) return sized(v.type, this.frame.slotAddr(v.n)); break;
      case Loc.Local: {
        // Where the local lives (as sourceOf finds it): its register, its slot, or still zero.
        const h = this.locals.liveRegister(v.n);
        if (h >= 0) return reg(v.type, h);
        if (this.localInSlot(v.n)) {
          if (memOk) return sized(v.type, this.frame.localAddr(v.n));
        } else if (imm) return 0;
        break;
      }
    }
    return reg(v.type, this.toReg(v));
  }
  // #endregion materialize

  /** A float or vector instruction's source operand: an xmm register or memory (constants are loaded). */
  xmmOperand(v: Value): Xmm | Mem {
    switch (v.loc) {
      case Loc.Reg: return XMM[v.n & 15]!;
      case Loc.Slot: return v.type === V128 ? this.frame.vectorSlotAddr(v.n) : sized(v.type, this.frame.slotAddr(v.n));
      case Loc.Local: {
        const h = this.locals.liveRegister(v.n);
        if (h >= 0) return XMM[h & 15]!;
        if (this.localInSlot(v.n)) return v.type === V128 ? this.frame.localAddr(v.n) : sized(v.type, this.frame.localAddr(v.n));
        break;
      }
    }
    return XMM[this.toReg(v) & 15]!;
  }

  /** The code from `start` to here computed a value of `type` into `home`, for a local.set right after (see lastOp). */
  recordLastOp(home: RegId, start: number, type: number): void {
    const r = this.lastOpRecord;
    r.home = home, r.start = start, r.end = this.asm.offset, r.type = type;
    this.lastOp = r;
  }

  /**
   * The local that the operator after the current one (which is `size` bytes long) writes, if it is
   * a `local.set` or `local.tee`; otherwise, or when the body's bytes are not known, -1. That operator is not
   * validated yet: an invalid one fails the compile when the validator reaches it.
   */
  localSetNext(size: number): number {
    const body = this.body;
    if (body === null) return -1;
    const code = body.code;
    const p = this.opOffset - body.base + size;
    if (p + 1 >= body.end || (code[p] !== 0x21 && code[p] !== 0x22)) return -1;
    // Its index, LEB128: three bytes at most (a function has fewer than 2^21 locals).
    let i = 0;
    for (let q = p + 1, shift = 0; shift < 21 && q < body.end; shift += 7) {
      const byte = code[q++]!;
      i |= (byte & 0x7f) << shift;
      if (byte < 0x80) return i;
    }
    return -1;
  }

  /**
   * The byte length of the current operator when it is a prefixed one with no immediates (0xfd
   * and its sub-opcode, a LEB128 of any length), for localSetNext; -1 when the body is not known.
   */
  prefixedSize(): number {
    const body = this.body;
    if (body === null) return -1;
    let p = this.opOffset - body.base + 1;
    while (p < body.end && body.code[p]! & 0x80) p++;
    return p + 1 - (this.opOffset - body.base);
  }

  /** The instruction just emitted wrote a 32-bit result to r. */
  markZeroExtended(r: RegId): void {
    this.zeroExtendedReg = r;
    this.zeroExtendedEnd = this.asm.offset;
  }

  /** Did the last instruction emitted write a 32-bit result to r? */
  justZeroExtended(r: RegId): boolean {
    return this.zeroExtendedEnd === this.asm.offset && this.zeroExtendedReg === r;
  }

  /** Code was rewound: what the last instruction was is no longer known. */
  forgetLastInstruction(): void {
    this.zeroExtendedEnd = -1;
    this.fusable = null;
  }

  /** The instruction just emitted (from `start`) was `add r32, c`, c >= 0, on a zero-extended temporary r. */
  noteAddImmediate(r: RegId, start: number, c: number): void {
    this.addImmReg = r;
    this.addImmStart = start;
    this.addImmEnd = this.asm.offset;
    this.addImmC = c;
  }

  /**
   * If the last instruction was `add r32, c` (noteAddImmediate), undo it and return c: r holds the
   * zero-extended value before the add again, and the caller adds c elsewhere (a bounded address
   * takes it into its displacement, memory.ts). Otherwise -1, and nothing changes.
   */
  undoAddImmediate(r: RegId): number {
    if (this.addImmReg !== r || this.addImmEnd !== this.asm.offset || !this.asm.canRewind(this.addImmStart)) return -1;
    this.asm.rewind(this.addImmStart);
    this.rewindNotes(this.addImmStart);
    this.forgetLastInstruction();
    this.addImmEnd = -1;
    return this.addImmC;
  }

  /** Code since `offset` was dropped: notes that pointed past it now point at it. */
  rewindNotes(offset: number): void {
    // Trap sites are kept as bare offsets, which a rewind would leave pointing at other code (no
    // code that is redone ever holds a trap call).
    if (this.frame.lastTrapCall() > offset) throw new Error('codegen: rewind over a trap call');
    const notes = this.env.notes;
    for (let k = notes.length - 1; k >= 0 && notes[k]![0] > offset; k--) notes[k]![0] = offset;
  }
}
// #endregion function-state

export const operandIsMem = (o: Gpr | Xmm | Mem | number): o is Mem => typeof o === 'object' && o.kind === 'mem';
/** A memory operand at the width of a type. */
export const sized = (type: number, m: Mem): Mem =>
  WIDE[type] === 1 ? (m.size === 64 ? m : qword(m.base, m.disp, m.index, m.scale)) : dwordOf(m);

// #region pool-constant
/**
 * A float constant's bits in the function's constant pool, as a memory operand of its width.
 * The bytes are written into shared scratch arrays (the pool keeps a copy): no array or DataView per constant.
 */
export function poolConstant(asm: Assembler, type: number, lo: number, hi: number): Mem {
  const bytes = type === F32 ? POOL_BYTES4 : POOL_BYTES8;
  bytes[0] = lo, bytes[1] = lo >> 8, bytes[2] = lo >> 16, bytes[3] = lo >> 24;
  if (type !== F32) (bytes[4] = hi), (bytes[5] = hi >> 8), (bytes[6] = hi >> 16), (bytes[7] = hi >> 24);
  return asm.constant(bytes, bytes.length, type === F32 ? 32 : 64);
}
const POOL_BYTES4 = new Uint8Array(4);
const POOL_BYTES8 = new Uint8Array(8);
// #endregion pool-constant

/**
 * Does the body hold a vector operator (0xfd-prefixed)? First a search for the byte, which most
 * bodies do not hold anywhere; the last hit is kept, so the functions of one module, in order,
 * search it once over. Where the byte is found, a decode tells whether it is an opcode or part
 * of an immediate (in one function of iced-x86 in a hundred or so): getting ready for v128 slots
 * without need is not free (see Frame.mayUseVectors).
 */
function holdsVectors(body: ExpressionBytes): boolean {
  const code = body.code;
  if (code !== lastSearch.code || body.start < lastSearch.from || (lastSearch.hit >= 0 && lastSearch.hit < body.start)) {
    lastSearch.code = code;
    lastSearch.from = body.start;
    lastSearch.hit = code.indexOf(0xfd, body.start);
  }
  if (!(lastSearch.hit >= 0 && lastSearch.hit < body.end)) return false;
  return holdsVectorOperator(code, body.start, body.end);
}
const lastSearch = { code: null as Uint8Array | null, from: 0, hit: -1 };

/** Does a constant fit an instruction's sign-extended 32-bit immediate? */
export function fitsImm32(v: Value): boolean {
  return !isWide(v.type) || v.hi === v.imm >> 31;
}
