// Chapter 2's starting point: the smallest decoder that reads fib.wasm. Teaching code, not
// Lightbeam's: it needs the whole module in one Uint8Array, trusts every length and number it
// reads, and knows only the four sections and the immediates fib uses. The chapter runs it, then
// breaks it on purpose, then replaces it with the compiler's Reader and streaming decoder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operatorInfo } from '../../compiler/binary/operators.ts';
import { valTypeName } from '../../compiler/binary/types.ts';
import { Reader } from '../../compiler/binary/reader.ts';
import { validateModule, StreamingValidator, NoopCodeGenerator } from '../../compiler/validate/index.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { repoRoot } from '../../src/lib/root.ts';
import { describeMachine, type Output } from '../../src/lib/exampleOutput.ts';

// #region naive-leb128
/** Where the decoder is in the module's bytes. */
interface Cursor {
  readonly bytes: Uint8Array;
  pos: number;
}

/** LEB128, naively: seven bits per byte, lowest group first, until a byte's top bit is clear. */
function groups(c: Cursor): { bits: number; shift: number; last: number } {
  let bits = 0;
  let shift = 0;
  for (;;) {
    const byte = c.bytes[c.pos++]!;
    bits |= (byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { bits, shift, last: byte };
  }
}

/** Unsigned: the bits as they are, read as a number from 0 up. */
export function leb(c: Cursor): number {
  return groups(c).bits >>> 0;
}

/** Signed: the last group's sign bit (0x40) copied into every bit above it. */
function signedLeb(c: Cursor): number {
  const { bits, shift, last } = groups(c);
  return shift < 32 && last & 0x40 ? bits | (-1 << shift) : bits;
}
// #endregion naive-leb128

// #region naive-decoder
export interface NaiveModule {
  types: string[];
  /** The type index of each function. */
  functions: number[];
  exports: string[];
  /** Each function body as the names of its operators and their immediates. */
  bodies: string[][];
}

export function decodeModule(bytes: Uint8Array): NaiveModule {
  const c: Cursor = { bytes, pos: 8 }; // skip the magic number and the version, trusting both
  const m: NaiveModule = { types: [], functions: [], exports: [], bodies: [] };
  while (c.pos < bytes.length) section(c, m);
  return m;
}

function section(c: Cursor, m: NaiveModule): void {
  const id = c.bytes[c.pos++]!;
  const size = leb(c);
  const end = c.pos + size;
  if (id === 1) vector(c, () => m.types.push(funcType(c)));
  else if (id === 3) vector(c, () => m.functions.push(leb(c)));
  else if (id === 7) vector(c, () => m.exports.push(exportEntry(c)));
  else if (id === 10) vector(c, () => m.bodies.push(body(c)));
  c.pos = end; // any other section is skipped by its size
}

/** A count, then that many items. */
function vector(c: Cursor, item: () => void): void {
  for (let n = leb(c); n > 0; n--) item();
}

function funcType(c: Cursor): string {
  c.pos++; // 0x60: a function type
  const types = (): string[] => {
    const list: string[] = [];
    vector(c, () => list.push(valTypeName(c.bytes[c.pos++]!)));
    return list;
  };
  return `[${types().join(' ')}] -> [${types().join(' ')}]`;
}

function exportEntry(c: Cursor): string {
  const length = leb(c);
  const name = new TextDecoder().decode(c.bytes.subarray(c.pos, c.pos + length));
  c.pos += length;
  const kind = ['func', 'table', 'memory', 'global'][c.bytes[c.pos++]!];
  return `"${name}": ${kind} ${leb(c)}`;
}

function body(c: Cursor): string[] {
  const size = leb(c);
  const end = c.pos + size;
  vector(c, () => {
    leb(c); // a count of locals
    c.pos++; // and their type
  });
  const operators: string[] = [];
  while (c.pos < end) operators.push(operator(c));
  return operators;
}

/** One operator: its row of the operator table says what follows the opcode. */
function operator(c: Cursor): string {
  const info = operatorInfo(c.bytes[c.pos++]!)!;
  switch (info.immediate) {
    case '-':
      return info.name;
    case 'blocktype':
      return `${info.name} (result ${valTypeName(c.bytes[c.pos++]!)})`;
    case 'i32':
      return `${info.name} ${signedLeb(c)}`;
    default:
      return `${info.name} ${leb(c)}`; // an index: of a local, a function, a label...
  }
}
// #endregion naive-decoder

async function fibWasm(): Promise<Uint8Array> {
  return watToWasm(readFileSync(join(repoRoot(), 'book/examples/fib.wat'), 'utf8'), { name: 'fib.wat' });
}

export async function decodeFib(): Promise<Output[]> {
  const m = decodeModule(await fibWasm());
  return [
    {
      kind: 'text',
      title: 'decodeModule(fib.wasm)',
      text: [
        `types:     ${m.types.join(', ')}`,
        `functions: ${m.functions.map((t) => `type ${t}`).join(', ')}`,
        `exports:   ${m.exports.join(', ')}`,
        `body 0:    ${m.bodies[0]!.join('; ')}`,
      ].join('\n'),
    },
  ];
}

/** What a call returned or threw, as one line. */
function outcome(run: () => unknown): string {
  try {
    return String(run());
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

const hex = (b: readonly number[]): string => b.map((x) => x.toString(16).padStart(2, '0')).join(' ');

/** LEB128 byte sequences that break the spec's limits, read naively and by the compiler's Reader. */
export const badNumbers: { bytes: number[]; note: string }[] = [
  { bytes: [0x02], note: 'a well-formed 2, for comparison' },
  { bytes: [0xff, 0xff, 0xff, 0xff, 0x7f], note: 'five bytes carrying 35 bits: 3 too many for a u32' },
  { bytes: [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], note: 'six bytes: the sixth group lands on bit 35' },
  { bytes: [0x80, 0x80], note: 'cut short: the last byte still says another follows' },
];

export function numberRows(): string[][] {
  return badNumbers.map(({ bytes, note }) => {
    const input = new Uint8Array(bytes);
    const naive = outcome(() => leb({ bytes: input, pos: 0 }));
    const real = outcome(() => new Reader(input, 0, input.length, 0).u32());
    return [hex(bytes), naive, real, note];
  });
}

/** Modules that are not what they claim, given to the naive decoder and to Lightbeam's. */
export async function moduleRows(): Promise<string[][]> {
  const fib = await fibWasm();
  const cut = fib.subarray(0, 45); // the first 45 of 61 bytes: a download still under way
  const longer = fib.slice();
  const sizeAt = fib.length - 29; // the code section ends the module: one byte of size, then the 28-byte body
  if (longer[sizeAt] !== 28) throw new Error('fib.wasm is not laid out as this example expects');
  longer[sizeAt] = 124; // now the body says it is 124 bytes long
  const cases: [string, Uint8Array][] = [
    ['fib.wasm, whole', fib],
    ['its first 45 bytes', cut],
    ["fib's body size 28 changed to 124", longer],
  ];
  return cases.map(([what, bytes]) => [
    what,
    outcome(() => `${decodeModule(bytes).bodies.map((b) => b.length).join(', ')} operators`),
    outcome(() => `valid: ${validateModule(bytes).functions.length} function`),
  ]);
}

export async function shortcomings(): Promise<Output[]> {
  return [
    { kind: 'table', title: 'LEB128 that breaks the rules: the naive leb() and the compiler’s Reader.u32()', columns: ['bytes', 'naive leb()', 'Reader.u32()', ''], rows: numberRows(), nowrap: [0] },
    { kind: 'table', title: 'Broken modules: the naive decodeModule() and Lightbeam’s validateModule()', columns: ['module', 'decodeModule()', 'validateModule()'], rows: await moduleRows() },
  ];
}

/**
 * What Reader.u32's first lines buy, measured: the same small numbers (below 128) read from their
 * one-byte form, which takes the fast path, and from a padded two-byte form (0x80 | n, 0x00),
 * which is just as valid but goes through the loop. Rounds alternate between the two, and each
 * keeps its best CPU time per number.
 */
export async function fastPath(): Promise<Output[]> {
  const count = 1_000_000;
  const oneByte = new Uint8Array(count);
  const padded = new Uint8Array(count * 2);
  for (let i = 0; i < count; i++) {
    oneByte[i] = i & 0x7f;
    padded[2 * i] = 0x80 | (i & 0x7f);
  }
  const readAll = (b: Uint8Array): number => {
    const r = new Reader(b, 0, b.length, 0);
    let sum = 0;
    while (r.pos < b.length) sum += r.u32();
    return sum;
  };
  if (readAll(oneByte) !== readAll(padded)) throw new Error('both forms must hold the same numbers');
  const best = [Infinity, Infinity];
  for (let round = 0; round < 9; round++) {
    [oneByte, padded].forEach((input, k) => {
      const t0 = process.cpuUsage();
      readAll(input);
      const t = process.cpuUsage(t0);
      best[k] = Math.min(best[k]!, ((t.user + t.system) * 1000) / count);
    });
  }
  return [{
    kind: 'measured',
    title: `Reader.u32() on ${count.toLocaleString('en')} numbers below 128, CPU time per number (best of 9 alternating rounds)`,
    columns: ['form', 'path taken', 'time per number', 'relative'],
    rows: [
      ['one byte: 05', 'the fast path', `${best[0]!.toFixed(1)} ns`, `${(best[0]! / best[1]!).toFixed(2)}×`],
      ['padded to two bytes: 85 00', 'the loop', `${best[1]!.toFixed(1)} ns`, '1×'],
    ],
    machine: await describeMachine(),
  }];
}

/** The same 45 bytes given to the streaming decoder, which waits for the rest instead of failing. */
export async function pushInTwoParts(): Promise<Output[]> {
  const fib = await fibWasm();
  const lines: string[] = [];
  let received = 0;
  class Watcher extends NoopCodeGenerator {
    override beginModule(): void {
      lines.push(`  (code section begins: every declaration is known, after ${received} bytes)`);
    }
    override endFunction(funcIndex: number): void {
      lines.push(`  (function ${funcIndex} validated and handed on, after ${received} bytes)`);
    }
  }
  const v = new StreamingValidator(new Watcher());
  received = 45;
  lines.push('push(the first 45 bytes)');
  v.push(fib.subarray(0, 45));
  lines.push(`  returned, holding on to ${v.retainedBytes} bytes of the unfinished body`);
  received = fib.length;
  lines.push(`push(the other ${fib.length - 45})`);
  v.push(fib.subarray(45));
  const info = v.finish();
  lines.push(`finish(): ${info.functions.length} function, exported as "${info.exports[0]!.name}"`);
  return [{ kind: 'text', title: 'fib.wasm pushed to the StreamingValidator in two parts', text: lines.join('\n') }];
}
