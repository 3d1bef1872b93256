// The code generator the validator drives: one Assembler for the whole module, one
// FunctionCompiler per body, each operator lowered as soon as it has been validated.
// `compileModule(bytes)` is the entry point: bytes in, a CompiledModule (compiler/abi) out.

// The hot path's modules first: a bundle (the CLI's, bench/compile-ab.ts's) lays modules out in
// import order, and V8 gives a bundle's top-level bindings context slots in that order; past
// slot 255 every access to one takes a wide bytecode, which makes the functions that read it
// bigger, and a bigger function is inlined less (inReg, read at nearly every operator, grew
// from 26 bytes of bytecode to 32, past V8's 27 for always inlining). The validator, whose
// one hot function is too big to inline anyway, and the module-level code come last (see also
// typeClasses.ts).
import { constant, constant64 } from './valueStack.ts';
import './typeClasses.ts';
import { Assembler, CodeBuffer, withRoom } from '../x64/index.ts';
import { F32, F64, FunctionCompiler, type FunctionEnv, notImplemented, NotImplementedYet } from './functionCompiler.ts';
import * as control from './controlFlow.ts';
import { pushI32, pushI64 } from './ops/integer.ts';
import { LOWERINGS } from './lowerings.ts';
import * as vars from './ops/variables.ts';
import * as memory from './ops/memory.ts';
import { type BoundsCheckCounts, factsAtEnd } from './ops/boundsChecks.ts';
import { call, CallSignatures } from './calls.ts';
import { emitTrapStub, ModuleTrapSites } from './traps.ts';
import * as tables from './ops/table.ts';
import type { FuncType, GlobalType, ModuleInfo, RefType, ValType } from '../binary/types.ts';
import { BASELINE_FEATURES, type CompiledFunction, type CompiledModule, type CpuFeatures, TrapCode, vmContextLayoutOf, type VMContextLayout } from '../abi/index.ts';
import { CompileError } from '../errors.ts';
import { type CatchClauses, type CodeGenerator, type ControlFrame, type FunctionContext, FrameKind } from '../validate/codegenInterface.ts';
import { returnCall, returnCallIndirect, returnCallRef } from './tailCalls.ts';
import * as funcRefs from './ops/funcRefs.ts';
import * as gcRefs from './ops/gcRefs.ts';
import * as gcObjects from './ops/gcObjects.ts';
import * as exceptions from './exceptions.ts';
import * as legacy from './legacyExceptions.ts';
import * as atomics from './ops/atomics.ts';
import * as simd from './ops/simd.ts';
import * as vectorMemory from './ops/simdMemory.ts';
import * as wideArithmetic from './ops/wideArithmetic.ts';
import { dispatchIndex, opcodeName } from '../binary/operators.ts';
import { StreamingValidator } from '../validate/index.ts';

/** A compiled module plus what the disassembler shows: which wasm operator each byte came from. */
export interface CompiledModuleWithNotes extends CompiledModule {
  /** [code offset, wasm operator text] in code order. */
  readonly notes: readonly (readonly [number, string])[];
  /** Code ranges [start, end) holding data (jump tables). */
  readonly dataRanges: readonly (readonly [number, number])[];
  /** Functions whose body is a stub raising TrapCode.notImplemented, with the reason. */
  readonly stubbed: ReadonlyMap<number, string>;
  /** Memory bounds checks emitted (kept) and proven unneeded (removed) over the module. */
  readonly boundsChecks: BoundsCheckCounts;
}

const NOT_YET = 'not implemented yet';

// #region module-part
/**
 * One of `count` parts of a module's functions, compiled on its own (by a worker thread) and
 * merged with the others by mergeParts. Each part validates the module's declarations and its
 * own functions' bodies, and generates code for them.
 */
export interface ModulePart {
  readonly index: number;
  readonly count: number;
}

/**
 * Which part each function body goes to, decided as the bodies' sizes arrive: to the part with
 * the fewest body bytes so far (the first of them on a tie). The parts then get about equal
 * shares of the code, whatever the sizes of the functions (every count-th function would give
 * one part 70% of a module whose largest functions happen to have even indexes), and every
 * part, seeing the same sizes in the same order, makes the same choices without asking another.
 */
class PartChooser {
  private readonly bytes: Float64Array;
  constructor(readonly part: ModulePart) {
    this.bytes = new Float64Array(part.count);
  }
  /** The next body, of `size` bytes: true if it is this part's. */
  takes(size: number): boolean {
    const bytes = this.bytes;
    let least = 0;
    for (let p = 1; p < bytes.length; p++) if (bytes[p]! < bytes[least]!) least = p;
    bytes[least]! += size;
    return least === this.part.index;
  }
}
// #endregion module-part

/** The rel32 of a call at `at` to function `callee` (plus `addend`), given every function's code offset. */
export function callDisplacement(offsets: readonly number[], at: number, callee: number, addend: number): number {
  const target = offsets[callee];
  if (target === undefined) throw new CompileError(`codegen: call to function ${callee}, which has no code`);
  return target + addend - at;
}

/** The disassembly note of an operator ('' names a numeric operator by its opcode). */
function noteText(name: string, imm: number | bigint | string | undefined): string {
  if (name === '') return opcodeName(Number(imm));
  return imm === undefined ? name : `${name} ${imm}`;
}

/** The text of a float constant's bits, for notes. */
function floatText(lo: number, hi: number | undefined): string {
  const view = new DataView(new ArrayBuffer(8));
  if (hi === undefined) {
    view.setUint32(0, lo >>> 0, true);
    return String(view.getFloat32(0, true));
  }
  view.setUint32(0, lo >>> 0, true);
  view.setUint32(4, hi >>> 0, true);
  return String(view.getFloat64(0, true));
}

