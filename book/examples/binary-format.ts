// Chapter 2's examples: take the running example's bytes apart with our own Reader, then feed
// a module to the streaming validator one byte at a time and watch when each body is done.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from '../../compiler/binary/reader.ts';
import { SectionId } from '../../compiler/binary/sections.ts';
import { operatorInfo } from '../../compiler/binary/operators.ts';
import { valTypeName } from '../../compiler/binary/types.ts';
import { StreamingValidator, NoopCodeGenerator, type FunctionContext } from '../../compiler/validate/index.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { repoRoot } from '../../src/lib/root.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

const sectionName = (id: number): string => Object.entries(SectionId).find(([, v]) => v === id)?.[0] ?? `unknown (${id})`;
const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

async function wasmOf(file: string): Promise<Uint8Array> {
  return watToWasm(readFileSync(join(repoRoot(), file), 'utf8'), { name: file });
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

/** fib's body, operator by operator, with each operator's row of the compiler's operator table. */
export async function fibOperators(): Promise<Output[]> {
  const bytes = await wasmOf('book/examples/fib.wat');
  // Find the code section, then its one body (size, local declarations, then the operators).
  const r = new Reader(bytes, 8, bytes.length, 0);
  while (r.u8() !== SectionId.code) r.bytesOf(r.u32());
  r.u32(); // section size
  r.u32(); // one body
  const bodySize = r.u32();
  const end = r.pos + bodySize;
  r.u32(); // no local declarations
  const types = (ts: readonly number[]): string => ts.map(valTypeName).join(' ');
  const rows: string[][] = [];
  while (r.pos < end) {
    const start = r.pos;
    const info = operatorInfo(r.u8())!;
    let immediate = '';
    if (info.immediate === 'local' || info.immediate === 'func') immediate = String(r.u32());
    else if (info.immediate === 'i32') immediate = String(r.s32());
    else if (info.immediate === 'blocktype') immediate = `[] -> [${valTypeName(r.u8())}]`;
    const signature = info.family === 'special' ? '(a rule of its own)' : `[${types(info.params)}] -> [${types(info.results)}]`;
    rows.push([hex(bytes.subarray(start, r.pos)), info.name, immediate, info.family, signature]);
  }
  return [{ kind: 'table', title: "fib's body, each operator looked up in compiler/binary/operators.ts", columns: ['bytes', 'operator', 'immediate', 'family', 'operands -> results'], rows, nowrap: [0, 1] }];
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

/** The streaming run as a picture: the module's sections along the byte axis, and when each function was done. */
export async function streamingPicture(): Promise<Output[]> {
  const bytes = await wasmOf('book/examples/streaming.wat');
  // Where each section lies, found the same way as in sections().
  const spans: { name: string; start: number; end: number }[] = [{ name: 'header', start: 0, end: 8 }];
  const r = new Reader(bytes, 8, bytes.length, 0);
  while (!r.atEnd()) {
    const start = r.pos;
    const id = r.u8();
    r.bytesOf(r.u32());
    spans.push({ name: sectionName(id), start, end: r.pos });
  }
  // When the validator finished each function, pushing one byte at a time.
  const done: { at: number; label: string }[] = [];
  let arrived = 0;
  let context: FunctionContext | undefined;
  class Watcher extends NoopCodeGenerator {
    override beginFunction(c: FunctionContext): void {
      context = c;
    }
    override endFunction(funcIndex: number): void {
      const name = context?.module.exports.find((e) => e.kind === 'func' && e.index === funcIndex)?.name ?? `#${funcIndex}`;
      done.push({ at: arrived, label: `${name} ready` });
    }
  }
  const v = new StreamingValidator(new Watcher());
  for (; arrived < bytes.length; ) v.push(bytes.subarray(arrived, ++arrived));
  v.finish();

  const W = 680;
  const left = 10;
  const x = (byte: number) => left + (byte / bytes.length) * (W - 2 * left);
  const boxes = spans
    .map((s, i) => {
      const w = x(s.end) - x(s.start);
      const label = w > s.name.length * 7 + 6 ? `<text x="${x(s.start) + w / 2}" y="38" text-anchor="middle" font-size="12" fill="currentColor">${s.name}</text>` : '';
      return `<rect x="${x(s.start)}" y="20" width="${w}" height="28" rx="3" fill="var(--accent)" fill-opacity="${i % 2 ? 0.28 : 0.14}" stroke="var(--accent)" stroke-opacity="0.5"/>${label}`;
    })
    .join('');
  const marks = done
    .map((d, i) => {
      const cx = x(d.at);
      const y = 68 + (i % 2) * 17;
      return `<line x1="${cx}" y1="48" x2="${cx}" y2="${y - 10}" stroke="var(--ok)" stroke-width="2"/><circle cx="${cx}" cy="48" r="3" fill="var(--ok)"/><text x="${cx}" y="${y}" text-anchor="end" font-size="12" fill="currentColor">${d.label} (byte ${d.at})</text>`;
    })
    .join('');
  const axis = `<text x="${left}" y="12" font-size="10" fill="currentColor" opacity="0.7">byte 0</text><text x="${W - left}" y="12" font-size="10" text-anchor="end" fill="currentColor" opacity="0.7">byte ${bytes.length}</text>`;
  const svg = `<svg viewBox="0 0 ${W} 100" role="img" aria-label="The module's sections along its bytes, and the byte at which each function was validated">${axis}${boxes}${marks}</svg>`;
  return [{ kind: 'figure', svg, caption: `streaming.wasm's ${bytes.length} bytes, left to right. Each green mark is the moment, counted in bytes received, when a function had been validated — each as soon as its own last byte arrived.` }];
}
