// The S-expression reader for .wast scripts: lists, atoms and strings, each with the line
// it starts on and its character span, so a module's text can be cut out of the script
// unchanged and handed to the text-format compiler. Browser-safe.

export interface Span {
  /** 1-based line of the first character. */
  line: number;
  /** Index of the first character in the source. */
  start: number;
  /** Index just past the last character. */
  end: number;
}

export interface SList extends Span {
  type: 'list';
  items: SExpr[];
}
export interface SAtom extends Span {
  type: 'atom';
  text: string;
}
export interface SString extends Span {
  type: 'string';
  /** The string's bytes after escapes are decoded (wast strings are byte strings). */
  bytes: Uint8Array;
}
export type SExpr = SList | SAtom | SString;

export class ReadError extends Error {
  override name = 'ReadError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const utf8 = new TextEncoder();

/** Characters that end an atom. */
function isDelimiter(c: number): boolean {
  // space, tab, CR, LF, '(', ')', '"', ';'
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 40 || c === 41 || c === 34 || c === 59;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * `(@name ...)` annotations may appear anywhere and mean nothing to a script, so lists leave
 * them out (a module's text, cut from the source, still has them for the text compiler).
 */
function isAnnotation(e: SExpr): boolean {
  const first = e.type === 'list' ? e.items[0] : undefined;
  return first?.type === 'atom' && first.text.startsWith('@') && first.start === e.start + 1;
}

// #region sexpr-reader
/**
 * Reads the top-level S-expressions of a script one at a time. A syntax error stops the reader
 * (the rest of the script cannot be trusted), and the error says on which line.
 */
export class Reader {
  private pos = 0;
  private line = 1;
  constructor(readonly source: string) {}

  /** The next top-level expression, or undefined at the end of the source. */
  next(): SExpr | undefined {
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.source.length) return undefined;
      const e = this.readExpr();
      if (!isAnnotation(e)) return e;
    }
  }

  /** All remaining top-level expressions. */
  readAll(): SExpr[] {
    const out: SExpr[] = [];
    for (let e = this.next(); e; e = this.next()) out.push(e);
    return out;
  }

  private skipSpace(): void {
    const s = this.source;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 10) {
        this.line++;
        this.pos++;
      } else if (c === 32 || c === 9 || c === 13) {
        this.pos++;
      } else if (c === 59 && s.charCodeAt(this.pos + 1) === 59) {
        // ;; line comment
        while (this.pos < s.length && s.charCodeAt(this.pos) !== 10) this.pos++;
      } else if (c === 40 && s.charCodeAt(this.pos + 1) === 59) {
        this.skipBlockComment();
      } else {
        return;
      }
    }
  }

  /** (; ... ;) comments nest. */
  private skipBlockComment(): void {
    const s = this.source;
    const startLine = this.line;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 40 && s.charCodeAt(this.pos + 1) === 59) {
        depth++;
        this.pos += 2;
      } else if (c === 59 && s.charCodeAt(this.pos + 1) === 41) {
        depth--;
        this.pos += 2;
        if (depth === 0) return;
      } else {
        if (c === 10) this.line++;
        this.pos++;
      }
    }
    throw new ReadError('unterminated block comment', startLine);
  }

  private readExpr(): SExpr {
    const s = this.source;
    const c = s.charCodeAt(this.pos);
    if (c === 40) return this.readList();
    if (c === 41) throw new ReadError("unexpected ')'", this.line);
    if (c === 34) return this.readString();
    const start = this.pos;
    // A ';' that does not start a comment is an ordinary (reserved) character.
    while (this.pos < s.length) {
      const d = s.charCodeAt(this.pos);
      if (d === 59 ? s.charCodeAt(this.pos + 1) === 59 : isDelimiter(d)) break;
      this.pos++;
    }
    if (this.pos === start) throw new ReadError(`unexpected character '${s[start]}'`, this.line);
    return { type: 'atom', text: s.slice(start, this.pos), line: this.line, start, end: this.pos };
  }

  private readList(): SList {
    const start = this.pos;
    const line = this.line;
    this.pos++; // '('
    const items: SExpr[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.source.length) throw new ReadError("unclosed '(' (no matching ')')", line);
      if (this.source.charCodeAt(this.pos) === 41) {
        this.pos++;
        return { type: 'list', items, line, start, end: this.pos };
      }
      const item = this.readExpr();
      if (!isAnnotation(item)) items.push(item);
    }
  }

  private readString(): SString {
    const s = this.source;
    const start = this.pos;
    const line = this.line;
    this.pos++; // opening quote
    const bytes: number[] = [];
    for (;;) {
      if (this.pos >= s.length) throw new ReadError('unterminated string', line);
      const c = s.charCodeAt(this.pos);
      if (c === 34) {
        this.pos++;
        break;
      }
      if (c === 10) throw new ReadError('newline in string', this.line);
      if (c !== 92) {
        // Copy a run of plain characters as UTF-8.
        let j = this.pos;
        while (j < s.length) {
          const d = s.charCodeAt(j);
          if (d === 34 || d === 92 || d === 10) break;
          j++;
        }
        for (const b of utf8.encode(s.slice(this.pos, j))) bytes.push(b);
        this.pos = j;
        continue;
      }
      this.readEscape(bytes);
    }
    return { type: 'string', bytes: Uint8Array.from(bytes), line, start, end: this.pos };
  }

  private readEscape(out: number[]): void {
    const s = this.source;
    const e = s[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case 'n': out.push(10); return;
      case 't': out.push(9); return;
      case 'r': out.push(13); return;
      case '"': out.push(34); return;
      case "'": out.push(39); return;
      case '\\': out.push(92); return;
      case 'u': {
        const close = s.indexOf('}', this.pos);
        const digits = s.slice(this.pos + 1, close).replaceAll('_', '');
        if (s[this.pos] !== '{' || close < 0 || !/^[0-9a-fA-F]+$/.test(digits)) {
          throw new ReadError('malformed \\u{...} escape', this.line);
        }
        const code = parseInt(digits, 16);
        if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) throw new ReadError('invalid code point in \\u escape', this.line);
        for (const b of utf8.encode(String.fromCodePoint(code))) out.push(b);
        this.pos = close + 1;
        return;
      }
      default: {
        const hi = hexValue(s.charCodeAt(this.pos - 1));
        const lo = hexValue(s.charCodeAt(this.pos));
        if (hi < 0 || lo < 0) throw new ReadError(`unknown escape '\\${e ?? ''}'`, this.line);
        out.push(hi * 16 + lo);
        this.pos++;
      }
    }
  }
}
// #endregion sexpr-reader

/** Reads every top-level expression of a script (throws ReadError). */
export function readAll(source: string): SExpr[] {
  return new Reader(source).readAll();
}

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 bytes as text, a leading U+FEFF kept: it is part of a name (names.wast exports one), not a byte-order mark. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** The string's bytes as text (names of exports and modules are UTF-8). */
export function stringText(s: SString): string {
  return decodeUtf8(s.bytes);
}

export function isAtom(e: SExpr | undefined, text?: string): e is SAtom {
  return e !== undefined && e.type === 'atom' && (text === undefined || e.text === text);
}

export function isList(e: SExpr | undefined, head?: string): e is SList {
  return e !== undefined && e.type === 'list' && (head === undefined || isAtom(e.items[0], head));
}

/** The head word of a list, e.g. "assert_return" for `(assert_return ...)`. */
export function headOf(e: SExpr): string | undefined {
  return e.type === 'list' && e.items[0]?.type === 'atom' ? e.items[0].text : undefined;
}