/** The text of a v128 constant, for notes: its four 32-bit lanes. */
function vectorText(bytes: Uint8Array): string {
  const lanes: string[] = [];
  for (let i = 0; i < 16; i += 4) lanes.push(`0x${((bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0).toString(16)}`);
  return `i32x4 ${lanes.join(' ')}`;
}

/** A lane access's note text: its memarg offset and lane. */
const laneNote = (memOffset: number, lane: number): string => (memOffset === 0 ? `${lane}` : `offset=${memOffset} ${lane}`);

/** Does any of the module's function types or globals hold a v128 (see FunctionEnv.vectors)? */
function holdsV128(module: ModuleInfo): boolean {
  const V128 = 0x7b;
  return module.types.some((t) => t.params.includes(V128) || t.results.includes(V128)) || module.globals.some((g) => g.type.type === V128);
}

// #region code-generator
export class X64CodeGenerator implements CodeGenerator {
  /**
   * The module's code: each function assembled on its own, then appended here. Sized from the
   * module's bytes (machine code is about 1 to 2 times the wasm code; a part has its share), so
   * it seldom grows; growing copies it.
   */
  private readonly code: CodeBuffer;
  readonly notes: [number, string][] = [];
  readonly dataRanges: [number, number][] = [];
  readonly functions: CompiledFunction[] = [];
  readonly trapSites: ModuleTrapSites;
  /** Functions replaced by a stub, with the reason (see stubFunction). */
  readonly stubbed = new Map<number, string>();
  /** Functions with a dispatch loop, placed so that its head is on a 64-byte boundary (see Frame.dispatchLoop). */
  readonly dispatchFunctions: number[] = [];
  readonly boundsChecks: BoundsCheckCounts = { kept: 0, removed: 0 };
  /** The counts before the current function (a stubbed function's checks do not count). */
  private checksBefore: BoundsCheckCounts = { kept: 0, removed: 0 };
  /** Calls to resolve once every function has its offset. Left unpatched when compiling a part (CompiledPart.calls). */
  readonly calls: CallSites;
  /** Code offset of each function compiled so far, by function index. */
  private readonly offsets: number[] = [];
  private vmctx!: VMContextLayout;
  private fc: FunctionCompiler | null = null;
  /** One assembler for every body and one for every prologue, reset between functions (their buffers are reused). */
  private readonly asm = new Assembler(1 << 16);
  private readonly prologueAsm = new Assembler(64);
  /** Notes of the function being compiled (emptied for each). */
  private readonly fnNotes: [number, string][] = [];
  /** What every function compiler is given (one object for the module). */
  private env: FunctionEnv | null = null;
  /** The last function's compiler, once it is done: it restarts on the next function. */
  private done: FunctionCompiler | null = null;
  /** Compiling one part of the functions: which bodies are its (null: all). */
  private readonly parts: PartChooser | null;
  private bodyOffset = 0;
  /** Set when the function being compiled uses something not implemented yet. */
  private skipping: string | null = null;
  result: CompiledModuleWithNotes | null = null;

  /**
   * `keepNotes`: record which wasm operator each instruction came from (for disassembly).
   * `features`: the optional CPU features the code may use (compiler/abi: CpuFeatures).
   */
  constructor(
    private readonly keepNotes = false,
    private readonly features: CpuFeatures = BASELINE_FEATURES,
    private readonly interruptible = false,
    part: ModulePart | null = null,
    moduleBytes = 0,
  ) {
    this.parts = part && new PartChooser(part);
    // Twice the module's bytes holds the code of every module measured without growing, which
    // would copy it all (December 2026: the code is 1.02x the module for onig.wasm, 1.42x for
    // iced-x86, 1.82x for large.wasm, 0.5-1.7x for the kernels); pages never written cost only
    // address space, and take() copies the code out of a buffer less than half full.
    const share = part === null ? moduleBytes : Math.ceil(moduleBytes / part.count);
    this.code = new CodeBuffer(Math.max(1 << 16, 2 * share));
    this.trapSites = new ModuleTrapSites(share);
    this.calls = new CallSites(share);
  }

  /**
   * Start lowering one operator: its function compiler, or null while the function is being
   * skipped. Each operator method then calls its lowering directly (no closure per operator)
   * and hands what it throws to failed().
   */
  private begin(offset: number, name: string, imm?: number | bigint | string): FunctionCompiler | null {
    if (this.skipping !== null) return null;
    const fc = this.fc!;
    fc.opOffset = offset;
    fc.regs.held = 0;
    // Only a local.set right after the arithmetic may find its result in place (beginLocalWrite).
    fc.lastOp = null;
    if (this.keepNotes) this.note(name, imm);
    return fc;
  }

  /** begin for local.set and local.tee: the arithmetic just before may have computed into the local's home (fc.lastOp). */
  private beginLocalWrite(offset: number, name: string, index: number): FunctionCompiler | null {
    if (this.skipping !== null) return null;
    const fc = this.fc!;
    fc.opOffset = offset;
    fc.regs.held = 0;
    if (this.keepNotes) this.note(name, index);
    return fc;
  }

  /** The operator's disassembly note (notes on only). Out of begin, which V8 inlines into the validator's loop. */
  private note(name: string, imm: number | bigint | string | undefined): void {
    this.fnNotes.push([this.asm.offset, noteText(name, imm)]);
  }

