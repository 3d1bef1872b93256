// The legacy exception instructions (before exnref): try, catch, catch_all, delegate, rethrow,
// compiled onto exnref's machinery (exceptions.ts), which the runtime already knows:
// - A `try` links a handler record as a try_table does. Its clauses are not known yet (the
//   catches come after the body), so the record points at a clause list and a landing-pad table
//   written later, after the function's code (legacyTables); every clause is a *_ref one, so the
//   runtime hands the pad the exnref along with the payload.
// - A `catch` ends the region before it like an `else` (falling out of the body unlinks the
//   record), and its landing pad is the start of the catch body: the payload goes to the stack,
//   the exnref to the slot of this catch nesting level, where `rethrow` finds it. The runtime has
//   unlinked the record when it lands there, so in a catch body the try counts no record.
// - A `delegate` ends the try with one catch_all clause, whose pad unlinks the records inside the
//   label it names and throws the exnref again, from there.
// Code without them is exactly what it was.

import { CatchKind, FrameKind, type ControlFrame } from '../validate/codegenInterface.ts';
import { encodingOf, EXCEPTION_AREA, EXCEPTION_STATE, Reg } from '../abi/index.ts';
import { GPR64, type Label, qword, ripLabel } from '../x64/index.ts';
import { branchTo, type CFrame, end, newFrame, unlinkHandlers } from './controlFlow.ts';
import { callThrowRef, enterPad, enterTry, linkRecord, loadState, receivePayload, tagType } from './exceptions.ts';
import type { FunctionCompiler } from './functionCompiler.ts';
import { saveLocals } from './locals.ts';
import { SCRATCH, SCRATCH2 } from './registerAllocator.ts';

// #region legacy-try
/** A legacy try being compiled: where its clause list and pad table go, and what they hold. */
export interface LegacyTry {
  readonly frame: CFrame;
  readonly clauses: Label;
  readonly landings: Label;
  /** Per clause: its kind (catch_ref or catch_all_ref), tag and landing pad. */
  readonly kinds: number[];
  readonly tags: number[];
  readonly pads: Label[];
}

export function legacyTry(fc: FunctionCompiler, vf: ControlFrame): void {
  const asm = fc.asm;
  const k = fc.control.top().tries;
  enterTry(fc, vf);
  const clauses = asm.newLabel(), landings = asm.newLabel();
  linkRecord(fc, k, ripLabel(clauses), landings);
  const frame = newFrame(fc, vf, asm.newLabel());
  fc.control.frames.push(frame);
  fc.control.legacyTries.push({ frame, clauses, landings, kinds: [], tags: [], pads: [] });
}

/** catch (tag >= 0) or catch_all (-1); `live`: the region before falls through to the try's end. */
export function legacyCatch(fc: FunctionCompiler, tag: number, live: boolean): void {
  const t = fc.control.legacyTries.at(-1)!;
  const f = t.frame;
  if (live) branchTo(fc, f); // out of the body, this unlinks the record
  if (f.kind === FrameKind.try) {
    // From here on the record is unlinked (the runtime did, landing here), and a slot is this level's.
    (f as { kind: FrameKind }).kind = FrameKind.catch;
    f.tries--;
    f.caught++;
  }
  t.kinds.push(tag < 0 ? CatchKind.catchAllRef : CatchKind.catchRef);
  t.tags.push(tag < 0 ? 0 : tag);
  t.pads.push(fc.asm.here());
  enterPad(fc, f.height);
  fc.frozen = f.height;
  receivePayload(fc, f.height, tag < 0 ? [] : tagType(fc, tag).params, false);
  // receivePayload left SCRATCH the state block.
  fc.asm.mov(GPR64[SCRATCH2]!, qword(GPR64[SCRATCH]!, EXCEPTION_STATE.AREA + EXCEPTION_AREA.EXNREF));
  fc.frame.storeCaught(f.caught - 1, GPR64[SCRATCH2]!);
}

/**
 * `end` of a try or its last catch body (after it, control.end closes the frame as a block's):
 * the clause list goes to the constant pool, the pad table waits for the function's end.
 */
export function endLegacyTry(fc: FunctionCompiler): void {
  const t = fc.control.legacyTries.pop()!;
  const clauses = new Uint8Array(4 + 8 * t.kinds.length);
  const view = new DataView(clauses.buffer);
  view.setUint32(0, t.kinds.length, true);
  t.kinds.forEach((kind, c) => {
    view.setUint32(4 + 8 * c, kind, true);
    view.setUint32(8 + 8 * c, t.tags[c]!, true);
  });
  fc.asm.constantAt(t.clauses, clauses, 4);
  fc.control.legacyTables.push(t);
}
// #endregion legacy-try

// #region delegate-rethrow
/**
 * delegate: the body falls through to the try's end; its one clause, catch_all_ref, lands on a pad
 * that leaves the records open inside label `depth` (counted outside the try) and throws again.
 */
export function delegate(fc: FunctionCompiler, depth: number, live: boolean): void {
  const control = fc.control;
  const t = control.legacyTries.at(-1)!;
  const f = t.frame;
  if (live) branchTo(fc, f);
  t.kinds.push(CatchKind.catchAllRef);
  t.tags.push(0);
  t.pads.push(fc.asm.here());
  enterPad(fc, f.height);
  // The runtime unlinked the try's own record; the records of frames inside the target go too
  // (a target that is a try in its body keeps its own: its catches come next).
  unlinkHandlers(fc, control.target(depth + 1).tries, f.tries - 1);
  loadState(fc);
  fc.asm.mov(GPR64[encodingOf(Reg.rdi)]!, qword(GPR64[SCRATCH]!, EXCEPTION_STATE.AREA + EXCEPTION_AREA.EXNREF));
  throwLoadedRef(fc, true);
  endLegacyTry(fc);
  end(fc, false);
}

/** rethrow: the exception of the catch body `depth` labels out, thrown again. */
export function rethrow(fc: FunctionCompiler, depth: number): void {
  fc.materializeFlags();
  saveLocals(fc);
  fc.frame.loadCaught(GPR64[encodingOf(Reg.rdi)]!, fc.control.target(depth).caught - 1);
  throwLoadedRef(fc, false);
}

/** THROW_REF with the exnref in rdi (`stateLoaded`: SCRATCH holds the state block already). */
function throwLoadedRef(fc: FunctionCompiler, stateLoaded: boolean): void {
  fc.frame.hasCalls = true;
  fc.regs.held = 0;
  callThrowRef(fc, stateLoaded);
}
// #endregion delegate-rethrow

// #region legacy-tables
/** After the function's code, where nothing runs: each legacy try's landing-pad table, which its record points at. */
export function emitLegacyTables(fc: FunctionCompiler): void {
  const asm = fc.asm;
  for (const t of fc.control.legacyTables) {
    asm.align(4, 'int3');
    asm.bind(t.landings); // (jumpTable's own alignment adds nothing now: the table starts here)
    if (t.pads.length > 0) asm.jumpTable(t.pads, 'rel32');
  }
  fc.control.legacyTables.length = 0;
}
// #endregion legacy-tables
