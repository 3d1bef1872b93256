// Test-only (Node): a process that runs binaryen's own interpreter on modules, for the fuzz-exec
// oracle (fuzzExecOracle.ts). It loads wasm-opt once (binaryenSource.ts's startWasmOpt) and, for
// each module it is sent, runs `wasm-opt FILE --fuzz-exec-before` with the GC source's features (custom descriptors on) and
// sends back what that printed, line by line. The parent kills it when it takes too long (the
// interpreter has no limit of its own on a module's running time) and starts another.

import fs, { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BINARYEN_GC_CD_FEATURES, startWasmOpt, type Main } from './binaryenSource.ts';

export interface FuzzExecRequest { readonly id: number; readonly bytes: string }
/** `status`: wasm-opt's exit status (0 when it ran the module); `error`: it aborted. */
export interface FuzzExecReply { readonly id: number; readonly lines?: string[]; readonly status?: number; readonly error?: string }

let printed: string[] = [];
let main: Promise<Main> | undefined;

// wasm-opt's C++ writes its stdout with the file system's writes to descriptor 1 (emscripten's
// NODERAWFS), not through `print`: this process's descriptor 1 is taken for it, to collect the text.
let pending = '';
const writeSync = fs.writeSync;
(fs as { writeSync: unknown }).writeSync = (fd: number, data: unknown, ...rest: unknown[]) => {
  if (fd !== 1) return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  let bytes: Buffer;
  if (typeof data === 'string') bytes = Buffer.from(data);
  else {
    const b = data as Uint8Array, offset = (rest[0] as number | undefined) ?? 0;
    bytes = Buffer.from(b.buffer, b.byteOffset + offset, (rest[1] as number | undefined) ?? b.length - offset);
  }
  const text = pending + bytes.toString('utf8');
  const parts = text.split('\n');
  pending = parts.pop()!;
  printed.push(...parts);
  return bytes.length;
};
const file = join(tmpdir(), `lightbeam-fuzzexec-${process.pid}.wasm`);

process.on('message', async (m: FuzzExecRequest) => {
  let reply: FuzzExecReply;
  try {
    const run = await (main ??= startWasmOpt(() => {}));
    writeFileSync(file, Buffer.from(m.bytes, 'base64'));
    printed = [];
    pending = '';
    const status = run([file, ...BINARYEN_GC_CD_FEATURES, '--fuzz-exec-before', '--quiet']);
    if (pending) printed.push(pending);
    if (status !== 0) main = undefined; // as below: a fresh copy after any failure
    reply = { id: m.id, lines: printed, status };
  } catch (e) {
    main = undefined; // its heap may be left inconsistent: a fresh copy for the next module
    reply = { id: m.id, error: String((e as Error)?.message ?? e).split('\n')[0] };
  }
  process.send!(reply);
});
process.on('disconnect', () => {
  rmSync(file, { force: true });
  process.exit(0);
});
process.send!({ id: -1 });