  /** A lowering threw: "not implemented yet" turns the whole function into a stub. */
  private failed(e: unknown): void {
    if (e instanceof NotImplementedYet) this.skipping = e.reason;
    else if (e instanceof CompileError) throw e;
    else {
      // A bug of ours (an invariant check, say), not the module's fault: still a CompileError with
      // the position, as the JS API promises, with the cause kept for whoever debugs it.
      const fc = this.fc;
      const error = new CompileError(`internal error in the code generator: ${(e as Error).message ?? String(e)}`, fc?.opOffset, fc?.funcIndex);
      (error as { cause?: unknown }).cause = e;
      throw error;
    }
  }

  private todo(what: string, _offset: number): void {
    if (this.skipping === null) this.skipping = notImplemented(what).reason;
  }

  beginModule(module: ModuleInfo): void {
    this.vmctx = vmContextLayoutOf(module);
    this.env = null;
    this.done = null;
  }

  endModule(module: ModuleInfo): void {
    if (!this.vmctx) this.beginModule(module);
    const buf = this.code;
    // A part's calls reach functions other parts compile: mergeParts patches them.
    const calls = this.calls.data;
    if (this.parts === null) for (let i = 0; i < this.calls.length; i += 3) {
      const at = calls[i]!;
      buf.patch32(at, callDisplacement(this.offsets, at, calls[i + 1]!, calls[i + 2]!));
    }
    this.result = {
      info: module, code: buf.take(), functions: this.functions, relocations: [], trapSites: this.trapSites.take(),
      notes: this.notes, dataRanges: this.dataRanges, stubbed: this.stubbed, boundsChecks: this.boundsChecks,
    };
  }

  /** Another part's function: that part validates and compiles it. */
  leavesBody(_funcIndex: number, size: number): boolean {
    return this.parts !== null && !this.parts.takes(size);
  }

  /** The validator's view of the body being compiled (refOperandNonNull: null checks validation has made unnecessary). */
  private ctx: FunctionContext | null = null;
  /** Whether the operator being compiled has a reference operand that cannot be null. */
  private get nonNull(): boolean {
    return this.ctx!.refOperandNonNull;
  }

  beginFunction(ctx: FunctionContext, offset: number): void {
    this.ctx = ctx;
    this.asm.reset();
    if (this.fnNotes.length !== 0) this.fnNotes.length = 0;
    this.skipping = null;
    this.bodyOffset = offset;
    this.checksBefore.kept = this.boundsChecks.kept;
    this.checksBefore.removed = this.boundsChecks.removed;
    this.env ??= { asm: this.asm, module: ctx.module, signatures: new CallSignatures(ctx.module.types), vmctx: this.vmctx, notes: this.fnNotes, boundsChecks: this.boundsChecks, features: this.features, interruptible: this.interruptible, vectors: holdsV128(ctx.module) };
    try {
      // The last function's compiler, done with, starts over on this one.
      const previous = this.done;
      this.done = null;
      const fc = previous
        ? previous.restart(ctx.funcIndex, ctx.type, ctx.locals, offset, ctx.expression)
        : new FunctionCompiler(this.env, ctx.funcIndex, ctx.type, ctx.locals, offset, ctx.expression);
      fc.control = previous ? previous.control.reset() : new control.ControlState();
      this.fc = fc;
      control.beginFunctionFrame(fc, ctx.frame(0));
    } catch (e) {
      if (e instanceof NotImplementedYet) this.skipping = e.reason;
      else throw e;
    }
  }

  endFunction(funcIndex: number, _offset: number): void {
    let fc = this.fc;
    if (this.skipping === null && fc) {
      if (fc.outOfLine.length > 0) {
        if (this.keepNotes) this.fnNotes.push([this.asm.offset, 'out-of-line paths']);
        for (const emit of fc.outOfLine) emit();
        fc.outOfLine.length = 0;
      }
      if (this.keepNotes && fc.frame.trapStubs.length > 0) this.fnNotes.push([this.asm.offset, 'trap stubs']);
      fc.frame.finish();
    } else {
      this.stubbed.set(funcIndex, this.skipping ?? `${NOT_YET}: function`);
      Object.assign(this.boundsChecks, this.checksBefore);
      this.asm.reset();
      if (this.keepNotes) (this.fnNotes.length = 0), this.fnNotes.push([0, `stub: ${this.skipping}`]);
      fc = null;
      emitTrapStub(this.asm, TrapCode.notImplemented, this.bodyOffset, funcIndex);
    }
    // Forward jumps to near labels shrink to rel8 (branch relaxation): every offset recorded
    // during assembly is a label (trap stubs, call sites), a fix-up, a data range or a note,
    // and relaxation moves them all, or they go through asm.mapOffset below. Loop heads stay
    // aligned: their padding is recomputed as the code before them shrinks. (The labels move
    // now; the bytes when the body is copied into this.code below.)
    const asm = this.asm;
    asm.relaxBranches();
    // The prologue (behind the stack-overflow stub) goes in front of the body now that the frame
    // size is known.
    const pro = this.prologueAsm;
    pro.reset();
    const entryAt = fc ? fc.frame.emitPrologue(pro) : 0;
    const p = pro.offset;
    const buf = this.code;
    // The entry goes on a 16-byte boundary; in a function with loops, the body goes where the
    // alignment of its loop heads assumed it (see Frame.alignLoopHead), so the prologue needs no
    // padding whatever its length. The padding is between functions, never run.
    const onBoundary = fc?.frame.hasLoops ? p - fc.frame.predictedPrologueLength() : entryAt;
    buf.alignWith(16, onBoundary, 0xcc);
    // A dispatch loop's head (already on a 16-byte boundary) goes on a 64-byte one: see Frame.dispatchLoop.
    const dispatch = fc?.frame.dispatchHead;
    if (dispatch) {
      buf.alignWith(64, p + dispatch.offset, 0xcc);
      this.dispatchFunctions.push(funcIndex);
    }
    const start = buf.length;
    const entry = start + entryAt;
    pro.finishInto(buf);
    const bodyStart = start + p;
    const bodyLength = asm.finishInto(buf);
    // Calls to the module's functions are its only fix-ups, patched once every function is placed.
    if (asm.finishedFixups.length > 0) throw new CompileError('codegen: unexpected fix-up');
    asm.addFunctionCalls(this.calls, bodyStart);
    this.offsets[funcIndex] = entry;
    this.functions.push({ funcIndex, offset: entry, size: bodyStart + bodyLength - entry, prefix: entryAt });
    if (this.keepNotes) {
      if (fc && entryAt > 0) this.notes.push([start, 'stack overflow stub']);
      if (fc) this.notes.push([entry, 'prologue']);
      for (let i = 0; i < this.fnNotes.length; i++) {
        const n = this.fnNotes[i]!;
        this.notes.push([bodyStart + asm.mapOffset(n[0]), n[1]]);
      }
    }
    // Jump tables and the constant pool, as the assembler recorded them.
    asm.addDataRanges(this.dataRanges, bodyStart);
    if (fc) {
      const frame = fc.frame;
      // A site is its trap call's return address (the stack-overflow stub's is the entry).
      if (entryAt > 0) this.trapSites.add(entry, TrapCode.callStackExhausted, funcIndex, frame.bodyOffset);
      frame.addTrapSites(this.trapSites, bodyStart);
      this.done = fc;
    }
    this.fc = null;
  }

