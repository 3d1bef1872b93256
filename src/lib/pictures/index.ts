// The pictures the chapters place, each drawn at build time from a real compiler run. The Astro
// components in src/components/*Picture.astro call these; tests call them too (pictures.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../root.ts';
import { watToWasm } from '../../../compiler/text/watToWasm.ts';
import type { FuncType } from '../../../compiler/binary/types.ts';
import { validateModule } from '../../../compiler/validate/index.ts';
import { traceFunction, type Trace } from './trace.ts';
import { valueStackPicture } from './valueStackPicture.ts';
import { registerPicture } from './registerPicture.ts';
import { mergePicture } from './mergePicture.ts';
import { leb128Picture } from './leb128Picture.ts';
import { encodingPicture } from './encodingPicture.ts';
import { assemblePreset } from './encodingPresets.ts';
import { callStacks, callStacksPicture } from './callStacksPicture.ts';
import { vmContextPicture } from './vmContextPicture.ts';
import { linearMemoryPicture, type MemorySnapshot } from './linearMemoryPicture.ts';
import type { Call } from './linearMemoryData.ts';

export interface Source {
  /** A .wat file from the repository root... */
  file?: string;
  /** ...or WAT text. */
  wat?: string;
  /** The exported (or named) function to draw. */
  fn: string;
}

const watOf = (s: Source): string => {
  if (!s.file && !s.wat) throw new Error('a picture needs file="..." or wat="..."');
  return s.wat ?? readFileSync(join(repoRoot(), s.file!), 'utf8');
};

const traces = new Map<string, Promise<Trace>>();
/** One compile per (source, function) per build, however many pictures draw it. */
export function traceOf(s: Source): Promise<Trace> {
  const wat = watOf(s);
  const key = `${s.fn}\n${wat}`;
  if (!traces.has(key)) traces.set(key, traceFunction(wat, s.fn));
  return traces.get(key)!;
}

export const drawValueStack = async (s: Source, range: { from?: number; to?: number } = {}): Promise<string> => valueStackPicture(await traceOf(s), range);
export const drawRegisters = async (s: Source): Promise<string> => registerPicture(await traceOf(s));
export const drawMerges = async (s: Source): Promise<string> => mergePicture(await traceOf(s));

/** The function's type, from our own validator. */
async function typeOf(s: Source): Promise<FuncType> {
  const info = validateModule(await watToWasm(watOf(s), { name: s.file ?? 'inline.wat' }));
  const exp = info.exports.find((e) => e.kind === 'func' && e.name === s.fn);
  if (!exp) throw new Error(`picture: ${s.fn} is not exported`);
  return info.types[info.functions[exp.index]!]!;
}

export async function drawCallStacks(s: Source): Promise<string> {
  return callStacksPicture(await callStacks(await traceOf(s), await typeOf(s)));
}

/**
 * A constant's LEB128 bytes as wabt wrote them: signed from an `i32.const`, unsigned from a
 * memory access's offset (both read back with the compiler's reader).
 */
export async function drawLeb128(value: number, signed: boolean): Promise<{ svg: string; bytes: number[] }> {
  const wat = signed
    ? `(module (func (result i32) i32.const ${value}))`
    : `(module (memory 1) (func (result i32) i32.const 0 i32.load offset=${value}))`;
  const wasm = await watToWasm(wat, { name: 'leb128.wat' });
  // The body ends "41 <leb> 0b" (i32.const) or "41 00 28 02 <leb> 0b" (i32.load align=2).
  const marker = signed ? [0x41] : [0x41, 0x00, 0x28, 0x02];
  const at = indexOfSequence(wasm, marker, wasm.length - 16) + marker.length;
  const bytes = wasm.subarray(at, wasm.length - 1);
  const drawn = leb128Picture(bytes, signed);
  if (drawn.value !== value) throw new Error(`drawLeb128: read ${drawn.value} back, expected ${value}`);
  return { svg: drawn.svg, bytes: [...bytes] };
}

function indexOfSequence(hay: Uint8Array, needle: number[], from: number): number {
  for (let i = Math.max(0, from); i + needle.length <= hay.length; i++) if (needle.every((b, k) => hay[i + k] === b)) return i;
  throw new Error('drawLeb128: the constant was not where expected in the module');
}

export function drawEncoding(instruction: string): { svg: string; bytes: number[] } {
  const { code, opcode } = assemblePreset(instruction);
  return { svg: encodingPicture(code, instruction, opcode), bytes: [...code] };
}


/** The VMContext layout of a module in a .wat file, as vmContextLayoutOf computes it for the code generator. */
export async function drawVMContext(file: string): Promise<string> {
  const info = validateModule(await watToWasm(watOf({ file, fn: '' }), { name: file }));
  return vmContextPicture(info, file.slice(file.lastIndexOf('/') + 1));
}

/**
 * A module's linear memory as Lightbeam's runtime reserved it, after instantiation and after each
 * call (Node on x86-64 Linux only: it instantiates the module).
 */
export async function drawLinearMemory(file: string, calls: Call[]): Promise<{ svg: string; snapshots: MemorySnapshot[] }> {
  const { memorySnapshots } = await import('./linearMemoryData.ts');
  const snapshots = await memorySnapshots(file, calls);
  return { svg: linearMemoryPicture(snapshots), snapshots };
}
