// A live instance of a compiled module: its VMContext, code, memory, tables, globals, imported
// functions and exports callable from JS. Instantiation follows the spec: resolve imports, make
// the module's own memory/tables/globals, apply element then data segments, run the start function.

import { isRefType, ValType, type ConstExpr, type FuncType, type ModuleInfo, type RefType } from '../binary/types.ts';
import {
  AtomicBuiltin, bufferOffsets, Builtin, declaresGcHeapTypes, fixedTableLength, FUNCREF, GcBuiltin, MemoryBuiltin, NULL_REF, SHARED_MEMORY_AREA, TABLE, TrapCode, trapMessage, UNKNOWN_POSITION, vmContextLayoutOf, VMCTX,
  type CompiledModule, type TrapSite, type VMContextLayout,
} from '../abi/index.ts';
import { LinkError, RuntimeError } from '../errors.ts';
import { hostFunctionHandler, makeWasmCaller } from './calls.ts';
import { type ExceptionHooks, makeTag, Tag, tagType, tagTypeId } from './exceptions.ts';
import { CodeMemory } from './codeMemory.ts';
import { evalExtendedConst } from './extendedConst.ts';
import { LinearMemory } from './linearMemory.ts';
import { ATOMIC_BUILTIN_TYPES, atomicHandlers } from './atomics.ts';
import { GC_BUILTIN_TYPES, gcHandlers } from './gcBuiltins.ts';
import { registerGcTypes } from './gcTypes.ts';
import { getGcHeap } from './gcHeap.ts';
import { constObject } from './gcConstants.ts';
import { dropNativeSegment, nativeSegmentBytes, writeNativeSegments } from './gcSegments.ts';
import { constOperandCount } from '../binary/constExpr.ts';
import { PROT_READ, PROT_WRITE, roundUp } from './native.ts';
import { type CalloutHandler, getRuntime, signatureKey, type Runtime, type StubRequest } from './runtime.ts';
import { Global, Table, type TableEntryHolder } from './tableAndGlobal.ts';
import { moduleTypes, type ModuleTypes, typeIdOf } from './typeIds.ts';
import { globalSuperTypes, isSubtypeId, supertypeIdOf } from './supertypeIds.ts';
import { isSubtype, storageType } from '../binary/refTypes.ts';
import { SlotViews } from './runtimeState.ts';
import { nativeRegistry } from './reclaim.ts';
import { externRefs, type FunctionHolder, funcRefs, readValue, writeValue, type ValueKeeper } from './values.ts';

export type ImportObject = Readonly<Record<string, unknown>>;
export type ExportValue = ((...args: unknown[]) => unknown) | LinearMemory | Table | Global | Tag;

// #region function-references
/** What the runtime knows of one function reference (a FuncRef record). */
interface FunctionInfo {
  readonly record: number;
  /** Index in the owner's function index space. */
  readonly index: number;
  readonly type: FuncType;
  readonly typeId: number;
  readonly code: number;
  readonly vmctx: number;
  /** The instance whose code and VMContext the record points into. */
  readonly owner: Instance;
  wrapper?: (...args: unknown[]) => unknown;
}

const functionsByRecord = new Map<number, WeakRef<FunctionInfo>>();
const infoOfWrapper = new WeakMap<object, FunctionInfo>();
export { typeIdOf } from './typeIds.ts';

/** The JS function for a wasm function: the same object every time, as the JS API requires. */
function wrapperOf(info: FunctionInfo): (...args: unknown[]) => unknown {
  if (!info.wrapper) {
    const { owner, type, vmctx, code } = info;
    const rt = owner.runtime;
    // makeWasmCaller returns a fresh function: it can carry this function's identity.
    const wrapper = makeWasmCaller(rt, vmctx, type, code, owner);
    // As the JS API names exported functions: the function index, and as many as it has params.
    Object.defineProperty(wrapper, 'name', { value: String(info.index) });
    Object.defineProperty(wrapper, 'length', { value: type.params.length });
    infoOfWrapper.set(wrapper, info);
    info.wrapper = wrapper;
  }
  return info.wrapper;
}

funcRefs.toAddress = (value, holder) => {
  if (value === null) return NULL_REF;
  const info = typeof value === 'function' ? infoOfWrapper.get(value) : undefined;
  if (!info) throw new TypeError('not a WebAssembly exported function');
  cross(info, holder);
  return info.record;
};
funcRefs.fromAddress = (address) => {
  if (address === NULL_REF) return null;
  const info = functionsByRecord.get(address)?.deref();
  if (!info) throw new RuntimeError(`dangling function reference 0x${address.toString(16)}`);
  return wrapperOf(info);
};
funcRefs.typeIdAt = (address) => {
  const info = functionsByRecord.get(address)?.deref();
  if (!info) throw new RuntimeError(`dangling function reference 0x${address.toString(16)}`);
  return info.typeId;
};

/** The wasm function behind a JS value, if it is one of our exported functions. */
export function wasmFunctionInfo(value: unknown): { type: FuncType } | undefined {
  return typeof value === 'function' ? infoOfWrapper.get(value) : undefined;
}
// #endregion function-references

/**
 * Instances whose function crossed into wasm with nothing to say where it went (`toBits` without
 * a holder): wasm may keep such a reference anywhere, so these are never freed (a dangling
 * reference would jump into unmapped code).
 */
const pinnedOwners = new Set<Instance>();

// #region crossing
/**
 * Function `info` crosses from JS into wasm, to `holder`: the table or global that stores it, or
 * the instance whose code receives it (an argument of its export, a result of its import).
 * Wherever that code then moves the reference, the place is one the holder keeps alive and is
 * kept alive by: its own tables and globals, those it imports (their `owners` hold it), the
 * instances it imports functions from (keepAlive both ways; see "lifetimes"). So the holder
 * keeping the function's instance alive keeps it as long as any place the reference can be.
 *
 * The other way: code that calls the function through the reference may pass it references of
 * its own, which the function's instance may keep. If the function takes function references,
 * its instance keeps the holder alive too; otherwise (most functions) nothing passes that way,
 * and a long-lived instance handing its functions to short-lived ones does not keep them.
 *
 * Handles pass the same ways: if the function's type has a reference parameter or result, the
 * holder's group and its instance's become one (ValueKeeper); without a holder, no group is
 * closed any more.
 */