  // --- control
  unreachable(offset: number): void {
    const fc = this.begin(offset, 'unreachable');
    if (fc) try { fc.trapNow(TrapCode.unreachable); } catch (e) { this.failed(e); }
  }
  block(frame: ControlFrame, offset: number): void {
    const fc = this.begin(offset, 'block');
    if (fc) try { control.block(fc, frame); } catch (e) { this.failed(e); }
  }
  loop(frame: ControlFrame, offset: number): void {
    const fc = this.begin(offset, 'loop');
    if (fc) try { fc.bounds.reset(); control.loop(fc, frame); } catch (e) { this.failed(e); }
  }
  if(frame: ControlFrame, offset: number): void {
    const fc = this.begin(offset, 'if');
    if (fc) try { control.ifBlock(fc, frame, fc.popCond()); } catch (e) { this.failed(e); }
  }
  else(frame: ControlFrame, offset: number): void {
    const live = !frame.unreachable;
    const fc = this.begin(offset, 'else');
    if (fc) try { fc.bounds.reset(); control.elseArm(fc, live); } catch (e) { this.failed(e); }
  }
  end(frame: ControlFrame, offset: number): void {
    const live = !frame.unreachable;
    const fc = this.begin(offset, frame.kind === FrameKind.function ? 'end (function)' : 'end');
    if (fc) {
      try {
        factsAtEnd(fc);
        const kind = fc.control.top().kind;
        if (kind === FrameKind.try || kind === FrameKind.catch) legacy.endLegacyTry(fc);
        control.end(fc, live);
        if (kind === FrameKind.function && fc.control.legacyTables.length > 0) legacy.emitLegacyTables(fc);
      } catch (e) { this.failed(e); }
    }
  }
  br(depth: number, _target: ControlFrame, offset: number): void {
    const fc = this.begin(offset, 'br', depth);
    if (fc) try { control.branchTo(fc, fc.control.target(depth)); } catch (e) { this.failed(e); }
  }
  brIf(depth: number, _target: ControlFrame, offset: number): void {
    const fc = this.begin(offset, 'br_if', depth);
    if (fc) try { control.brIf(fc, fc.control.target(depth), fc.popCond()); } catch (e) { this.failed(e); }
  }
  brTable(targets: Uint32Array, targetCount: number, defaultDepth: number, offset: number): void {
    const fc = this.begin(offset, 'br_table');
    if (fc) try { control.brTable(fc, targets, targetCount, defaultDepth, fc.pop()); } catch (e) { this.failed(e); }
  }
  return(offset: number): void {
    const fc = this.begin(offset, 'return');
    if (fc) try { control.emitReturn(fc); } catch (e) { this.failed(e); }
  }
  call(funcIndex: number, _type: FuncType, offset: number): void {
    const fc = this.begin(offset, 'call', funcIndex);
    if (fc) try { call(fc, funcIndex); } catch (e) { this.failed(e); }
  }
  callIndirect(typeIndex: number, type: FuncType, tableIndex: number, offset: number): void {
    const fc = this.begin(offset, 'call_indirect', typeIndex);
    if (fc) try { tables.callIndirect(fc, typeIndex, type, tableIndex); } catch (e) { this.failed(e); }
  }

  returnCall(funcIndex: number, _type: FuncType, offset: number): void {
    const fc = this.begin(offset, 'return_call', funcIndex);
    if (fc) try { returnCall(fc, funcIndex); } catch (e) { this.failed(e); }
  }
  returnCallIndirect(typeIndex: number, _type: FuncType, tableIndex: number, offset: number): void {
    const fc = this.begin(offset, 'return_call_indirect', typeIndex);
    if (fc) try { returnCallIndirect(fc, typeIndex, tableIndex); } catch (e) { this.failed(e); }
  }
  callRef(typeIndex: number, _type: FuncType, offset: number): void {
    const fc = this.begin(offset, 'call_ref', typeIndex);
    if (fc) try { funcRefs.callRef(fc, typeIndex, this.nonNull); } catch (e) { this.failed(e); }
  }
  returnCallRef(typeIndex: number, _type: FuncType, offset: number): void {
    const fc = this.begin(offset, 'return_call_ref', typeIndex);
    if (fc) try { returnCallRef(fc, typeIndex, this.nonNull); } catch (e) { this.failed(e); }
  }

