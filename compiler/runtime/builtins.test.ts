import { describe, expect, it } from 'vitest';
import { emptyModuleInfo, ValType, type FuncType } from '../binary/types.ts';
import { Builtin, TrapCode, vmContextLayoutOf, type CompiledModule } from '../abi/index.ts';
import { RuntimeError } from '../errors.ts';
import { Assembler, qword, rsp, r15 } from '../x64/index.ts';
import { Instance } from './instance.ts';
import { LinearMemory, WASM_PAGE_SIZE } from './linearMemory.ts';
import type { Table } from './tableAndGlobal.ts';

const { i32, i64, funcref } = ValType;
const TYPES: Record<string, [Builtin, FuncType]> = {
  grow: [Builtin.memoryGrow, { params: [i32], results: [i32] }],
  fill: [Builtin.memoryFill, { params: [i32, i32, i32], results: [] }],
  copy: [Builtin.memoryCopy, { params: [i32, i32, i32], results: [] }],
  init: [Builtin.memoryInit, { params: [i32, i32, i32, i32], results: [] }],
  dataDrop: [Builtin.dataDrop, { params: [i32], results: [] }],
  tableGrow: [Builtin.tableGrow, { params: [i32, i64, i32], results: [i32] }],
  tableFill: [Builtin.tableFill, { params: [i32, i32, i64, i32], results: [] }],
  tableCopy: [Builtin.tableCopy, { params: [i32, i32, i32, i32, i32], results: [] }],
  tableInit: [Builtin.tableInit, { params: [i32, i32, i32, i32, i32], results: [] }],
  elemDrop: [Builtin.elemDrop, { params: [i32], results: [] }],
};

/** One exported function per builtin, passing its arguments straight through. */
function module(): CompiledModule {
  const info = emptyModuleInfo();
  const names = Object.keys(TYPES);
  names.forEach((name, k) => {
    info.types.push(TYPES[name]![1]);
    info.functions.push(k);
    info.exports.push({ name, kind: 'func', index: k });
  });
  info.memories.push({ limits: { min: 1, max: 2 }, shared: false });
  info.tables.push({ element: funcref, limits: { min: 4, max: 10 } });
  info.exports.push({ name: 'memory', kind: 'memory', index: 0 }, { name: 'table', kind: 'table', index: 0 });
  info.data.push({ mode: 'passive', memory: 0, bytes: new TextEncoder().encode('abcdef') });
  info.elements.push({ mode: 'passive', type: funcref, table: 0, init: [{ op: 'ref.func', func: 0 }, { op: 'ref.null', type: funcref }] });
  info.declaredFuncRefs.add(0);
  const layout = vmContextLayoutOf(info);
  const asm = new Assembler();
  const trapSites: number[] = [];
  const offsets = names.map((name, k) => {
    const at = asm.offset;
    asm.sub(rsp, 8);
    asm.call(qword(r15, layout.builtin(TYPES[name]![0])));
    // Where memory.fill is called from: a trap in it is reported at wasm offset 0x77.
    if (name === 'fill') trapSites.push(asm.offset, TrapCode.outOfBoundsMemoryAccess, k, 0x77); // a TrapSite's four fields
    asm.add(rsp, 8);
    asm.ret();
    return at;
  });
  const out = asm.finish();
  return { info, code: out.code, functions: offsets.map((offset, k) => ({ funcIndex: k, offset, size: 0, prefix: 0 })), relocations: [], trapSites: Int32Array.from(trapSites) };
}

const compiled = module();
type F = (...a: unknown[]) => unknown;
function setup() {
  const inst = new Instance(compiled, {});
  const f = (name: string) => inst.exports[name] as F;
  const bytes = () => new Uint8Array((inst.exports.memory as LinearMemory).arrayBuffer);
  return { inst, f, bytes, table: inst.exports.table as Table };
}
function trapOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof RuntimeError) return e.reason;
    throw e;
  }
  return 'no trap';
}