function cross(info: FunctionInfo, holder: FunctionHolder | undefined): void {
  const owner = info.owner;
  if (holder) {
    holder.owners.add(owner);
    if (takesFunctionRefs(info.type)) owner.owners.add(holder);
    if (holder.keeper && passesReferences(info.type)) externRefs.join(owner.keeper, holder.keeper);
  } else {
    pinnedOwners.add(owner);
    if (passesReferences(info.type)) externRefs.releaseAll();
  }
}
const takesFunctionRefs = (type: FuncType) => type.params.some((t) => storageType(t) === ValType.funcref);
/** Whether a call of a function of this type can hand references either way (handles, function references). */
const passesReferences = (type: FuncType) => type.params.some(isRefType) || type.results.some(isRefType);
// #endregion crossing

/** Code memory is position independent and shared by every instance of a compiled module. */
const loadedCode = new WeakMap<CompiledModule, CodeMemory>();

function loadCode(compiled: CompiledModule): CodeMemory {
  let code = loadedCode.get(compiled);
  if (!code) {
    const imported = compiled.info.importedFunctionCount;
    code = new CodeMemory(compiled.code, (address, bytes) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (const r of compiled.relocations) {
        let target: number;
        if (r.kind === 'codeAddress64') target = address + r.target;
        else {
          const fn = compiled.functions[r.funcIndex - imported];
          if (!fn) throw new RangeError(`relocation to function ${r.funcIndex}, which has no code here`);
          target = address + fn.offset;
        }
        view.setBigUint64(r.offset, BigInt(target), true);
      }
    });
    loadedCode.set(compiled, code);
  }
  return code;
}

// #region instance
export class Instance implements FunctionHolder, TableEntryHolder {
  readonly runtime: Runtime;
  readonly module: ModuleInfo;
  /** The module's type ids and typed references in global form (typeIds.ts). */
  readonly types: ModuleTypes;
  readonly layout: VMContextLayout;
  /** Address of the VMContext (what r15 holds in this instance's code). */
  readonly vmctx: number;
  readonly exports: Readonly<Record<string, ExportValue>>;
  /** Memory 0 (also memories[0]). */
  readonly memory: LinearMemory | undefined;
  /** Every memory, imported ones first (the memory index space; more than one with multi-memory). */
  readonly memories: LinearMemory[] = [];
  readonly tables: Table[] = [];
  readonly globals: Global[] = [];
  /** Exception handling's tags, imported ones first (the tag index space). */
  readonly tags: Tag[] = [];
  /** Per function index. */
  private readonly functions: FunctionInfo[] = [];
  private readonly vm: DataView;
  private readonly code: CodeMemory;
  private readonly compiled: CompiledModule;
  /** Everything native this instance points into that must live as long as it does. */
  private readonly keepAlive: unknown[] = [];
  private readonly calloutIds: number[] = [];
  /** The handlers of this instance's host-function imports: the runtime only refers to them (registerCallout). */
  private readonly calloutHandlers: CalloutHandler[] = [];
  /** Passive segments not yet dropped (active and declarative ones are dropped at instantiation). */
  readonly dataSegments: (Uint8Array | undefined)[];
  readonly elemSegments: (number[] | undefined)[] = []; // (empty until the constructor makes them: a collection may come first)
  /** Its group's keeper: what the group's tables, globals and segments hold (ValueKeeper). */
  readonly keeper: ValueKeeper = externRefs.newKeeper();
  /**
   * What it keeps alive because its code may hold their functions: instances whose functions JS
   * passed to it (as arguments of its exports or results of its imports), and the holders its own
   * functions were passed to, when those take function references (see `cross`).
   */
  readonly owners = new Set<object>();