  // --- exception handling (exceptions.ts)
  tryTable(frame: ControlFrame, catches: CatchClauses, offset: number): void {
    const fc = this.begin(offset, 'try_table');
    if (fc) try { exceptions.tryTable(fc, frame, catches); } catch (e) { this.failed(e); }
  }
  throw(tagIndex: number, type: FuncType, offset: number): void {
    const fc = this.begin(offset, 'throw', tagIndex);
    if (fc) try { exceptions.throwTag(fc, tagIndex, type); } catch (e) { this.failed(e); }
  }
  throwRef(offset: number): void {
    const fc = this.begin(offset, 'throw_ref');
    if (fc) try { exceptions.throwRef(fc); } catch (e) { this.failed(e); }
  }
  legacyTry(frame: ControlFrame, offset: number): void {
    const fc = this.begin(offset, 'try');
    if (fc) try { legacy.legacyTry(fc, frame); } catch (e) { this.failed(e); }
  }
  legacyCatch(frame: ControlFrame, tag: number, offset: number): void {
    const fc = this.begin(offset, tag < 0 ? 'catch_all' : 'catch', tag < 0 ? undefined : tag);
    if (fc) try { legacy.legacyCatch(fc, tag, !frame.unreachable); } catch (e) { this.failed(e); }
  }
  delegate(frame: ControlFrame, depth: number, offset: number): void {
    const fc = this.begin(offset, 'delegate', depth);
    if (fc) try { legacy.delegate(fc, depth, !frame.unreachable); } catch (e) { this.failed(e); }
  }
  rethrow(depth: number, offset: number): void {
    const fc = this.begin(offset, 'rethrow', depth);
    if (fc) try { legacy.rethrow(fc, depth); } catch (e) { this.failed(e); }
  }

  // --- parametric and variables
  drop(_type: ValType, offset: number): void {
    const fc = this.begin(offset, 'drop');
    if (fc) try { vars.drop(fc); } catch (e) { this.failed(e); }
  }
  select(type: ValType, offset: number): void {
    const fc = this.begin(offset, 'select');
    if (fc) try { vars.select(fc, type); } catch (e) { this.failed(e); }
  }
  localGet(index: number, _type: ValType, offset: number): void {
    const fc = this.begin(offset, 'local.get', index);
    if (fc) try { vars.localGet(fc, index); } catch (e) { this.failed(e); }
  }
  localSet(index: number, _type: ValType, offset: number): void {
    const fc = this.beginLocalWrite(offset, 'local.set', index);
    if (fc) try { vars.localSet(fc, index, false); } catch (e) { this.failed(e); }
  }
  localTee(index: number, _type: ValType, offset: number): void {
    const fc = this.beginLocalWrite(offset, 'local.tee', index);
    if (fc) try { vars.localSet(fc, index, true); } catch (e) { this.failed(e); }
  }
  globalGet(index: number, type: GlobalType, offset: number): void {
    const fc = this.begin(offset, 'global.get', index);
    if (fc) try { vars.globalGet(fc, index, type); } catch (e) { this.failed(e); }
  }
  globalSet(index: number, type: GlobalType, offset: number): void {
    const fc = this.begin(offset, 'global.set', index);
    if (fc) try { vars.globalSet(fc, index, type); } catch (e) { this.failed(e); }
  }

