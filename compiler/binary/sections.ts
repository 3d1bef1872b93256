// Decoding the module's sections (all but the code section, whose bodies go one at a time to
// the function validator). Each reader gets exactly one section's bytes and appends what it
// declares to the ModuleInfo; the validator checks the new entries right after.

import { FunctionIndexSet } from './functionIndexSet.ts';
import { Reader } from './reader.ts';
import type { ConstExpr, DataSegment, ElementSegment, ExternKind, ModuleInfo, NameSection, RefType, ValType } from './types.ts';
import { readConstExpr } from './constExpr.ts';
import { readLimits, readMemoryType, readRefType, readValType } from './valueTypes.ts';
import { concreteRef, REF_NON_NULL, typedRefUse } from './refTypes.ts';

// #region section-ids
export const SectionId = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7,
  start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13,
} as const;

/** The position each section must keep: ids in the order the spec requires (data count before code). */
export const SECTION_ORDER: Readonly<Record<number, number>> = {
  1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13,
};
// #endregion section-ids

function readMutability(r: Reader): boolean {
  const at = r.pos;
  const b = r.u8();
  if (b > 1) throw r.error('malformed mutability', at);
  return b === 1;
}

export { readTypeSection } from './typeSection.ts';

export function readImportSection(r: Reader, m: ModuleInfo): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const module = r.name();
    const name = r.name();
    const at = r.pos;
    const kind = r.u8();
    switch (kind) {
      case 0: case 0x20: { // a function; 0x20 (custom descriptors): of exactly its type
        const typeIndex = r.u32();
        const exact = kind === 0x20;
        if (exact) {
          typedRefUse.count++; // (unknown to Node 20's V8: the fuzzer does not ask it)
          (m.exactImports ??= new FunctionIndexSet()).add(m.functions.length);
        }
        m.imports.push({ module, name, desc: exact ? { kind: 'func', typeIndex, exact } : { kind: 'func', typeIndex }, index: m.functions.length });
        m.functions.push(typeIndex);
        m.importedFunctionCount++;
        break;
      }
      case 1: {
        const element = readRefType(r, m);
        const { min, max, address64 } = readLimits(r, 'table');
        const type = { element, limits: max === undefined ? { min } : { min, max }, address64 };
        m.imports.push({ module, name, desc: { kind: 'table', type }, index: m.tables.length });
        m.tables.push(type);
        m.importedTableCount++;
        break;
      }
      case 2: {
        const type = readMemoryType(r);
        m.imports.push({ module, name, desc: { kind: 'memory', type }, index: m.memories.length });
        m.memories.push(type);
        m.importedMemoryCount++;
        break;
      }
      case 3: {
        const type = { type: readValType(r, m), mutable: readMutability(r) };
        m.imports.push({ module, name, desc: { kind: 'global', type }, index: m.globals.length });
        m.globals.push({ type, importIndex: m.imports.length - 1 });
        m.importedGlobalCount++;
        break;
      }
      case 4: {
        const typeIndex = readTagType(r);
        m.imports.push({ module, name, desc: { kind: 'tag', typeIndex }, index: m.tags.length });
        m.tags.push(typeIndex);
        m.importedTagCount++;
        break;
      }
      default:
        throw r.error('malformed import kind', at);
    }
  }
}

export function readFunctionSection(r: Reader, m: ModuleInfo): void {
  const n = r.count();
  for (let i = 0; i < n; i++) m.functions.push(r.u32());
}

export function readTableSection(r: Reader, m: ModuleInfo, checkInit?: (e: ConstExpr, type: ValType, offset: number) => void): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    // 0x40 0x00: a table with an initializer expression (function references).
    let withInit = false;
    if (r.pos < r.end && r.bytes[r.pos] === 0x40) {
      r.pos++;
      const at = r.pos;
      if (r.u8() !== 0x00) throw r.error('malformed table', at);
      withInit = true;
      typedRefUse.count++;
    }
    const element = readRefType(r, m);
    const { min, max, address64 } = readLimits(r, 'table');
    const limits = max === undefined ? { min } : { min, max };
    if (withInit) {
      const at = r.offset;
      const init = readConstExpr(r, m);
      checkInit?.(init, element, at);
      m.tables.push({ element, limits, address64, init });
    } else m.tables.push({ element, limits, address64 });
  }
}

