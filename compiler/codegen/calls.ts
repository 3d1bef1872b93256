// Direct calls under the internal convention (compiler/abi/callingConvention.ts): every
// register value is caller-saved, so values on the stack go to their slots, register locals
// are written back to their save slots (only if stale) and read from there afterwards; the
// arguments reach their registers in one parallel move. Results: the first in rax, the rest
// land directly in the slots of their stack positions (the return area is that part of the frame).

import type { FuncType } from '../binary/types.ts';
import { storageFuncType } from '../binary/refTypes.ts';
import { type ArgLocation, type AtomicBuiltin, type Builtin, type GcBuiltin, type MemoryBuiltin, type SignatureLayout, signatureLayout, encodingOf, type RegId, type TrapCode, VMCTX_REG } from '../abi/index.ts';
import { isXmm } from '../abi/registers.ts';
import { GPR64, type Mem, qword, rsp, xmmword } from '../x64/index.ts';
import { classOf, type FunctionCompiler, I32, V128 } from './functionCompiler.ts';
import { afterCall, saveLocals } from './locals.ts';
import { addressOperand, argKey, emitMove, memOperand, MoveList, moveOne, NO_KEY, parallelMove, REG, type MoveDest, type MoveSource } from './parallelMove.ts';
import { inReg, inSlot, Loc, type Value } from './valueStack.ts';

// #region call
export function call(fc: FunctionCompiler, funcIndex: number): void {
  const { module, vmctx, signatures } = fc.env;
  const target = funcIndex < module.importedFunctionCount
    ? qword(GPR64[encodingOf(VMCTX_REG)]!, vmctx.importedFunction(funcIndex))
    : funcIndex; // a rel32 the module compiler resolves
  emitCall(fc, signatures.of(module.functions[funcIndex]!), target);
}

/**
 * A call to a runtime builtin (compiler/abi: Builtin) under the internal convention, its
 * arguments the top `type.params.length` values. A builtin that may trap gets a trap site at its
 * return address, so the runtime reports the trap at this operator's wasm offset.
 */
export function callBuiltin(fc: FunctionCompiler, builtin: Builtin, type: FuncType, mayTrap?: TrapCode): void {
  emitCall(fc, builtinSignature(type), qword(GPR64[encodingOf(VMCTX_REG)]!, fc.env.vmctx.builtin(builtin)), mayTrap);
}

/** callBuiltin for the builtins of memories other than memory 0 (compiler/abi: MemoryBuiltin). */
export function callMemoryBuiltin(fc: FunctionCompiler, builtin: MemoryBuiltin, type: FuncType, mayTrap?: TrapCode): void {
  emitCall(fc, builtinSignature(type), qword(GPR64[encodingOf(VMCTX_REG)]!, fc.env.vmctx.memoryBuiltin(builtin)), mayTrap);
}

/** callBuiltin for wait and notify on a shared memory (compiler/abi: AtomicBuiltin). */
export function callAtomicBuiltin(fc: FunctionCompiler, builtin: AtomicBuiltin, type: FuncType, mayTrap?: TrapCode): void {
  emitCall(fc, builtinSignature(type), qword(GPR64[encodingOf(VMCTX_REG)]!, fc.env.vmctx.atomicBuiltin(builtin)), mayTrap);
}

/** callBuiltin for GC's objects (compiler/abi: GcBuiltin), in a module that declares struct or array types. */
export function callGcBuiltin(fc: FunctionCompiler, builtin: GcBuiltin, type: FuncType, mayTrap?: TrapCode): void {
  emitCall(fc, builtinSignature(type), qword(GPR64[encodingOf(VMCTX_REG)]!, fc.env.vmctx.gcBuiltin(builtin)), mayTrap);
}

/**
 * What an indirect call (call_indirect, ops/table.ts) adds to a call: one more value above the
 * arguments, the table index, moved into `indexReg` in the arguments' parallel move (unless it is
 * a constant); then `emit` emits the checks and the call itself (through the FuncRef record it
 * found). In between only registers that are neither arguments nor pinned are free: rax, r10,
 * r11, and the local homes rbx/r12/r13 (locals were saved).
 */