  constructor(compiled: CompiledModule, imports: ImportObject = {}) {
    const rt = (this.runtime = getRuntime());
    const info = (this.module = compiled.info);
    this.layout = vmContextLayoutOf(info);
    const recordsAt = roundUp(this.layout.size, 16);
    // After the function records, the passive segments array.new_data/new_elem read (gcSegments.ts).
    const segmentsAt = roundUp(recordsAt + info.functions.length * FUNCREF.SIZE, 8);
    const arenaSize = roundUp(segmentsAt + nativeSegmentBytes(info, this.layout), rt.native.pageSize);
    this.vmctx = rt.native.mmap(arenaSize, PROT_READ | PROT_WRITE);
    this.vm = new DataView(rt.native.view(this.vmctx, arenaSize));
    arenas.register(this, { address: this.vmctx, size: arenaSize, ids: this.calloutIds, records: this.vmctx + recordsAt, functions: info.functions.length });
    instancesByVmctx.set(this.vmctx, new WeakRef(this));
    this.code = loadCode(compiled);
    this.compiled = compiled;
    // Functions of the module, not closures here: those would keep this constructor's `this` alive.
    rt.trapPositionOf ??= trapPositionOf;
    rt.trapSiteOf ??= trapSiteOf;
    rt.exceptionHooks ??= exceptionHooks;

    this.setAddress(VMCTX.STACK_LIMIT, rt.stackLimit);
    this.setAddress(VMCTX.TRAP_HANDLER, rt.trapHandler);
    this.setAddress(VMCTX.TRAP_SITE_HANDLER, rt.trapSiteHandler);
    this.setAddress(VMCTX.RUNTIME_STATE, rt.state);
    this.setAddress(VMCTX.INTERRUPT_FLAG, rt.interruptFlag.address);
    this.setAddress(this.layout.returnThunks, rt.returnThunks);
    const builtins = builtinStubs(rt);
    builtins.forEach((address, b) => this.setAddress(this.layout.builtin(b as Builtin), address));
    const types = (this.types = moduleTypes(info));
    types.ids.forEach((id, i) => this.vm.setUint32(this.layout.typeId(i), id, true));
    // GC's declared supertypes, for the calls through a type that is not final (SUPERTYPE_TABLE).
    if (info.typeDefs.some((d) => d.supertype >= 0)) for (const id of types.ids) rt.setSupertype(id, supertypeIdOf(id));

    // #region instance-imports
    // Imports, in order. Function stubs are assembled together once all are known.
    const stubRequests: StubRequest[] = [];
    const stubUsers: ((address: number) => void)[] = [];
    // Each import through which wasm code may move handles joins this instance's group (ValueKeeper).
    const keeper = this.keeper;
    for (const imp of info.imports) {
      const value = lookupImport(imports, imp.module, imp.name);
      const what = `import ${JSON.stringify(imp.module)} ${JSON.stringify(imp.name)}`;
      switch (imp.desc.kind) {
        case 'func':
          this.importFunction(imp.index, imp.desc.typeIndex, imp.desc.exact === true, value, what, recordsAt, stubRequests, stubUsers);
          break;
        case 'memory': {
          if (!(value instanceof LinearMemory)) throw new LinkError(`incompatible import type: ${what} is not a memory`);
          if (value.address64 !== (imp.desc.type.address64 === true)) {
            throw new LinkError(`incompatible import type: ${what} has another address type`);
          }
          if (value.pageSizeLog2 !== (imp.desc.type.pageSizeLog2 ?? 16)) {
            throw new LinkError(`incompatible import type: ${what} has another page size`);
          }
          if (value.shared !== imp.desc.type.shared) {
            throw new LinkError(`incompatible import type: ${what} is ${value.shared ? '' : 'not '}a shared memory`);
          }
          value.refreshShared();
          checkLimits(what, value.pages, value.declaredMax, imp.desc.type.limits);
          this.memories.push(value);
          break;
        }
        case 'table': {
          if (!(value instanceof Table)) throw new LinkError(`incompatible import type: ${what} is not a table`);
          // Tables are read and written: their element types must be equal (global forms, typeIds.ts).
          if (value.element !== types.global(imp.desc.type.element)) throw new LinkError(`incompatible import type: ${what} has another element type`);
          if (value.address64 !== (imp.desc.type.address64 === true)) {
            throw new LinkError(`incompatible import type: ${what} has another address type`);
          }
          checkLimits(what, value.length, value.maximum, imp.desc.type.limits);
          this.tables.push(value);
          externRefs.join(keeper, value.keeper);
          break;
        }
        case 'global': {
          const global = importGlobal(value, types.global(imp.desc.type.type), imp.desc.type.mutable, what);
          this.globals.push(global);
          if (global.keeper) externRefs.join(keeper, global.keeper);
          break;
        }
        case 'tag': {
          if (!(value instanceof Tag)) throw new LinkError(`incompatible import type: ${what} is not a tag`);
          // A tag's type must be the import's: the same process-wide type id (a JS tag's is its plain function type's).
          if ((tagTypeId(value) ?? typeIdOf(tagType(value))) !== types.ids[imp.desc.typeIndex]) {
            throw new LinkError(`incompatible import type: ${what} has another type`);
          }
          this.tags.push(value);
          break;
        }
      }
    }
    for (let t = info.importedTagCount; t < info.tags.length; t++) this.tags.push(makeTag(types.funcType(info.tags[t]!), types.ids[info.tags[t]!]));

    const stubs = rt.loadStubs(stubRequests);
    if (stubs.code) this.keepAlive.push(stubs.code);
    stubUsers.forEach((use, i) => use(stubs.addresses[i]!));
    // #endregion instance-imports

    // The module's own memory, tables, code and globals.
    for (let m = info.importedMemoryCount; m < info.memories.length; m++) {
      const { limits, address64, pageSizeLog2, shared } = info.memories[m]!;
      this.memories.push(new LinearMemory(limits.min, limits.max, address64 === true, pageSizeLog2, shared));
    }
    this.memory = this.memories[0];
    // Weakly: once this instance is gone its VMContext is unmapped and must not be written.
    const self = new WeakRef(this);
    this.memories.forEach((memory, m) => {
      this.setAddress(this.layout.memoryBase(m), memory.base);
      this.setMemorySize(m, memory.byteLength);
      memory.onGrow((bytes) => self.deref()?.setMemorySize(m, bytes));
    });
    if (this.memories.length > 1) {
      memoryBuiltinStubs(rt).forEach((address, b) => this.setAddress(this.layout.memoryBuiltin(b as MemoryBuiltin), address));
    }
    if (info.memories.some((m) => m.shared)) {
      atomicBuiltinStubs(rt).forEach((address, b) => this.setAddress(this.layout.atomicBuiltin(b as AtomicBuiltin), address));
      // Where generated code finds each shared memory's size word (compiler/abi: SHARED_MEMORY_AREA).
      const area = this.layout.sharedMemoryArea();
      this.setAddress(area + SHARED_MEMORY_AREA.REFRESH, rt.sharedMemoryRefresh);
      this.setAddress(area + SHARED_MEMORY_AREA.COUNT, this.memories.length);
      this.memories.forEach((memory, m) => {
        const entry = area + SHARED_MEMORY_AREA.ENTRIES + m * SHARED_MEMORY_AREA.ENTRY_BYTES;
        this.setAddress(entry + SHARED_MEMORY_AREA.WORD, memory.sizeWordAddress);
        this.setAddress(entry + SHARED_MEMORY_AREA.SIZE_FIELD, this.layout.memorySize(m));
      });
    }
    if (declaresGcHeapTypes(info)) {
      // A handle in an object's field can reach any instance that reads it: no group holds it.
      externRefs.release(keeper);
      registerGcTypes(info);
      gcBuiltinStubs(rt).forEach((address, b) => this.setAddress(this.layout.gcBuiltin(b as GcBuiltin), address));
    }
    for (let t = info.importedTableCount; t < info.tables.length; t++) {
      const { element, limits, address64 } = info.tables[t]!;
      const table = new Table(types.global(element), limits.min, limits.max, null, address64 === true);
      externRefs.join(keeper, table.keeper);
      this.tables.push(table);
    }
    this.tables.forEach((t, i) => {
      // A table of fixed length (compiler/abi: fixedTableLength): linking made an imported one's
      // maximum its length, so its code may take the length for a constant.
      const fixed = fixedTableLength(info.tables[i]!.limits);
      if (fixed >= 0 && (t.length !== fixed || t.maximum !== fixed)) throw new Error(`internal: table ${i} of fixed length ${fixed} can change`);
      // Its BASE and LENGTH in our VMContext, rewritten whenever it grows (weakly held by the table).
      t.addEntry(this, this.layout.table(i));
    });
    compiled.functions.forEach((fn) => {
      this.defineFunction(fn.funcIndex, info.functions[fn.funcIndex]!, this.code.address + fn.offset, this.vmctx, this, recordsAt);
    });
    for (let i = 0; i < info.functions.length; i++) {
      if (!this.functions[i]) throw new LinkError(`function ${i} has no code`);
    }
    // Constant expressions may make GC objects, whose words JS holds until they are stored: no
    // collection meanwhile.
    const heap = declaresGcHeapTypes(info) ? getGcHeap() : undefined;
    if (heap) heap.noCollection++;
    try {
      // Tables with an initializer (function references): every element starts as its value.
      for (let t = info.importedTableCount; t < info.tables.length; t++) {
        const init = info.tables[t]!.init;
        if (init === undefined) continue;
        const table = this.tables[t]!, raw = this.refConst(init);
        for (let i = 0; i < table.length; i++) table.setRaw(i, raw);
      }
      for (let g = info.importedGlobalCount; g < info.globals.length; g++) {
        const { type, init } = info.globals[g]!;
        const global = new Global(types.global(type.type), type.mutable);
        if (global.keeper) externRefs.join(keeper, global.keeper);
        global.setRaw(0);
        this.writeConst(global, init!);
        this.globals.push(global);
      }
      this.globals.forEach((g, i) => this.setAddress(this.layout.global(i), g.cell));
      // #region lifetimes
      // Code of this instance may store its function references in any table or global it reaches:
      // those keep it alive (it keeps them alive in turn; the cycle is collected as one).
      for (const t of this.tables) t.owners.add(this);
      for (const g of this.globals) if (storageType(g.type) === ValType.funcref) g.owners.add(this);
      // #endregion lifetimes

      // #region instance-segments
      // Segments: elements, then data, then the start function (a trap stops instantiation there).
      this.elemSegments = info.elements.map((seg) => seg.init.map((e) => this.evalRef(e)));
      // The passive ones natively too, before anything can trap: a function this instance's
      // active segments put in an imported table runs even when a later segment traps.
      const passive = <T>(segs: readonly { mode: string }[], items: readonly T[]) =>
        items.map((x, i) => (segs[i]!.mode === 'passive' ? x : undefined));
      writeNativeSegments(this.vm, this.vmctx, this.layout, segmentsAt,
        passive(info.data, info.data.map((seg) => seg.bytes)), passive(info.elements, this.elemSegments));
      info.elements.forEach((seg, i) => {
        if (seg.mode === 'active') {
          const items = this.elemSegments[i]!;
          const offset = this.tables[seg.table]!.address64 ? this.evalI64(seg.offset!) : this.evalI32(seg.offset!);
          this.initTable(seg.table, offset, items, 0, items.length);
        }
        if (seg.mode !== 'passive') this.elemSegments[i] = undefined;
      });
      this.dataSegments = info.data.map((seg) => seg.bytes);
      info.data.forEach((seg, i) => {
        if (seg.mode === 'active') {
          const at = this.memories[seg.memory]?.address64 ? this.evalI64(seg.offset!) : this.evalI32(seg.offset!);
          this.initMemory(this.dataSegments[i]!, at, 0, seg.bytes.length, seg.memory);
          this.dataSegments[i] = undefined;
        }
      });
    } finally {
      if (heap) heap.noCollection--;
    }

    const exports: Record<string, ExportValue> = Object.create(null);
    for (const e of info.exports) {
      switch (e.kind) {
        case 'func': exports[e.name] = wrapperOf(this.functions[e.index]!); break;
        case 'memory': exports[e.name] = this.memories[e.index]!; break;
        case 'table': exports[e.name] = this.tables[e.index]!; break;
        case 'global': exports[e.name] = this.globals[e.index]!; break;
        case 'tag': exports[e.name] = this.tags[e.index]!; break;
      }
    }
    this.exports = Object.freeze(exports);
    if (info.start !== undefined) wrapperOf(this.functions[info.start]!)();
    // #endregion instance-segments
  }
  // #endregion instance