describe('memory builtins', () => {
  it('memory.grow returns the old size or -1, up to the maximum', () => {
    const { f, inst } = setup();
    expect(f('grow')(1)).toBe(1);
    expect(f('grow')(1)).toBe(-1);
    expect(f('grow')(-1)).toBe(-1); // 0xffffffff pages
    expect((inst.exports.memory as LinearMemory).pages).toBe(2);
  });

  it('memory.fill and memory.copy work in bounds, overlap correctly and trap past the end', () => {
    const { f, bytes } = setup();
    f('fill')(10, 0x1ff, 4); // the value is a byte
    expect([...bytes().subarray(9, 15)]).toEqual([0, 0xff, 0xff, 0xff, 0xff, 0]);
    bytes().set([1, 2, 3, 4, 5], 100);
    f('copy')(102, 100, 5); // overlapping, forwards
    expect([...bytes().subarray(100, 107)]).toEqual([1, 2, 1, 2, 3, 4, 5]);
    expect(trapOf(() => f('fill')(WASM_PAGE_SIZE - 1, 0, 2))).toBe('out of bounds memory access');
    expect(trapOf(() => f('copy')(0, WASM_PAGE_SIZE, 1))).toBe('out of bounds memory access');
    expect(trapOf(() => f('fill')(WASM_PAGE_SIZE, 0, 0))).toBe('no trap');
    expect(trapOf(() => f('fill')(WASM_PAGE_SIZE + 1, 0, 0))).toBe('out of bounds memory access');
  });

  it('memory.init copies from a passive segment until it is dropped', () => {
    const { f, bytes } = setup();
    f('init')(0, 200, 1, 3);
    expect(new TextDecoder().decode(bytes().subarray(200, 203))).toBe('bcd');
    expect(trapOf(() => f('init')(0, 0, 4, 3))).toBe('out of bounds memory access');
    f('dataDrop')(0);
    expect(trapOf(() => f('init')(0, 0, 0, 1))).toBe('out of bounds memory access');
    expect(trapOf(() => f('init')(0, 0, 0, 0))).toBe('no trap');
  });
});

describe('table builtins', () => {
  it('table.init, table.copy, table.fill and table.grow', () => {
    const { f, table, inst } = setup();
    const fn0 = inst.exports.grow;
    f('tableInit')(0, 0, 1, 0, 2);
    expect([table.get(0), table.get(1), table.get(2)]).toEqual([null, fn0, null]);
    f('tableCopy')(0, 0, 2, 1, 2); // overlapping
    expect([table.get(1), table.get(2), table.get(3)]).toEqual([fn0, fn0, null]);
    expect(trapOf(() => f('tableCopy')(0, 0, 3, 0, 2))).toBe('out of bounds table access');
    f('tableFill')(0, 0, 0n, 4);
    expect([0, 1, 2, 3].map((i) => table.get(i))).toEqual([null, null, null, null]);
    expect(trapOf(() => f('tableFill')(0, 3, 0n, 2))).toBe('out of bounds table access');
    expect(f('tableGrow')(0, 0n, 6)).toBe(4);
    expect(f('tableGrow')(0, 0n, 1)).toBe(-1);
    expect(table.length).toBe(10);
    f('elemDrop')(0);
    expect(trapOf(() => f('tableInit')(0, 0, 0, 0, 1))).toBe('out of bounds table access');
  });

  it('keeps a shared memory grown by one instance visible to another', () => {
    const memory = new LinearMemory(1, 3);
    const info = { ...compiled.info, memories: [{ limits: { min: 1, max: 3 }, shared: false }], importedMemoryCount: 1, imports: [{ module: 'm', name: 'mem', desc: { kind: 'memory' as const, type: { limits: { min: 1, max: 3 }, shared: false } }, index: 0 }] };
    const a = new Instance({ ...compiled, info }, { m: { mem: memory } });
    const b = new Instance({ ...compiled, info }, { m: { mem: memory } });
    expect((a.exports.grow as F)(1)).toBe(1);
    expect((b.exports.grow as F)(1)).toBe(2);
    expect((a.exports.fill as F)(3 * WASM_PAGE_SIZE - 4, 7, 4)).toBeUndefined();
    expect(new Uint8Array(memory.arrayBuffer)[3 * WASM_PAGE_SIZE - 1]).toBe(7);
  });
});

it('reports where a builtin trapped: the calling function, and the wasm offset of a recorded call site', () => {
  const { f } = setup();
  const at = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      return [(e as RuntimeError).funcIndex, (e as RuntimeError).offset];
    }
    return 'no trap';
  };
  expect(at(() => f('fill')(WASM_PAGE_SIZE, 0, 1))).toEqual([1, 0x77]);
  expect(at(() => f('copy')(WASM_PAGE_SIZE, 0, 1))).toEqual([2, undefined]);
});
