// `lightbeam compile <file.wat|file.wasm> [--json]`: validate and compile a module the way
// `lightbeam run` does (the same start from the bundle, the same threads), then say what came out
// and what it cost. Nothing is written: this measures the first compile in a fresh process, the
// price every `lightbeam run` pays (bench/compile.ts's cold rows run it).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CompileError } from '../errors.ts';
import { cliThreads, compileForCli } from './compileForCli.ts';
import { readModuleFile } from './loadWasm.ts';

const USAGE = 'lightbeam compile <file.wat|file.wasm> [--json]';

/** CPU time of the whole process in ms: every thread, V8's compiler and GC threads and our workers included. */
function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU time of the main thread alone in ms (Linux), or null. */
function mainThreadCpuMs(): number | null {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

/** What bin/lightbeam.js read at its first line: the CPU Node spent starting, before any of ours. */
const nodeStartCpuMs = (): number | null => ((globalThis as Record<symbol, unknown>)[Symbol.for('lightbeam.nodeStartCpuMs')] as number | undefined) ?? null;

export async function main(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const unknown = args.find((a) => a.startsWith('-') && a !== '--json');
  const files = args.filter((a) => a !== '--json');
  if (unknown !== undefined) console.error(`compile: unknown option '${unknown}'`);
  if (unknown !== undefined || files.length !== 1) {
    console.error(`usage: ${USAGE}`);
    return 2;
  }
  const file = files[0]!;
  const bytes = await readModuleFile('compile', file);
  if (!bytes) return 1;
  const beforeCompileMs = processCpuMs();
  const mainBefore = mainThreadCpuMs();
  const wallBefore = performance.now();
  let compiled;
  try {
    compiled = await compileForCli(bytes);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    console.error(`compile: CompileError: ${e.message}`);
    return 1;
  }
  const compileWallMs = performance.now() - wallBefore;
  const compileMs = processCpuMs() - beforeCompileMs;
  const mainAfter = mainThreadCpuMs();
  const report = {
    file, bytes: bytes.length, functions: compiled.functions.length, codeBytes: compiled.code.length, threads: cliThreads(bytes),
    nodeStartMs: nodeStartCpuMs(), beforeCompileMs, compileMs, compileWallMs,
    compileMainThreadMs: mainBefore === null || mainAfter === null ? null : mainAfter - mainBefore,
  };
  if (json) console.log(JSON.stringify(report));
  else {
    const ms = (x: number) => `${Math.round(x)} ms`;
    const node = report.nodeStartMs === null ? '' : ` (Node's own start ${ms(report.nodeStartMs)})`;
    const main = report.compileMainThreadMs === null ? '' : `, ${ms(report.compileMainThreadMs)} of it on the main thread`;
    console.log(`${basename(file)}: ${report.bytes} bytes, ${report.functions} functions -> ${report.codeBytes} bytes of machine code on ${report.threads} thread${report.threads === 1 ? '' : 's'}`);
    console.log(`  first compile: ${ms(compileWallMs)} wall, ${ms(compileMs)} CPU${main}; before it the process spent ${ms(beforeCompileMs)} CPU${node}`);
  }
  return 0;
}
