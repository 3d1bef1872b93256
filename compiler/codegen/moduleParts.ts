// Putting together a module compiled in parts (ModulePart: worker threads each compile a share
// of the functions). Each function's code depends only on itself, and every function starts at
// a 16-byte boundary, so copying the functions back in index order and shifting what points into
// them gives exactly the bytes one thread would have produced.

import { CompileError } from '../errors.ts';
import type { CompiledFunction } from '../abi/index.ts';
import { callDisplacement, type CompiledModuleWithNotes, type CompiledPart, type CompileOptions, compilePart } from './moduleCompiler.ts';
import type { BoundsCheckCounts } from './ops/boundsChecks.ts';

/** Which items of a list sorted by offset fall in [from, to): walks a cursor forward. */
class Cursor<T> {
  private i = 0;
  constructor(private readonly items: readonly T[], private readonly offsetOf: (item: T) => number) {}
  /** Call `take` for each item before `to` (every item, for `to` = Infinity). */
  takeBefore(to: number, take: (item: T) => void): void {
    const items = this.items;
    while (this.i < items.length && this.offsetOf(items[this.i]!) < to) take(items[this.i++]!);
  }
}

/** Where a function's code starts: its entry, or the stub before it. */
const codeStart = (f: CompiledFunction): number => f.offset - f.prefix;

// #region merge-parts
/** A function's place in the merged code: which part has it, and how far its code moves. */
interface Placement {
  readonly part: number;
  readonly f: CompiledFunction;
  /** Where the part's next function starts: what lies before it belongs to this one. */
  readonly end: number;
  readonly shift: number;
}

/** The whole module from its parts (any order); `parts[0].info` stands for the module. */
export function mergeParts(parts: readonly CompiledPart[]): CompiledModuleWithNotes {
  // First where every function goes, in index order: each keeps its position modulo 16 (its entry
  // or its loop heads are aligned), or 64 with a dispatch loop (see Frame.dispatchLoop).
  const placements: Placement[] = [];
  const offsets: number[] = [];
  const dispatch = parts.map((p) => new Set(p.dispatchFunctions));
  const next = parts.map(() => 0);
  let length = 0;
  for (;;) {
    // The part whose next function has the lowest index.
    let q = -1;
    for (let i = 0; i < parts.length; i++) {
      const f = parts[i]!.functions[next[i]!];
      if (f !== undefined && (q < 0 || f.funcIndex < parts[q]!.functions[next[q]!]!.funcIndex)) q = i;
    }
    if (q < 0) break;
    const functions = parts[q]!.functions;
    const f = functions[next[q]!++]!;
    const from = codeStart(f);
    const alignment = dispatch[q]!.has(f.funcIndex) ? 64 : 16;
    const at = length + ((((from - length) % alignment) + alignment) % alignment);
    const end = next[q]! < functions.length ? codeStart(functions[next[q]!]!) : Infinity;
    placements.push({ part: q, f, end, shift: at - from });
    offsets[f.funcIndex] = f.offset + at - from;
    length = at + f.offset + f.size - from;
  }

  // Then the code (int3 between functions, as one thread pads) and what points into it.
  const code = new Uint8Array(length).fill(0xcc);
  const patch = new DataView(code.buffer);
  const functions: CompiledFunction[] = [];
  const trapSites = new Int32Array(parts.reduce((n, p) => n + p.trapSites.length, 0));
  let trapEnd = 0;
  const notes: [number, string][] = [];
  const dataRanges: [number, number][] = [];
  const cursors = parts.map((p) => ({
    /** The part's next trap site, four numbers each (see TrapSite). */
    trapAt: 0,
    notes: new Cursor(p.notes, (n) => n[0]),
    data: new Cursor(p.dataRanges, (r) => r[0]),
    /** The part's next call to patch, three numbers each (see CompiledPart.calls). */
    callAt: 0,
  }));
  for (const { part, f, end, shift } of placements) {
    code.set(parts[part]!.code.subarray(codeStart(f), f.offset + f.size), codeStart(f) + shift);
    functions.push({ funcIndex: f.funcIndex, offset: f.offset + shift, size: f.size, prefix: f.prefix });
    const c = cursors[part]!;
    // A site is a return address: it belongs to the call before it (the last stub's is the function's end).
    const sites = parts[part]!.trapSites;
    for (let i = c.trapAt; i < sites.length && sites[i]! - 1 < end; i += 4, trapEnd += 4) {
      trapSites[trapEnd] = sites[i]! + shift;
      trapSites[trapEnd + 1] = sites[i + 1]!;
      trapSites[trapEnd + 2] = sites[i + 2]!;
      trapSites[trapEnd + 3] = sites[i + 3]!;
      c.trapAt = i + 4;
    }
    c.notes.takeBefore(end, (n) => notes.push([n[0] + shift, n[1]]));
    c.data.takeBefore(end, (r) => dataRanges.push([r[0] + shift, r[1] + shift]));
    const calls = parts[part]!.calls;
    for (; c.callAt < calls.length && calls[c.callAt]! < end; c.callAt += 3) {
      const at = calls[c.callAt]! + shift;
      patch.setInt32(at, callDisplacement(offsets, at, calls[c.callAt + 1]!, calls[c.callAt + 2]!), true);
    }
  }
  const stubbed = new Map<number, string>();
  const boundsChecks: BoundsCheckCounts = { kept: 0, removed: 0 };
  for (const p of parts) {
    for (const [i, why] of p.stubbed) stubbed.set(i, why);
    boundsChecks.kept += p.boundsChecks.kept;
    boundsChecks.removed += p.boundsChecks.removed;
  }
  return {
    info: parts[0]!.info, code, functions, relocations: [], trapSites,
    notes, dataRanges, stubbed: new Map([...stubbed].sort((a, b) => a[0] - b[0])), boundsChecks,
  };
}
// #endregion merge-parts

/**
 * The error one thread compiling the whole module would have stopped at, from the errors of its
 * parts: each part validates the declarations and its own bodies, so the earliest of its first
 * errors is the module's first (an error that is not a CompileError, a bug, comes before all).
 */
export function firstError(errors: readonly Error[]): Error {
  const at = (e: Error): number => (e instanceof CompileError ? (e.offset ?? Infinity) : -1);
  return errors.reduce((first, e) => (at(e) < at(first) ? e : first));
}

/** Compile the `count` parts one after another on this thread and merge them (for checking the merge). */
export function compileInParts(bytes: Uint8Array, count: number, options: Omit<CompileOptions, 'part'> = {}): CompiledModuleWithNotes {
  const parts: CompiledPart[] = [];
  const errors: Error[] = [];
  for (let index = 0; index < count; index++) {
    try {
      parts.push(compilePart(bytes, { index, count }, options));
    } catch (e) {
      errors.push(e as Error);
    }
  }
  if (errors.length > 0) throw firstError(errors);
  return mergeParts(parts);
}