export function readMemorySection(r: Reader, m: ModuleInfo): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    m.memories.push(readMemoryType(r));
  }
}

export function readGlobalSection(
  r: Reader,
  m: ModuleInfo,
  check: (e: ConstExpr, type: ValType, index: number, offset: number) => void,
): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const type = { type: readValType(r, m), mutable: readMutability(r) };
    const at = r.offset;
    const init = readConstExpr(r, m);
    check(init, type.type, m.globals.length, at);
    m.globals.push({ type, init });
  }
}

/** A tag type: an attribute byte (0: exception, the only one) and a function type index. */
function readTagType(r: Reader): number {
  const at = r.pos;
  if (r.u8() !== 0) throw r.error('malformed tag attribute', at);
  return r.u32();
}

/** The tag section (exception handling; id 13, between memory and global): a type index per tag. */
export function readTagSection(r: Reader, m: ModuleInfo): void {
  const n = r.count();
  for (let i = 0; i < n; i++) m.tags.push(readTagType(r));
}

const EXPORT_KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];
export function readExportSection(r: Reader, m: ModuleInfo): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const name = r.name();
    const at = r.pos;
    const k = r.u8();
    const kind = EXPORT_KINDS[k];
    if (!kind) throw r.error('malformed export kind', at);
    m.exports.push({ name, kind, index: r.u32() });
  }
}

export function readStartSection(r: Reader, m: ModuleInfo): void {
  m.start = r.u32();
}

// #region element-segments
/** The eight element segment forms: bit 0 passive/declarative, bit 1 explicit table or declarative, bit 2 expressions. */
export function readElementSection(r: Reader, m: ModuleInfo, offsets: number[]): void {
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    offsets.push(r.offset);
    const flags = r.u32();
    if (flags > 7) throw r.error('malformed elements segment kind', at);
    const passiveOrDeclarative = (flags & 1) !== 0;
    const explicitTable = (flags & 2) !== 0;
    const usesExprs = (flags & 4) !== 0;
    const mode = !passiveOrDeclarative ? 'active' : explicitTable ? 'declarative' : 'passive';
    let table = 0;
    let offset: ConstExpr | undefined;
    if (mode === 'active') {
      if (explicitTable) table = r.u32();
      offset = readConstExpr(r, m);
    }
    // Function indices are `(ref func)`: never null (3.0; a funcref in 2.0, which it is a subtype
    // of). Expressions without a type are funcref.
    let type: RefType = usesExprs ? 0x70 : 0x70 | REF_NON_NULL;
    if (passiveOrDeclarative || explicitTable) {
      if (usesExprs) type = readRefType(r, m);
      else {
        const kindAt = r.pos;
        if (r.u8() !== 0x00) throw r.error('malformed elements segment kind', kindAt);
      }
    }
    const count = r.count();
    const init: ConstExpr[] = [];
    for (let j = 0; j < count; j++) {
      init.push(usesExprs ? readConstExpr(r, m) : { op: 'ref.func', func: r.u32() });
    }
    const seg: ElementSegment = offset ? { mode, type, table, offset, init } : { mode, type, table, init };
    m.elements.push(seg);
  }
}
// #endregion element-segments

export function readDataCountSection(r: Reader, m: ModuleInfo): void {
  m.dataCount = r.u32();
}

/**
 * A data segment kept as positions in the bytes it came from: its offset expression and its
 * view of the bytes are made when asked for. Modules may have 10^5 segments; one small object
 * each, and no others that outlive the section, keeps the garbage collector out of the way.
 */
