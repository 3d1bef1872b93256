// Test-only: just enough of the binary format to drive a fuzzed module from JS, written apart from
// compiler/binary so that a bug there cannot hide itself: the imports with their types (to build
// an import object), the start function, and a rewrite that exports every memory, table and global
// (so the final state of each can be compared, not only what the module chose to export).

import { leb } from '../../validate/testSupport.ts';

/**
 * 'anyref' stands for every other reference type of GC modules (any, eq, i31, struct, array, exn,
 * the bottom types, a concrete struct or array type): only null is passed for it.
 */
export type ValTypeName = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | 'anyref';
const VAL_TYPES: Readonly<Record<number, ValTypeName>> = {
  0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref',
  0x73: 'funcref', 0x72: 'externref', // nofunc, noextern
  0x6e: 'anyref', 0x6d: 'anyref', 0x6c: 'anyref', 0x6b: 'anyref', 0x6a: 'anyref', 0x71: 'anyref', 0x69: 'anyref', 0x74: 'anyref',
};
/**
 * Heap type bytes of (ref ht) and (ref null ht): abstract ones are VAL_TYPES' bytes, else a type
 * index, which custom descriptors' EXACT may precede ((ref exact $t): only $t itself).
 */
const REF = 0x64, REF_NULL = 0x63, EXACT = 0x62;

export interface FuncType { readonly params: readonly ValTypeName[]; readonly results: readonly ValTypeName[] }

export type ImportDesc =
  | { readonly kind: 'function'; readonly type: FuncType }
  | { readonly kind: 'table'; readonly element: ValTypeName; readonly min: number; readonly max?: number }
  | { readonly kind: 'memory'; readonly min: number; readonly max?: number }
  | { readonly kind: 'global'; readonly type: ValTypeName; readonly mutable: boolean }
  | { readonly kind: 'tag'; readonly params: readonly ValTypeName[] };

export interface ModuleShape {
  readonly imports: readonly ({ readonly module: string; readonly name: string } & ImportDesc)[];
  /** Number of memories, tables and globals, imported ones included. */
  readonly memories: number;
  readonly tables: number;
  readonly globals: number;
  readonly exportNames: readonly string[];
  /** The type of each exported function, by export name. */
  readonly exportedFuncs: ReadonlyMap<string, FuncType>;
  readonly hasStart: boolean;
}

/** Thrown when the bytes are not a module this reader understands (the caller skips them). */
export class ShapeError extends Error {}

class Bytes {
  pos: number;
  /** Which type indices are function types (for (ref $t)); unknown indices are taken for GC types. */
  funcTypeIndices: ReadonlySet<number> = new Set();
  constructor(readonly b: Uint8Array, pos = 0, readonly end = b.length) { this.pos = pos; }
  byte(): number {
    if (this.pos >= this.end) throw new ShapeError('unexpected end');
    return this.b[this.pos++]!;
  }
  u32(): number {
    let result = 0, shift = 0, byte: number;
    do {
      byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && shift < 35);
    return result;
  }
  name(): string {
    const n = this.u32();
    if (this.pos + n > this.end) throw new ShapeError('name past the end');
    const s = new TextDecoder('utf-8', { fatal: false }).decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  valType(): ValTypeName {
    const b = this.byte();
    if (b === REF || b === REF_NULL) {
      if (this.b[this.pos] === EXACT) this.pos++;
      const first = this.b[this.pos];
      if (first !== undefined && first >= 0x40 && first < 0x80) return this.valTypeOf(this.byte()); // abstract: a negative s33 of one byte
      return this.funcTypeIndices.has(this.u32()) ? 'funcref' : 'anyref';
    }
    return this.valTypeOf(b);
  }
  private valTypeOf(b: number): ValTypeName {
    const t = VAL_TYPES[b];
    if (!t) throw new ShapeError('unknown value type');
    return t;
  }
  /** A struct's or array's field: a value type or a packed i8 (0x78) or i16 (0x77), and mutability. */
  fieldType(): void {
    const b = this.b[this.pos];
    if (b === 0x78 || b === 0x77) this.pos++;
    else this.valType();
    this.byte();
  }
  limits(): { min: number; max?: number } {
    const flags = this.byte();
    if (flags > 1) throw new ShapeError('limits flags');
    const min = this.u32();
    return flags & 1 ? { min, max: this.u32() } : { min };
  }
}

export interface Section { readonly id: number; readonly start: number; readonly end: number; readonly headerStart: number }

/** The sections of a module, in order (content ranges without the id and size). */
export function sections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8) throw new ShapeError('too short');
  const r = new Bytes(bytes, 8);
  const out: Section[] = [];
  while (r.pos < bytes.length) {
    const headerStart = r.pos;
    const id = r.byte();
    const size = r.u32();
    if (r.pos + size > bytes.length) throw new ShapeError('section past the end');
    out.push({ id, start: r.pos, end: r.pos + size, headerStart });
    r.pos += size;
  }
  return out;
}