  /** The JS function for function `index` of this instance. */
  func(index: number): (...args: unknown[]) => unknown {
    const f = this.functions[index];
    if (!f) throw new RangeError(`no function ${index}`);
    return wrapperOf(f);
  }

  /** data.drop or elem.drop of segment i. */
  dropSegment(kind: 'data' | 'elem', i: number): void {
    if (kind === 'data') this.dataSegments[i] = undefined;
    else this.elemSegments[i] = undefined;
    dropNativeSegment(this.vm, this.layout, kind, i);
  }

  /** Table entry `entry`'s copy of its table's BASE and LENGTH (compiler/abi: TABLE); the table calls this as it grows. */
  writeTableEntry(entry: number, base: number, length: number): void {
    this.setAddress(entry + TABLE.BASE, base);
    this.setAddress(entry + TABLE.LENGTH, length);
  }

  private setAddress(offset: number, value: number): void {
    this.vm.setBigUint64(offset, BigInt(value), true);
  }

  /** Memory 0's size and the bounds derived from it (VMCTX.MEMORY_BOUND_4/8). */
  /** Memory m's size in the VMContext; memory 0's with the bounds kept beside it. */
  private setMemorySize(m: number, bytes: number): void {
    this.setAddress(this.layout.memorySize(m), bytes);
    if (m !== 0) return;
    this.vm.setBigInt64(VMCTX.MEMORY_BOUND_4, BigInt(bytes - 4), true);
    this.vm.setBigInt64(VMCTX.MEMORY_BOUND_8, BigInt(bytes - 8), true);
  }

  private defineFunction(index: number, typeIndex: number, code: number, vmctx: number, owner: Instance, recordsAt: number): FunctionInfo {
    const record = this.vmctx + recordsAt + index * FUNCREF.SIZE;
    const at = recordsAt + index * FUNCREF.SIZE;
    const typeId = this.types.ids[typeIndex]!;
    const type = this.types.funcType(typeIndex); // typed references in global form (the JS boundary checks them)
    this.vm.setBigUint64(at + FUNCREF.CODE, BigInt(code), true);
    this.vm.setBigUint64(at + FUNCREF.VMCTX, BigInt(vmctx), true);
    this.vm.setUint32(at + FUNCREF.TYPE_ID, typeId, true);
    const info: FunctionInfo = { record, index, type, typeId, code, vmctx, owner };
    this.functions[index] = info;
    functionsByRecord.set(record, new WeakRef(info));
    this.setAddress(this.layout.funcRef(index), record);
    return info;
  }

  // #region import-function
  private importFunction(
    index: number, typeIndex: number, exact: boolean, value: unknown, what: string, recordsAt: number,
    requests: StubRequest[], users: ((address: number) => void)[],
  ): void {
    const type = this.types.funcType(typeIndex);
    if (typeof value !== 'function') throw new LinkError(`incompatible import type: ${what} is not a function`);
    const wasm = infoOfWrapper.get(value);
    if (wasm) {
      // A function of another instance: call it through a stub that switches instances, and
      // reuse its record so the reference stays the same function.
      // An exact import (custom descriptors) takes a function of exactly its type, no subtype.
      const id = this.types.ids[typeIndex]!;
      if (exact ? wasm.typeId !== id : !isSubtypeId(wasm.typeId, id)) throw new LinkError(`incompatible import type: ${what} has another function type`);
      requests.push({ kind: 'switch', type, calleeVmctx: wasm.vmctx, calleeCode: wasm.code });
      users.push((address) => this.setAddress(this.layout.importedFunction(index), address));
      // Both ways: the callee may keep references to the caller's functions it was passed.
      this.keepAlive.push(wasm.owner);
      wasm.owner.keepAlive.push(this);
      // And each may store the other's handles, if a call can pass any: one group (ValueKeeper).
      if (passesReferences(wasm.type) || passesReferences(type)) externRefs.join(this.keeper, wasm.owner.keeper);
      this.functions[index] = wasm;
      this.setAddress(this.layout.funcRef(index), wasm.record);
      return;
    }
    const rt = this.runtime; // (the handler must not refer to this instance: the runtime refers to it)
    const receiver = () => Instance.calling(rt);
    const id = rt.registerCallout(hostFunctionHandler(rt, type, value as (...a: unknown[]) => unknown, receiver), this.calloutHandlers);
    this.calloutIds.push(id);
    requests.push({ kind: 'callout', type, id });
    users.push((address) => {
      this.setAddress(this.layout.importedFunction(index), address);
      this.defineFunction(index, typeIndex, address, this.vmctx, this, recordsAt);
    });
  }
  // #endregion import-function