export interface IndirectCall {
  readonly indexReg: RegId;
  /**
   * `index` is the table index (in indexReg, or a constant); `base` the stack position of the
   * first argument; `zeroExtended`: an i32 index in indexReg has its upper half clear (the move
   * there was a 32-bit one, or the instruction that made it in place was).
   */
  emit(fc: FunctionCompiler, index: Value, base: number, zeroExtended: boolean): void;
}

/**
 * A call under the internal convention, its arguments the top of the stack. `target` is what
 * `call` jumps through, or the index of a function of this module. `mayTrap`: record a trap site
 * at the return address (builtins).
 */
export function emitCall(fc: FunctionCompiler, args: CallSignature, target: Mem | number | IndirectCall, mayTrap?: TrapCode): void {
  const asm = fc.asm;
  const nargs = args.argCount;
  const stackBytes = args.stackBytes;
  const indirect = typeof target !== 'number' && 'indexReg' in target ? target : null;
  const base = fc.stack.height - nargs - (indirect ? 1 : 0);
  fc.frame.hasCalls = true;
  fc.materializeFlags();
  // Before anything is emitted: an index moved into indexReg is moved by a 32-bit move; one
  // already there is zero-extended only if the instruction just emitted made it so.
  const zeroExtended = indirect !== null && indexArrivesZeroExtended(fc, fc.stack.at(base + nargs), indirect.indexReg);
  // Values below the arguments survive the call only in memory (none below lowestReg is in a register).
  for (let p = Math.max(fc.frozen, fc.stack.lowestReg); p < base; p++) {
    const v = fc.stack.at(p);
    if (v.loc === Loc.Reg) fc.spillAt(p);
  }
  saveLocals(fc);
  if (stackBytes > 0) {
    asm.sub(rsp, stackBytes);
    fc.frame.spDelta += stackBytes;
  }
  const index = indirect ? fc.stack.at(base + nargs) : null;
  const indexReg = indirect && index!.loc !== Loc.Const ? indirect.indexReg : -1;
  if (!moveArgumentsInOrder(fc, args, base, indexReg)) {
    const moves = argumentMoves.clear();
    for (let j = 0; j < nargs; j++) {
      const v = fc.stack.at(base + j);
      moves.add(args.dests[j]!, fc.sourceOf(v), v.type === I32);
    }
    if (args.returnArea) moves.add(args.dests[nargs]!, returnAreaAddress(fc, base, args.areaSlots), false);
    if (indexReg >= 0) moves.add(REG[indexReg]!, fc.sourceOf(index!), index!.type === I32); // a table64 index is i64
    parallelMove(asm, moves, fc.flagsFree());
  }
  while (fc.stack.height > base) fc.stack.pop();
  if (fc.frozen > base) fc.frozen = base;
  fc.regs.held = 0;
  if (indirect) indirect.emit(fc, index!, base, zeroExtended);
  else if (typeof target === 'number') asm.callFunction(target);
  else asm.call(target as Mem);
  if (mayTrap !== undefined) fc.frame.trapSiteHere(mayTrap, fc.opOffset);
  if (stackBytes > 0) {
    asm.add(rsp, stackBytes);
    fc.frame.spDelta -= stackBytes;
  }
  afterCall(fc);
  const results = args.type.results;
  if (results.length === 0) return;
  let r = args.resultReg;
  // xmm0 may be the home of a float parameter that arrived there (saved before the call, so
  // the result may overwrite it, but a merge would reload the local over the result).
  if (fc.regs.isHome(r)) {
    const to = fc.regs.alloc(classOf(results[0]!));
    emitMove(asm, REG[to]!, REG[r]!);
    r = to;
  }
  fc.push(inReg(results[0]!, r));
  if (args.vectorResults) placeVectorResults(fc, args, base);
  for (let k = 1; k < results.length; k++) fc.push(inSlot(results[k]!, base + k));
}

