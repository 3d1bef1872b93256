// The function's frame: where locals and spilled values live, how big the frame is, and the
// code at its edges (prologue with the stack check, epilogue, loop-head alignment, trap stubs).
// The frame size F is only known once the body is done, so the prologue is assembled last and
// put in front of the body, and each epilogue's `add rsp, F` is patched.
//
//   [rsp + 8*localSlots + 8*pos]   the slot of value-stack position pos
//   [rbp - 16*(pos + 1)]           the slot of position pos when it holds a v128: 16 bytes at the
//                                  top of the frame, addressed from the frame pointer because
//                                  how many there are is known only at the end
//   [rsp + 8*(localSlots + maxStackSlots) + 48k]
//                                  try_table nesting level k's handler record, above the value
//                                  slots: its displacement is patched in at the end; after the
//                                  records, the exceptions legacy catch bodies caught, 8 bytes each
//   [rsp + localDisp[i]]           the slot of local i (register locals' save slots too; two
//                                  8-byte slots for a v128 local)
//   [rbp - localDisp[i]]           a parameter passed on the stack (with a frame pointer), at
//                                  rbp + 16 + its offset (localDisp[i] < 0 says which)

import { HANDLER_RECORD, MAX_UNCHECKED_FRAME, MAX_UNCHECKED_LEAF_FRAME, TrapCode, VMCTX, VMCTX_REG, encodingOf } from '../abi/index.ts';
import { type Assembler, GPR64, type Label, type Mem, type Gpr, qword, rbp, rsp, xmmword } from '../x64/index.ts';
import { SCRATCH } from './registerAllocator.ts';
import { emitTrapCall, emitTrapStubs, type ModuleTrapSites, TrapSiteList } from './traps.ts';
import { localKey, memOperand, slotKey } from './parallelMove.ts';
import { filledArray, refill, truncate } from './perFunctionArrays.ts';

/** A frame slot as a move operand (the same object serves as source and destination). */
export type MemLocation = { readonly kind: 'mem'; readonly mem: Mem; readonly key: number };

/** The v128 value type's byte. */
const V128 = 0x7b;

/**
 * The operand handler-record and caught-exception accesses are emitted with: a displacement big
 * enough to be a disp32, patched at the end (see Frame.storeRecord and finish).
 */
const PATCHED_SLOT = qword(rsp, 0x7ffffff0);

/** Bytes of code (as emitted) a loop may have and still be aligned (see Frame.endLoop). */
const MAX_ALIGNED_LOOP = 256;

/**
 * Slot operands are cached for the first stack positions and locals only: that is where nearly
 * every access goes, and a huge stack would otherwise keep a few objects per position alive.
 */
const CACHED = 256;

// Slot operands are immutable, so they are made once and shared by every function (and module):
// `[rsp + 8k]` by k, and a slot's move location by stack position or local index. A function
// whose layout puts the position or local elsewhere makes its own and caches that instead; a
// cached one is checked by its displacement, so nothing needs clearing between functions.
const RSP_QWORDS: (Mem | undefined)[] = [];
const SLOT_LOCATIONS: (MemLocation | undefined)[] = [];
const LOCAL_LOCATIONS: (MemLocation | undefined)[] = [];

/** `[rsp + disp]` as a qword operand. */
function rspSlot(disp: number): Mem {
  const k = disp >> 3;
  if (disp !== k << 3 || k < 0 || k >= 2 * CACHED) return qword(rsp, disp);
  growTo(RSP_QWORDS, k);
  return (RSP_QWORDS[k] ??= qword(rsp, disp));
}

/** The move location of `mem` (an rsp slot) under `key`, from cache[i] when that has the same displacement. */
function cachedLocation(cache: (MemLocation | undefined)[], i: number, mem: Mem, key: number): MemLocation {
  if (i >= CACHED) return memOperand(mem, key);
  const made = growTo(cache, i)[i];
  if (made !== undefined && made.mem.disp === mem.disp) return made;
  return (cache[i] = memOperand(mem, key));
}