  // --- constants and numeric
  i32Const(value: number, offset: number): void {
    const fc = this.begin(offset, 'i32.const', value | 0);
    if (fc) try { pushI32(fc, value); } catch (e) { this.failed(e); }
  }
  i64Const(low: number, high: number, offset: number): void {
    // The note's text needs the value as one number; the code generator never does.
    const text = this.keepNotes ? BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low >>> 0)) : undefined;
    const fc = this.begin(offset, 'i64.const', text);
    if (fc) try { pushI64(fc, low, high); } catch (e) { this.failed(e); }
  }
  f32Const(bits: number, offset: number): void {
    const fc = this.begin(offset, 'f32.const', this.keepNotes ? floatText(bits, undefined) : undefined);
    if (fc) try { fc.push(constant(F32, bits)); } catch (e) { this.failed(e); }
  }
  f64Const(lo: number, hi: number, offset: number): void {
    const fc = this.begin(offset, 'f64.const', this.keepNotes ? floatText(lo, hi) : undefined);
    if (fc) try { fc.push(constant64(F64, lo, hi)); } catch (e) { this.failed(e); }
  }
  unary(opcode: number, offset: number): void {
    this.numeric(opcode, offset);
  }
  binary(opcode: number, offset: number): void {
    this.numeric(opcode, offset);
  }
  compare(opcode: number, offset: number): void {
    this.numeric(opcode, offset);
  }
  /** unary, binary and compare: through the lowering table (lowerings.ts). */
  private numeric(opcode: number, offset: number): void {
    const fc = this.begin(offset, '', opcode);
    if (!fc) return;
    const lower = LOWERINGS[dispatchIndex(opcode)];
    if (lower === undefined) return this.todo(opcodeName(opcode), offset);
    try { lower(fc); } catch (e) { this.failed(e); }
  }
  ternary(opcode: number, offset: number): void {
    this.numeric(opcode, offset);
  }
  wideArithmetic(opcode: number, offset: number): void {
    const fc = this.begin(offset, '', opcode);
    if (!fc) return;
    const sub = opcode & 0xfff; // 19 add128, 20 sub128, 21 mul_wide_s, 22 mul_wide_u
    try {
      if (sub < 21) wideArithmetic.addSub128(fc, sub === 20);
      else wideArithmetic.mulWide(fc, sub === 21);
    } catch (e) { this.failed(e); }
  }
  // SIMD's own hooks (its plain operators, loads and stores come through those above and below).
  v128Const(bytes: Uint8Array, offset: number): void {
    const fc = this.begin(offset, 'v128.const', this.keepNotes ? vectorText(bytes) : undefined);
    if (fc) try { simd.v128Const(fc, bytes); } catch (e) { this.failed(e); }
  }
  simdLane(opcode: number, lane: number, offset: number): void {
    const name = opcodeName(opcode);
    const fc = this.begin(offset, name, lane);
    if (!fc) return;
    try {
      if (name.includes('extract')) simd.extractLane(fc, name, lane);
      else simd.replaceLane(fc, name, lane);
    } catch (e) { this.failed(e); }
  }
  shuffle(lanes: Uint8Array, offset: number): void {
    const fc = this.begin(offset, 'i8x16.shuffle', this.keepNotes ? [...lanes].join(' ') : undefined);
    if (fc) try { simd.shuffle(fc, lanes); } catch (e) { this.failed(e); }
  }
  loadLane(opcode: number, m: number, _a: number, memOffset: number, lane: number, offset: number): void {
    const name = opcodeName(opcode);
    const fc = this.begin(offset, name, this.keepNotes ? laneNote(memOffset, lane) : undefined);
    if (fc) try { vectorMemory.loadLane(fc, name, memOffset, lane, m); } catch (e) { this.failed(e); }
  }
  storeLane(opcode: number, m: number, _a: number, memOffset: number, lane: number, offset: number): void {
    const name = opcodeName(opcode);
    const fc = this.begin(offset, name, this.keepNotes ? laneNote(memOffset, lane) : undefined);
    if (fc) try { vectorMemory.storeLane(fc, name, memOffset, lane, m); } catch (e) { this.failed(e); }
  }

  // --- memory (m: the memory index, 0 but with multi-memory)
  load(opcode: number, m: number, _a: number, memOffset: number, offset: number): void {
    const plain = memOffset === 0 && m === 0;
    const fc = this.begin(offset, plain ? '' : this.memargNote(opcode, memOffset, m), plain ? opcode : undefined);
    if (!fc) return;
    try {
      if (opcode > 0xff) vectorMemory.vectorLoad(fc, opcodeName(opcode), memOffset, m); // SIMD's loads
      else memory.load(fc, opcode, memOffset, m);
    } catch (e) { this.failed(e); }
  }
  store(opcode: number, m: number, _a: number, memOffset: number, offset: number): void {
    const plain = memOffset === 0 && m === 0;
    const fc = this.begin(offset, plain ? '' : this.memargNote(opcode, memOffset, m), plain ? opcode : undefined);
    if (!fc) return;
    try {
      if (opcode > 0xff) vectorMemory.vectorStore(fc, memOffset, m); // v128.store
      else memory.store(fc, opcode, memOffset, m);
    } catch (e) { this.failed(e); }
  }
  /** The note of an access with a memarg offset or memory (only its text is used, and only with notes on). */
  private memargNote(opcode: number, memOffset: number, m: number): string {
    if (!this.keepNotes) return 'memory access';
    return `${opcodeName(opcode)}${m === 0 ? '' : ` ${m}`}${memOffset === 0 ? '' : ` offset=${memOffset}`}`;
  }
  memorySize(m: number, offset: number): void {
    const fc = this.begin(offset, 'memory.size', m === 0 ? undefined : m);
    if (fc) try { memory.memorySize(fc, m); } catch (e) { this.failed(e); }
  }
  memoryGrow(m: number, offset: number): void {
    const fc = this.begin(offset, 'memory.grow', m === 0 ? undefined : m);
    if (fc) try { memory.memoryGrow(fc, m); } catch (e) { this.failed(e); }
  }
  memoryInit(d: number, m: number, offset: number): void {
    const fc = this.begin(offset, 'memory.init', d);
    if (fc) try { memory.memoryInit(fc, d, m); } catch (e) { this.failed(e); }
  }
  dataDrop(d: number, offset: number): void {
    const fc = this.begin(offset, 'data.drop', d);
    if (fc) try { memory.dataDrop(fc, d); } catch (e) { this.failed(e); }
  }
  memoryCopy(d: number, s: number, offset: number): void {
    const fc = this.begin(offset, 'memory.copy');
    if (fc) try { memory.memoryCopy(fc, d, s); } catch (e) { this.failed(e); }
  }
  memoryFill(m: number, offset: number): void {
    const fc = this.begin(offset, 'memory.fill', m === 0 ? undefined : m);
    if (fc) try { memory.memoryFill(fc, m); } catch (e) { this.failed(e); }
  }
  atomic(opcode: number, m: number, memOffset: number, offset: number): void {
    const fc = this.begin(offset, this.memargNote(opcode, memOffset, m));
    if (fc) try { atomics.atomic(fc, opcode, memOffset, m); } catch (e) { this.failed(e); }
  }
  atomicFence(offset: number): void {
    const fc = this.begin(offset, 'atomic.fence');
    if (fc) try { atomics.atomicFence(fc); } catch (e) { this.failed(e); }
  }
  refNull(t: RefType, offset: number): void {
    const fc = this.begin(offset, 'ref.null', t === 0x70 ? 'func' : 'extern');
    if (fc) try { tables.refNull(fc, t); } catch (e) { this.failed(e); }
  }
  refIsNull(offset: number): void {
    const fc = this.begin(offset, 'ref.is_null');
    if (fc) try { tables.refIsNull(fc); } catch (e) { this.failed(e); }
  }
  refFunc(f: number, offset: number): void {
    const fc = this.begin(offset, 'ref.func', f);
    if (fc) try { tables.refFunc(fc, f); } catch (e) { this.failed(e); }
  }
  refAsNonNull(offset: number): void {
    const fc = this.begin(offset, 'ref.as_non_null');
    if (fc) try { funcRefs.refAsNonNull(fc); } catch (e) { this.failed(e); }
  }
  brOnNull(depth: number, _target: ControlFrame, offset: number): void {
    const fc = this.begin(offset, 'br_on_null', depth);
    if (fc) try { funcRefs.brOnNull(fc, fc.control.target(depth)); } catch (e) { this.failed(e); }
  }
  brOnNonNull(depth: number, _target: ControlFrame, offset: number): void {
    const fc = this.begin(offset, 'br_on_non_null', depth);
    if (fc) try { funcRefs.brOnNonNull(fc, fc.control.target(depth)); } catch (e) { this.failed(e); }
  }
  refEq(offset: number): void {
    const fc = this.begin(offset, 'ref.eq');
    if (fc) try { gcRefs.refEq(fc); } catch (e) { this.failed(e); }
  }
  refI31(offset: number): void {
    const fc = this.begin(offset, 'ref.i31');
    if (fc) try { gcRefs.refI31(fc); } catch (e) { this.failed(e); }
  }
  i31Get(signed: boolean, offset: number): void {
    const fc = this.begin(offset, signed ? 'i31.get_s' : 'i31.get_u');
    if (fc) try { gcRefs.i31Get(fc, signed, this.nonNull); } catch (e) { this.failed(e); }
  }
  refTest(type: RefType, cast: boolean, offset: number): void {
    const fc = this.begin(offset, cast ? 'ref.cast' : 'ref.test');
    if (fc) try { gcRefs.refTest(fc, type, cast); } catch (e) { this.failed(e); }
  }
  brOnCast(depth: number, _target: ControlFrame, type: RefType, onFail: boolean, offset: number): void {
    const fc = this.begin(offset, onFail ? 'br_on_cast_fail' : 'br_on_cast', depth);
    if (fc) try { gcRefs.brOnCast(fc, fc.control.target(depth), type, onFail); } catch (e) { this.failed(e); }
  }
  structNew(t: number, withDefaults: boolean, offset: number): void {
    const fc = this.begin(offset, withDefaults ? 'struct.new_default' : 'struct.new', t);
    if (fc) try { gcObjects.structNew(fc, t, withDefaults); } catch (e) { this.failed(e); }
  }
  structGet(t: number, field: number, signed: boolean, offset: number): void {
    const fc = this.begin(offset, 'struct.get', `${t} ${field}`);
    if (fc) try { gcObjects.structGet(fc, t, field, signed, this.nonNull); } catch (e) { this.failed(e); }
  }
  structSet(t: number, field: number, offset: number): void {
    const fc = this.begin(offset, 'struct.set', `${t} ${field}`);
    if (fc) try { gcObjects.structSet(fc, t, field, this.nonNull); } catch (e) { this.failed(e); }
  }
  arrayNew(t: number, withDefault: boolean, offset: number): void {
    const fc = this.begin(offset, withDefault ? 'array.new_default' : 'array.new', t);
    if (fc) try { gcObjects.arrayNew(fc, t, withDefault); } catch (e) { this.failed(e); }
  }
  arrayNewFixed(t: number, count: number, offset: number): void {
    const fc = this.begin(offset, 'array.new_fixed', `${t} ${count}`);
    if (fc) try { gcObjects.arrayNewFixed(fc, t, count); } catch (e) { this.failed(e); }
  }
  arrayNewSegment(t: number, segment: number, data: boolean, offset: number): void {
    const fc = this.begin(offset, data ? 'array.new_data' : 'array.new_elem', `${t} ${segment}`);
    if (fc) try { gcObjects.arrayNewSegment(fc, t, segment, data); } catch (e) { this.failed(e); }
  }
  arrayGet(t: number, signed: boolean, offset: number): void {
    const fc = this.begin(offset, 'array.get', t);
    if (fc) try { gcObjects.arrayGet(fc, t, signed, this.nonNull); } catch (e) { this.failed(e); }
  }
  arraySet(t: number, offset: number): void {
    const fc = this.begin(offset, 'array.set', t);
    if (fc) try { gcObjects.arraySet(fc, t, this.nonNull); } catch (e) { this.failed(e); }
  }
  arrayLen(offset: number): void {
    const fc = this.begin(offset, 'array.len');
    if (fc) try { gcObjects.arrayLen(fc, this.nonNull); } catch (e) { this.failed(e); }
  }
  arrayFill(t: number, offset: number): void {
    const fc = this.begin(offset, 'array.fill', t);
    if (fc) try { gcObjects.arrayFill(fc, t); } catch (e) { this.failed(e); }
  }
  arrayCopy(d: number, s: number, offset: number): void {
    const fc = this.begin(offset, 'array.copy', `${d} ${s}`);
    if (fc) try { gcObjects.arrayCopy(fc); } catch (e) { this.failed(e); }
  }
  arrayInitSegment(t: number, segment: number, data: boolean, offset: number): void {
    const fc = this.begin(offset, data ? 'array.init_data' : 'array.init_elem', `${t} ${segment}`);
    if (fc) try { gcObjects.arrayInitSegment(fc, segment, data); } catch (e) { this.failed(e); }
  }
  tableGet(t: number, offset: number): void {
    const fc = this.begin(offset, 'table.get', t);
    if (fc) try { tables.tableGet(fc, t); } catch (e) { this.failed(e); }
  }
  tableSet(t: number, offset: number): void {
    const fc = this.begin(offset, 'table.set', t);
    if (fc) try { tables.tableSet(fc, t); } catch (e) { this.failed(e); }
  }
  tableSize(t: number, offset: number): void {
    const fc = this.begin(offset, 'table.size', t);
    if (fc) try { tables.tableSize(fc, t); } catch (e) { this.failed(e); }
  }
  tableGrow(t: number, offset: number): void {
    const fc = this.begin(offset, 'table.grow', t);
    if (fc) try { tables.tableGrow(fc, t); } catch (e) { this.failed(e); }
  }
  tableFill(t: number, offset: number): void {
    const fc = this.begin(offset, 'table.fill', t);
    if (fc) try { tables.tableFill(fc, t); } catch (e) { this.failed(e); }
  }
  tableCopy(d: number, s: number, offset: number): void {
    const fc = this.begin(offset, 'table.copy', `${d} ${s}`);
    if (fc) try { tables.tableCopy(fc, d, s); } catch (e) { this.failed(e); }
  }
  tableInit(e: number, t: number, offset: number): void {
    const fc = this.begin(offset, 'table.init', `${t} ${e}`);
    if (fc) try { tables.tableInit(fc, e, t); } catch (err) { this.failed(err); }
  }
  elemDrop(e: number, offset: number): void {
    const fc = this.begin(offset, 'elem.drop', e);
    if (fc) try { tables.elemDrop(fc, e); } catch (err) { this.failed(err); }
  }
}
// #endregion code-generator