  /** Whether its group is closed: wasm code moves its handles only among the group's places (ValueKeeper). */
  get closed(): boolean {
    return !this.keeper.group().released;
  }

  // #region constant-expressions
  private evalI32(e: ConstExpr): number {
    if (e.op === 'i32.const') return e.value >>> 0;
    if (e.op === 'global.get') return (this.globals[e.global]!.value as number) >>> 0;
    if (e.op === 'extended') return Number(this.evalExtended(e.code)) >>> 0;
    throw new LinkError(`unsupported offset expression ${e.op}`);
  }

  /** An i64 offset (memory64), unsigned, as a double: above 2^53 rounded, and out of bounds either way. */
  private evalI64(e: ConstExpr): number {
    let v: bigint;
    if (e.op === 'i64.const') v = BigInt(e.value);
    else if (e.op === 'global.get') v = BigInt(this.globals[e.global]!.value as bigint);
    else if (e.op === 'extended') v = this.evalExtended(e.code);
    else throw new LinkError(`unsupported offset expression ${e.op}`);
    return Number(BigInt.asUintN(64, v));
  }

  /** A reference constant as its raw 64-bit value. */
  private evalRef(e: ConstExpr): number {
    switch (e.op) {
      case 'ref.null': return NULL_REF;
      case 'ref.func': return this.functions[e.func]!.record;
      case 'global.get': return this.globals[e.global]!.getRaw();
      case 'extended': return Number(this.evalExtended(e.code));
      case 'struct.new': case 'struct.new_default': case 'struct.new_desc': case 'struct.new_default_desc': case 'array.new': case 'array.new_default': case 'array.new_fixed':
        return Number(this.evalExtended([e]));
      default: throw new LinkError(`unsupported element expression ${e.op}`);
    }
  }

  private writeConst(g: Global, e: ConstExpr): void {
    const s = g.rawSlots;
    switch (e.op) {
      case 'i32.const': s.i32[0] = e.value; break;
      case 'i64.const': s.i64[0] = BigInt.asIntN(64, e.value); break;
      case 'f32.const': s.u32[0] = e.bits >>> 0; break;
      case 'f64.const': s.i64[0] = BigInt.asIntN(64, e.bits); break;
      case 'ref.null': s.i64[0] = 0n; break;
      case 'v128.const': {
        const b = e.bytes;
        for (let k = 0; k < 4; k++) s.u32[k] = (b[4 * k]! | (b[4 * k + 1]! << 8) | (b[4 * k + 2]! << 16) | (b[4 * k + 3]! << 24)) >>> 0;
        break;
      }
      case 'ref.func': g.setRaw(this.functions[e.func]!.record); g.owners.add(this); break;
      case 'global.get': {
        const src = this.globals[e.global]!.rawSlots;
        s.i64[0] = src.i64[0]!;
        s.i64[1] = src.i64[1]!;
        break;
      }
      case 'struct.new': case 'struct.new_default': case 'struct.new_desc': case 'struct.new_default_desc': case 'array.new': case 'array.new_default': case 'array.new_fixed':
        g.setRaw(Number(this.evalExtended([e])));
        break;
      case 'extended': {
        const v = this.evalExtended(e.code);
        if (isRefType(g.type)) g.setRaw(Number(v));
        else if (g.type === ValType.i64) s.i64[0] = v;
        else s.i32[0] = Number(v);
        break;
      }
    }
  }

  /** A reference constant's raw value (a table's initializer; the validator typed it). */
  private refConst(e: ConstExpr): number {
    switch (e.op) {
      case 'ref.null': return 0;
      case 'ref.func': return this.functions[e.func]!.record;
      case 'global.get': return this.globals[e.global]!.getRaw();
      case 'extended': return Number(this.evalExtended(e.code));
      case 'struct.new': case 'struct.new_default': case 'struct.new_desc': case 'struct.new_default_desc': case 'array.new': case 'array.new_default': case 'array.new_fixed':
        return Number(this.evalExtended([e]));
      default: throw new Error(`not a reference constant: ${e.op}`);
    }
  }

  private evalExtended(code: Extract<ConstExpr, { op: 'extended' }>['code']): bigint {
    // A reference global gives its raw word (GC's ref.i31 and conversions take them).
    return evalExtendedConst(code, (i) => {
      const g = this.globals[i]!;
      // A reference, a float or a v128 as its bits (GC's struct.new and array.new take any field).
      if (isRefType(g.type)) return g.getRaw();
      if (g.type === ValType.i32 || g.type === ValType.i64) return g.value;
      const s = g.rawSlots;
      return g.type === ValType.f32 ? s.u32[0]! : g.type === ValType.f64 ? BigInt.asUintN(64, s.i64[0]!)
        : (BigInt.asUintN(64, s.i64[1]!) << 64n) | BigInt.asUintN(64, s.i64[0]!);
    }, {
      funcRef: (f) => BigInt(this.functions[f]!.record),
      operandCount: (e) => constOperandCount(e, this.module),
      make: (e, operands) => BigInt(constObject(this.module, e, operands)),
    });
  }
  // #endregion constant-expressions

  // #region segments
  /** table.init: copy `n` raw references from `items[src..]` to table `t` at `dst`, or trap. */
  initTable(t: number, dst: number, items: readonly number[], src: number, n: number): void {
    const table = this.tables[t]!;
    if (src + n > items.length || dst + n > table.length) {
      throw new RuntimeError(trapMessage(TrapCode.outOfBoundsTableAccess));
    }
    if (n > 0 && storageType(table.element) === ValType.funcref) table.owners.add(this);
    for (let i = 0; i < n; i++) table.setRaw(dst + i, items[src + i]!);
  }