// #region frame
export class Frame {
  /** 8-byte slots for locals, below the value-stack slots. */
  localSlots = 0;
  maxStackSlots = 0;
  /** 16-byte slots of v128 values at the top of the frame (see vectorSlotAddr). */
  maxVectorSlots = 0;
  /** Bytes pushed below the frame right now (stack arguments of a call being set up). */
  spDelta = 0;
  /** Some slot (of a local or a value) was addressed. */
  used = false;
  usesFramePointer = false;
  /**
   * The function may hold v128 values, whose slots are addressed from the frame pointer: whether
   * it needs one is known only at the end, so each epilogue leaves a byte for its `pop rbp`
   * (popPatches), dropped again if the frame pointer never came.
   */
  mayUseVectors = false;
  hasCalls = false;
  /** The body has a loop: loop heads are aligned, so where the body starts matters (see alignLoopHead). */
  hasLoops = false;
  /** The head of the first long loop holding a br_table (an interpreter's dispatch loop): see dispatchLoop. */
  dispatchHead: Label | null = null;
  /** The frame size, once finish() has run. */
  finalSize = 0;
  /** Exception handling: how many try_table handler records the frame holds (the deepest nesting so far). */
  recordCount = 0;
  /** Legacy exception handling: how many slots for caught exceptions the frame holds (the deepest catch nesting so far). */
  caughtCount = 0;
  /**
   * Frame offset of each local's slot (from rsp with spDelta 0), or for a parameter that arrived
   * on the stack, minus its offset from rbp (so a negative one says which). Set for every local
   * by assignLocals.
   */
  readonly localDisp: number[];
  /** 1 for each local of type v128: its slot is 16 bytes, addressed as such. */
  readonly vectorLocal: number[];
  /** Trap stubs to emit at the end (see trap): their labels, the first trapStubs.length, and their sites. */
  private readonly stubLabels: Label[] = [];
  readonly trapStubs = new TrapSiteList();
  /** Inline trap calls, and calls to builtins that may trap. */
  readonly trapCalls = new TrapSiteList();
  /** Wasm offset of the body: where a stack overflow on entry is reported. */
  bodyOffset: number;
  private sizePatches: number[] = [];
  /** Per handler-record access: where its disp32 is, and its displacement within the record area. */
  private recordPatches: number[] = [];
  /** The same for the slots of caught exceptions (legacy exception handling), after the records. */
  private caughtPatches: number[] = [];
  private popPatches: number[] = [];
  /** Per returnAddressInto: where its disp32 is, and the spDelta then. */
  private returnAddressPatches: number[] = [];
  /** Per restoreCallerFramePointer: where its `mov rbp` starts, and its length. */
  private callerRbpPatches: number[] = [];
  /** Addresses and move locations of value slots and local slots (with spDelta 0), made on first use. */

  constructor(
    private readonly asm: Assembler,
    localCount: number,
    private funcIndex: number,
    bodyOffset: number,
  ) {
    this.localDisp = filledArray(localCount, 0);
    this.vectorLocal = filledArray(localCount, 0);
    this.bodyOffset = bodyOffset;
  }

  /** The frame of another function, as a new Frame(asm, localCount, funcIndex, bodyOffset), reusing the arrays. */
  reset(localCount: number, funcIndex: number, bodyOffset: number): this {
    this.localSlots = this.maxStackSlots = this.maxVectorSlots = this.spDelta = this.finalSize = 0;
    this.recordCount = this.caughtCount = 0;
    this.used = this.usesFramePointer = this.mayUseVectors = this.hasCalls = this.hasLoops = false;
    this.dispatchHead = null;
    refill(this.localDisp, localCount, 0);
    refill(this.vectorLocal, localCount, 0);
    // Emptied by pops (setting an array's length is a call into V8's runtime), which spares
    // allocating and growing new ones.
    truncate(this.sizePatches, 0);
    truncate(this.popPatches, 0);
    truncate(this.recordPatches, 0);
    truncate(this.caughtPatches, 0);
    truncate(this.returnAddressPatches, 0);
    truncate(this.callerRbpPatches, 0);
    this.trapStubs.length = this.trapCalls.length = 0;
    this.funcIndex = funcIndex;
    this.bodyOffset = bodyOffset;
    return this;
  }

  /** Give local i the next 8-byte slot, or the next two for a v128 (`vector`). */
  addLocalSlot(i: number, vector = false): void {
    this.localDisp[i] = 8 * this.localSlots;
    this.localSlots += vector ? 2 : 1;
    if (vector) this.vectorLocal[i] = 1;
  }

