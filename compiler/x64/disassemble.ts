// Disassembly on top of iced-x86, for the CLI, the tests and the book: one line per
// instruction with its offset, address, bytes and Intel-syntax text, plus notes a caller
// attaches by byte offset (the code generator attaches the wasm operators it lowered).
// Call `await loadIced()` (Node) or `loadIcedFromSources(...)` (browser) once first.

import { iced } from './iced.ts';

export { loadIced, loadIcedFromSources, isIcedLoaded } from './iced.ts';

// #region disassembly-line
export interface DisassemblyLine {
  /** Offset from the start of the code. */
  readonly offset: number;
  /** `base` + offset. */
  readonly address: bigint;
  readonly length: number;
  /** The instruction's bytes in hex, separated by spaces. */
  readonly hex: string;
  /** Intel syntax, e.g. `mov rax, [rsp+8]`; data lines read `db 0x01, ...`. */
  readonly text: string;
  /** Notes attached to any byte of this instruction, in offset order. */
  readonly notes: readonly string[];
  readonly isData: boolean;
}

export interface DisassembleOptions {
  /** Address of the first byte (default 0), so branch targets print as addresses. */
  base?: bigint | number;
  /** Notes by byte offset: a note lands on the instruction that contains its offset. */
  notes?: ReadonlyMap<number, string | readonly string[]> | ReadonlyArray<readonly [number, string]>;
  /** Byte ranges [start, end) that hold data (constant pool, jump tables), shown as `db` lines. */
  data?: ReadonlyArray<readonly [number, number]>;
}
// #endregion disassembly-line

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

// #region disassemble
/** Decode `code` into lines. Undecodable bytes come out as `(bad)` lines of one byte. */
export function disassemble(code: Uint8Array, options: DisassembleOptions = {}): DisassemblyLine[] {
  const x = iced();
  const base = BigInt(options.base ?? 0);
  const dataRanges = [...(options.data ?? [])].sort((a, b) => a[0] - b[0]);
  const formatter = new x.Formatter(x.FormatterSyntax.Intel);
  formatter.spaceAfterOperandSeparator = true;
  formatter.hexPrefix = '0x';
  formatter.hexSuffix = '';
  formatter.uppercaseHex = false;
  formatter.showBranchSize = false;
  formatter.branchLeadingZeros = false;
  formatter.displacementLeadingZeros = false;
  formatter.leadingZeros = false;
  const instr = new x.Instruction();
  const lines: { offset: number; length: number; text: string; isData: boolean }[] = [];
  try {
    let offset = 0;
    let rangeIndex = 0;
    while (offset < code.length) {
      while (rangeIndex < dataRanges.length && dataRanges[rangeIndex]![1] <= offset) rangeIndex++;
      const range = dataRanges[rangeIndex];
      if (range && range[0] <= offset) {
        const end = Math.min(range[1], code.length);
        for (let at = offset; at < end; at += 8) {
          const chunk = code.subarray(at, Math.min(at + 8, end));
          lines.push({ offset: at, length: chunk.length, text: `db ${Array.from(chunk, (b) => '0x' + hex2(b)).join(', ')}`, isData: true });
        }
        offset = end;
        continue;
      }
      const stop = range ? Math.min(range[0], code.length) : code.length;
      const decoder = new x.Decoder(64, code.subarray(offset, stop), x.DecoderOptions.None);
      decoder.ip = base + BigInt(offset);
      try {
        while (decoder.canDecode) {
          decoder.decodeOut(instr);
          const at = Number(instr.ip - base);
          if (instr.code === x.Code.INVALID) {
            lines.push({ offset: at, length: instr.length || 1, text: '(bad)', isData: false });
          } else {
            let text = formatter.format(instr);
            // iced's JS formatter prints only the low 32 bits of a 64-bit immediate (`mov r64, imm64`):
            // print it from the instruction's last 8 bytes instead.
            if (instr.op1Kind === x.OpKind.Immediate64) text = text.replace(/, [^,]*$/, `, ${imm64Text(code, at + instr.length - 8)}`);
            lines.push({ offset: at, length: instr.length, text, isData: false });
          }
        }
      } finally {
        decoder.free();
      }
      offset = stop;
    }
  } finally {
    instr.free();
    formatter.free();
  }

  const noteList: [number, string][] = [];
  const notes = options.notes;
  if (notes) {
    if (Array.isArray(notes)) for (const [at, text] of notes as ReadonlyArray<readonly [number, string]>) noteList.push([at, text]);
    else for (const [at, text] of notes as ReadonlyMap<number, string | readonly string[]>) for (const t of typeof text === 'string' ? [text] : text) noteList.push([at, t]);
    noteList.sort((a, b) => a[0] - b[0]);
  }
  let n = 0;
  return lines.map((line, i) => {
    const end = i === lines.length - 1 ? Infinity : line.offset + line.length;
    const mine: string[] = [];
    while (n < noteList.length && noteList[n]![0] < end) mine.push(noteList[n++]![1]);
    return {
      offset: line.offset,
      address: base + BigInt(line.offset),
      length: line.length,
      hex: Array.from(code.subarray(line.offset, line.offset + line.length), hex2).join(' '),
      text: line.text,
      notes: mine,
      isData: line.isData,
    };
  });
}
// #endregion disassemble

/** A plain-text listing: offset, bytes, instruction, and notes after `;`. */
export function formatListing(lines: readonly DisassemblyLine[], options: { bytes?: boolean; addresses?: boolean } = {}): string {
  const showBytes = options.bytes ?? true;
  const hexWidth = showBytes ? Math.min(30, Math.max(0, ...lines.map((l) => l.hex.length))) : 0;
  const textWidth = Math.max(0, ...lines.map((l) => l.text.length));
  const addrWidth = Math.max(4, ...lines.map((l) => (options.addresses ? l.address : BigInt(l.offset)).toString(16).length));
  return lines
    .map((l) => {
      const where = (options.addresses ? l.address : BigInt(l.offset)).toString(16).padStart(addrWidth, '0');
      let s = where + '  ';
      if (showBytes) s += l.hex.padEnd(hexWidth) + '  ';
      s += l.notes.length ? l.text.padEnd(textWidth) + '  ; ' + l.notes.join('; ') : l.text;
      return s.trimEnd();
    })
    .join('\n');
}

/** The little-endian 64-bit immediate at `at`, as iced prints immediates (0x-prefixed hex, or decimal below 10). */
function imm64Text(code: Uint8Array, at: number): string {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(code[at + i]!);
  return v < 10n ? v.toString() : `0x${v.toString(16)}`;
}
