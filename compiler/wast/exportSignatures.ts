// Just enough of the binary format to know the types of a module's exported functions and
// globals, for engines whose JS API does not say (the V8 reference engine needs them to turn
// JS numbers back into exact wasm values). Independent of compiler/binary on purpose: the
// reference engine must not share our decoder's mistakes. Browser-safe.

import { NotImplemented } from './engine.ts';
import { decodeUtf8 } from './sexpr.ts';

export type ValueKind = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'ref';
export interface FuncSignature {
  params: ValueKind[];
  results: ValueKind[];
}
export interface ExportSignatures {
  functions: Map<string, FuncSignature>;
  globals: Map<string, ValueKind>;
}

class Bytes {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new NotImplemented('export signatures: unexpected end of module');
    return this.b[this.pos++]!;
  }
  /** Any LEB128 (signed or not): only its value's low bits matter here. */
  leb(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      if (shift < 28) result |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) return result >>> 0;
    }
  }
  name(): string {
    const n = this.leb();
    const s = decodeUtf8(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}

const NUMERIC: Record<number, ValueKind> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };

function valueType(r: Bytes): ValueKind {
  const b = r.byte();
  if (NUMERIC[b]) return NUMERIC[b];
  if (b === 0x63 || b === 0x64) {
    r.leb(); // heap type
    return 'ref';
  }
  if (b >= 0x69 && b <= 0x74) return 'ref'; // abstract heap type shorthands (funcref, externref, ...)
  throw new NotImplemented(`export signatures: value type 0x${b.toString(16)}`);
}

function limits(r: Bytes): void {
  const flags = r.byte();
  r.leb();
  if (flags & 1) r.leb();
  if (flags & 8) r.leb(); // custom page size
}

/** Skips a constant expression up to and including its `end`. */
function constExpr(r: Bytes): void {
  for (;;) {
    const op = r.byte();
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2 || op === 0xd0) r.leb();
    else if (op === 0x43) r.pos += 4;
    else if (op === 0x44) r.pos += 8;
    else if (op === 0xfd && r.leb() === 12) r.pos += 16;
    else if (![0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e].includes(op)) throw new NotImplemented(`export signatures: constant op 0x${op.toString(16)}`);
  }
}

// #region export-signatures
export function exportSignatures(bytes: Uint8Array): ExportSignatures {
  const r = new Bytes(bytes);
  r.pos = 8;
  const types: FuncSignature[] = [];
  const funcs: number[] = []; // type index per function index
  const globals: ValueKind[] = [];
  const out: ExportSignatures = { functions: new Map(), globals: new Map() };
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.leb();
    const end = r.pos + size;
    if (id === 1) {
      for (let n = r.leb(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new NotImplemented('export signatures: only function types');
        const params = Array.from({ length: r.leb() }, () => valueType(r));
        const results = Array.from({ length: r.leb() }, () => valueType(r));
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.leb(); n > 0; n--) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) funcs.push(r.leb());
        else if (kind === 1) (valueType(r), limits(r));
        else if (kind === 2) limits(r);
        else if (kind === 3) (globals.push(valueType(r)), r.byte());
        else if (kind === 4) (r.byte(), r.leb());
        else throw new NotImplemented(`export signatures: import kind ${kind}`);
      }
    } else if (id === 3) {
      for (let n = r.leb(); n > 0; n--) funcs.push(r.leb());
    } else if (id === 6) {
      for (let n = r.leb(); n > 0; n--) {
        globals.push(valueType(r));
        r.byte();
        constExpr(r);
      }
    } else if (id === 7) {
      for (let n = r.leb(); n > 0; n--) {
        const name = r.name();
        const kind = r.byte();
        const index = r.leb();
        if (kind === 0) {
          const t = types[funcs[index] ?? -1];
          if (t) out.functions.set(name, t);
        } else if (kind === 3 && globals[index]) out.globals.set(name, globals[index]);
      }
    }
    r.pos = end;
  }
  return out;
}
// #endregion export-signatures

/**
 * The imports of a binary, read straight from its import section: (module name, kind) pairs,
 * kind 0 function, 1 table, 2 memory, 3 global, 4 tag. Best effort: an unreadable module yields
 * what was read so far (its compile has already vouched for it).
 */
function importsOf(bytes: Uint8Array): [string, number][] {
  const imports: [string, number][] = [];
  const r = new Bytes(bytes);
  r.pos = 8;
  try {
    while (r.pos < bytes.length) {
      const id = r.byte();
      const size = r.leb();
      const end = r.pos + size;
      if (id === 2) {
        for (let n = r.leb(); n > 0; n--) {
          const module = r.name();
          r.name();
          const kind = r.byte();
          if (kind === 0) r.leb();
          else if (kind === 1) (valueType(r), limits(r));
          else if (kind === 2) limits(r);
          else if (kind === 3) (valueType(r), r.byte());
          else if (kind === 4) (r.byte(), r.leb());
          else break;
          imports.push([module, kind]);
        }
        break;
      }
      if (id !== 0 && id > 2) break; // past where imports can be
      r.pos = end;
    }
  } catch {
    // keep what was read
  }
  return imports;
}

/** The module names a binary imports from. */
export function importModuleNames(bytes: Uint8Array): string[] {
  return [...new Set(importsOf(bytes).map(([module]) => module))];
}

/** Does the module import a table or a memory (state its instantiation may write)? */
export function importsTableOrMemory(bytes: Uint8Array): boolean {
  return importsOf(bytes).some(([, kind]) => kind === 1 || kind === 2);
}
