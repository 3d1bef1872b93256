// The Assembler: the instructions (instructions.ts) plus labels, padding, jump tables, a
// constant pool, branch relaxation, and finishing the code with its fix-ups for the runtime.

import { BranchRelaxation, DROPPED, LONG, PAD, SHORTENED } from './branchRelaxation.ts';
import type { CodeBuffer } from './codeBuffer.ts';
import { CODE_START, type Fixup } from './encoder.ts';
import { Instructions } from './instructions.ts';
import { ADDEND, AT, END, FIELDS, SHORT, SIZE, START } from './labelRefs.ts';
import { Label, type Mem, ripLabel } from './operands.ts';
import { withRoom } from './int32Rows.ts';

// #region finished-code
/** What `finish()` returns. */
export interface AssembledCode {
  /** The machine code, constant pool included. */
  readonly code: Uint8Array;
  /** Patches the runtime applies once it knows addresses (see `Fixup`). */
  readonly fixups: readonly Fixup[];
  /** Offsets of the labels that were given a name. */
  readonly labels: ReadonlyMap<string, number>;
  /** Where the constant pool starts (equals the code length when there is none). */
  readonly constantPoolOffset: number;
  /** Byte ranges [start, end) that are data, not instructions (jump tables, the constant pool). */
  readonly dataRanges: readonly (readonly [number, number])[];
  /**
   * Maps an offset read from `asm.offset` during assembly to where that byte ended up. The
   * identity unless `finish({ relaxBranches: true })` shrank jumps. Labels are already updated.
   */
  readonly mapOffset: (offset: number) => number;
  /** Bytes saved by branch relaxation. */
  readonly relaxedBytes: number;
}

export interface FinishOptions {
  /**
   * Shrink forward jmp/jcc to labels that were not bound when the jump was emitted to their
   * short form when the target is near (as `relaxBranches()` does). Code moves: offsets recorded
   * from `asm.offset` must go through `mapOffset`; bytes patched before `finish()` move with the code.
   */
  relaxBranches?: boolean;
}
// #endregion finished-code

/** What finish() hands out when there is nothing (shared: the results are read-only). */
const NONE: readonly never[] = Object.freeze([]);
const NO_LABELS: ReadonlyMap<string, number> = new Map();