  // #region handler-records
  /**
   * Handler records (HANDLER_RECORD, one per level of try_table nesting) live above the value
   * slots, where a slot area can grow while the body is compiled without moving anything else.
   * How far above is known only at the end, with the value slots' number, so each access is
   * emitted with a 32-bit displacement that finish() patches, as it patches `sub rsp, F`.
   * Level k's record exists once a try_table opens at that depth: no look at the body before.
   */
  storeRecord(k: number, field: number, value: Gpr): void {
    this.asm.mov(this.record(k), value);
    this.patchAt(this.recordPatches, k * HANDLER_RECORD.SIZE + field);
  }

  loadRecord(to: Gpr, k: number, field: number): void {
    this.asm.mov(to, this.record(k));
    this.patchAt(this.recordPatches, k * HANDLER_RECORD.SIZE + field);
  }

  /** The address of record k (its first field) into `to`. */
  recordAddress(to: Gpr, k: number): void {
    this.asm.lea(to, this.record(k));
    this.patchAt(this.recordPatches, k * HANDLER_RECORD.SIZE);
  }

  /** Legacy exception handling: store the exception the catch body at catch nesting level k caught. */
  storeCaught(k: number, value: Gpr): void {
    this.asm.mov(this.caught(k), value);
    this.patchAt(this.caughtPatches, 8 * k);
  }

  loadCaught(to: Gpr, k: number): void {
    this.asm.mov(to, this.caught(k));
    this.patchAt(this.caughtPatches, 8 * k);
  }

  private record(k: number): Mem {
    if (k >= this.recordCount) this.recordCount = k + 1;
    this.used = true;
    return PATCHED_SLOT;
  }

  /** Caught exceptions' slots come after the records (patched the same way, see finish). */
  private caught(k: number): Mem {
    if (k >= this.caughtCount) this.caughtCount = k + 1;
    this.used = true;
    return PATCHED_SLOT;
  }

  /** The instruction just emitted addresses `offset` in a patched area: its disp32 is its last 4 bytes. */
  private patchAt(patches: number[], offset: number): void {
    patches.push(this.asm.offset - 4, this.spDelta + offset);
  }
  // #endregion handler-records

  /** Local i is a parameter passed on the stack, `offset` bytes above the return address. */
  addIncomingSlot(i: number, offset: number, vector = false): void {
    this.usesFramePointer = true;
    this.localDisp[i] = -(16 + offset);
    if (vector) this.vectorLocal[i] = 1;
  }

  /** Address of the slot of value-stack position `pos`. */
  slotAddr(pos: number): Mem {
    this.used = true;
    if (pos + 1 > this.maxStackSlots) this.maxStackSlots = pos + 1;
    return rspSlot(this.spDelta + 8 * (this.localSlots + pos));
  }

  // #region vector-slots
  /**
   * The 16-byte slot of position `pos` holding a v128, from the frame pointer: [rbp - 16(pos + 1)],
   * at the top of the frame, above the 8-byte slots (see size). Slots of both kinds belong to the
   * position; a value uses the one of its type (slotAddrOf).
   */
  vectorSlotAddr(pos: number): Mem {
    // Epilogues emitted so far must have left room for `pop rbp`.
    if (!this.mayUseVectors) throw new Error('codegen: a v128 slot in a function not prepared for vectors');
    this.used = true;
    this.usesFramePointer = true;
    if (pos + 1 > this.maxVectorSlots) this.maxVectorSlots = pos + 1;
    return xmmword(rbp, -16 * (pos + 1));
  }

  /** The slot of position `pos` for a value of `type` (0x7b, v128, takes its 16-byte one). */
  slotAddrOf(type: number, pos: number): Mem {
    return type === V128 ? this.vectorSlotAddr(pos) : this.slotAddr(pos);
  }
  // #endregion vector-slots

  localAddr(i: number): Mem {
    this.used = true;
    const disp = this.localDisp[i]!;
    // (The rarer two out of line: localAddr is small enough to inline where locals are spilled and reloaded.)
    if (disp < 0 || this.vectorLocal[i] === 1) return this.otherLocalAddr(i, disp);
    return rspSlot(this.spDelta + disp);
  }
  /** localAddr of a v128 local (16 bytes), or of a parameter that arrived on the stack (from rbp). */
  private otherLocalAddr(i: number, disp: number): Mem {
    if (this.vectorLocal[i] === 1) return disp < 0 ? xmmword(rbp, -disp) : xmmword(rsp, this.spDelta + disp);
    return qword(rbp, -disp);
  }

