// Test-only (Node): an oracle for GC modules, which Node 20's V8 cannot run. Lightbeam runs each
// module three times, in three processes: in the fuzzing child itself, in a twin process whose
// heap collects before every allocation (LIGHTBEAM_GC_STRESS=1), and in a second, normal twin. The
// three transcripts (every export's results, traps, imported calls, the final state) must be the
// same, line for line. A missing root, a collector bug, or code whose behaviour depends on where
// objects lie or when the collector runs shows up as a difference, a crash or a hang; the second
// normal run catches what differs from one process to the next.

import { fork, type ChildProcess } from 'node:child_process';
import * as api from '../../api/index.ts';
import { gcHeapUse } from '../../binary/refTypes.ts';
import { UNSUPPORTED_FEATURE } from '../../errors.ts';
import { binaryenGcFeatures, binaryenModule } from './binaryenSource.ts';
import { exposeState, moduleShape } from './moduleShape.ts';
import { fuzzExecCheck } from './fuzzExecOracle.ts';
import { lightbeamEngine, transcript } from './transcript.ts';
import type { TwinReply } from './gcTwin.ts';
import { askChild } from './childRequest.ts';

/** A GC finding, in the shape checks.ts's Finding has (kept apart to avoid an import cycle). */
export interface GcFinding { readonly kind: 'mismatch'; readonly summary: string; readonly detail: string; readonly bytes: Uint8Array }

const TWIN = new URL('./gcTwin.ts', import.meta.url).pathname;
/** Per module and twin; below the campaign's job timeout, so a twin's hang is reported as one. */
const TWIN_TIMEOUT_MS = 20_000;

/** The module of the GC source for `seed`: binaryen's -ttf with GC (and exceptions; custom descriptors on odd seeds) on. */
export function gcSourceModule(seed: number): Promise<Uint8Array> {
  return binaryenModule(seed, binaryenGcFeatures(seed));
}

// #region gc-twin
/** A long-lived twin process (gcTwin.ts); replaced when it dies or hangs. */
class Twin {
  private proc?: ChildProcess;
  private ready?: Promise<void>;
  private next = 0;
  constructor(readonly label: string, private readonly env: Record<string, string | undefined>) {}

  private start(): void {
    const proc = fork(TWIN, [], { execArgv: ['--import', 'tsx'], env: this.env, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    this.proc = proc;
    this.ready = new Promise((resolve) => proc.once('message', () => resolve()));
  }

  /** The transcript of `bytes` in this twin, or how the twin died. */
  async run(bytes: Uint8Array): Promise<{ lines: string[]; collections: number } | { died: string }> {
    if (!this.proc) this.start();
    await this.ready;
    const proc = this.proc!;
    const id = this.next++;
    const answer = await askChild<TwinReply>(proc, id, bytes, TWIN_TIMEOUT_MS, {
      exit: (code, signal) => (signal ? `killed by ${signal}` : `exited with status ${code}`),
      timeout: `no answer in ${TWIN_TIMEOUT_MS / 1000} s (hang)`,
    });
    if ('died' in answer) {
      proc.kill('SIGKILL');
      this.proc = undefined;
      return answer;
    }
    if (answer.error !== undefined) return { died: `harness error: ${answer.error.split('\n')[0]}` };
    return { lines: answer.lines!, collections: answer.collections ?? 0 };
  }
}

const stressTwin = new Twin('stress', { ...process.env, LIGHTBEAM_GC_STRESS: '1' });
const normalTwin = new Twin('second normal', { ...process.env, LIGHTBEAM_GC_STRESS: undefined });

/** Run `bytes` in the stress twin or the second normal one (for tests). */
export const runInTwin = (which: 'stress' | 'normal', bytes: Uint8Array) => (which === 'stress' ? stressTwin : normalTwin).run(bytes);
// #endregion gc-twin

/** The first differing line pair of two runs of Lightbeam, described; undefined when they agree. */
export function difference(labelA: string, a: readonly string[], labelB: string, b: readonly string[]): { summary: string; detail: string } | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    const context = a.slice(Math.max(0, i - 3), i).map((l) => `    ${l}`).join('\n');
    const strip = (l: string | undefined) => (l ?? '(end)').replace(/\(function \d+, at byte 0x[0-9a-f]+\)/g, '');
    return {
      summary: `${labelA} / ${labelB}: ${strip(a[i])} / ${strip(b[i])}`,
      detail: `transcripts differ at line ${i + 1}:\n${context}\n  ${labelA}: ${a[i] ?? '(end)'}\n  ${labelB}: ${b[i] ?? '(end)'}`,
    };
  }
  return undefined;
}

