// Test-only (Node): what one fuzzing job does, in a child process (worker.ts): make a module from
// a source and a seed, and check Lightbeam against V8 on it.
//
// - binaryen: `wasm-opt -ttf` modules (binaryenSource.ts), run on both engines (transcript.ts);
//   when they agree, Lightbeam is checked against binaryen's interpreter too (fuzzExecOracle.ts).
// - own: the project's generators, alternating the feature-rich randomProgram.ts and the
//   register-pressure stressProgram.ts, run on both engines.
// - binaryen-gc: `wasm-opt -ttf` modules with GC, which no V8 of Node 20 runs: Lightbeam's own
//   runs, normal and with a collection before every allocation, are compared (gcOracle.ts), then
//   Lightbeam's with binaryen's interpreter (`wasm-opt --fuzz-exec-before`, fuzzExecOracle.ts).
// - mutate: a base module (from the two sources above) mutated MUTANTS_PER_JOB times; each mutant
//   must be accepted or rejected as V8 accepts or rejects it (a proposal Lightbeam does not claim
//   must be rejected with "unsupported feature"), compile errors must be CompileErrors with a byte
//   offset, and a mutant both accept is instantiated on both (with the right imports, then with one
//   import of the wrong kind or type): same error class, same state after instantiation.

import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import * as api from '../../api/index.ts';
import { UNSUPPORTED_FEATURE } from '../../errors.ts';
import { watToWasm } from '../../text/watToWasm.ts';
import { validateModule } from '../../validate/index.ts';
import { type ControlFrame, type FunctionContext, NoopCodeGenerator } from '../../validate/codegenInterface.ts';
import type { RefType } from '../../binary/types.ts';
import { gcUse, typedRefUse } from '../../binary/refTypes.ts';
import { FEATURE_NAMES, program, type Features } from '../../codegen/testing/randomProgram.ts';
import { stressProgram } from '../../codegen/testing/stressProgram.ts';
import { rng } from '../rng.ts';
import { binaryenModule } from './binaryenSource.ts';
import { exposeState, moduleShape, ShapeError } from './moduleShape.ts';
import { gcJob, recheckGc } from './gcOracle.ts';
import { fuzzExecCheck } from './fuzzExecOracle.ts';

/** The count of generated modules V8 cannot judge (v8CannotJudge: typed references, GC). */
export const UNJUDGED = 'unjudged (typed references, GC)';
/** The same for mutants: valid for Lightbeam, using what Node 20's V8 does not have. */
export const UNJUDGED_MUTANTS = 'mutants unjudged (typed references, GC)';
/** The summary of a finding that is binaryen's generator failing, not anything of Lightbeam's. */
export const GENERATOR_FAILED = 'generator failed';
import { firstDifference, lightbeamEngine, transcript, v8Engine } from './transcript.ts';

export const SOURCES = ['binaryen', 'own', 'mutate', 'binaryen-gc'] as const;
export type Source = (typeof SOURCES)[number];

export interface Finding {
  readonly kind: 'mismatch' | 'invalid-input';
  /** One line saying what differs (the reducer keeps a candidate when this line is unchanged). */
  readonly summary: string;
  readonly detail: string;
  readonly bytes: Uint8Array;
  /** For an instantiation finding: the import tampering that shows it. */
  readonly tamper?: number;
}

export interface JobResult {
  /** Modules checked (one per execution job; one per mutant). */
  readonly modules: number;
  /** Outcomes by name (agree, valid, invalid, unsupported, instantiated, ...). */
  readonly counts: Record<string, number>;
  readonly findings: Finding[];
}

export const MUTANTS_PER_JOB = 100;
const COMPILE_INVALID_EVERY = 8;
/** The proposals of WebAssembly 2.0, and those of 3.0 Lightbeam has: never "unsupported". */
const CLAIMED = ['mvp', 'sign-extension', 'nontrapping-float-to-int', 'multi-value', 'bulk-memory', 'reference-types', 'simd',
  'extended-const', 'relaxed-simd', 'memory64', 'multi-memory', 'tail-call', 'exceptions', 'function-references',
  'custom-page-sizes', 'wide-arithmetic', 'legacy-exceptions', 'threads'];

// Node 20's V8 has extended constants and relaxed SIMD behind flags. Lightbeam accepts both, so the
// V8 that judges mutants must too, or a mutant using them would be "accepted by Lightbeam only".
// (No generator makes relaxed operators, whose results V8 may choose differently.)
setFlagsFromString('--experimental-wasm-extended-const');
setFlagsFromString('--experimental-wasm-relaxed-simd');
setFlagsFromString('--experimental-wasm-memory64');

