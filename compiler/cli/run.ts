// `lightbeam run [options] <file.wat|file.wasm> [args...]`, in Wasmtime's shape: options before
// the module, the program's own arguments after it.
//  - a module exporting `_start` runs as a WASI preview1 command (./wasi.ts): argv, --env,
//    stdio, clocks, random, files under --dir; the process exits with the program's exit code;
//  - `--invoke NAME` instead instantiates with no imports, calls one export with the arguments
//    and prints its results, one per line (i64 as decimal BigInt). The older order
//    `run FILE --invoke NAME args...` still works;
//  - `--timeout 5s` (or 500ms, 2m; a bare number is seconds) compiles the module interruptible and
//    stops it with the trap "interrupted" once the time is up.
import { basename } from 'node:path';
import { ValType } from '../binary/types.ts';
import type { CompiledModuleWithNotes } from '../codegen/moduleCompiler.ts';
import { compileForCli } from './compileForCli.ts';
import { cliCompileCache } from './compileCache.ts';
import { Instance } from '../runtime/instance.ts';
import { getRuntime } from '../runtime/runtime.ts';
import { readModuleFile } from './loadWasm.ts';
import { CompileError, LinkError, RuntimeError } from '../errors.ts';
import { runCommand, CommandError, type Preopen } from './wasi.ts';

export const USAGE =
  'lightbeam run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--invoke NAME] [--timeout 5s] <file.wat|file.wasm> [args...]';

/** Wasmtime's exit status for a trap (abort's): a crash, not an exit code the program chose. */
const TRAP_EXIT = 134;

interface RunOptions {
  file: string;
  invoke?: string;
  dirs: Preopen[];
  env: Record<string, string>;
  args: string[];
  /** Milliseconds, from --timeout. */
  timeoutMs?: number;
}

/** "5s", "250ms", "2m", or a bare number of seconds: milliseconds, or undefined if it is none of those. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  return ms > 0 ? ms : undefined;
}

function parse(argv: string[]): RunOptions | string {
  const dirs: Preopen[] = [];
  const env: Record<string, string> = {};
  let invoke: string | undefined;
  let timeoutMs: number | undefined;
  let i = 0;
  // Options take their value as the next word or after '='.
  const value = (a: string, name: string): string | undefined => {
    if (a.startsWith(name + '=')) return a.slice(name.length + 1);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const option = a.split('=')[0]!;
    const v = value(a, option);
    if (v === undefined) return `${option} needs a value`;
    if (option === '--invoke') invoke = v;
    else if (option === '--timeout') {
      timeoutMs = parseDuration(v);
      if (timeoutMs === undefined) return `--timeout needs a duration like 5s or 500ms, not '${v}'`;
    } else if (option === '--dir') {
      const [host, guest] = v.split('::');
      dirs.push({ host: host!, guest: guest ?? host! });
    } else if (option === '--env') {
      const eq = v.indexOf('=');
      // NAME alone passes this process's value on, as Wasmtime does.
      if (eq < 0) {
        if (process.env[v] !== undefined) env[v] = process.env[v]!;
      } else env[v.slice(0, eq)] = v.slice(eq + 1);
    } else return `unknown option ${option}`;
  }
  const file = argv[i];
  if (file === undefined) return 'no module given';
  let args = argv.slice(i + 1);
  if (invoke === undefined && (args[0] === '--invoke' || args[0]?.startsWith('--invoke='))) {
    invoke = args[0] === '--invoke' ? args[1] : args[0].slice(9);
    args = args.slice(args[0] === '--invoke' ? 2 : 1);
    if (args[0] === '--') args = args.slice(1);
    if (invoke === undefined) return '--invoke needs a value';
  }
  return { file, invoke, dirs, env, args, timeoutMs };
}

export async function main(argv: string[]): Promise<number> {
  const options = parse(argv);
  if (typeof options === 'string') {
    console.error(`run: ${options}\nusage: ${USAGE}`);
    return 2;
  }
  const bytes = await readModuleFile('run', options.file);
  if (!bytes) return 1;
  try {
    const timeout = options.timeoutMs;
    // On one thread unless LIGHTBEAM_THREADS asks for more (./compileForCli.ts says why); from
    // the compile cache when this module was run before (./compileCache.ts).
    const compiled = await compileForCli(bytes, { interruptible: timeout !== undefined }, cliCompileCache());
    const run = (): number => {
      if (options.invoke !== undefined) return invoke(compiled, options.invoke, options.args);
      if (!compiled.info.exports.some((e) => e.name === '_start' && e.kind === 'func')) {
        console.error(`run: ${options.file} exports no _start function (not a WASI command); call an export with --invoke NAME`);
        return 2;
      }
      return runCommand(compiled, { args: [basename(options.file), ...options.args], env: options.env, preopens: options.dirs });
    };
    return timeout === undefined ? run() : getRuntime().withTimeout(timeout, run);
  } catch (e) {
    // A trap is an outcome, not a crash of the command; so are a module that does not compile or link.
    if (e instanceof RuntimeError) {
      console.error(`run: trap: ${e.message}`);
      return TRAP_EXIT;
    }
    if (e instanceof CommandError) {
      console.error(`run: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof CompileError || e instanceof LinkError) {
      console.error(`run: ${e.name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function invoke(compiled: CompiledModuleWithNotes, name: string, rest: string[]): number {
  const exp = compiled.info.exports.find((e) => e.name === name && e.kind === 'func');
  if (!exp) {
    console.error(`run: no exported function '${name}'`);
    return 1;
  }
  const type = compiled.info.types[compiled.info.functions[exp.index]!]!;
  if (rest.length !== type.params.length) {
    console.error(`run: '${name}' takes ${type.params.length} argument(s), got ${rest.length}`);
    return 2;
  }
  const callArgs = type.params.map((t, i) => parseArg(t, rest[i]!));
  const instance = new Instance(compiled, {});
  const fn = instance.exports[name] as (...a: unknown[]) => unknown;
  const started = performance.now();
  let result: unknown;
  try {
    result = fn(...callArgs);
  } catch (e) {
    if (e instanceof RuntimeError) {
      console.error(`${e.name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const ms = performance.now() - started;
  const results = type.results.length > 1 ? (result as unknown[]) : type.results.length === 1 ? [result] : [];
  for (const r of results) console.log(String(r));
  if (process.env.LIGHTBEAM_TIME) console.error(`${ms.toFixed(3)} ms`);
  return 0;
}

function parseArg(t: number, s: string): unknown {
  switch (t) {
    case ValType.i32: return Number(BigInt.asIntN(32, BigInt(s)));
    case ValType.i64: return BigInt.asIntN(64, BigInt(s));
    case ValType.f32: case ValType.f64: return Number(s);
    default: throw new Error(`run: cannot pass a ${t} argument from the command line`);
  }
}
