// Test-only (Node): a fuzzing child process. The parent (campaign.ts) sends jobs, one at a time;
// the child answers each with its result. Before running a module the child writes it to its
// in-flight file, so that when the child dies (a crash in generated code) or hangs, the parent
// saves that file as the finding's input.

import { inflight, recheck, runJob, setInflightFile, type Finding, type JobResult, type Source } from './checks.ts';

export type Job =
  | { readonly id: number; readonly kind: 'job'; readonly source: Source; readonly seed: number }
  | { readonly id: number; readonly kind: 'recheck'; readonly source: Source; readonly bytes: string; readonly tamper?: number };

/** A finding as it crosses the IPC channel (bytes in base64). */
export type WireFinding = Omit<Finding, 'bytes'> & { readonly bytes: string };
export type Reply =
  | { readonly id: number; readonly result: Omit<JobResult, 'findings'> & { readonly findings: WireFinding[] } }
  | { readonly id: number; readonly error: string };

const wire = (f: Finding): WireFinding => ({ ...f, bytes: Buffer.from(f.bytes).toString('base64') });

/**
 * For the fuzzer's own test: LIGHTBEAM_FUZZ_SELF_TEST="crash:own:5,hang:own:6" makes the job of
 * that source and seed die of SIGSEGV, or spin, after writing a module to the in-flight file.
 */
function selfTest(source: Source, seed: number): void {
  const wanted = (process.env.LIGHTBEAM_FUZZ_SELF_TEST ?? '').split(',');
  const header = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  if (wanted.includes(`crash:${source}:${seed}`)) {
    inflight(header);
    process.kill(process.pid, 'SIGSEGV');
  }
  if (wanted.includes(`hang:${source}:${seed}`)) {
    inflight(header);
    for (;;);
  }
}

setInflightFile(process.env.LIGHTBEAM_FUZZ_INFLIGHT!);
process.on('message', async (job: Job) => {
  let reply: Reply;
  inflight(new Uint8Array()); // empty until the job has a module: a hang or crash before that is the generator's
  try {
    if (job.kind === 'job') selfTest(job.source, job.seed);
    if (job.kind === 'job') {
      const r = await runJob(job.source, job.seed);
      reply = { id: job.id, result: { ...r, findings: r.findings.map(wire) } };
    } else {
      const f = await recheck(job.source, new Uint8Array(Buffer.from(job.bytes, 'base64')), job.tamper);
      reply = { id: job.id, result: { modules: 1, counts: {}, findings: f ? [wire(f)] : [] } };
    }
  } catch (e) {
    reply = { id: job.id, error: String((e as Error)?.stack ?? e) };
  }
  process.send!(reply);
});
process.send!({ id: -1, ready: true });