  /** memory.init: copy `n` bytes of `bytes[src..]` to memory `m` at `dst`, or trap. */
  initMemory(bytes: Uint8Array, dst: number, src: number, n: number, m = 0): void {
    const memory = this.memories[m];
    if (src + n > bytes.length || !memory || dst + n > memory.byteLength) {
      throw new RuntimeError(trapMessage(TrapCode.outOfBoundsMemoryAccess));
    }
    memory.write(dst, bytes.subarray(src, src + n));
  }
  // #endregion segments

  /**
   * The function index and wasm offset of the call in this instance's code that returns to
   * `returnAddress`: the TrapSite whose codeOffset is that return address if the code generator
   * recorded one, else just the function that contains it.
   */
  positionOf(returnAddress: number): { func: number; offset: number } | undefined {
    const at = returnAddress - this.code.address;
    if (at < 0 || at > this.compiled.code.length) return undefined;
    const site = this.trapSiteAt(returnAddress);
    if (site) return { func: site.funcIndex, offset: site.wasmOffset };
    let best: { funcIndex: number; offset: number } | undefined;
    for (const f of this.compiled.functions) if (f.offset < at && (!best || f.offset > best.offset)) best = f;
    return best && { func: best.funcIndex, offset: UNKNOWN_POSITION };
  }

  /** The TrapSite whose codeOffset is `returnAddress` in this instance's code. */
  trapSiteAt(returnAddress: number): TrapSite | undefined {
    return trapSitesByOffset(this.compiled).get(returnAddress - this.code.address);
  }

  /** The instance whose code is calling a builtin right now. */
  static calling(rt: Runtime): Instance {
    const inst = instancesByVmctx.get(rt.calloutVmctx)?.deref();
    if (!inst) throw new RuntimeError('builtin called from an unknown instance');
    return inst;
  }
}

const instancesByVmctx = new Map<number, WeakRef<Instance>>();
const exceptionHooks: ExceptionHooks = {
  tagOf: (vmctx, index) => instancesByVmctx.get(vmctx)?.deref()?.tags[index],
  holderOf: (vmctx) => instancesByVmctx.get(vmctx)?.deref(),
};
const trapPositionOf = (vmctx: number, returnAddress: number) => instancesByVmctx.get(vmctx)?.deref()?.positionOf(returnAddress);
const trapSiteOf = (vmctx: number, returnAddress: number) => instancesByVmctx.get(vmctx)?.deref()?.trapSiteAt(returnAddress);

/** A module's trap sites by code offset, made on its first trap (a module may have tens of thousands). */
const trapSiteMaps = new WeakMap<CompiledModule, Map<number, TrapSite>>();
function trapSitesByOffset(compiled: CompiledModule): Map<number, TrapSite> {
  let map = trapSiteMaps.get(compiled);
  if (!map) {
    map = new Map();
    const s = compiled.trapSites;
    for (let i = 0; i < s.length; i += 4) map.set(s[i]!, { codeOffset: s[i]!, trap: s[i + 1]! as TrapCode, funcIndex: s[i + 2]!, wasmOffset: s[i + 3]! });
    trapSiteMaps.set(compiled, map);
  }
  return map;
}
// Passive externref segments hold handles too (a `global.get` of an imported externref global).
externRefs.markers.push((mark) => {
  for (const ref of instancesByVmctx.values()) {
    const inst = ref.deref();
    inst?.elemSegments.forEach((items, i) => {
      if (items && storageType(inst.module.elements[i]!.type) !== ValType.funcref) for (const h of items) mark(h, inst.keeper);
    });
  }
});
interface Arena { address: number; size: number; ids: number[]; records: number; functions: number }
const arenas = nativeRegistry<Arena>(({ address, size, ids, records, functions }) => {
  instancesByVmctx.delete(address);
  const rt = getRuntime();
  for (const id of ids) rt.unregisterCallout(id);
  // The function records lived in the arena (imported functions of other instances have theirs elsewhere).
  for (let i = 0; i < functions; i++) {
    const record = records + i * FUNCREF.SIZE;
    const ref = functionsByRecord.get(record);
    if (ref && !ref.deref()) functionsByRecord.delete(record);
  }
  rt.native.munmap(address, size);
});

// #region import-checks
function lookupImport(imports: ImportObject, module: string, name: string): unknown {
  const m = imports[module];
  if (m === null || (typeof m !== 'object' && typeof m !== 'function')) {
    // The JS API says TypeError; the spec's scripts say "unknown import" (compiler/api throws the TypeError first).
    throw new LinkError(`unknown import: module ${JSON.stringify(module)} is not an object`);
  }
  const value = (m as Record<string, unknown>)[name];
  if (value === undefined) throw new LinkError(`unknown import: ${JSON.stringify(module)} ${JSON.stringify(name)}`);
  return value;
}

function checkLimits(what: string, size: number, max: number | undefined, wanted: { min: number; max?: number }): void {
  if (size < wanted.min) throw new LinkError(`incompatible import type: ${what} is too small`);
  if (wanted.max !== undefined && (max === undefined || max > wanted.max)) {
    throw new LinkError(`incompatible import type: ${what} has a larger maximum`);
  }
}

/** `type` in its global form (typeIds.ts). A mutable global's type must be equal, an immutable one's a subtype. */
function importGlobal(value: unknown, type: ValType, mutable: boolean, what: string): Global {
  if (value instanceof Global) {
    const fits = mutable ? value.type === type : isSubtype(value.type, type, globalSuperTypes);
    if (!fits || value.mutable !== mutable) throw new LinkError(`incompatible import type: ${what} has another type or mutability`);
    return value;
  }
  if (mutable) throw new LinkError(`incompatible import type: ${what} must be a mutable Global`);
  if (type === ValType.i64 && typeof value !== 'bigint') throw new LinkError(`incompatible import type: ${what} must be a BigInt`);
  if ((type === ValType.i32 || type === ValType.f32 || type === ValType.f64) && typeof value !== 'number') {
    throw new LinkError(`incompatible import type: ${what} must be a number or a Global`);
  }
  if (type === ValType.v128) throw new LinkError(`incompatible import type: ${what} is a v128 global`);
  return new Global(type, false, value);
}
// #endregion import-checks