/**
 * What Node 20's V8 rejects, flags or not, of the 3.0 features Lightbeam has: several memories
 * (and a memarg's memory index, bit 6 of its flags: "alignment" 64-127 to V8), table64, custom
 * page sizes, wide arithmetic, and the
 * opcodes of exception handling (throw, throw_ref, try_table) and typed function references
 * (call_ref, return_call_ref, ref.as_non_null, br_on_null, br_on_non_null) where the checks above
 * do not see them (in dead code). A mutant V8 rejects for one of these alone is no finding; V8
 * says which in its message.
 */
const NODE20_V8_LACKS = new RegExp([
  /memory count of \d+ exceeds internal limit of 1|actual alignment is (6[4-9]|[7-9]\d|1[01]\d|12[0-7])\b/.source,
  /invalid table elements limits flags|Invalid opcode 0x(8|a|1f|14|15|d4|d5|d6)\b/.source,
  // custom-page-sizes (a memory's limits flag 8) and wide-arithmetic (0xfc 19-22)
  /invalid memory limits flags 0x(8|9|c|d)\b|invalid numeric opcode: 0xfc1[3-6]\b/.source,
].join('|'));

/** Where the module under test is written before it runs, so a crash leaves it behind. */
let inflightFile: string | undefined;
export function setInflightFile(file: string): void { inflightFile = file; }
export const inflight = (bytes: Uint8Array) => { if (inflightFile) writeFileSync(inflightFile, bytes); };

/** The feature set of an own-generator program: every combination in turn. */
function ownFeatures(seed: number): Features {
  const out: Record<string, boolean> = {};
  FEATURE_NAMES.forEach((n, i) => { if ((seed >> (i + 1)) & 1) out[n] = true; });
  return out;
}

/** The module of an execution source for `seed`. */
export async function sourceModule(source: 'binaryen' | 'own', seed: number): Promise<Uint8Array> {
  if (source === 'binaryen') return binaryenModule(seed);
  return watToWasm(seed % 2 ? stressProgram(seed) : program(seed, ownFeatures(seed)));
}

// #region compare-execution
/** Run `bytes` (already exposed) on both engines; a finding when the transcripts differ. */
export function compareExecution(bytes: Uint8Array): Finding | undefined {
  if (v8CannotJudge(bytes)) return undefined;
  const shape = moduleShape(bytes);
  inflight(bytes);
  const want = transcript(v8Engine, bytes, shape);
  const got = transcript(lightbeamEngine, bytes, shape);
  const d = firstDifference(want, got);
  if (!d) return undefined;
  return { kind: 'mismatch', summary: summaryOf(d), detail: d, bytes };
}
// #endregion compare-execution

/** The differing line pair, with numbers and names that vary between reductions left out. */
function summaryOf(detail: string): string {
  const lines = detail.split('\n').filter((l) => /^ {2}(V8|Lightbeam):/.test(l));
  return lines.map((l) => l.replace(/\(function \d+, at byte 0x[0-9a-f]+\)/g, '').replace(/^\s*(V8|Lightbeam):\s*\S+?[(:]/, '$1:')).join(' / ');
}

const count = (counts: Record<string, number>, k: string) => { counts[k] = (counts[k] ?? 0) + 1; };

async function executionJob(source: 'binaryen' | 'own', seed: number): Promise<JobResult> {
  const counts: Record<string, number> = {};
  let generated: Uint8Array, bytes: Uint8Array;
  try {
    generated = await sourceModule(source, seed);
    bytes = exposeState(generated);
  } catch (e) {
    return { modules: 1, counts: { [GENERATOR_FAILED]: 1 }, findings: [{ kind: 'invalid-input', summary: GENERATOR_FAILED, detail: String(e), bytes: new Uint8Array() }] };
  }
  if (v8CannotJudge(bytes)) {
    count(counts, UNJUDGED);
    return { modules: 1, counts, findings: [] };
  }
  const f = compareExecution(bytes);
  count(counts, f ? 'mismatch' : 'agree');
  if (f || source !== 'binaryen') return { modules: 1, counts, findings: f ? [f] : [] };
  // binaryen's own modules are run by its interpreter too (as generated: its exports are the ones it calls).
  const x = await fuzzExecCheck(generated, () => inflight(generated));
  count(counts, x.count);
  return { modules: 1, counts, findings: x.finding ? [{ kind: 'mismatch', ...x.finding, bytes: generated }] : [] };
}

/**
 * V8 rejects the module and Lightbeam accepts it using typed function references, which Node 20's
 * V8 knows only behind a flag and under their old opcodes (binaryen's -ttf writes ref.as_non_null
 * with reference types alone), or GC, which Node 20's V8 has only as an unfinished draft behind a
 * flag: V8 cannot judge it, and it is counted as such, not compared. (So 'gc', which Lightbeam
 * compiles, is not among the CLAIMED proposals: nothing here could check it.)
 */
export function v8CannotJudge(bytes: Uint8Array): boolean {
  if (WebAssembly.validate(bytes as BufferSource)) return false;
  const before = typedRefUse.count, gcBefore = gcUse.count;
  try {
    validateModule(bytes);
  } catch {
    return false;
  }
  return typedRefUse.count !== before || gcUse.count !== gcBefore;
}

// #region mutation
/** One random edit (sometimes two or three): overwrite a byte (with a random or a boundary value), flip a bit, insert, delete, duplicate a slice. */
export function mutate(base: Uint8Array, r: () => number): Uint8Array {
  let b = Array.from(base);
  const edits = r() < 0.7 ? 1 : 2 + Math.floor(r() * 2);
  const at = () => 8 + Math.floor(r() * Math.max(1, b.length - 8));
  for (let e = 0; e < edits; e++) {
    const k = Math.floor(r() * 6);
    const i = at();
    if (k === 0) b[i] = Math.floor(r() * 256);
    else if (k === 1) b[i] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x0b, 0x41, 0xfc, 0xfd, 0xfe][Math.floor(r() * 11)]!;
    else if (k === 2) b[i] = (b[i]! ^ (1 << Math.floor(r() * 8))) & 0xff;
    else if (k === 3) b.splice(i, 0, Math.floor(r() * 256));
    else if (k === 4) b.splice(i, 1 + Math.floor(r() * 4));
    else {
      const n = 1 + Math.floor(r() * 16);
      b = [...b.slice(0, i), ...b.slice(i, i + n), ...b.slice(i)];
    }
  }
  return Uint8Array.from(b);
}

