// `lightbeam node script.mjs [args...]`: run a Node program with Lightbeam installed as
// globalThis.WebAssembly. The program runs in a Node process of its own started with
// `--import lightbeam/register` (bin/register.mjs), so it sees an ordinary process: its own
// argv, stdin/stdout/stderr, exit code and signals. Node only.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const USAGE = `Usage: lightbeam node [node options...] <script> [args...]

Runs a Node program with Lightbeam's WebAssembly API as globalThis.WebAssembly (the same as
\`node --import lightbeam/register <script>\`). Node options (those starting with "-") before the
script are passed to node. Node's own internals (fetch's HTTP parser) keep Node's WebAssembly;
the program's modules run on Lightbeam or fail with its CompileError/LinkError/RuntimeError.`;

export const REGISTER = fileURLToPath(new URL('../../bin/register.mjs', import.meta.url));

export async function main(args: string[]): Promise<number> {
  const script = args.findIndex((a) => !a.startsWith('-'));
  if (script < 0) {
    console.error(`lightbeam node: no script given\n\n${USAGE}`);
    return 2;
  }
  const nodeArgs = ['--import', REGISTER, ...args.slice(0, script), ...args.slice(script)];
  const child = spawn(process.execPath, nodeArgs, { stdio: 'inherit' });
  // The terminal's Ctrl-C reaches both; the child decides what it means.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve([c, s]));
  });
  process.off('SIGINT', ignore);
  if (signal) {
    process.kill(process.pid, signal);
    return 128;
  }
  return code ?? 1;
}
