// One request to a long-lived child process of the fuzzer (the GC twins, binaryen's interpreter):
// the module's bytes go with an id, and the reply carrying the same id comes back, unless the
// child exits or stays silent too long, which the caller treats as the child having died.
import type { ChildProcess } from 'node:child_process';

export interface ChildDeath {
  /** Why there is no reply: the exit (code, signal) or the timeout, in the caller's words. */
  died: string;
}

/** Send `bytes` to `proc` as request `id` and wait for its reply (a message with that id). */
export function askChild<Reply extends { id: number }>(
  proc: ChildProcess, id: number, bytes: Uint8Array, timeoutMs: number,
  why: { exit: (code: number | null, signal: string | null) => string; timeout: string },
): Promise<Reply | ChildDeath> {
  return new Promise((resolve) => {
    const onMessage = (m: Reply) => { if (m.id === id) done(m); };
    const onExit = (code: number | null, signal: string | null) => done({ died: why.exit(code, signal) });
    const timer = setTimeout(() => done({ died: why.timeout }), timeoutMs);
    const done = (r: Reply | ChildDeath) => {
      clearTimeout(timer);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      resolve(r);
    };
    proc.on('message', onMessage);
    proc.on('exit', onExit);
    proc.send({ id, bytes: Buffer.from(bytes).toString('base64') });
  });
}