class LazyDataSegment implements DataSegment {
  private view: Uint8Array | undefined;
  constructor(
    readonly memory: number,
    private readonly source: Uint8Array,
    /** Where the offset expression starts in `source`; -1 for a passive segment. */
    private readonly offsetAt: number,
    private readonly start: number,
    readonly length: number,
  ) {}
  get mode(): 'active' | 'passive' {
    return this.offsetAt < 0 ? 'passive' : 'active';
  }
  get offset(): ConstExpr | undefined {
    if (this.offsetAt < 0) return undefined;
    return readConstExpr(new Reader(this.source, this.offsetAt, this.source.length, 0));
  }
  get bytes(): Uint8Array {
    return (this.view ??= this.source.subarray(this.start, this.start + this.length));
  }
}

/**
 * Reads the data segments into m.data, calling `segmentRead` with each one, its offset
 * expression and its module offset (for the validator's checks).
 * `copy`: copy the section once and make segments views of the copy (the input may be reused);
 * otherwise segments are views of the input itself.
 */
export function readDataSection(
  r: Reader,
  m: ModuleInfo,
  segmentRead: (segment: DataSegment, offset: ConstExpr | undefined, at: number) => void,
  copy = true,
): void {
  const source = copy ? r.bytes.slice(r.pos, r.end) : r.bytes;
  const sourceBase = copy ? r.pos : 0;
  const n = r.count();
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const flags = r.u32();
    if (flags > 2) throw r.error('malformed data segment kind', at);
    const memory = flags === 2 ? r.u32() : 0;
    const offsetAt = flags === 1 ? -1 : r.pos - sourceBase;
    const offset = flags === 1 ? undefined : readConstExpr(r);
    const len = r.u32();
    const from = r.pos;
    r.skip(len);
    const segment = new LazyDataSegment(memory, source, offsetAt, from - sourceBase, len);
    m.data.push(segment);
    segmentRead(segment, offset, r.base + at);
  }
}

/**
 * The name section (custom section "name"): kept as bytes, decoded when first read. Only
 * disassembly reads names, and decoding one string per function costs a module like
 * bench/modules/large.wasm a tenth of its validation time. `copy`: as for readDataSection.
 */
export function readNameSection(r: Reader, m: ModuleInfo, copy = true): void {
  const bytes = copy ? r.bytes.slice(r.pos, r.end) : r.bytes.subarray(r.pos, r.end);
  r.pos = r.end;
  const sections = m.names instanceof LazyNameSection ? [...m.names.sections, bytes] : [bytes];
  m.names = new LazyNameSection(sections);
}

/** A NameSection while it is filled in. */
type NamesRead = { module: string | undefined; functions: Map<number, string>; locals: Map<number, Map<number, string>> };

class LazyNameSection implements NameSection {
  private decoded: NamesRead | undefined;
  /** The bytes of each name section, in module order (the spec allows one; later ones win). */
  constructor(readonly sections: readonly Uint8Array[]) {}
  get module(): string | undefined {
    return this.decode().module;
  }
  get functions(): ReadonlyMap<number, string> {
    return this.decode().functions;
  }
  get locals(): ReadonlyMap<number, ReadonlyMap<number, string>> {
    return this.decode().locals;
  }
  private decode(): NamesRead {
    if (this.decoded) return this.decoded;
    const names: NamesRead = { module: undefined, functions: new Map(), locals: new Map() };
    for (const bytes of this.sections) decodeNames(new Reader(bytes, 0, bytes.length, 0), names);
    return (this.decoded = names);
  }
}

/** Best effort: a malformed name section is ignored, as the spec allows. */
function decodeNames(r: Reader, names: NamesRead): void {
  try {
    while (!r.atEnd()) {
      const id = r.u8();
      const size = r.u32();
      const end = r.pos + size;
      if (end > r.end) return;
      if (id === 0) names.module = r.name();
      else if (id === 1) {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const idx = r.u32();
          names.functions.set(idx, r.name());
        }
      } else if (id === 2) {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const f = r.u32();
          const map = new Map<number, string>();
          const k = r.u32();
          for (let j = 0; j < k; j++) {
            const idx = r.u32();
            map.set(idx, r.name());
          }
          names.locals.set(f, map);
        }
      }
      r.pos = end;
    }
  } catch {
    // The spec treats custom sections as opaque: a broken name section does not make the module malformed.
  }
}