/**
 * The type section into `types` (a struct or array type takes its index as undefined), with GC's
 * rec groups (0x4e) and subtypes (0x50, final 0x4f), and custom descriptors' `describes` (0x4c)
 * and `descriptor` (0x4d) clauses; returns the indices of the function types.
 */
function typeSection(r: Bytes, types: (FuncType | undefined)[]): Set<number> {
  const funcs = new Set<number>();
  const compositeType = () => {
    const form = r.byte();
    if (form === 0x60) {
      funcs.add(types.length);
      const params = Array.from({ length: r.u32() }, () => r.valType());
      const results = Array.from({ length: r.u32() }, () => r.valType());
      types.push({ params, results });
    } else if (form === 0x5f) {
      for (let n = r.u32(), i = 0; i < n; i++) r.fieldType();
      types.push(undefined);
    } else if (form === 0x5e) {
      r.fieldType();
      types.push(undefined);
    } else throw new ShapeError('unknown composite type');
  };
  const subType = () => {
    const b = r.b[r.pos];
    if (b === 0x50 || b === 0x4f) {
      r.pos++;
      for (let n = r.u32(), i = 0; i < n; i++) r.u32();
    }
    if (r.b[r.pos] === 0x4c) { r.pos++; r.u32(); }
    if (r.b[r.pos] === 0x4d) { r.pos++; r.u32(); }
    compositeType();
  };
  for (let n = r.u32(), i = 0; i < n; i++) {
    if (r.b[r.pos] === 0x4e) {
      r.pos++;
      for (let m = r.u32(), j = 0; j < m; j++) subType();
    } else subType();
  }
  return funcs;
}