// #region builtin-handlers
const I32 = ValType.i32, I64 = ValType.i64;
const BUILTIN_TYPES: Record<Builtin, FuncType> = {
  [Builtin.memoryGrow]: { params: [I32], results: [I32] },
  [Builtin.memoryFill]: { params: [I32, I32, I32], results: [] },
  [Builtin.memoryCopy]: { params: [I32, I32, I32], results: [] },
  [Builtin.memoryInit]: { params: [I32, I32, I32, I32], results: [] },
  [Builtin.dataDrop]: { params: [I32], results: [] },
  [Builtin.tableGrow]: { params: [I32, I64, I32], results: [I32] },
  [Builtin.tableFill]: { params: [I32, I32, I64, I32], results: [] },
  [Builtin.tableCopy]: { params: [I32, I32, I32, I32, I32], results: [] },
  [Builtin.tableInit]: { params: [I32, I32, I32, I32, I32], results: [] },
  [Builtin.elemDrop]: { params: [I32], results: [] },
};

const builtinsOf = new WeakMap<Runtime, number[]>();

/** The builtin stubs (one set per runtime), in Builtin order. */
function builtinStubs(rt: Runtime): number[] {
  let stubs = builtinsOf.get(rt);
  if (stubs) return stubs;
  const s = rt.callout;
  const u = (slot: number) => s.u32[slot * 2]!;
  /** An address or size argument: 32 bits, or 64 for a memory64 memory (a double, exact below 2^53). */
  const address = (mem: LinearMemory | undefined, slot: number) => (mem?.address64 ? s.getAddress(slot) : u(slot));
  /** A table index or size argument: 32 bits, or 64 for a table64 table. */
  const index = (table: Table, slot: number) => (table.address64 ? s.getAddress(slot) : u(slot));
  const oobMemory = TrapCode.outOfBoundsMemoryAccess, oobTable = TrapCode.outOfBoundsTableAccess;
  const handlers: Record<Builtin, (inst: Instance) => number> = {
    [Builtin.memoryGrow]: (inst) => {
      const mem = inst.memory;
      const old = mem ? mem.grow(address(mem, 0)) : -1;
      s.i32[0] = old;
      s.i32[1] = old < 0 ? -1 : Math.floor(old / 2 ** 32); // the i64 result of a memory64 memory (2^32 1-byte pages)
      return 0;
    },
    // #region bulk-memory-builtins
    [Builtin.memoryFill]: (inst) => {
      const mem = inst.memory;
      const [d, v, n] = [address(mem, 0), u(1), address(mem, 2)];
      if (!mem || d + n > mem.byteLength) return oobMemory;
      mem.fill(d, v, n);
      return 0;
    },
    [Builtin.memoryCopy]: (inst) => {
      const mem = inst.memory;
      const [d, src, n] = [address(mem, 0), address(mem, 1), address(mem, 2)];
      if (!mem || d + n > mem.byteLength || src + n > mem.byteLength) return oobMemory;
      mem.copyWithin(d, src, n);
      return 0;
    },
    // #endregion bulk-memory-builtins
    [Builtin.memoryInit]: (inst) => {
      const bytes = inst.dataSegments[u(0)] ?? new Uint8Array(0);
      const mem = inst.memory;
      const [d, src, n] = [address(mem, 1), u(2), u(3)];
      if (!mem || src + n > bytes.length || d + n > mem.byteLength) return oobMemory;
      mem.write(d, bytes.subarray(src, src + n));
      return 0;
    },
    [Builtin.dataDrop]: (inst) => {
      inst.dropSegment('data', u(0));
      return 0;
    },
    [Builtin.tableGrow]: (inst) => {
      const table = inst.tables[u(0)]!;
      const init = s.getAddress(1);
      if (init !== 0 && storageType(table.element) === ValType.funcref) table.owners.add(inst);
      const old = table.growRaw(index(table, 2), init);
      s.i32[0] = old;
      s.i32[1] = old < 0 ? -1 : 0; // the i64 result of a table64 table
      return 0;
    },
    [Builtin.tableFill]: (inst) => {
      const table = inst.tables[u(0)]!;
      const [i, raw, n] = [index(table, 1), s.getAddress(2), index(table, 3)];
      if (i + n > table.length) return oobTable;
      if (raw !== 0 && storageType(table.element) === ValType.funcref) table.owners.add(inst);
      for (let k = 0; k < n; k++) table.setRaw(i + k, raw);
      return 0;
    },
    [Builtin.tableCopy]: (inst) => {
      const dst = inst.tables[u(0)]!, src = inst.tables[u(1)]!;
      const [d, sIdx] = [index(dst, 2), index(src, 3)];
      const n = dst.address64 && src.address64 ? s.getAddress(4) : u(4);
      if (d + n > dst.length || sIdx + n > src.length) return oobTable;
      const items: number[] = [];
      for (let k = 0; k < n; k++) items.push(src.getRaw(sIdx + k));
      for (const o of src.owners) dst.owners.add(o);
      for (let k = 0; k < n; k++) dst.setRaw(d + k, items[k]!);
      return 0;
    },
    [Builtin.tableInit]: (inst) => {
      const items = inst.elemSegments[u(1)] ?? [];
      try {
        inst.initTable(u(0), index(inst.tables[u(0)]!, 2), items, u(3), u(4));
      } catch {
        return oobTable;
      }
      return 0;
    },
    [Builtin.elemDrop]: (inst) => {
      inst.dropSegment('elem', u(0));
      return 0;
    },
  };
  stubs = loadBuiltinStubs(rt, BUILTIN_TYPES, handlers);
  builtinsOf.set(rt, stubs);
  return stubs;
}
const keepBuiltins: CodeMemory[] = [];

/**
 * One call-out stub per builtin, in index order: each runs its handler on the calling instance.
 * The stubs' code is kept for the life of the process (one set per runtime).
 */
function loadBuiltinStubs<B extends number>(
  rt: Runtime, types: Record<B, FuncType>, handlers: Record<B, (inst: Instance) => number>,
): number[] {
  const requests = (Object.keys(types).map(Number) as B[]).map((b): StubRequest => {
    const handler = handlers[b];
    const id = rt.registerCallout(() => handler(Instance.calling(rt)));
    return { kind: 'callout', type: types[b], id };
  });
  const loaded = rt.loadStubs(requests);
  keepBuiltins.push(loaded.code!);
  return loaded.addresses;
}

/** The memory builtins' types as their stubs see them: every integer is a 64-bit slot anyway. */
const MEMORY_BUILTIN_TYPES: Record<MemoryBuiltin, FuncType> = {
  [MemoryBuiltin.grow]: { params: [I32, I64], results: [I64] },
  [MemoryBuiltin.fill]: { params: [I32, I64, I32, I64], results: [] },
  [MemoryBuiltin.copy]: { params: [I32, I32, I64, I64, I64], results: [] },
  [MemoryBuiltin.init]: { params: [I32, I32, I64, I32, I32], results: [] },
};
const memoryBuiltinsOf = new WeakMap<Runtime, number[]>();

