// Test-only (Node): a fuzzing campaign. Jobs (a source and a seed) go to child processes
// (worker.ts), `jobs` at a time; a child that dies (a crash) or runs past the timeout (a hang) is a
// finding with the module it was running, and a new child takes its place. Findings are saved in
// the output directory (module, WAT, what differed, the command that replays it), then reduced.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATOR_FAILED, SOURCES, MUTANTS_PER_JOB, type Source } from './checks.ts';
import { reduceModule } from './reduce.ts';
import { wasmToWat } from './wat.ts';
import type { Job, Reply, WireFinding } from './worker.ts';

export interface CampaignOptions {
  readonly sources: readonly Source[];
  /** Modules per source (mutants for mutate). */
  readonly count: Readonly<Record<Source, number>>;
  /** Stop starting jobs after this many seconds (0: no limit). */
  readonly seconds?: number;
  readonly seed: number;
  readonly jobs: number;
  /** Per job; a job that takes longer is a hang. */
  readonly timeoutMs: number;
  readonly outDir: string;
  readonly reduceSeconds: number;
  /**
   * Stop early after this many findings. Seeds binaryen's generator failed on do not count: they
   * say nothing of Lightbeam, and a long run meets one every ~1,300 seeds.
   */
  readonly maxFindings: number;
  readonly log: (line: string) => void;
  readonly progress: (line: string) => void;
}

export interface SavedFinding {
  readonly kind: 'mismatch' | 'crash' | 'hang' | 'invalid-input' | 'error';
  readonly source: Source;
  readonly seed: number;
  readonly summary: string;
  readonly file: string;
}

export interface CampaignResult {
  readonly modules: Record<Source, number>;
  readonly counts: Record<string, number>;
  readonly findings: SavedFinding[];
  readonly seconds: number;
}

const WORKER = new URL('./worker.ts', import.meta.url).pathname;

/** How a job ended when its child did not answer. */
interface Died { readonly died: string; readonly module?: Uint8Array }

/** A child process running worker.ts, one job at a time. */
class Child {
  private proc: ChildProcess;
  private pending?: { resolve: (r: Reply | Died) => void; timer: NodeJS.Timeout };
  private ready: Promise<void>;
  readonly inflight: string;
  constructor(dir: string, slot: number) {
    this.inflight = join(dir, `inflight-${slot}.wasm`);
    this.proc = this.spawn();
    this.ready = this.waitReady();
  }
  private spawn(): ChildProcess {
    writeFileSync(this.inflight, new Uint8Array());
    const proc = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, LIGHTBEAM_FUZZ_INFLIGHT: this.inflight },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    proc.stderr!.on('data', () => {}); // binaryen's own warnings; a crash's message is in the exit status
    proc.on('message', (m: Reply & { ready?: boolean }) => {
      if (m.ready || !this.pending) return;
      const p = this.pending;
      this.pending = undefined;
      clearTimeout(p.timer);
      p.resolve(m);
    });
    proc.on('exit', (code, signal) => {
      if (!this.pending) return;
      const p = this.pending;
      this.pending = undefined;
      clearTimeout(p.timer);
      p.resolve({ died: signal ? `killed by ${signal}` : `exited with status ${code}` });
    });
    return proc;
  }
  private waitReady(): Promise<void> {
    return new Promise((resolve) => this.proc.once('message', () => resolve()));
  }
  // #region child-run
  /** Run one job; `died` when the child crashed or hung (it is then replaced), with the module it was running. */
  async run(job: Job, timeoutMs: number): Promise<Reply | Died> {
    await this.ready;
    let reply = await new Promise<Reply | Died>((resolve) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.proc.kill('SIGKILL');
        resolve({ died: `no answer in ${timeoutMs / 1000} s (hang)` });
      }, timeoutMs);
      this.pending = { resolve, timer };
      this.proc.send(job);
    });
    if ('died' in reply) {
      this.proc.kill('SIGKILL');
      // The module it was running, read before the new child starts with an empty file.
      const module = existsSync(this.inflight) ? new Uint8Array(readFileSync(this.inflight)) : new Uint8Array();
      reply = { ...reply, module };
      this.proc = this.spawn();
      this.ready = this.waitReady();
    }
    return reply;
  }
  // #endregion child-run
  close(): void { this.proc.kill('SIGKILL'); }
}