export function moduleShape(bytes: Uint8Array): ModuleShape {
  const types: (FuncType | undefined)[] = [];
  const imports: ({ module: string; name: string } & ImportDesc)[] = [];
  let memories = 0, tables = 0, globals = 0, hasStart = false;
  const exportNames: string[] = [];
  const funcTypes: FuncType[] = [];
  const exportedFuncs = new Map<string, FuncType>();
  let funcTypeIndices: ReadonlySet<number> = new Set();
  for (const s of sections(bytes)) {
    const r = new Bytes(bytes, s.start, s.end);
    r.funcTypeIndices = funcTypeIndices;
    switch (s.id) {
      case 1: {
        // Read twice: a function type may name a later one of its rec group, whose kind the
        // first reading learns.
        const first = new Bytes(bytes, s.start, s.end);
        funcTypeIndices = typeSection(first, []);
        r.funcTypeIndices = funcTypeIndices;
        typeSection(r, types);
        break;
      }
      case 2:
        for (let n = r.u32(), i = 0; i < n; i++) {
          const module = r.name(), name = r.name(), kind = r.byte();
          if (kind === 0 || kind === 0x20) { // 0x20: custom descriptors' import of exactly that type
            const type = types[r.u32()];
            if (!type) throw new ShapeError('import of an unknown type');
            imports.push({ module, name, kind: 'function', type });
            funcTypes.push(type);
          } else if (kind === 1) {
            const element = r.valType();
            imports.push({ module, name, kind: 'table', element, ...r.limits() });
            tables++;
          } else if (kind === 2) {
            imports.push({ module, name, kind: 'memory', ...r.limits() });
            memories++;
          } else if (kind === 3) {
            const type = r.valType();
            imports.push({ module, name, kind: 'global', type, mutable: r.byte() === 1 });
            globals++;
          } else if (kind === 4) {
            r.byte(); // the attribute: 0, an exception
            const type = types[r.u32()];
            if (!type) throw new ShapeError('tag of an unknown type');
            imports.push({ module, name, kind: 'tag', params: type.params });
          } else throw new ShapeError('import kind');
        }
        break;
      case 3:
        for (let n = r.u32(), i = 0; i < n; i++) {
          const type = types[r.u32()];
          if (!type) throw new ShapeError('function of an unknown type');
          funcTypes.push(type);
        }
        break;
      case 4: tables += r.u32(); break;
      case 5: memories += r.u32(); break;
      case 6: globals += r.u32(); break;
      case 7:
        for (let n = r.u32(), i = 0; i < n; i++) {
          const name = r.name(), kind = r.byte(), index = r.u32();
          exportNames.push(name);
          if (kind === 0 && funcTypes[index]) exportedFuncs.set(name, funcTypes[index]!);
        }
        break;
      case 8: hasStart = true; break;
    }
  }
  return { imports, memories, tables, globals, exportNames, exportedFuncs, hasStart };
}

/** Section ids in the order the binary format requires (custom sections aside). */
const ORDER: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

/** Names under which `exposeState` exports memory i, table i and global i. */
export const stateExport = { memory: (i: number) => `$mem${i}`, table: (i: number) => `$tab${i}`, global: (i: number) => `$g${i}` };

/**
 * The module with an export added for every memory, table and global (the names of
 * `stateExport`; a module already using one of them keeps it). Exporting a mutable global is
 * allowed since WebAssembly 2.0, so this changes what can be observed, not what the code does.
 */
export function exposeState(bytes: Uint8Array): Uint8Array {
  const shape = moduleShape(bytes);
  const taken = new Set(shape.exportNames);
  const added: number[] = [];
  let count = 0;
  const add = (name: string, kind: number, index: number) => {
    if (taken.has(name)) return;
    const utf8 = new TextEncoder().encode(name);
    added.push(...leb(utf8.length), ...utf8, kind, ...leb(index));
    count++;
  };
  for (let i = 0; i < shape.memories; i++) add(stateExport.memory(i), 2, i);
  for (let i = 0; i < shape.tables; i++) add(stateExport.table(i), 1, i);
  for (let i = 0; i < shape.globals; i++) add(stateExport.global(i), 3, i);
  if (!count) return bytes;
  const all = sections(bytes);
  const existing = all.find((s) => s.id === 7);
  let body: number[];
  let cutStart: number, cutEnd: number;
  if (existing) {
    const r = new Bytes(bytes, existing.start, existing.end);
    const n = r.u32();
    body = [...leb(n + count), ...bytes.subarray(r.pos, existing.end), ...added];
    cutStart = existing.headerStart;
    cutEnd = existing.end;
  } else {
    body = [...leb(count), ...added];
    const after = all.find((s) => s.id !== 0 && (ORDER[s.id] ?? 0) > ORDER[7]!);
    cutStart = cutEnd = after ? after.headerStart : bytes.length;
  }
  const section = [7, ...leb(body.length), ...body];
  const out = new Uint8Array(bytes.length - (cutEnd - cutStart) + section.length);
  out.set(bytes.subarray(0, cutStart), 0);
  out.set(section, cutStart);
  out.set(bytes.subarray(cutEnd), cutStart + section.length);
  return out;
}
