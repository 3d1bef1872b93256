// Executable examples: everything here runs at build time, in Node, once per example.
// WAT -> wabt -> our validator -> our code generator -> iced-x86 -> (on x86-64) native run.
// Each stage reports what happened, including "could not run here" — never a pretend result.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './root.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { describeMachine } from './exampleOutput.ts';
import { validateModule } from '../../compiler/validate/index.ts';
import { valTypeName, type FuncType, type ModuleInfo } from '../../compiler/binary/types.ts';
import { compileModule, type CompiledModuleWithNotes } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions, formatFunction } from '../../compiler/codegen/listing.ts';
import { loadIced } from '../../compiler/x64/index.ts';

export interface ExampleInput {
  /** Path of a .wat file from the repository root... */
  file?: string;
  /** ...or the WAT text itself. */
  wat?: string;
}

export interface ExampleSource {
  name: string;
  wat: string;
  wasm: Uint8Array;
}

export async function loadExample(input: ExampleInput): Promise<ExampleSource> {
  if (!input.file && !input.wat) throw new Error('<Example> needs file="..." or wat="..."');
  const wat = input.wat ?? readFileSync(join(repoRoot(), input.file!), 'utf8');
  const name = input.file ?? 'inline.wat';
  return { name, wat: wat.trim(), wasm: await watToWasm(wat, { name }) };
}

export const typeText = (t: FuncType): string =>
  `[${t.params.map(valTypeName).join(' ')}] -> [${t.results.map(valTypeName).join(' ')}]`;

/** What the validator learned, in a few lines; or the error it reported. */
export function validateStage(wasm: Uint8Array): { ok: true; info: ModuleInfo; summary: string } | { ok: false; error: string } {
  try {
    const info = validateModule(wasm);
    const lines = [
      `valid: ${info.types.length} type(s), ${info.functions.length} function(s), ${info.exports.length} export(s)`,
      ...info.functions.map((typeIndex, i) => {
        const exp = info.exports.find((e) => e.kind === 'func' && e.index === i);
        return `  function ${i}${exp ? ` "${exp.name}"` : ''}: ${typeText(info.types[typeIndex]!)}`;
      }),
    ];
    return { ok: true, info, summary: lines.join('\n') };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

export interface CompileStage {
  compiled: CompiledModuleWithNotes;
  listing: string;
  codeBytes: number;
  instructions: number;
  compileMs: number;
}

/** Compiles with our code generator and disassembles every function with iced-x86. */
export async function compileStage(wasm: Uint8Array): Promise<CompileStage> {
  await loadIced();
  // Timed without notes (what a user's compile costs); then again with notes for the listing.
  const started = performance.now();
  compileModule(wasm);
  const compileMs = performance.now() - started;
  const compiled = compileModule(wasm, { notes: true });
  const functions = listFunctions(compiled);
  return {
    compiled,
    listing: functions.map((f) => formatFunction(f)).join('\n\n'),
    codeBytes: compiled.code.length,
    instructions: functions.reduce((n, f) => n + f.instructions.length, 0),
    compileMs,
  };
}

export interface Call {
  /** Exported function name. */
  fn: string;
  args: number[];
}

export type RunStage =
  | { ok: true; machine: string; rows: (string | number)[][] }
  | { ok: false; reason: string };

/** Why native execution cannot happen on this machine, or undefined if it can. */
export function nativeUnavailable(): string | undefined {
  // For checking the fallback pages on an x86-64 machine: LIGHTBEAM_NO_NATIVE=1 npm run build
  if (process.env.LIGHTBEAM_NO_NATIVE) return 'native execution was switched off for this build (LIGHTBEAM_NO_NATIVE).';
  if (process.arch !== 'x64') return `the build machine is ${process.platform}/${process.arch}; generated code needs x86-64.`;
  if (process.platform !== 'linux') return `the build machine runs ${process.platform}; the runtime maps code memory with Linux system calls.`;
  return undefined;
}

const ms = (x: number): string => (x < 0.01 ? '<0.01' : x < 10 ? x.toFixed(2) : x.toFixed(0));

/** A value as a page shows it: -0 keeps its sign (String(-0) is "0", which would hide what f64.min got right). */
export function showValue(v: unknown): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** What one call gave: its result, or the trap it ended with (a RuntimeError from either engine). */
function outcome(call: () => unknown): { text: string; trapped: boolean } {
  try {
    return { text: showValue(call()), trapped: false };
  } catch (e) {
    if (e instanceof Error && (e.name === 'RuntimeError' || e instanceof WebAssembly.RuntimeError)) return { text: `trap: ${e.message}`, trapped: true };
    throw e;
  }
}

/** Calls exports natively through our runtime, and the same calls through V8 for comparison. */
export async function runStage(compiled: CompiledModuleWithNotes, wasm: Uint8Array, calls: Call[]): Promise<RunStage> {
  const why = nativeUnavailable();
  if (why) return { ok: false, reason: why };
  try {
    const { Instance } = await import('../../compiler/runtime/instance.ts');
    const ours = new Instance(compiled);
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>));
    const rows: (string | number)[][] = [];
    for (const call of calls) {
      const f = ours.exports[call.fn] as (...a: number[]) => unknown;
      const g = v8.exports[call.fn] as (...a: number[]) => unknown;
      const t0 = performance.now();
      const result = outcome(() => f(...call.args));
      const t1 = performance.now();
      const expected = outcome(() => g(...call.args));
      const t2 = performance.now();
      // Both engines trapping counts as agreeing: the spec fixes that a call traps, not the message.
      const agree = result.trapped || expected.trapped ? result.trapped && expected.trapped : result.text === expected.text;
      rows.push([
        `${call.fn}(${call.args.map(showValue).join(', ')})`,
        result.text,
        ms(t1 - t0),
        `${expected.text} ${agree ? '✓' : '✗'}`,
        ms(t2 - t1),
      ]);
    }
    return { ok: true, machine: await describeMachine(), rows };
  } catch (e) {
    return { ok: false, reason: `running it failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