// #region uses-exceptions
const EXNREF = 0x69;
const hasExnref = (types: readonly number[]) => types.includes(EXNREF);
/** Sees, in live code, what of exception handling a module uses (see usesExceptions). */
class ExceptionUse extends NoopCodeGenerator {
  used = false;
  override beginFunction(ctx: FunctionContext): void { if (hasExnref(ctx.locals)) this.used = true; }
  override block(f: ControlFrame): void { this.frame(f); }
  override loop(f: ControlFrame): void { this.frame(f); }
  override if(f: ControlFrame): void { this.frame(f); }
  override tryTable(): void { this.used = true; }
  override throw(): void { this.used = true; }
  override throwRef(): void { this.used = true; }
  override refNull(t: RefType): void { if (t === EXNREF) this.used = true; }
  private frame(f: ControlFrame): void { if (hasExnref(f.type.params) || hasExnref(f.type.results)) this.used = true; }
}
/**
 * Does a module Lightbeam accepts use exception handling (a tag, an exnref anywhere, its
 * instructions in live code)? Dead code is not looked at: a throw_ref there is not seen.
 */
function usesExceptions(bytes: Uint8Array): boolean {
  const cg = new ExceptionUse();
  const m = validateModule(bytes, cg);
  return cg.used || m.tags.length > 0 || m.types.some((t) => hasExnref(t.params) || hasExnref(t.results))
    || m.tables.some((t) => t.element === EXNREF) || m.globals.some((g) => g.type.type === EXNREF)
    || m.elements.some((e) => e.type === EXNREF);
}
// #endregion uses-exceptions