/** Recommended multi-byte nops (Intel SDM, "NOP"), by length 1..9. */
const NOPS: readonly (readonly number[])[] = [
  [],
  [0x90],
  [0x66, 0x90],
  [0x0f, 0x1f, 0x00],
  [0x0f, 0x1f, 0x40, 0x00],
  [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
  [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

/** Scratch space for float constants (`constant` copies what it keeps): no allocation per constant. */
const SCRATCH = new Uint8Array(8);
const SCRATCH4 = SCRATCH.subarray(0, 4);
const SCRATCH_VIEW = new DataView(SCRATCH.buffer);

/** The constant pool's deduplication key: alignment and bytes [start, end), one character per byte. */
function constantKey(bytes: Uint8Array, start: number, end: number, align: number): string {
  let key = String(align) + ':';
  for (let i = start; i < end; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

/** The nop instruction of each length n (0..15) at NOP_BYTES[16 * n]: NOPS, with extra 0x66 prefixes beyond 9. */
const NOP_BYTES = new Uint8Array(16 * 16);
for (let n = 0; n < 16; n++) {
  const prefixes = Math.max(0, n - 9);
  NOP_BYTES.fill(0x66, 16 * n, 16 * n + prefixes);
  NOP_BYTES.set(NOPS[n - prefixes]!, 16 * n + prefixes);
}

/** Write one nop instruction of `n` bytes (0..15) at `at` (a copy from one flat table: loop heads pad with one each). */
function writeNop(code: Uint8Array, at: number, n: number): void {
  for (let i = 0, from = 16 * n; i < n; i++) code[at + i] = NOP_BYTES[from + i]!;
}

/** Move code[from, end) down to `to` (not after `from`) in the same buffer; returns where it ends. */
function slidePiece(code: Uint8Array, to: number, from: number, end: number): number {
  if (to !== from) code.copyWithin(to, from, end);
  return to + end - from;
}

/**
 * Copy src[from, end) to dst[to, ...) in another buffer; returns where it ends. The pieces
 * between relaxed jumps are mostly a few dozen bytes: 4 bytes at a time (the last 4 of the piece
 * again, overlapping, rather than a byte loop for the rest) beats a call to set() with the
 * subarray it needs, up to a few hundred bytes.
 */
function copyPiece(src: CodeBuffer, dst: CodeBuffer, to: number, from: number, end: number): number {
  const n = end - from;
  if (n > 256) dst.bytes.set(src.bytes.subarray(from, end), to);
  else if (n >= 4) {
    const s = src.view, d = dst.view;
    for (let k = 0; k < n - 4; k += 4) d.setInt32(to + k, s.getInt32(from + k, true), true);
    d.setInt32(to + n - 4, s.getInt32(end - 4, true), true);
  } else for (let k = 0, s = src.bytes, d = dst.bytes; k < n; k++) d[to + k] = s[from + k]!;
  return to + n;
}

/** mapOffset when no code moved. */
const IDENTITY = (offset: number): number => offset;

interface PoolEntry {
  readonly label: Label;
  /** Where its bytes are in the assembler's `poolData`. */
  readonly start: number;
  readonly length: number;
  readonly align: number;
}

/** Jump-table kinds, as kept in `tables`. */
const REL32 = 0, OFFSET32 = 1, ABS64 = 2;

// #region assembler
export class Assembler extends Instructions {
  private static generations = 0;
  private readonly namedLabels: Label[] = [];
  private readonly pool: PoolEntry[] = [];
  private poolCount = 0;
  private readonly poolIndex = new Map<string, Label>();
  /** How many pool entries poolIndex has seen (constantAt's entries may repeat bytes: not its size). */
  private poolIndexed = 0;
  /** The pool's bytes, entry after entry (one buffer, not a small array per constant). */
  private poolData = new Uint8Array(256);
  private poolSize = 0;
  /**
   * Jump tables, three numbers each: start (the offset rel32 entries are relative to), kind
   * (REL32, OFFSET32, ABS64) and entry count, the first `tablesEnd` numbers; their targets in
   * order in `tableTargets`, the first `targetCount` (both emptied by count, like `boundLabels`).
   */
  private readonly tables: number[] = [];
  private tablesEnd = 0;
  private readonly tableTargets: Label[] = [];
  private targetCount = 0;
  /**
   * The labels bound with bind(), the first `boundCount` of them (entries past it are left over:
   * these arrays and `pool` are emptied by their counts, as shrinking an array calls the runtime).
   */
  private readonly boundLabels: Label[] = [];
  private boundCount = 0;
  /** Their offsets when bound, by the same index (relaxation reads these, not the scattered labels). */
  private boundOffsets = new Int32Array(256);
  /** Byte ranges [start, length] that relaxation drops (see omit). */
  private readonly omissions: number[] = [];
  /**
   * Alignment pads [start, length] and the label bound after each (see alignedLabel); null for a
   * pad that unalign() dropped, which relaxation then omits like a range given to omit().
   */
  private readonly pads: number[] = [];
  private readonly padLabels: (Label | null)[] = [];
  /**
   * Calls to the module's functions (callFunction), two numbers each: where the call's rel32 is
   * and the callee, the first `functionCallsEnd`. Numbers rather than fix-up records: a module may
   * call every few operators. Relaxation moves them as it moves fix-ups.
   */
  private functionCalls = new Int32Array(64);
  private functionCallsEnd = 0;
  /** relaxBranches() has run: nothing more may be emitted. */
  private relaxed = false;
  private finished = false;
  /** The code's length before relaxation (0: relaxation moved nothing). */
  private relaxedLength = 0;
  /** Bytes relaxation saved. */
  private savedBytes = 0;
  /** Where the constant pool starts in the finished code, and where the code ends. */
  private poolOffset = 0;
  private finishedLength = 0;
  /** Branch relaxation's candidates, reused by every finish(). */
  private readonly relaxation = new BranchRelaxation();
  /**
   * Where an offset read from `asm.offset` during assembly ends up in the finished code: the
   * identity unless relaxation moved code. Valid until reset() (finish() hands out a copy).
   */
  readonly mapOffset = (offset: number): number => (this.relaxedLength === 0 ? offset : this.relaxation.map(offset));
  /** mapOffset of `count` offsets in place, every `stride`-th number of `data` from the first (fastest in nondecreasing order). */
  mapOffsetsInPlace(data: Int32Array, count: number, stride: number): void {
    if (this.relaxedLength !== 0) this.relaxation.mapInPlace(data, count, stride);
  }
  /** This piece of code's generation: labels bound here carry it (Label.bindStamp). */
  private stamp = ++Assembler.generations;

  /**
   * Start over for the next piece of code, keeping the buffer's memory (one Assembler can serve
   * every function of a module). What `finish()` returned stays valid; old labels must not be reused.
   */
  reset(): void {
    // Most functions leave most of these empty, and emptying an empty array or map still costs a
    // call into the runtime: only what holds something is cleared.
    this.buf.length = 0;
    if (this.labelRefs.length !== 0) this.labelRefs.truncate(0);
    if (this.fixups.length !== 0) this.fixups.length = 0;
    this.functionCallsEnd = 0;
    if (this.namedLabels.length !== 0) this.namedLabels.length = 0;
    this.poolCount = 0;
    this.poolSize = 0;
    if (this.poolIndex.size !== 0) this.poolIndex.clear();
    this.poolIndexed = 0;
    this.tablesEnd = 0;
    this.targetCount = 0;
    this.boundCount = 0;
    // Emptied by pops: a new array would be allocated and grown again by most functions.
    while (this.omissions.length !== 0) this.omissions.pop();
    while (this.padLabels.length !== 0) this.pads.pop(), this.pads.pop(), this.padLabels.pop();
    this.relaxed = this.finished = false;
    this.relaxedLength = this.savedBytes = 0;
    this.stamp = ++Assembler.generations;
  }

  // --- labels

  /** A new unbound label; named labels are reported by `finish()`. */
  newLabel(name?: string): Label {
    const l = new Label(name);
    if (name !== undefined) this.namedLabels.push(l);
    return l;
  }

  /** Bind `label` to the current offset. */
  bind(label: Label): void {
    if (label.offset >= 0) throw new Error(`x64: label ${label.name ?? ''} bound twice`);
    const offset = (label.offset = this.buf.length);
    label.bindStamp = this.stamp;
    const j = this.boundCount++;
    this.boundLabels[j] = label;
    (this.boundOffsets = withRoom(this.boundOffsets, j + 1))[j] = offset;
  }

  /** A new label bound here. */
  here(name?: string): Label {
    const l = this.newLabel(name);
    this.bind(l);
    return l;
  }

  // --- padding

  /** `n` bytes of nops, in as few instructions as the recommended forms allow. */
  nop(n = 1): void {
    while (n > 0) {
      const k = Math.min(n, 9);
      this.buf.append(NOPS[k]!);
      n -= k;
    }
  }
  /** Pad with nops to a multiple of `alignment` (a power of two). */
  align(alignment: number, fill: 'nop' | 'int3' | 'zero' = 'nop'): void {
    if (fill !== 'nop') return this.buf.alignWith(alignment, 0, fill === 'int3' ? 0xcc : 0);
    this.nop((alignment - (this.buf.length % alignment)) % alignment);
  }
  /** One nop instruction of `n` bytes (0..15): the recommended forms, longer ones with extra 0x66 prefixes. */
  nopInstruction(n: number): void {
    if (n < 0 || n > 15) throw new Error(`x64: no single nop of ${n} bytes`);
    this.buf.reserve(n);
    writeNop(this.buf.bytes, this.buf.length, n);
    this.buf.length += n;
  }
  /**
   * A nop instruction of `n` bytes (0..15), then `label` bound after it, on a 16-byte boundary of
   * the final code (`n` is what gets it there). Branch relaxation keeps it there: the pad shrinks
   * or grows by what the code before it saved, modulo 16 (see branchRelaxation.ts).
   */
  alignedLabel(n: number, label: Label): void {
    if (n < 0 || n > 15) throw new Error(`x64: no single nop of ${n} bytes`);
    this.pads.push(this.buf.length, n);
    this.padLabels.push(label);
    // Room for the nop only: its bytes are written when the code is finished, where it ends up
    // (relaxation usually moves it and changes its length: see writePads).
    this.buf.reserve(n);
    this.buf.length += n;
    this.bind(label);
  }

  /**
   * Drop the alignment pad in front of `label` after all (see alignedLabel): its nops are left
   * out of the final code, the label stays where the code after them lands.
   */
  unalign(label: Label): void {
    const k = this.padLabels.lastIndexOf(label);
    if (k < 0) throw new Error('assembler: unalign of a label that is not aligned');
    this.padLabels[k] = null;
  }

  // --- patching code already emitted

  /** Overwrite the 32-bit little-endian field at `at` (an immediate emitted with a placeholder). */
  patch32(at: number, value: number): void {
    this.buf.patch32(at, value);
  }
  /** Overwrite `n` bytes at `at` with nops (an instruction that turned out not to be needed). */
  patchNops(at: number, n: number): void {
    while (n > 0) {
      const k = Math.min(n, 9);
      writeNop(this.buf.bytes, at, k);
      at += k;
      n -= k;
    }
  }
  /** Overwrite `n` bytes at `at` with `ret` and nops after it. */
  patchRet(at: number, n: number): void {
    this.buf.patch8(at, 0xc3);
    this.patchNops(at + 1, n - 1);
  }
  /**
   * `length` bytes at `at` (already emitted, left valid as nops or dead code) that no label or
   * reference points into: `finish({ relaxBranches: true })` drops them.
   */
  omit(at: number, length: number): void {
    const omissions = this.omissions;
    // Kept in order of offset (ranges usually come in order).
    let i = omissions.length;
    while (i > 0 && omissions[i - 2]! > at) i -= 2;
    if (i === omissions.length) omissions.push(at, length);
    else omissions.splice(i, 0, at, length);
  }

  /** May the code since `offset` be dropped (no label bound and no fix-up recorded in it)? */
  canRewind(offset: number): boolean {
    const fixups = this.fixups, bound = this.boundCount, calls = this.functionCallsEnd;
    return !(
      (fixups.length > 0 && fixups[fixups.length - 1]!.offset >= offset) ||
      (calls > 0 && this.functionCalls[calls - 2]! >= offset) ||
      (bound > 0 && this.boundOffsets[bound - 1]! > offset)
    );
  }

  /**
   * Drop the code emitted since `offset`, to emit something better instead. References to labels
   * made since then (a RIP-relative constant, say) are dropped with it; nothing since `offset`
   * may have bound a label or recorded a fix-up (checked).
   */
  rewind(offset: number): void {
    if (!this.canRewind(offset)) throw new Error('x64: rewind over a bound label or a fix-up');
    const refs = this.labelRefs;
    let n = refs.length;
    while (n > 0 && refs.data[(n - 1) * FIELDS + AT]! >= offset) n--;
    refs.truncate(n);
    this.buf.length = offset;
  }

  /**
   * `call rel32` to function `callee` of the module, whose address is not known yet: the
   * displacement is left 0 for whoever places the functions (addFunctionCalls; finish() reports
   * these calls as rel32 fix-ups with the callee as target).
   */
  callFunction(callee: number): void {
    this.toFunction(0xe8, callee);
  }

  /** `jmp rel32` to function `callee` of the module (a tail call), resolved as callFunction's calls are. */
  jmpFunction(callee: number): void {
    this.toFunction(0xe9, callee);
  }

  private toFunction(opcode: number, callee: number): void {
    const buf = this.buf;
    buf.reserve(5);
    const bytes = buf.bytes;
    const at = buf.length + 1;
    bytes[at - 1] = opcode;
    bytes[at] = bytes[at + 1] = bytes[at + 2] = bytes[at + 3] = 0;
    buf.length = at + 4;
    const n = this.functionCallsEnd;
    const calls = (this.functionCalls = withRoom(this.functionCalls, n + 2));
    calls[n] = at;
    calls[n + 1] = callee;
    this.functionCallsEnd = n + 2;
  }

  // --- data in the code

  /** Raw bytes at the current offset. */
  bytes(data: ArrayLike<number>): void {
    this.buf.append(data);
  }

  /**
   * A jump table here: one entry per label, each
   * - `rel32`: the target's offset minus the table's own offset (load with movsxd, add the table address);
   * - `offset32`: the target's offset from the start of the code;
   * - `abs64`: the target's absolute address (an `abs64` fix-up against `CODE_START`).
   * Returns a label bound at the table's start.
   */
  jumpTable(targets: readonly Label[], kind: 'rel32' | 'offset32' | 'abs64' = 'rel32'): Label {
    this.align(kind === 'abs64' ? 8 : 4, 'int3');
    const table = this.here();
    const size = kind === 'abs64' ? 8 : 4;
    const tables = this.tables, t = this.tablesEnd;
    tables[t] = table.offset;
    tables[t + 1] = kind === 'rel32' ? REL32 : kind === 'offset32' ? OFFSET32 : ABS64;
    tables[t + 2] = targets.length;
    this.tablesEnd = t + 3;
    const tableTargets = this.tableTargets;
    for (let i = 0, l = this.targetCount; i < targets.length; i++, l++) tableTargets[l] = targets[i]!;
    this.targetCount += targets.length;
    // Room for the entries: finish() writes rel32 and offset32 ones; abs64 ones are the
    // runtime's to fill (a fix-up each) and are zeros until then.
    const buf = this.buf;
    buf.reserve(size * targets.length);
    if (kind === 'abs64') buf.bytes.fill(0, buf.length, buf.length + size * targets.length);
    buf.length += size * targets.length;
    return table;
  }

  // #region constant-pool
  /**
   * A RIP-relative memory operand for constant bytes placed after the code (deduplicated,
   * aligned to `align`). Floating-point constants and masks live here.
   */
  constant(bytes: Uint8Array, align = bytes.length, size: 0 | 32 | 64 | 128 = 0): Mem {
    const label = this.pooled(bytes, align) ?? this.addConstant(new Label('constant'), bytes, align);
    return ripLabel(label, 0, size);
  }
  /**
   * Constant bytes in the pool at `label`, a label code referred to before the bytes were known
   * (not deduplicated: the label is the caller's).
   */
  constantAt(label: Label, bytes: Uint8Array, align: number): void {
    this.addConstant(label, bytes, align);
  }
  private addConstant(label: Label, bytes: Uint8Array, align: number): Label {
    const start = this.poolSize, n = bytes.length;
    if (start + n > this.poolData.length) {
      const grown = new Uint8Array(2 * (start + n));
      grown.set(this.poolData);
      this.poolData = grown;
    }
    for (let i = 0; i < n; i++) this.poolData[start + i] = bytes[i]!;
    this.poolSize = start + n;
    this.pool[this.poolCount++] = { label, start, length: n, align };
    return label;
  }
  /** The label of constant bytes already in the pool, if any. */
  private pooled(bytes: Uint8Array, align: number): Label | undefined {
    const pool = this.pool, count = this.poolCount, data = this.poolData, n = bytes.length;
    // A function has a few constants: comparing them beats building a key. Past a few dozen,
    // they are indexed by their bytes (the index catches up with the pool when first needed).
    if (count <= 32) {
      for (let i = 0; i < count; i++) {
        const e = pool[i]!;
        if (e.align !== align || e.length !== n) continue;
        let k = 0;
        while (k < n && data[e.start + k] === bytes[k]) k++;
        if (k === n) return e.label;
      }
      return undefined;
    }
    const index = this.poolIndex;
    for (; this.poolIndexed < count; this.poolIndexed++) {
      const e = pool[this.poolIndexed]!;
      const key = constantKey(data, e.start, e.start + e.length, e.align);
      if (!index.has(key)) index.set(key, e.label);
    }
    return index.get(constantKey(bytes, 0, n, align));
  }
  constF32(value: number): Mem {
    SCRATCH_VIEW.setFloat32(0, value, true);
    return this.constant(SCRATCH4, 4, 32);
  }
  constF64(value: number): Mem {
    SCRATCH_VIEW.setFloat64(0, value, true);
    return this.constant(SCRATCH, 8, 64);
  }
  /** 16 bytes: `lo` then `hi` 64-bit halves (masks for andps/xorps and friends). */
  const128(lo: bigint, hi: bigint): Mem {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, BigInt.asUintN(64, lo), true);
    v.setBigUint64(8, BigInt.asUintN(64, hi), true);
    return this.constant(b, 16, 128);
  }
  // #endregion constant-pool

  // #region finish
  /** Emit the constant pool, resolve every label reference, and hand back the code. */
  finish(options: FinishOptions = {}): AssembledCode {
    if (options.relaxBranches && !this.relaxed) this.relaxBranches();
    this.finishInto(this.buf);
    const buf = this.buf;
    const constantPoolOffset = this.poolOffset;
    const dataRanges: [number, number][] = [];
    this.addDataRanges(dataRanges, 0);
    const labels = this.namedLabels.length === 0 ? NO_LABELS : new Map<string, number>();
    for (const l of this.namedLabels) if (l.offset >= 0) (labels as Map<string, number>).set(l.name!, l.offset);
    const calls = this.functionCalls;
    for (let i = 0; i < this.functionCallsEnd; i += 2) this.fixups.push({ kind: 'rel32', offset: calls[i]!, target: calls[i + 1]!, addend: -4 });
    return {
      code: buf.toBytes(),
      fixups: this.fixups.length === 0 ? NONE : this.fixups.slice(),
      labels, constantPoolOffset,
      dataRanges: dataRanges.length === 0 ? NONE : dataRanges,
      mapOffset: this.relaxedLength === 0 ? IDENTITY : this.relaxation.snapshot(),
      relaxedBytes: this.savedBytes,
    };
  }

  /**
   * Finish into a buffer of the caller's (a module's code): the code is written at the end of
   * `out`, relaxed if relaxBranches() ran, the constant pool after it, label references resolved
   * there (no copy of the code to hand back). `out` may be this assembler's own buffer (as
   * finish() does). What finish() would return is then read here, until reset(): the code's
   * length (returned), `finishedFixups`, `addDataRanges`, `mapOffset`.
   */
  finishInto(out: CodeBuffer): number {
    if (this.finished) throw new Error('x64: finish() called twice');
    this.finished = true;
    const buf = this.buf;
    const base = out === buf ? 0 : out.length;
    // The code: as relaxation made it, piece by piece, or as emitted, in one piece.
    if (this.relaxedLength > 0) this.slideRelaxed(out, base);
    else {
      this.writePads();
      if (out !== buf) out.append(buf.bytes, buf.length);
    }
    // The constant pool, aligned from the code's start; 16-byte constants (vectors, which SSE
    // reads as operands only from aligned memory) from `out`'s start, which the code is loaded
    // at a page boundary from.
    if (this.poolCount > 0) {
      let maxAlign = 1;
      for (let i = 0; i < this.poolCount; i++) maxAlign = Math.max(maxAlign, this.pool[i]!.align);
      out.alignWith(maxAlign, maxAlign >= 16 ? 0 : -base, 0xcc);
    }
    this.poolOffset = out.length - base;
    for (let i = 0; i < this.poolCount; i++) {
      const entry = this.pool[i]!;
      out.alignWith(entry.align, entry.align >= 16 ? 0 : -base, 0);
      entry.label.offset = out.length - base;
      entry.label.bindStamp = this.stamp;
      out.reserve(entry.length);
      for (let k = 0; k < entry.length; k++) out.put(this.poolData[entry.start + k]!);
    }
    this.finishedLength = out.length - base;

    const refs = this.labelRefs;
    const r = refs.data;
    const stamp = this.stamp, movedBelow = this.relaxedLength;
    const code = out.bytes; // the pool is in: the buffer no longer grows
    // If relaxation moved the code, every reference moves with it but the jumps it made short or
    // dropped (size 0: slideRelaxed wrote or left them out). References were recorded in code
    // order, so their offsets come in nondecreasing order and map with a moving pointer over the
    // candidates (none when nothing moved). No candidate starts inside an instruction: a
    // reference's field and the instruction's end move together.
    const { start: cStart, savedBefore } = this.relaxation;
    const nMoved = movedBelow > 0 ? this.relaxation.length : 0;
    for (let k = 0, i = 0, a = 0; k < refs.length; k++, i += FIELDS) {
      const size = r[i + SIZE]!;
      if (size === 0) continue; // a jump relaxation shortened or dropped (to a label bound here)
      const label = refs.labels[k]!;
      let target = label.offset;
      if (target < 0) throw new Error(`x64: label ${label.name ?? ''} used but never bound`);
      // A label whose offset was set by hand inside code that relaxation moved moves with it
      // (once, even if several references use it); one beyond the code stays.
      if (target < movedBelow && label.bindStamp !== stamp) {
        label.offset = target = this.relaxation.map(target);
        label.bindStamp = stamp;
      }
      let at = r[i + AT]!;
      const fromEnd = r[i + END]! - at;
      if (nMoved > 0) {
        while (a < nMoved && cStart[a]! < at) a++;
        at -= savedBefore[a]!;
      }
      const d = target + r[i + ADDEND]! - (at + fromEnd);
      at += base;
      if (size === 1) {
        if (d < -128 || d > 127) throw new Error(`x64: short jump to ${label.name ?? 'label'} out of range (${d})`);
        code[at] = d;
      } else {
        code[at] = d;
        code[at + 1] = d >> 8;
        code[at + 2] = d >> 16;
        code[at + 3] = d >> 24;
      }
    }
    // The jump tables' entries.
    const tables = this.tables, tableTargets = this.tableTargets;
    for (let t = 0, l = 0; t < this.tablesEnd; t += 3) {
      const start = tables[t]!, kind = tables[t + 1]!, count = tables[t + 2]!;
      for (let e = 0; e < count; e++, l++) {
        const label = tableTargets[l]!;
        const target = label.offset;
        if (target < 0) throw new Error(`x64: jump-table label ${label.name ?? ''} never bound`);
        if (kind === REL32) out.patch32(base + start + 4 * e, target - start);
        else if (kind === OFFSET32) out.patch32(base + start + 4 * e, target);
        else this.fixups.push({ kind: 'abs64', offset: start + 8 * e, target: CODE_START, addend: target });
      }
    }
    return this.finishedLength;
  }

  /** After finishing: the fix-ups for the runtime (see AssembledCode.fixups), valid until reset(). */
  get finishedFixups(): readonly Fixup[] {
    return this.fixups;
  }

  /** After finishing: the calls to the module's functions (callFunction), each as out.add(where its rel32 is, moved by `at`; the callee; the addend -4). */
  addFunctionCalls(out: { add(at: number, callee: number, addend: number): void }, at: number): void {
    const calls = this.functionCalls;
    for (let i = 0; i < this.functionCallsEnd; i += 2) out.add(at + calls[i]!, calls[i + 1]!, -4);
  }

  /** After finishing: the data in the code (jump tables, then the pool) as ranges [start, end), moved by `at`, appended to `out`. */
  addDataRanges(out: [number, number][], at: number): void {
    const tables = this.tables;
    for (let t = 0; t < this.tablesEnd; t += 3) {
      const start = tables[t]!, kind = tables[t + 1]!, count = tables[t + 2]!;
      if (count > 0) out.push([at + start, at + start + (kind === ABS64 ? 8 : 4) * count]);
    }
    if (this.finishedLength > this.poolOffset) out.push([at + this.poolOffset, at + this.finishedLength]);
  }
  // #endregion finish

  // #region relax
  /**
   * Shrink what branch relaxation allows (see FinishOptions.relaxBranches): decide which jumps
   * become short and move the labels, fix-ups and jump tables; the code itself moves when it is
   * finished (slideRelaxed). Nothing may be emitted after it. Returns the bytes saved (0: nothing
   * moved).
   */
  relaxBranches(): number {
    if (this.relaxed || this.finished) throw new Error('x64: relaxBranches() after finishing');
    this.relaxed = true;
    const refs = this.labelRefs;
    const rows = refs.data;
    const nRefs = refs.length;
    const relaxation = this.relaxation;
    relaxation.clear();
    // Only jumps to labels bound here with bind() are candidates: a label whose offset the caller
    // set by hand may point outside this code, where our positions mean nothing. A candidate's
    // tag is its row in the label references, -1 for a range to omit, -2 - k for alignment pad k.
    // Jumps, omitted ranges and pads ([start, length] pairs) were each recorded in code order:
    // merging them keeps the candidates sorted by start (a pad before a jump that starts where it
    // does: the pad may be empty).
    const stamp = this.stamp;
    const omissions = this.omissions, pads = this.pads, padLabels = this.padLabels;
    let o = 0;
    let p = 0;
    for (let k = 0, i = 0; k <= nRefs; k++, i += FIELDS) {
      let at = 0x7fffffff;
      let label: Label | null = null;
      if (k < nRefs) {
        if (rows[i + SHORT] === 0) continue;
        label = refs.labels[k]!;
        if (label.bindStamp !== stamp) continue;
        at = rows[i + START]!;
      }
      for (;;) {
        const omitAt = o < omissions.length ? omissions[o]! : 0x7fffffff;
        const padAt = p < pads.length ? pads[p]! : 0x7fffffff;
        if (p < pads.length && padAt <= at && padAt <= omitAt) {
          const n = pads[p + 1]!;
          if (padLabels[p / 2] !== null) relaxation.add(PAD, padAt, n, padAt, -2 - p / 2);
          else if (n > 0) relaxation.add(DROPPED, padAt, n, padAt, -1); // unaligned
          p += 2;
        } else if (omitAt < at) {
          relaxation.add(DROPPED, omitAt, omissions[o + 1]!, omitAt, -1);
          o += 2;
        } else break;
      }
      if (label !== null) relaxation.add(LONG, at, rows[i + SHORT] === 0xeb ? 3 : 4, label.offset, i);
    }
    const saved = relaxation.relax();
    if (saved === 0) return 0;
    const n = relaxation.length;
    const { start: cStart, tag: cTag, state: cState, padLength, savedBefore } = relaxation;

    // New label offsets: every label bound here moves with the code (labels were bound in code
    // order: a moving pointer over the candidates maps them), and a pad's label lands after the
    // pad as it becomes (the mapping puts an offset at a pad's start before the pad, which is
    // right for everything else there, an empty pad's label included). The old offsets stay in
    // boundOffsets, in case the code has to stay as it was.
    const bound = this.boundLabels, old = this.boundOffsets, nBound = this.boundCount;
    for (let j = 0, c = 0; j < nBound; j++) {
      const offset = old[j]!;
      while (c < n && cStart[c]! < offset) c++;
      bound[j]!.offset = offset - savedBefore[c]!;
    }
    if (pads.length > 0) {
      for (let c = 0; c < n; c++) {
        if (cState[c] === PAD) padLabels[-2 - cTag[c]!]!.offset = cStart[c]! - savedBefore[c]! + padLength[c]!;
      }
      // A pad that grew could put a short jump across it out of reach (a backward one was sized
      // when it was emitted): then the code stays as it was. (If none grew, every distance shrank.)
      if (relaxation.padsGrew && !this.shortJumpsFit()) {
        for (let j = 0; j < nBound; j++) bound[j]!.offset = old[j]!;
        return 0;
      }
    }

    this.relaxedLength = this.buf.length;
    this.savedBytes = saved;

    const fixups = this.fixups as unknown as { offset: number }[];
    for (let i = 0, c = 0; i < fixups.length; i++) {
      const f = fixups[i]!;
      while (c < n && cStart[c]! < f.offset) c++;
      f.offset -= savedBefore[c]!;
    }
    const calls = this.functionCalls;
    for (let i = 0, c = 0; i < this.functionCallsEnd; i += 2) {
      while (c < n && cStart[c]! < calls[i]!) c++;
      calls[i] = calls[i]! - savedBefore[c]!;
    }
    // A table moves whole (nothing relaxation changes lies inside one).
    const tables = this.tables;
    for (let t = 0; t < this.tablesEnd; t += 3) tables[t] = relaxation.map(tables[t]!);
    return saved;
  }

  /**
   * Copy the code as relaxation made it to the end of `out` (at `base`; `out` may be this
   * assembler's buffer, slid down in place: the write position never passes the read position):
   * the short jumps where the near ones were, with their displacements (their labels have moved),
   * pads at their new lengths, dropped bytes left out. The references of the jumps made short or
   * dropped whole are marked done (size 0); the others move in finishInto(), and so do hand-set
   * labels inside the code.
   */
  private slideRelaxed(out: CodeBuffer, base: number): void {
    const relaxation = this.relaxation;
    const n = relaxation.length;
    const { start: cStart, saving: cSaving, tag: cTag, state: cState, padLength } = relaxation;
    const rows = this.labelRefs.data, labels = this.labelRefs.labels;
    out.reserve(this.relaxedLength - this.savedBytes);
    const inPlace = out === this.buf, src = this.buf;
    const code = src.bytes, dst = out.bytes; // (after reserve: in place, it may have grown the buffer)
    let from = 0;
    let to = base;
    for (let c = 0; c < n; c++) {
      const state = cState[c]!;
      if (state === LONG) continue;
      const at = cStart[c]!;
      to = inPlace ? slidePiece(code, to, from, at) : copyPiece(src, out, to, from, at);
      const r = cTag[c]!;
      if (state === SHORTENED) {
        const isJmp = cSaving[c] === 3;
        dst[to] = isJmp ? 0xeb : 0x70 + (code[at + 1]! & 15);
        // Its label has moved already; relax() (and shortJumpsFit, if a pad grew) made sure it reaches.
        dst[to + 1] = labels[r / FIELDS]!.offset - (to - base + 2);
        rows[r + SIZE] = 0;
        to += 2;
        from = at + (isJmp ? 5 : 6);
        continue;
      }
      if (r >= 0) rows[r + SIZE] = 0; // a jump to the next instruction, dropped
      from = at + cSaving[c]!;
      if (state === PAD) {
        writeNop(dst, to, padLength[c]!);
        to += padLength[c]!;
      }
    }
    const end = this.relaxedLength;
    out.length = inPlace ? slidePiece(code, to, from, end) : copyPiece(src, out, to, from, end);
  }

  /** The code stays as emitted: the alignment pads' nops go where alignedLabel left room for them. */
  private writePads(): void {
    const pads = this.pads, code = this.buf.bytes;
    for (let p = 0; p < pads.length; p += 2) writeNop(code, pads[p]!, pads[p + 1]!);
  }

  /** Does every short jump, and every jump about to become short, reach its target after relaxation (labels already moved)? */
  private shortJumpsFit(): boolean {
    const refs = this.labelRefs;
    const rows = refs.data;
    const relaxation = this.relaxation;
    const { start, tag, state, savedBefore } = relaxation;
    for (let c = 0; c < relaxation.length; c++) {
      if (state[c] !== SHORTENED) continue;
      const r = tag[c]!;
      const d = refs.labels[r / FIELDS]!.offset - (start[c]! - savedBefore[c]! + 2);
      if (d < -128 || d > 127) return false;
    }
    // References come in code order: their ends map with a moving pointer.
    for (let k = 0, i = 0, c = 0; k < refs.length; k++, i += FIELDS) {
      if (rows[i + SIZE] !== 1) continue;
      const label = refs.labels[k]!;
      if (label.bindStamp !== this.stamp) continue;
      const end = rows[i + END]!;
      while (c < relaxation.length && start[c]! < end) c++;
      const d = label.offset + rows[i + ADDEND]! - (end - savedBefore[c]!);
      if (d < -128 || d > 127) return false;
    }
    return true;
  }
  // #endregion relax

}
// #endregion assembler