/**
 * With a v128 among results 1.., the return area's layout (16 bytes for it) is not the stack
 * slots' (8 bytes a position, a v128's slot apart): each v128 goes to its own slot, then each
 * other result down to its position's, in order (a result never moves up, so none is overwritten
 * before it has moved).
 */
function placeVectorResults(fc: FunctionCompiler, args: CallSignature, base: number): void {
  const results = args.type.results;
  const area = fc.frame.slotAddr(base + 1);
  const at = (k: number): number => area.disp + (args.layout.results[k] as { offset: number }).offset;
  for (let k = 1; k < results.length; k++) {
    if (results[k] === V128) emitMove(fc.asm, memOperand(fc.frame.vectorSlotAddr(base + k), NO_KEY), memOperand(xmmword(rsp, at(k)), NO_KEY));
  }
  for (let k = 1; k < results.length; k++) {
    if (results[k] === V128 || at(k) === area.disp + 8 * (k - 1)) continue;
    emitMove(fc.asm, fc.frame.slotLocation(base + k), memOperand(qword(rsp, at(k)), NO_KEY));
  }
}

/**
 * The usual case of the arguments' parallel move, solved without building it: no moves form a
 * cycle. Then a move whose destination no other move reads (a stack slot, or a register nobody
 * reads) can go at once; after it, the move that overwrites the register it read, once every move
 * reading that register has gone; and so on, a chain at a time. Most often no move reads a
 * register another one writes, and every move is a chain of its own. The moves are emitted
 * straight from the values (and the return area's address, and the table index in `indexReg`
 * unless that is -1), in the order parallelMove would take. False, having emitted nothing, for a cycle.
 */
function moveArgumentsInOrder(fc: FunctionCompiler, args: CallSignature, base: number, indexReg: number): boolean {
  const count = args.regs.length;
  const nparams = args.argCount;
  if (nparams + 2 > MAX_PENDING) return false;
  const entries = fc.stack.entries;
  // One argument and nothing else to move (a common call): no order to find.
  if (count === 1 && nparams === 1 && indexReg < 0) {
    const v = entries[base]!;
    const to = args.regs[0]!;
    if (to < 0 || v.loc === Loc.LocalPlus || registerRead(fc, v) !== to) moveArgument(fc, args.dests[0]!, to, v, fc.flagsFree());
    return true;
  }
  // The moves still to make (those already in place left out), in the parallel move's order:
  // arguments, return area, index; and the registers they write and read, as bit masks.
  let n = 0;
  let written = 0;
  let read = 0;
  for (let j = 0; j <= count; j++) {
    const to = j < count ? args.regs[j]! : indexReg;
    if (j === count && indexReg < 0) break;
    let from = -1;
    if (j !== nparams || j === count) { // not the return area's address: a value
      const v = entries[j < count ? base + j : base + nparams]!; // the index is above the arguments
      from = registerRead(fc, v);
      if (to >= 0 && from === to) {
        if (v.loc !== Loc.LocalPlus) continue; // already there
        from = -1; // lea r, [r + c]
      }
    }
    pendingArg[n] = j;
    pendingTo[n] = to;
    pendingFrom[n++] = from;
    if (to >= 0) written |= 1 << to;
    if (from >= 0) read |= 1 << from;
  }
  // Usually no move reads a register another writes: then the last goes first.
  const chained = (written & read) !== 0;
  if (chained && !orderChains(n)) return false;
  const returnArea = args.returnArea ? returnAreaAddress(fc, base, args.areaSlots) : null;
  const flagsFree = fc.flagsFree();
  for (let p = 0; p < n; p++) {
    const k = chained ? order[p]! : n - 1 - p;
    const j = pendingArg[k]!;
    if (j === count) moveArgument(fc, REG[indexReg]!, indexReg, entries[base + nparams]!, flagsFree);
    else if (j === nparams) moveOne(fc.asm, args.dests[j]!, returnArea!, false, flagsFree);
    else moveArgument(fc, args.dests[j]!, pendingTo[k]!, entries[base + j]!, flagsFree);
  }
  return true;
}