/** Check one mutant's accept/reject against V8; on agreement, its instantiation too. */
export function checkMutant(bytes: Uint8Array, tamper: number, counts: Record<string, number>): Finding | undefined {
  const finding = (summary: string, detail = summary): Finding => ({ kind: 'mismatch', summary, detail, bytes });
  const v8Valid = WebAssembly.validate(bytes as BufferSource);
  inflight(bytes);
  let ourValid: boolean;
  try {
    ourValid = api.validate(bytes);
  } catch (e) {
    return finding(`validate() threw ${(e as Error).name}`, String((e as Error).stack));
  }
  // Compiling costs 10-30 times validating: when both engines reject the mutant, only one in
  // COMPILE_INVALID_EVERY is compiled too (to check that compile and validate agree).
  let ours: unknown;
  if (v8Valid || ourValid || tamper % COMPILE_INVALID_EVERY === 0) {
    try {
      new api.Module(bytes);
    } catch (e) {
      ours = e;
    }
  } else {
    try {
      validateModule(bytes);
    } catch (e) {
      ours = e;
    }
  }
  if (ours !== undefined && !(ours instanceof api.CompileError)) {
    return finding(`compile threw ${(ours as Error).name ?? typeof ours}, not CompileError`, String((ours as Error).stack ?? ours));
  }
  const compileError = ours as api.CompileError | undefined;
  if (ourValid !== !compileError && !compileError?.reason.startsWith(UNSUPPORTED_FEATURE)) {
    return finding(`validate() says ${ourValid} but new Module() ${compileError ? `throws ${compileError.message}` : 'succeeds'}`);
  }
  if (compileError && compileError.offset === undefined) return finding(`CompileError without a byte offset: ${compileError.reason}`);
  if (compileError?.reason.startsWith(UNSUPPORTED_FEATURE)) {
    const proposal = compileError.reason.slice(UNSUPPORTED_FEATURE.length + 2);
    if (v8Valid && CLAIMED.includes(proposal)) return finding(`a proposal Lightbeam claims rejected as unsupported: ${compileError.reason}`, compileError.message);
    count(counts, v8Valid ? 'unsupported (V8 accepts)' : 'invalid');
    return undefined;
  }
  if (v8Valid && compileError) return finding(`Lightbeam rejects a module V8 accepts: ${compileError.reason}`, compileError.message);
  if (!v8Valid && !compileError && usesExceptions(bytes)) {
    // Node 20's V8 has no exnref (exception handling as WebAssembly 3.0 has it): no oracle here.
    count(counts, 'exceptions (beyond V8)');
    return undefined;
  }
  if (!v8Valid && !compileError && v8CannotJudge(bytes)) {
    count(counts, UNJUDGED_MUTANTS);
    return undefined;
  }
  if (!v8Valid && !compileError) {
    let why = '';
    try { new WebAssembly.Module(bytes as BufferSource); } catch (e) { why = (e as Error).message; }
    if (NODE20_V8_LACKS.test(why)) {
      count(counts, 'valid (a 3.0 feature Node 20\'s V8 lacks)');
      return undefined;
    }
    return finding('Lightbeam accepts a module V8 rejects', `V8: ${why}`);
  }
  if (!v8Valid) {
    count(counts, 'invalid');
    return undefined;
  }
  count(counts, 'valid');
  let shape;
  try {
    shape = moduleShape(bytes);
  } catch (e) {
    if (e instanceof ShapeError) return undefined;
    throw e;
  }
  if (shape.hasStart) return undefined; // its code could run for ever; the execution sources cover start functions
  for (const t of [undefined, tamper]) {
    const want = transcript(v8Engine, bytes, shape, { calls: false, tamper: t });
    const got = transcript(lightbeamEngine, bytes, shape, { calls: false, tamper: t });
    const d = firstDifference(want, got);
    if (d) return { kind: 'mismatch', summary: summaryOf(d), detail: d, bytes, tamper: t };
    count(counts, t === undefined ? 'instantiated' : 'bad imports');
  }
  return undefined;
}
// #endregion mutation

async function mutationJob(seed: number): Promise<JobResult> {
  const counts: Record<string, number> = {};
  const r = rng(seed * 40503 + 7);
  let base: Uint8Array;
  try {
    base = await sourceModule(seed % 3 === 0 ? 'binaryen' : 'own', seed);
  } catch (e) {
    return { modules: 0, counts: { [GENERATOR_FAILED]: 1 }, findings: [] };
  }
  const findings: Finding[] = [];
  for (let i = 0; i < MUTANTS_PER_JOB && findings.length < 3; i++) {
    const f = checkMutant(mutate(base, r), Math.floor(r() * 1000), counts);
    if (f && !findings.some((x) => x.summary === f.summary)) findings.push(f);
  }
  return { modules: MUTANTS_PER_JOB, counts, findings };
}

async function gcExecutionJob(seed: number): Promise<JobResult> {
  const r = await gcJob(seed, inflight);
  if (r.generatorFailed !== undefined) {
    return { modules: 1, counts: { [GENERATOR_FAILED]: 1 }, findings: [{ kind: 'invalid-input', summary: GENERATOR_FAILED, detail: r.generatorFailed, bytes: new Uint8Array() }] };
  }
  return { modules: 1, counts: r.counts, findings: r.finding ? [r.finding] : [] };
}

/** The job of `source` for `seed`. */
export function runJob(source: Source, seed: number): Promise<JobResult> {
  if (source === 'binaryen-gc') return gcExecutionJob(seed);
  return source === 'mutate' ? mutationJob(seed) : executionJob(source, seed);
}

/** Check given bytes the way a job of `source` would (the reducer's test). */
export async function recheck(source: Source, bytes: Uint8Array, tamper = 0): Promise<Finding | undefined> {
  if (source === 'binaryen-gc') return recheckGc(bytes, () => inflight(bytes));
  if (source === 'binaryen') {
    const f = compareExecution(bytes);
    if (f) return f;
    const x = await fuzzExecCheck(bytes, () => inflight(bytes));
    return x.finding && { kind: 'mismatch', ...x.finding, bytes };
  }
  if (source !== 'mutate') return compareExecution(bytes);
  return checkMutant(bytes, tamper, {});
}
