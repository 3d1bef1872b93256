// Test-only (Node): a fuzzing child process. The parent (campaign.ts) sends jobs, one at a time;
// the child answers each with its result. Before running a module the child writes it to its
// in-flight file, so that when the child dies (a crash in generated code) or hangs, the parent
// saves that file as the finding's input.

import { recheck, runJob, setInflightFile, type Finding, type JobResult, type Source } from './checks.ts';

export type Job =
  | { readonly id: number; readonly kind: 'job'; readonly source: Source; readonly seed: number }
  | { readonly id: number; readonly kind: 'recheck'; readonly source: Source; readonly bytes: string; readonly tamper?: number };

/** A finding as it crosses the IPC channel (bytes in base64). */
export type WireFinding = Omit<Finding, 'bytes'> & { readonly bytes: string };
export type Reply =
  | { readonly id: number; readonly result: Omit<JobResult, 'findings'> & { readonly findings: WireFinding[] } }
  | { readonly id: number; readonly error: string };

const wire = (f: Finding): WireFinding => ({ ...f, bytes: Buffer.from(f.bytes).toString('base64') });

setInflightFile(process.env.LIGHTBEAM_FUZZ_INFLIGHT!);
process.on('message', async (job: Job) => {
  let reply: Reply;
  try {
    if (job.kind === 'job') {
      const r = await runJob(job.source, job.seed);
      reply = { id: job.id, result: { ...r, findings: r.findings.map(wire) } };
    } else {
      const f = recheck(job.source, new Uint8Array(Buffer.from(job.bytes, 'base64')), job.tamper);
      reply = { id: job.id, result: { modules: 1, counts: {}, findings: f ? [wire(f)] : [] } };
    }
  } catch (e) {
    reply = { id: job.id, error: String((e as Error)?.stack ?? e) };
  }
  process.send!(reply);
});
process.send!({ id: -1, ready: true });