  /** The slot of position `pos` as a move's source or destination (for a value of `type`: see slotAddrOf). */
  slotLocation(pos: number, type?: number): MemLocation {
    if (type === V128) return this.vectorSlotLocation(pos);
    const mem = this.slotAddr(pos);
    if (this.spDelta !== 0) return memOperand(mem, slotKey(pos));
    return cachedLocation(SLOT_LOCATIONS, pos, mem, slotKey(pos));
  }

  private vectorSlotLocation(pos: number): MemLocation {
    return memOperand(this.vectorSlotAddr(pos), slotKey(pos));
  }

  /** The slot of local i as a move's source or destination. */
  localLocation(i: number): MemLocation {
    const mem = this.localAddr(i);
    if (this.spDelta !== 0 || this.localDisp[i]! < 0 || this.vectorLocal[i] === 1) return memOperand(mem, localKey(i));
    return cachedLocation(LOCAL_LOCATIONS, i, mem, localKey(i));
  }

  /**
   * A trap to raise from the operator at `wasmOffset`: jump to the returned label (a stub at the
   * end). The labels of earlier functions' stubs are used again, unbound: most checks in loops
   * have one, and they were a good part of what such a function allocated.
   */
  trap(code: TrapCode, wasmOffset: number): Label {
    const n = this.trapStubs.length;
    let label = this.stubLabels[n];
    if (label === undefined) this.stubLabels[n] = label = this.asm.newLabel();
    else label.offset = -1;
    this.trapStubs.add(-1, code, wasmOffset); // its return address is known once finish() emits it
    return label;
  }

  /** Trap here, from the operator at `wasmOffset`: a trap call inline. */
  trapCall(code: TrapCode, wasmOffset: number): void {
    emitTrapCall(this.asm);
    this.trapSiteHere(code, wasmOffset);
  }

  /** The call just emitted (a trap call, or a builtin's that may trap) is a trap site. */
  trapSiteHere(code: TrapCode, wasmOffset: number): void {
    this.trapCalls.add(this.asm.offset, code, wasmOffset);
  }

  /** The return address of the last trap call in the code so far (-1: none), which code may not be rewound past. */
  lastTrapCall(): number {
    const calls = this.trapCalls;
    return calls.length === 0 ? -1 : calls.data[3 * (calls.length - 1)]!;
  }

  /**
   * The function's trap sites as the runtime finds them, appended to `out`: the body was placed
   * at `bodyStart` in the module's code, its return addresses first moved where relaxation
   * moved the code (both lists are in code order, which the mapping is fastest for).
   */
  addTrapSites(out: ModuleTrapSites, bodyStart: number): void {
    const { asm, trapStubs, trapCalls } = this;
    asm.mapOffsetsInPlace(trapStubs.data, trapStubs.length, 3);
    asm.mapOffsetsInPlace(trapCalls.data, trapCalls.length, 3);
    out.addFunction(trapStubs, this.funcIndex, bodyStart);
    out.addFunction(trapCalls, this.funcIndex, bodyStart);
  }

  /** `sub rsp, F` / `add rsp, F` with F patched at the end (imm32 form forced by a big placeholder). */
  adjust(op: 'sub' | 'add'): void {
    this.asm[op](rsp, 0x7ffffff0);
    this.sizePatches.push(this.asm.offset - 4);
  }

  size(): number {
    let size = 8 * (this.localSlots + this.maxStackSlots) + this.recordCount * HANDLER_RECORD.SIZE + 8 * this.caughtCount + 16 * this.maxVectorSlots;
    // A leaf that never touched a slot needs no frame (the sub/add become nops: see finish).
    if (!this.used && !this.hasCalls) return 0;
    // On entry rsp is 8 below a multiple of 16 (the return address); calls need it aligned.
    const want = this.usesFramePointer ? 0 : 8;
    while (size % 16 !== want) size += 8;
    return size;
  }

  // #region epilogue
  /** Leave the function (results already in place). */
  emitEpilogue(): void {
    this.adjust('add');
    if (this.usesFramePointer) this.asm.pop(rbp);
    else if (this.mayUseVectors) {
      this.popPatches.push(this.asm.offset);
      this.asm.nop(); // `pop rbp` if a v128 slot needs the frame pointer after all (see finish)
    }
    this.asm.ret();
  }
  // #endregion epilogue