/**
 * The stubs of the builtins of memories other than memory 0 (multi-memory), in MemoryBuiltin
 * order, made on the first instance with more than one memory. Arguments as the memory-0
 * builtins', after the memory indices.
 */
function memoryBuiltinStubs(rt: Runtime): number[] {
  let stubs = memoryBuiltinsOf.get(rt);
  if (stubs) return stubs;
  const s = rt.callout;
  const u = (slot: number) => s.u32[slot * 2]!;
  const address = (mem: LinearMemory, slot: number) => (mem.address64 ? s.getAddress(slot) : u(slot));
  const oob = TrapCode.outOfBoundsMemoryAccess;
  const handlers: Record<MemoryBuiltin, (inst: Instance) => number> = {
    [MemoryBuiltin.grow]: (inst) => {
      const mem = inst.memories[u(0)]!;
      const old = mem.grow(address(mem, 1));
      s.i32[0] = old;
      s.i32[1] = old < 0 ? -1 : Math.floor(old / 2 ** 32);
      return 0;
    },
    [MemoryBuiltin.fill]: (inst) => {
      const mem = inst.memories[u(0)]!;
      const [d, v, n] = [address(mem, 1), u(2), address(mem, 3)];
      if (d + n > mem.byteLength) return oob;
      mem.fill(d, v, n);
      return 0;
    },
    [MemoryBuiltin.copy]: (inst) => {
      const dst = inst.memories[u(0)]!, src = inst.memories[u(1)]!;
      const [d, from] = [address(dst, 2), address(src, 3)];
      const n = dst.address64 && src.address64 ? s.getAddress(4) : u(4);
      if (d + n > dst.byteLength || from + n > src.byteLength) return oob;
      // Through a copy when the two are one memory (imported twice): copyWithin's overlap rules.
      if (dst === src) dst.copyWithin(d, from, n);
      else dst.copyFrom(src, from, d, n);
      return 0;
    },
    [MemoryBuiltin.init]: (inst) => {
      const m = u(0);
      const bytes = inst.dataSegments[u(1)] ?? new Uint8Array(0);
      const mem = inst.memories[m]!;
      const [d, from, n] = [address(mem, 2), u(3), u(4)];
      if (from + n > bytes.length || d + n > mem.byteLength) return oob;
      mem.write(d, bytes.subarray(from, from + n));
      return 0;
    },
  };
  stubs = loadBuiltinStubs(rt, MEMORY_BUILTIN_TYPES, handlers);
  memoryBuiltinsOf.set(rt, stubs);
  return stubs;
}

const atomicBuiltinsOf = new WeakMap<Runtime, number[]>();
/** The stubs of wait and notify (runtime/atomics.ts), made on the first instance with a shared memory. */
function atomicBuiltinStubs(rt: Runtime): number[] {
  let stubs = atomicBuiltinsOf.get(rt);
  if (stubs) return stubs;
  const handlers = atomicHandlers(rt.callout);
  const onInstance = (b: AtomicBuiltin) => (inst: Instance) => handlers[b](inst.memories);
  stubs = loadBuiltinStubs(rt, ATOMIC_BUILTIN_TYPES, {
    [AtomicBuiltin.notify]: onInstance(AtomicBuiltin.notify),
    [AtomicBuiltin.wait32]: onInstance(AtomicBuiltin.wait32),
    [AtomicBuiltin.wait64]: onInstance(AtomicBuiltin.wait64),
  });
  atomicBuiltinsOf.set(rt, stubs);
  return stubs;
}
const gcBuiltinsOf = new WeakMap<Runtime, number[]>();
/** The stubs of GC's builtins (runtime/gcBuiltins.ts), made on the first instance with struct or array types. */
function gcBuiltinStubs(rt: Runtime): number[] {
  let stubs = gcBuiltinsOf.get(rt);
  if (stubs) return stubs;
  stubs = loadBuiltinStubs(rt, GC_BUILTIN_TYPES, gcHandlers(rt.callout));
  gcBuiltinsOf.set(rt, stubs);
  return stubs;
}
// #endregion builtin-handlers

export type { RefType };

// #region raw-values
/**
 * Call an exported wasm function with raw 64-bit values, bypassing JS numbers: i32 and f32 in the
 * low 32 bits, f64 as its bits, i64 as is, references as the runtime's raw values (see toBits).
 * Exact for NaN payloads, which a trip through a JS number may change (the spec tests check them).
 * Results come back the same way, unsigned. A v128 is one 128-bit value.
 */
export function invokeBits(fn: unknown, args: readonly bigint[]): bigint[] {
  const info = typeof fn === 'function' ? infoOfWrapper.get(fn) : undefined;
  if (!info) throw new TypeError('not a WebAssembly exported function');
  const rt = info.owner.runtime;
  const slots = rt.entryArgs;
  const { params, results } = info.type;
  // A v128 is one 128-bit BigInt, in two 8-byte halves of the buffer (low first).
  const argsAt = bufferOffsets(params);
  params.forEach((t, i) => {
    const k = argsAt[i]! / 8;
    slots.i64[k] = BigInt.asIntN(64, args[i] ?? 0n);
    if (t === ValType.v128) slots.i64[k + 1] = BigInt.asIntN(64, (args[i] ?? 0n) >> 64n);
  });
  rt.invoke(info.vmctx, rt.adapterFor(info.type), info.code);
  const resultsAt = bufferOffsets(results);
  return results.map((t, i) => {
    const k = resultsAt[i]! / 8;
    const low = BigInt.asUintN(64, slots.i64[k]!);
    return t === ValType.v128 ? (BigInt.asUintN(64, slots.i64[k + 1]!) << 64n) | low : low;
  });
}

const scratchSlots = new SlotViews(new ArrayBuffer(16), 0, 2);
/**
 * A JS value as the raw 64-bit value wasm sees (externref handle, funcref record address, number
 * bits). `holder`: where a function reference goes (see cross); without one, its instance is
 * never freed.
 */
export function toBits(type: ValType, value: unknown, holder?: FunctionHolder): bigint {
  scratchSlots.i64[0] = 0n;
  writeValue(scratchSlots, 0, type, value, holder);
  return BigInt.asUintN(64, scratchSlots.i64[0]!);
}
/** The JS value of a raw 64-bit wasm value of type `type`. */
export function fromBits(type: ValType, bits: bigint): unknown {
  scratchSlots.i64[0] = BigInt.asIntN(64, bits);
  return readValue(scratchSlots, 0, type);
}
// #endregion raw-values