/**
 * Move argument v to `dest` (register `to`, or -1 for a stack slot), as moveOne would from
 * sourceOf(v): into a general-purpose register through loadInto, which writes the usual kinds
 * (a constant, a register, a slot, a local plus a constant) by register number, with no move
 * source built and no dispatch on its kind.
 */
function moveArgument(fc: FunctionCompiler, dest: MoveDest, to: number, v: Value, flagsFree: boolean): void {
  if (to >= 0 && !isXmm(to)) return fc.loadInto(to, v);
  moveOne(fc.asm, dest, fc.sourceOf(v), v.type === I32, flagsFree);
}

/**
 * Put the n pending moves in `order`, a chain at a time: the chains start at the moves whose
 * destination nobody reads, the last first. False if some move is in none (it is in a cycle).
 */
function orderChains(n: number): boolean {
  for (let i = 0; i < n; i++) if (pendingFrom[i]! >= 0) readers[pendingFrom[i]!]!++;
  let starts = 0;
  for (let i = 0; i < n; i++) {
    const to = pendingTo[i]!;
    if (to >= 0) writerOf[to] = i;
    if (to < 0 || readers[to] === 0) starts |= 1 << i;
  }
  let planned = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (starts & (1 << i)) for (let k = i; k >= 0; k = nextInChain(k)) order[planned++] = k;
  }
  for (let i = 0; i < n; i++) {
    if (pendingTo[i]! >= 0) writerOf[pendingTo[i]!] = -1;
    if (pendingFrom[i]! >= 0) readers[pendingFrom[i]!] = 0;
  }
  return planned === n;
}

// The pending moves of moveArgumentsInOrder: which argument each moves (its index among the
// call's arguments: then the return area's address, then the table index), the register it
// writes (or -1 for a stack slot) and the one it reads (or -1); how many pending moves read each
// register and which one writes it (0 and -1 between calls); and the order found for them.
const MAX_PENDING = 32;
const pendingArg = new Int8Array(MAX_PENDING);
const pendingTo = new Int8Array(MAX_PENDING);
const pendingFrom = new Int8Array(MAX_PENDING);
const readers = new Int8Array(32);
const writerOf = new Int8Array(32).fill(-1);
const order = new Int8Array(MAX_PENDING);

/**
 * The move that follows pending move k in its chain: the one that overwrites the register k read,
 * if k was the last to read it; else -1.
 */
function nextInChain(k: number): number {
  const from = pendingFrom[k]!;
  return from >= 0 && --readers[from]! === 0 ? writerOf[from]! : -1;
}

/**
 * Whether an i32 index `v`, about to be moved into register `to` by a parallel move (or found
 * there), arrives with its upper half clear: a move writes a 32-bit register (or loads a
 * constant below 2^32), so only a value already in `to` (no move) may not, unless the
 * instruction just emitted wrote it. Ask before anything else is emitted.
 */
export function indexArrivesZeroExtended(fc: FunctionCompiler, v: Value, to: RegId): boolean {
  if (v.loc === Loc.LocalPlus || registerRead(fc, v) !== to) return true;
  return fc.justZeroExtended(to);
}

/** The register a move of v reads, or -1. */
function registerRead(fc: FunctionCompiler, v: Value): RegId {
  if (v.loc === Loc.Reg) return v.n;
  if (v.loc === Loc.Local || v.loc === Loc.LocalPlus) return fc.locals.liveRegister(v.n);
  return -1;
}

/** The return area: results 1.. land in the slots of stack positions base+1 .. base+slots (see placeVectorResults). */
function returnAreaAddress(fc: FunctionCompiler, base: number, slots: number): MoveSource {
  fc.frame.slotAddr(base + slots); // the frame reaches the last one
  return addressOperand(fc.frame.slotAddr(base + 1));
}

