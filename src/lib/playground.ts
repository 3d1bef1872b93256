// The playground, in the reader's browser: WAT -> wabt (text to bytes only) -> Lightbeam's own
// validator and code generator -> iced-x86 disassembly. Nothing here runs on a server. The
// browser cannot run Lightbeam's machine code; "Run" hands the same bytes to the browser's own
// WebAssembly engine, and the page labels which engine produced what.
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions, formatFunction } from '../../compiler/codegen/listing.ts';
import { validateModule } from '../../compiler/validate/index.ts';
import { valTypeName, type ModuleInfo } from '../../compiler/binary/types.ts';
import { CompileError } from '../../compiler/errors.ts';
import { loadIcedFromSources, isIcedLoaded } from '../../compiler/x64/iced.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';

export type PlaygroundResult =
  /** wabt could not read the text (a syntax error: wabt's message, with line and column). */
  | { stage: 'text'; ok: false; message: string }
  /** Lightbeam's validator rejected the bytes: its message and the byte offset. */
  | { stage: 'validate'; ok: false; message: string; offset?: number; bytes: Uint8Array }
  | { stage: 'compile'; ok: false; message: string; bytes: Uint8Array }
  | { stage: 'compile'; ok: true; listing: string; bytes: Uint8Array; codeBytes: number; compileMs: number; exports: ExportedFunction[] };

export interface ExportedFunction {
  name: string;
  params: string[];
  results: string[];
}

/** Loads iced-x86 from the two files the site serves under `icedBase`. */
export async function ensureIced(icedBase: string): Promise<void> {
  if (isIcedLoaded()) return;
  const [glue, wasm] = await Promise.all([
    fetch(icedBase + 'iced_x86.js').then((r) => r.text()),
    fetch(icedBase + 'iced_x86_bg.wasm').then((r) => r.arrayBuffer()),
  ]);
  loadIcedFromSources(glue, new Uint8Array(wasm));
}

function exportsOf(info: ModuleInfo): ExportedFunction[] {
  return info.exports
    .filter((e) => e.kind === 'func')
    .map((e) => {
      const t = info.types[info.functions[e.index]!]!;
      return { name: e.name, params: t.params.map(valTypeName), results: t.results.map(valTypeName) };
    });
}

export async function compileWat(text: string, icedBase: string): Promise<PlaygroundResult> {
  let bytes: Uint8Array;
  try {
    // wabt only turns text into bytes; its validator stays off, so Lightbeam's own judges them.
    bytes = await watToWasm(text, { name: 'playground.wat', validate: false });
  } catch (e) {
    return { stage: 'text', ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  let info: ModuleInfo;
  try {
    info = validateModule(bytes);
  } catch (e) {
    if (e instanceof CompileError) return { stage: 'validate', ok: false, message: e.message, offset: e.offset, bytes };
    return { stage: 'validate', ok: false, message: String(e), bytes };
  }
  try {
    await ensureIced(icedBase);
    const started = performance.now();
    const compiled = compileModule(bytes, { notes: true });
    const compileMs = performance.now() - started;
    const listing = listFunctions(compiled).map((f) => formatFunction(f)).join('\n\n');
    return { stage: 'compile', ok: true, listing, bytes, codeBytes: compiled.code.length, compileMs, exports: exportsOf(info) };
  } catch (e) {
    return { stage: 'compile', ok: false, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e), bytes };
  }
}

/** Parses "1, 2.5, -3" into arguments of the given types (i64 as BigInt). */
export function parseArgs(text: string, params: readonly string[]): (number | bigint)[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length !== params.length) throw new Error(`expected ${params.length} argument${params.length === 1 ? '' : 's'} (${params.join(', ') || 'none'}), got ${parts.length}`);
  return parts.map((p, i) => {
    if (params[i] === 'i64') return BigInt(p);
    const n = Number(p);
    if (Number.isNaN(n) && p.toLowerCase() !== 'nan') throw new Error(`argument ${i + 1} (${p}) is not a number`);
    return n;
  });
}

/**
 * Runs an export with the browser's own WebAssembly engine (not Lightbeam's code). Imported
 * functions are stand-ins that record their calls and return zeros; imported memories, tables
 * and globals are created empty.
 */
export async function runInBrowser(bytes: Uint8Array, fn: string, args: (number | bigint)[]): Promise<{ result: string; log: string[] }> {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  const log: string[] = [];
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = (imports[imp.module] ??= {});
    if (imp.kind === 'function') {
      ns[imp.name] = (...a: unknown[]) => {
        log.push(`${imp.module}.${imp.name}(${a.map(String).join(', ')})`);
        return 0;
      };
    } else if (imp.kind === 'memory') ns[imp.name] = new WebAssembly.Memory({ initial: 1 });
    else if (imp.kind === 'table') ns[imp.name] = new WebAssembly.Table({ initial: 16, element: 'anyfunc' });
    else if (imp.kind === 'global') ns[imp.name] = new WebAssembly.Global({ value: 'i32', mutable: false }, 0);
  }
  const instance = await WebAssembly.instantiate(module, imports);
  const f = instance.exports[fn];
  if (typeof f !== 'function') throw new Error(`no exported function ${fn}`);
  try {
    const r = (f as (...a: unknown[]) => unknown)(...args);
    const show = (v: unknown) => (Object.is(v, -0) ? '-0' : String(v));
    return { result: Array.isArray(r) ? `[${r.map(show).join(', ')}]` : r === undefined ? '(no result)' : show(r), log };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return { result: `trap: ${e.message}`, log };
    throw e;
  }
}
