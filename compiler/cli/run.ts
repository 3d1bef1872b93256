// `lightbeam run [options] <file.wat|file.wasm> [args...]`, in Wasmtime's shape: options before
// the module, the program's own arguments after it.
//  - a module exporting `_start` runs as a WASI preview1 command (./wasi.ts): argv, --env,
//    stdio, clocks, random, files under --dir; the process exits with the program's exit code;
//  - `--invoke NAME` instead instantiates with no imports, calls one export with the arguments
//    and prints its results, one per line (i64 as decimal BigInt; see parseArg for what an
//    argument may be). The older order `run FILE --invoke NAME args...` still works;
//  - `--timeout 5s` (or 500ms, 2m; a bare number is seconds) compiles the module interruptible and
//    stops it with the trap "interrupted" once the time is up.
import { basename } from 'node:path';
import { ValType } from '../binary/types.ts';
import { storageType } from '../binary/refTypes.ts';
import type { CompiledModuleWithNotes } from '../codegen/moduleCompiler.ts';
import { compileForCli } from './compileForCli.ts';
import { compileCacheOfEnv } from '../cache/compileCache.ts';
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
    const compiled = await compileForCli(bytes, { interruptible: timeout !== undefined }, compileCacheOfEnv());
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
  const callArgs = type.params.map((t, i) => parseArg(t, rest[i]!, `argument ${i + 1} of '${name}'`));
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
  results.forEach((r, i) => console.log(formatResult(type.results[i]!, r)));
  if (process.env.LIGHTBEAM_TIME) console.error(`${ms.toFixed(3)} ms`);
  return 0;
}

const INTEGER = /^[+-]?(0x[0-9a-f]+|[0-9]+)$/i;
/**
 * A command-line argument as a value of type `t`: integers in decimal or 0x hex, from the signed
 * minimum to the unsigned maximum (`-1` and `0xffffffff` are the same i32), `_` between digits
 * allowed as in the text format; floats as JavaScript reads them, or nan, inf, -inf; a reference
 * only as null. Anything else is an error that names the argument (exit 2), never a value
 * quietly wrapped or turned into NaN.
 */
function parseArg(t: number, text: string, what: string): unknown {
  const s = text.replaceAll('_', '');
  const bad = (expected: string) => new CommandError(`${what} is not ${expected}: ${JSON.stringify(text)}`, 2);
  switch (t) {
    case ValType.i32: case ValType.i64: {
      const bits = t === ValType.i32 ? 32 : 64;
      if (!INTEGER.test(s)) throw bad(`an integer (${t === ValType.i32 ? 'i32' : 'i64'})`);
      const negative = s.startsWith('-');
      const magnitude = BigInt(s.replace(/^[+-]/, ''));
      const n = negative ? -magnitude : magnitude;
      if (n < -(1n << BigInt(bits - 1)) || n >= 1n << BigInt(bits)) throw bad(`within ${bits} bits`);
      return t === ValType.i32 ? Number(BigInt.asIntN(32, n)) : BigInt.asIntN(64, n);
    }
    case ValType.f32: case ValType.f64: {
      const named: Record<string, number> = { nan: NaN, '+nan': NaN, '-nan': -NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity };
      const lower = s.toLowerCase();
      if (lower in named) return named[lower];
      const n = s.trim() === '' ? NaN : Number(s);
      if (Number.isNaN(n)) throw bad('a number');
      return n;
    }
    case ValType.funcref: case ValType.externref:
      if (s === 'null') return null;
      throw bad(`null (a ${t === ValType.funcref ? 'funcref' : 'externref'} can only be null from the command line)`);
    default:
      throw bad(`a value the command line can give (a ${typeName(t)})`);
  }
}

/** A result as `--invoke` prints it: numbers as JavaScript does (i64 in full), references by what they are. */
function formatResult(t: number, value: unknown): string {
  if (value === null) return 'null';
  t = storageType(t); // a typed reference prints as the funcref or externref it is stored as
  if (t === ValType.funcref) return `function ${(value as { name: string }).name}`;
  if (t === ValType.externref) return typeof value === 'object' || typeof value === 'function' ? 'externref' : String(value);
  return String(value);
}

const typeName = (t: number) => (t === ValType.v128 ? 'v128' : `value of type 0x${t.toString(16)}`);