// #region compare-gc-runs
/**
 * Run `bytes` (already exposed) in this process and in both twins; a finding when a twin died or
 * hung, or when a transcript differs from this process's. `beforeOwnRun` is called just before
 * this process runs the module (the fuzzing child writes its in-flight file there).
 */
export async function compareGcRuns(bytes: Uint8Array, beforeOwnRun: () => void = () => {}): Promise<GcFinding | undefined> {
  const shape = moduleShape(bytes);
  // The twins first: should this process then crash or hang, no twin is left running the module.
  const [stress, again] = await Promise.all([stressTwin.run(bytes), normalTwin.run(bytes)]);
  // Both twins dying the same way is no GC bug's sign but the module's (or the compiler's) in any run.
  if ('died' in stress && 'died' in again && stress.died === again.died) {
    return { kind: 'mismatch', summary: `both twins: ${stress.died.replace(/: .*/, '')}`, detail: `both twins' processes: ${stress.died}`, bytes };
  }
  for (const [twin, r] of [[stressTwin, stress], [normalTwin, again]] as const) {
    if ('died' in r) {
      const summary = `${twin.label} run: ${r.died.replace(/: .*/, '')}`;
      return { kind: 'mismatch', summary, detail: `the ${twin.label} run's process ${r.died}`, bytes };
    }
  }
  beforeOwnRun();
  const normal = transcript(lightbeamEngine, bytes, shape);
  for (const [label, r] of [['stress', stress], ['second normal', again]] as const) {
    const d = difference('normal', normal, label, (r as { lines: string[] }).lines);
    if (d) return { kind: 'mismatch', ...d, bytes };
  }
  return undefined;
}
// #endregion compare-gc-runs

/** How Lightbeam takes a GC module: compiled (using the GC heap or not), or refused with a reason. */
export function gcAcceptance(bytes: Uint8Array): { accepted: true; heap: boolean } | { accepted: false; reason: string } {
  const before = gcHeapUse.count;
  try {
    new api.Module(bytes);
  } catch (e) {
    if (e instanceof api.CompileError) return { accepted: false, reason: e.reason };
    throw e;
  }
  return { accepted: true, heap: gcHeapUse.count !== before };
}

export const GC_AGREE_HEAP = 'gc: agree (structs or arrays)';
export const GC_AGREE_NO_HEAP = 'gc: agree (no struct or array types)';

/**
 * One job of the GC source: make the module, count it as refused when Lightbeam refuses a feature
 * (an "unsupported feature" is no finding; any other CompileError is one), else compare its runs.
 */
export async function gcJob(seed: number, beforeOwnRun: (bytes: Uint8Array) => void): Promise<{ counts: Record<string, number>; finding?: GcFinding; generatorFailed?: string }> {
  let generated: Uint8Array, bytes: Uint8Array;
  try {
    generated = await gcSourceModule(seed);
    bytes = exposeState(generated);
  } catch (e) {
    return { counts: {}, generatorFailed: String(e) };
  }
  const a = gcAcceptance(bytes);
  if (!a.accepted) {
    if (a.reason.startsWith(UNSUPPORTED_FEATURE)) return { counts: { [`gc: refused (${a.reason})`]: 1 } };
    return { counts: { 'gc: mismatch': 1 }, finding: { kind: 'mismatch', summary: `Lightbeam rejects binaryen's module: ${a.reason}`, detail: a.reason, bytes } };
  }
  const finding = await compareGcRuns(bytes, () => beforeOwnRun(bytes));
  const counts = { [finding ? 'gc: mismatch' : a.heap ? GC_AGREE_HEAP : GC_AGREE_NO_HEAP]: 1 };
  if (finding) return { counts, finding };
  // Then binaryen's interpreter, on the module as generated (its exports are the ones binaryen calls).
  const x = await fuzzExecCheck(generated, () => beforeOwnRun(generated));
  counts[x.count] = 1;
  return { counts, finding: x.finding && { kind: 'mismatch', ...x.finding, bytes: generated } };
}

/** The reducer's check of a GC finding: Lightbeam's runs against each other, then against binaryen's interpreter. */
export async function recheckGc(bytes: Uint8Array, beforeOwnRun: () => void): Promise<GcFinding | undefined> {
  const f = await compareGcRuns(bytes, beforeOwnRun);
  if (f) return f;
  const x = await fuzzExecCheck(bytes, beforeOwnRun);
  return x.finding && { kind: 'mismatch', ...x.finding, bytes };
}