  /** Leave the frame but not the function: the epilogue without its `ret` (a tail call jumps next). */
  emitTearDown(): void {
    this.adjust('add');
    if (this.usesFramePointer) this.asm.pop(rbp);
    else if (this.mayUseVectors) {
      this.popPatches.push(this.asm.offset);
      this.asm.nop();
    }
  }

  // #region thunk-frame-access
  /**
   * `lea to, [rsp + d]`: the address of our return address (rsp on entry), whose distance from
   * rsp (the frame, the frame pointer's push, spDelta) is known only at the end and patched in.
   */
  returnAddressInto(to: Gpr): void {
    this.asm.lea(to, qword(rsp, 0x7ffffff0));
    this.returnAddressPatches.push(this.asm.offset - 4, this.spDelta);
  }

  /**
   * `mov rbp, [entry - 8]` (entry: what returnAddressInto gave): our caller's rbp back, where the
   * prologue pushed it; omitted at the end if the function has no frame pointer (rbp is then
   * still our caller's).
   */
  restoreCallerFramePointer(entry: Gpr): void {
    const start = this.asm.offset;
    this.asm.mov(rbp, qword(entry, -8));
    this.callerRbpPatches.push(start, this.asm.offset - start);
  }
  // #endregion thunk-frame-access

  /** After the body: the trap stubs, then the frame size is known and patched in. */
  finish(): void {
    const asm = this.asm;
    emitTrapStubs(asm, this.stubLabels, this.trapStubs);
    const size = (this.finalSize = this.size());
    for (const at of this.popPatches) {
      if (this.usesFramePointer) asm.buf.patch8(at, 0x5d); // pop rbp
      else asm.omit(at, 1);
    }
    const pushed = this.usesFramePointer ? 8 : 0;
    const returnAddresses = this.returnAddressPatches;
    for (let i = 0; i < returnAddresses.length; i += 2) {
      const at = returnAddresses[i]!;
      const disp = returnAddresses[i + 1]! + size + pushed;
      if (disp >= 128) asm.patch32(at, disp);
      else {
        // `lea r, [rsp + disp8]`: ModRM (before the SIB byte) mod 10 -> 01, and a 3-byte nop dropped.
        asm.buf.patch8(at - 2, asm.buf.bytes[at - 2]! - 0x40);
        asm.buf.patch8(at, disp);
        asm.patchNops(at + 1, 3);
        asm.omit(at + 1, 3);
      }
    }
    const callerRbps = this.callerRbpPatches;
    for (let i = 0; !this.usesFramePointer && i < callerRbps.length; i += 2) {
      asm.patchNops(callerRbps[i]!, callerRbps[i + 1]!);
      asm.omit(callerRbps[i]!, callerRbps[i + 1]!);
    }
    const records = 8 * (this.localSlots + this.maxStackSlots);
    const caught = records + this.recordCount * HANDLER_RECORD.SIZE;
    // (Two calls, not a loop over a pair of pairs: that allocated three arrays per function.)
    patchArea(asm, this.recordPatches, records);
    patchArea(asm, this.caughtPatches, caught);
    for (const at of this.sizePatches) {
      // `add rsp, imm32` is 7 bytes; the imm32 is its last 4. Branch relaxation drops the bytes
      // a smaller form leaves over (asm.omit); they are valid nops or dead code until then.
      if (size >= 128) asm.patch32(at, size);
      else if (size !== 0) {
        // `add rsp, imm8` (48 83 C4 ib) and a 3-byte nop.
        asm.buf.patch8(at - 2, 0x83);
        asm.buf.patch8(at, size);
        asm.patchNops(at + 1, 3);
        asm.omit(at + 1, 3);
      } else if (asm.buf.bytes[at + 4] === 0xc3) {
        // No frame: an epilogue `add rsp, 0; ret` becomes `ret`.
        asm.patchRet(at - 3, 8);
        asm.omit(at - 2, 7);
      } else {
        asm.patchNops(at - 3, 7);
        asm.omit(at - 3, 7);
      }
    }
  }