function replayCommand(file: string, source: Source, tamper?: number): string {
  return `npm run fuzz -- --replay ${file} --source ${source}${tamper ? ` --tamper ${tamper}` : ''}`;
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  mkdirSync(o.outDir, { recursive: true });
  const children = Array.from({ length: o.jobs }, (_, i) => new Child(o.outDir, i));
  const modules = Object.fromEntries(SOURCES.map((s) => [s, 0])) as Record<Source, number>;
  const dispatched = Object.fromEntries(SOURCES.map((s) => [s, 0])) as Record<Source, number>;
  const nextSeed = Object.fromEntries(SOURCES.map((s) => [s, o.seed])) as Record<Source, number>;
  const counts: Record<string, number> = {};
  const findings: SavedFinding[] = [];
  /** The findings that count toward maxFindings (all but the generator's failures). */
  let counted = 0;
  const toReduce: { finding: SavedFinding; wire?: WireFinding }[] = [];
  const seen = new Set<string>();
  const perJob = (s: Source) => (s === 'mutate' ? MUTANTS_PER_JOB : 1);
  const t0 = performance.now();
  let jobId = 0;

  const save = (kind: SavedFinding['kind'], source: Source, seed: number, summary: string, detail: string, bytes: Uint8Array, wire?: WireFinding) => {
    const base = join(o.outDir, `${source}-seed${seed}-${findings.length}`);
    writeFileSync(`${base}.wasm`, bytes);
    const f: SavedFinding = { kind, source, seed, summary, file: `${base}.wasm` };
    writeFileSync(`${base}.txt`, `${kind} (${source}, seed ${seed}): ${summary}\n\n${detail}\n\nreplay: ${replayCommand(`${base}.wasm`, source, wire?.tamper)}\n`);
    void wasmToWat(bytes).then((wat) => writeFileSync(`${base}.wat`, wat));
    findings.push(f);
    if (summary !== GENERATOR_FAILED) counted++;
    o.log(`\n${kind.toUpperCase()} ${source} seed ${seed}: ${summary}\n${detail.split('\n').slice(0, 12).join('\n')}\n  saved: ${base}.wasm (.wat, .txt)\n`);
    if (!seen.has(`${source}:${summary}`) && kind !== 'invalid-input') toReduce.push({ finding: f, wire });
    seen.add(`${source}:${summary}`);
  };

  const pickSource = (): Source | undefined => {
    let best: Source | undefined;
    if (o.seconds && performance.now() - t0 > o.seconds * 1000) return undefined;
    for (const s of o.sources) {
      if (dispatched[s] >= o.count[s]) continue;
      if (best === undefined || dispatched[s] / o.count[s] < dispatched[best] / o.count[best]) best = s;
    }
    return best;
  };

  const report = () => {
    const s = (performance.now() - t0) / 1000;
    const total = o.sources.reduce((n, src) => n + modules[src], 0);
    const by = o.sources.map((src) => `${src} ${modules[src]}/${o.count[src]}`).join(', ');
    const kinds = (k: SavedFinding['kind']) => findings.filter((f) => f.kind === k).length;
    o.progress(`[${s.toFixed(0)} s] ${by}; ${(total / s).toFixed(1)} modules/s; mismatches ${kinds('mismatch')}, crashes ${kinds('crash')}, hangs ${kinds('hang')}, errors ${kinds('error') + kinds('invalid-input')}`);
  };
  const timer = setInterval(report, 5000);

  const loop = async (child: Child) => {
    for (;;) {
      if (counted >= o.maxFindings) return;
      const source = pickSource();
      if (!source) return;
      const seed = nextSeed[source]++;
      dispatched[source] += perJob(source);
      const reply = await child.run({ id: jobId++, kind: 'job', source, seed }, o.timeoutMs);
      if ('died' in reply) {
        modules[source] += 1;
        const bytes = reply.module ?? new Uint8Array();
        const kind = reply.died.includes('hang') ? 'hang' : 'crash';
        const what = bytes.length ? 'while running this module' : 'before it had a module (in the generator: replay it from the seed)';
        save(kind, source, seed, reply.died, `the child ${reply.died} ${what}`, bytes);
      } else if ('error' in reply) {
        modules[source] += 1;
        save('error', source, seed, reply.error.split('\n')[0]!, reply.error, new Uint8Array());
      } else {
        modules[source] += reply.result.modules;
        for (const [k, n] of Object.entries(reply.result.counts)) counts[k] = (counts[k] ?? 0) + n;
        for (const f of reply.result.findings) save(f.kind, source, seed, f.summary, f.detail, new Uint8Array(Buffer.from(f.bytes, 'base64')), f);
      }
    }
  };
  await Promise.all(children.map(loop));
  clearInterval(timer);
  report();

  // Reduce each distinct finding with one child: a candidate is kept while it fails the same way.
  if (o.reduceSeconds > 0) {
    for (const { finding, wire } of toReduce) {
      const original = new Uint8Array(readFileSync(finding.file));
      const test = async (bytes: Uint8Array): Promise<boolean> => {
        const reply = await children[0]!.run({ id: jobId++, kind: 'recheck', source: finding.source, bytes: Buffer.from(bytes).toString('base64'), tamper: wire?.tamper }, o.timeoutMs);
        if ('died' in reply) return finding.kind !== 'mismatch' && reply.died.includes('hang') === (finding.kind === 'hang');
        if ('error' in reply) return false;
        return finding.kind === 'mismatch' && reply.result.findings.some((f) => f.summary === finding.summary);
      };
      o.log(`reducing ${finding.file} (${original.length} bytes, up to ${o.reduceSeconds} s) ...`);
      const r = await reduceModule(original, test, performance.now() + o.reduceSeconds * 1000, finding.source === 'binaryen-gc');
      const base = finding.file.replace(/\.wasm$/, '.min');
      writeFileSync(`${base}.wasm`, r.bytes);
      const wat = await wasmToWat(r.bytes);
      writeFileSync(`${base}.wat`, wat);
      o.log(`reduced to ${r.bytes.length} bytes (${r.accepted} of ${r.attempts} edits kept): ${base}.wasm\n${wat.split('\n').slice(0, 60).join('\n')}\nreplay: ${replayCommand(`${base}.wasm`, finding.source, wire?.tamper)}\n`);
    }
  }
  for (const c of children) c.close();
  return { modules, counts, findings, seconds: (performance.now() - t0) / 1000 };
}