/**
 * The module's calls, as flat numbers: for each, the position of its rel32 in the module's code,
 * the callee and the addend (the first `length` numbers of `data`). A typed array of half the
 * bytes of a plain one, grown by doubling: an array of numbers pushed three at a time was copied
 * on growing, a megabyte or more for a module with many calls.
 */
class CallSites {
  data: Int32Array<ArrayBuffer>;
  length = 0;

  /** Room for the calls of `codeBytes` bytes of wasm code: iced-x86 has a call per 100 bytes, 3 numbers each. */
  constructor(codeBytes: number) {
    this.data = new Int32Array(3 * Math.max(1024, codeBytes >> 6));
  }

  add(at: number, callee: number, addend: number): void {
    const i = this.length;
    const d = (this.data = withRoom(this.data, i + 3));
    d[i] = at;
    d[i + 1] = callee;
    d[i + 2] = addend;
    this.length = i + 3;
  }
}

// #region compile-module
/** Validate and compile a module in one pass. Throws CompileError. */
export interface CompileOptions {
  /** Record which wasm operator each instruction came from (for disassembly). */
  readonly notes?: boolean;
  /**
   * The optional CPU features the code may use: by default only the baseline (x86-64 with SSE4.1
   * and POPCNT), so code compiled anywhere runs everywhere. The Node API passes what CPUID found.
   */
  readonly features?: CpuFeatures;
  /** Compile only this part's functions, and leave calls unpatched (see ModulePart). */
  readonly part?: ModulePart;
  /**
   * Check the thread's interrupt flag at every function entry and loop head (interruptCheck.ts),
   * so that a timeout or another thread can stop the code. Off by default: then there is no check.
   */
  readonly interruptible?: boolean;
}