/** The moves of a call's arguments, one list for every call (see MoveList). */
const argumentMoves = new MoveList();

/**
 * A function type with where its arguments go, worked out once for all its calls: the
 * parameters, then the return area's address if there is one.
 */
export interface CallSignature {
  readonly type: FuncType;
  readonly layout: SignatureLayout;
  /** The register each argument goes to, or -1 for a stack slot. */
  readonly regs: Int8Array;
  /** Where each argument goes, as a move destination. */
  readonly dests: readonly MoveDest[];
  // What emitCall reads at every call, copied out of `type` and `layout` (one object shape to read):
  /** The parameters' count (the return area's address, if any, is one more argument). */
  readonly argCount: number;
  readonly returnArea: boolean;
  /** The layout's stack bytes. */
  readonly stackBytes: number;
  /** The register of the first result (rax or xmm0), -1 if there is none. */
  readonly resultReg: RegId;
  /** The return area's size in 8-byte slots. */
  readonly areaSlots: number;
  /** Results 1.. hold a v128 (see placeVectorResults). */
  readonly vectorResults: boolean;
}

function callSignature(type: FuncType): CallSignature {
  const layout = signatureLayout(type);
  const locs = layout.returnAreaPointer ? [...layout.params, layout.returnAreaPointer] : layout.params;
  const regs = Int8Array.from(locs, (loc) => (loc.kind === 'stack' ? -1 : loc.reg));
  const first = layout.results[0];
  return {
    type, layout, regs, dests: locs.map((loc, i) => argDest(loc, type.params[i])),
    argCount: type.params.length, returnArea: layout.returnAreaPointer !== undefined, stackBytes: layout.stackBytes,
    resultReg: first === undefined || first.kind === 'returnArea' ? -1 : first.reg,
    areaSlots: layout.returnAreaBytes / 8, vectorResults: type.results.indexOf(V128, 1) > 0,
  };
}

/**
 * The call signatures of one module's types, by type index, each made at its first use (a call, or
 * a function of that type), and one for all the types of the same shape: a module may repeat a
 * type thousands of times (one per function, say), and their signatures would all be kept alive
 * to the end of the compile.
 */
export class CallSignatures {
  private readonly byIndex: (CallSignature | undefined)[];
  private readonly byShape = new Map<string, CallSignature>();
  constructor(private readonly types: readonly FuncType[]) {
    this.byIndex = new Array<CallSignature | undefined>(types.length).fill(undefined); // not holey: a fast array
  }
  of(typeIndex: number): CallSignature {
    return this.byIndex[typeIndex] ?? this.first(typeIndex);
  }
  private first(typeIndex: number): CallSignature {
    // Typed references are laid out as the funcref or externref they are stored as.
    const type = storageFuncType(this.types[typeIndex]!);
    // Storage types are bytes below 0x80: one character each.
    const shape = `${String.fromCharCode(...type.params)}:${String.fromCharCode(...type.results)}`;
    let sig = this.byShape.get(shape);
    if (sig === undefined) this.byShape.set(shape, (sig = callSignature(type)));
    return (this.byIndex[typeIndex] = sig);
  }
}

/** The call signatures of the builtins' types (made once, shared by all modules). */
const builtinSignatures = new WeakMap<FuncType, CallSignature>();
function builtinSignature(type: FuncType): CallSignature {
  let sig = builtinSignatures.get(type);
  if (sig === undefined) builtinSignatures.set(type, (sig = callSignature(type)));
  return sig;
}

/** `type`: the parameter's (undefined for the return area's address). */
function argDest(loc: ArgLocation, type: number | undefined): MoveDest {
  if (loc.kind !== 'stack') return REG[loc.reg]!;
  return memOperand(type === V128 ? xmmword(rsp, loc.offset) : qword(rsp, loc.offset), argKey(loc.offset));
}
// #endregion call