  // #region stack-check
  /**
   * The function's entry, assembled once the body is done: first the stack-overflow stub (a trap
   * call, just before the entry, so that the check's `jb` reaches it backward in 2 bytes however
   * long the body is), then at the entry the stack-limit check (rsp itself when the frame fits in
   * the margin the limit leaves, else rsp - F), the frame pointer when stack parameters need it,
   * and the frame. A leaf with a small frame has neither stub nor check (see needsStackCheck).
   * Returns the entry's offset in `pro`.
   */
  emitPrologue(pro: Assembler): number {
    const size = this.finalSize;
    let entry = 0;
    if (this.needsStackCheck()) {
      const limit = qword(GPR64[encodingOf(VMCTX_REG)]!, VMCTX.STACK_LIMIT);
      const trap = pro.here();
      emitTrapCall(pro);
      entry = pro.offset;
      if (size > MAX_UNCHECKED_FRAME) {
        pro.lea(GPR64[SCRATCH]!, qword(rsp, -size));
        pro.cmp(GPR64[SCRATCH]!, limit);
      } else pro.cmp(rsp, limit);
      pro.jcc('b', trap, true);
    }
    if (this.usesFramePointer) {
      pro.push(rbp);
      pro.mov(rbp, rsp);
    }
    if (size > 0) pro.sub(rsp, size);
    return entry;
  }
  // #endregion stack-check

  /**
   * A leaf (no call of any kind, builtins included) with a frame up to MAX_UNCHECKED_LEAF_FRAME
   * needs no stack check: its caller passed its own, and the red zone holds both frames. Known
   * once finish() has run.
   */
  needsStackCheck(): boolean {
    return this.hasCalls || this.finalSize > MAX_UNCHECKED_LEAF_FRAME;
  }

  /** cmp + short jb, then push/mov for a frame pointer, then a short `sub rsp, F`: the prologue's usual length, from the entry. */
  predictedPrologueLength(): number {
    return 6 + (this.usesFramePointer ? 4 : 0) + 4;
  }

  // #region loop-alignment
  /**
   * Bind a loop's head on a 16-byte boundary of the final code: the module compiler places a
   * function with loops so that its body starts predictedPrologueLength() past a 16-byte boundary
   * (whatever the prologue's real length; in the usual case that puts the entry on the boundary).
   * The padding is one instruction, run once on entry to the loop; branch relaxation keeps the
   * head aligned.
   */
  alignLoopHead(head: Label): void {
    this.hasLoops = true;
    const at = this.predictedPrologueLength() + this.asm.offset;
    this.asm.alignedLabel((16 - (at % 16)) % 16, head);
  }

  /**
   * At the loop's end: a loop longer than MAX_ALIGNED_LOOP bytes loses its padding again. Each
   * iteration of it fetches many 16-byte blocks, so the one a misaligned head wastes part of
   * matters little, and big loops (interpreters' dispatch loops, outer loops) are where most
   * padding was.
   */
  endLoop(head: Label): void {
    if (this.asm.offset - head.offset <= MAX_ALIGNED_LOOP) {
      if (head === this.dispatchHead) this.dispatchHead = null;
    } else if (head !== this.dispatchHead) this.asm.unalign(head);
  }

  /**
   * The loop with this head holds a br_table: the first such loop of a function that is longer
   * than MAX_ALIGNED_LOOP keeps its head aligned, and the module compiler puts the function where
   * that head lands on a 64-byte boundary (the padding is between functions, never run). The
   * dispatch (load the opcode, bounds check, table jump) then sits in one 64-byte block: measured
   * on Zen 4, an interpreter loop whose dispatch crossed a 64-byte boundary took up to 1.26x the time.
   */
  dispatchLoop(head: Label): void {
    this.dispatchHead ??= head;
  }
  // #endregion loop-alignment
}
// #endregion frame

/** `cache` with room for index i, grown densely (a write far past the end would make V8 store it as a dictionary). */
function growTo<T>(cache: (T | undefined)[], i: number): (T | undefined)[] {
  while (cache.length <= i) cache.push(undefined);
  return cache;
}

/** Patch the disp32 of each access to a patched area (pairs: where it is, its displacement in the area) for an area at `base`. */
function patchArea(asm: Assembler, patches: readonly number[], base: number): void {
  for (let i = 0; i < patches.length; i += 2) asm.patch32(patches[i]!, base + patches[i + 1]!);
}