/** A compiled part: only its functions have code, and calls are still to patch (mergeParts does both). */
export interface CompiledPart extends CompiledModuleWithNotes {
  /** Calls to patch: position of the rel32, callee, addend, three numbers each. */
  readonly calls: Int32Array;
  /** Functions placed with a dispatch loop's head on a 64-byte boundary (the others keep their position modulo 16). */
  readonly dispatchFunctions: readonly number[];
}

export function compileModule(bytes: Uint8Array, options: CompileOptions = {}): CompiledModuleWithNotes {
  return compileWith(bytes, options).result;
}

/** Compile one part of a module's functions (see ModulePart; mergeParts puts the parts together). */
export function compilePart(bytes: Uint8Array, part: ModulePart, options: CompileOptions = {}): CompiledPart {
  const { result, gen } = compileWith(bytes, { ...options, part });
  return partOf(result, gen);
}

/** A part's result with what mergeParts needs besides: its calls to patch, its aligned functions. */
export function partOf(result: CompiledModuleWithNotes, gen: X64CodeGenerator): CompiledPart {
  return { ...result, calls: gen.calls.data.slice(0, gen.calls.length), dispatchFunctions: gen.dispatchFunctions };
}

function compileWith(bytes: Uint8Array, options: CompileOptions): { result: CompiledModuleWithNotes; gen: X64CodeGenerator } {
  const compiler = new StreamingCompiler(options, bytes.length);
  compiler.push(bytes);
  return { result: compiler.finish(), gen: compiler.gen };
}
// #endregion compile-module

// #region streaming-compile
/**
 * Compiles a module as its bytes arrive, in chunks of any size: the validator drives the code
 * generator, which compiles each function body as soon as all of it is here, so compiling
 * overlaps with downloading. The result is the same, byte for byte, as compileModule's on the
 * whole module. Throws CompileError (with the byte offset) from the push that shows a problem.
 */
export class StreamingCompiler {
  readonly gen: X64CodeGenerator;
  private readonly validator: StreamingValidator;

  /** `expectedBytes`: the module's size if known (a Content-Length), to size the code buffer. */
  constructor(options: CompileOptions = {}, expectedBytes = 0) {
    this.gen = new X64CodeGenerator(
      options.notes ?? false, options.features ?? BASELINE_FEATURES, options.interruptible ?? false, options.part ?? null, expectedBytes,
    );
    this.validator = new StreamingValidator(this.gen);
  }

  push(chunk: Uint8Array): void {
    this.validator.push(chunk);
  }

  finish(): CompiledModuleWithNotes {
    this.validator.finish();
    if (!this.gen.result) throw new CompileError('codegen: the module was not finished');
    return this.gen.result;
  }
}
// #endregion streaming-compile
