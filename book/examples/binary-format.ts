// Chapter 2's examples: take the running example's bytes apart with our own Reader, then feed
// a module to the streaming validator one byte at a time and watch when each body is done.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from '../../compiler/binary/reader.ts';
import { SectionId } from '../../compiler/binary/sections.ts';
import { StreamingValidator, NoopCodeGenerator, type FunctionContext } from '../../compiler/validate/index.ts';
import { watToWasm } from '../../src/lib/wat.ts';
import { repoRoot } from '../../src/lib/root.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

const sectionName = (id: number): string => Object.entries(SectionId).find(([, v]) => v === id)?.[0] ?? `unknown (${id})`;
const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

async function wasmOf(file: string): Promise<Uint8Array> {
  return watToWasm(readFileSync(join(repoRoot(), file), 'utf8'), file);
}

export async function sections(): Promise<Output[]> {
  const bytes = await wasmOf('book/examples/fib.wat');
  // #region walk-sections
  const r = new Reader(bytes, 0, bytes.length, 0);
  const magic = r.u32Fixed(); // "\0asm", read as a little-endian number
  const version = r.u32Fixed();
  const rows: (string | number)[][] = [['header', 0, 8, `magic 0x${magic.toString(16)}, version ${version}`]];
  while (!r.atEnd()) {
    const start = r.pos;
    const id = r.u8();
    const size = r.u32(); // LEB128: how many bytes of contents follow
    const contents = r.bytesOf(size); // skip them without looking
    rows.push([sectionName(id), start, r.pos - start, hex(contents)]);
  }
  // #endregion walk-sections
  return [{ kind: 'table', title: 'The sections of fib.wasm, found by skipping from size to size', columns: ['section', 'offset', 'bytes', 'contents'], rows, nowrap: [0, 1, 2] }];
}

export async function leb128(): Promise<Output[]> {
  // Numbers written by hand in LEB128, read back by the compiler's Reader.
  const cases: [number[], string][] = [
    [[0x02], 'one byte, top bit clear: the whole number'],
    [[0x7f], 'bit 6 set: as a signed number, the sign'],
    [[0x80, 0x01], '0 + 1×128'],
    [[0xe5, 0x8e, 0x26], '0x65 + 0x0e×128 + 0x26×128²'],
    [[0x82, 0x80, 0x00], 'padded with empty groups: still valid'],
    [[0x80, 0x7f], 'signed: 0 + 0x7f×128, sign-extended'],
    [[0xff, 0xff, 0xff, 0xff, 0x7f], 'five bytes: 35 bits for a 32-bit number'],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 'six bytes: never valid for 32 bits'],
  ];
  const rows = cases.map(([b, note]) => {
    const bytes = new Uint8Array(b);
    const read = (f: (r: Reader) => number): string => {
      try {
        const r = new Reader(bytes, 0, bytes.length, 0);
        return String(f(r));
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    };
    return [hex(bytes), read((r) => r.u32()), read((r) => r.s32()), note];
  });
  return [{ kind: 'table', title: 'LEB128 bytes, read by Reader.u32 and Reader.s32', columns: ['bytes', 'as u32', 'as s32', ''], rows, nowrap: [0] }];
}

export async function streaming(): Promise<Output[]> {
  const bytes = await wasmOf('book/examples/streaming.wat');
  // #region stream-byte-by-byte
  const events: string[] = [];
  let arrived = 0;
  class Watcher extends NoopCodeGenerator {
    override beginModule(): void {
      events.push(`after ${arrived} of ${bytes.length} bytes: declarations complete, code section starts`);
    }
    override endFunction(funcIndex: number, offset: number): void {
      const name = context?.module.exports.find((e) => e.kind === 'func' && e.index === funcIndex)?.name;
      events.push(`after ${arrived} of ${bytes.length} bytes: function ${funcIndex} (${name}) validated, body ended at byte ${offset}`);
    }
    override beginFunction(c: FunctionContext): void {
      context = c;
    }
  }
  let context: FunctionContext | undefined;
  const validator = new StreamingValidator(new Watcher());
  for (; arrived < bytes.length; ) {
    arrived++;
    validator.push(bytes.subarray(arrived - 1, arrived)); // one byte at a time, as if over a slow network
  }
  const info = validator.finish();
  events.push(`finish(): ${info.functions.length} functions, ${info.exports.length} exports`);
  // #endregion stream-byte-by-byte
  return [{ kind: 'text', title: `streaming.wasm (${bytes.length} bytes), pushed one byte at a time`, text: events.join('\n') }];
}
