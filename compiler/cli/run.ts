// `lightbeam run <file.wat|file.wasm> --invoke NAME [args...]`: compile, instantiate (no
// imports), call one export and print its results, one per line (i64 as decimal BigInt).
import { ValType } from '../binary/types.ts';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { Instance } from '../runtime/instance.ts';
import { loadWasmFile } from './loadWasm.ts';
import { RuntimeError } from '../errors.ts';

export async function main(args: string[]): Promise<number> {
  let file: string | undefined;
  let name: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') continue;
    if (a === '--invoke') name = args[++i];
    else if (a.startsWith('--invoke=')) name = a.slice(9);
    else if (!file) file = a;
    else rest.push(a);
  }
  if (!file || name === undefined) {
    console.error('usage: lightbeam run <file.wat|file.wasm> --invoke NAME [args...]');
    return 2;
  }
  const compiled = compileModule(await loadWasmFile(file));
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
    // A trap is an outcome, not a crash of the command.
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
