import { describe, expect, it } from 'vitest';
import { emptyModuleInfo, ValType, type FuncType, type ModuleInfo } from '../binary/types.ts';
import { Builtin, FUNCREF, TABLE, TrapCode, VMCTX, vmContextLayoutOf, type CompiledModule } from '../abi/index.ts';
import { LinkError, RuntimeError } from '../errors.ts';
import {
  Assembler, eax, ecx, edi, edx, esi, mem, qword, dword, rax, rcx, rdi, rdx, rsi, rsp, r14, r15,
} from '../x64/index.ts';
import { Instance } from './instance.ts';
import { handAssembled } from './testKit.ts';
import { LinearMemory, WASM_PAGE_SIZE } from './linearMemory.ts';
import { Global, Table } from './tableAndGlobal.ts';

const { i32, funcref } = ValType;
const II_I: FuncType = { params: [i32, i32], results: [i32] };
const I_I: FuncType = { params: [i32], results: [i32] };
const V_I: FuncType = { params: [], results: [i32] };
const III_I: FuncType = { params: [i32, i32, i32], results: [i32] };
const V_R: FuncType = { params: [], results: [funcref] };

/**
 * A module with one imported JS function "env" "mul" (i32, i32) -> i32 and functions:
 *   1 add(a, b)            a + b
 *   2 load8(addr)          memory[addr], bounds-checked
 *   3 grow(pages)          memory.grow through the builtin
 *   4 counter()            global 0 (mutable i32)
 *   5 indirect(i, a, b)    call_indirect (type II_I) through table 0
 *   6 viaImport(a, b)      calls import 0
 *   7 ref()                ref.func 1
 *   8 bump()               global 0 += 1, returns new value
 */
function buildModule(): CompiledModule {
  const info: ModuleInfo = emptyModuleInfo();
  info.types.push(II_I, I_I, V_I, III_I, V_R);
  info.imports.push({ module: 'env', name: 'mul', desc: { kind: 'func', typeIndex: 0 }, index: 0 });
  info.functions.push(0, 0, 1, 1, 2, 3, 0, 4, 2);
  info.importedFunctionCount = 1;
  info.memories.push({ limits: { min: 1, max: 3 }, shared: false });
  info.tables.push({ element: funcref, limits: { min: 3 } });
  info.globals.push({ type: { type: i32, mutable: true }, init: { op: 'i32.const', value: 7 } });
  info.elements.push({ mode: 'active', type: funcref, table: 0, offset: { op: 'i32.const', value: 0 }, init: [{ op: 'ref.func', func: 1 }, { op: 'ref.func', func: 2 }] });
  info.data.push({ mode: 'active', memory: 0, offset: { op: 'i32.const', value: 16 }, bytes: new TextEncoder().encode('hello') });
  const names = ['add', 'load8', 'grow', 'counter', 'indirect', 'viaImport', 'ref', 'bump'];
  names.forEach((name, k) => info.exports.push({ name, kind: 'func', index: k + 1 }));
  info.exports.push({ name: 'memory', kind: 'memory', index: 0 }, { name: 'table', kind: 'table', index: 0 }, { name: 'g', kind: 'global', index: 0 });
  info.exports.push({ name: 'mul', kind: 'func', index: 0 });
  const layout = vmContextLayoutOf(info);

  const asm = new Assembler();
  const trapTail = asm.newLabel();
  const offsets: number[] = [];
  const fn = (body: () => void) => {
    offsets.push(asm.offset);
    body();
  };
  fn(() => { asm.lea(eax, mem(rdi, 0, rsi)); asm.ret(); });
  fn(() => {
    const oob = asm.newLabel();
    asm.mov(eax, edi);
    asm.cmp(rax, qword(r15, VMCTX.MEMORY_SIZE));
    asm.jcc('ae', oob);
    asm.movzx(eax, mem(r14, 0, rax, 1, 8));
    asm.ret();
    asm.bind(oob);
    asm.mov(edi, TrapCode.outOfBoundsMemoryAccess); asm.mov(esi, 0x30); asm.mov(edx, 2);
    asm.jmp(qword(r15, VMCTX.TRAP_HANDLER));
  });
  fn(() => { asm.sub(rsp, 8); asm.call(qword(r15, layout.builtin(Builtin.memoryGrow))); asm.add(rsp, 8); asm.ret(); });
  fn(() => { asm.mov(rax, qword(r15, layout.global(0))); asm.mov(eax, dword(rax, 0)); asm.ret(); });
  fn(() => {
    // call_indirect: bounds, null, type, then switch to the callee's instance and back.
    const undef = asm.newLabel(), uninit = asm.newLabel(), mismatch = asm.newLabel();
    asm.cmp(edi, dword(r15, layout.table(0) + TABLE.LENGTH));
    asm.jcc('ae', undef);
    asm.mov(rax, qword(r15, layout.table(0) + TABLE.BASE));
    asm.mov(rax, mem(rax, 0, rdi, 8, 64));
    asm.test(rax, rax);
    asm.jcc('e', uninit);
    asm.mov(ecx, dword(r15, layout.typeId(0)));
    asm.cmp(ecx, dword(rax, FUNCREF.TYPE_ID));
    asm.jcc('ne', mismatch);
    asm.push(r15);
    asm.mov(rdi, rsi);
    asm.mov(rsi, rdx);
    asm.mov(r15, qword(rax, FUNCREF.VMCTX));
    asm.mov(r14, qword(r15, VMCTX.MEMORY_BASE));
    asm.call(qword(rax, FUNCREF.CODE));
    asm.pop(r15);
    asm.mov(r14, qword(r15, VMCTX.MEMORY_BASE));
    asm.ret();
    asm.bind(undef); asm.mov(edi, TrapCode.undefinedElement); asm.jmp(trapTail);
    asm.bind(uninit); asm.mov(edi, TrapCode.uninitializedElement); asm.jmp(trapTail);
    asm.bind(mismatch); asm.mov(edi, TrapCode.indirectCallTypeMismatch); asm.jmp(trapTail);
  });
  fn(() => { asm.sub(rsp, 8); asm.call(qword(r15, layout.importedFunction(0))); asm.add(rsp, 8); asm.ret(); });
  fn(() => { asm.mov(rax, qword(r15, layout.funcRef(1))); asm.ret(); });
  fn(() => { asm.mov(rcx, qword(r15, layout.global(0))); asm.mov(eax, dword(rcx, 0)); asm.add(eax, 1); asm.mov(dword(rcx, 0), eax); asm.ret(); });
  asm.bind(trapTail);
  asm.mov(esi, 0x50);
  asm.mov(edx, 5);
  asm.jmp(qword(r15, VMCTX.TRAP_HANDLER));
  return handAssembled(info, asm.finish().code, offsets, 1);
}

const compiled = buildModule();
const imports = { env: { mul: (a: number, b: number) => Math.imul(a, b) } };
type F = (...a: unknown[]) => unknown;
const fnOf = (inst: Instance, name: string) => inst.exports[name] as F;

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

describe('Instance', () => {
  it('runs exported functions, sees data segments and globals', () => {
    const inst = new Instance(compiled, imports);
    expect(fnOf(inst, 'add')(40, 2)).toBe(42);
    expect(fnOf(inst, 'add')(0x7fffffff, 1)).toBe(-0x80000000);
    expect(String.fromCharCode(...[16, 17, 18, 19, 20].map((a) => fnOf(inst, 'load8')(a) as number))).toBe('hello');
    expect(fnOf(inst, 'counter')()).toBe(7);
    expect(fnOf(inst, 'bump')()).toBe(8);
    expect((inst.exports.g as Global).value).toBe(8);
    (inst.exports.g as Global).value = 100;
    expect(fnOf(inst, 'counter')()).toBe(100);
  });

  it('grows memory from wasm, keeps the base, and bounds checks see the new size', () => {
    const inst = new Instance(compiled, imports);
    const memory = inst.exports.memory as LinearMemory;
    const base = memory.base;
    const e = thrown(() => fnOf(inst, 'load8')(WASM_PAGE_SIZE + 5)) as RuntimeError;
    expect(e.reason).toBe('out of bounds memory access');
    expect(e.funcIndex).toBe(2);
    expect(fnOf(inst, 'grow')(1)).toBe(1);
    expect(fnOf(inst, 'grow')(5)).toBe(-1);
    expect(memory.base).toBe(base);
    new Uint8Array(memory.arrayBuffer)[WASM_PAGE_SIZE + 5] = 9;
    expect(fnOf(inst, 'load8')(WASM_PAGE_SIZE + 5)).toBe(9);
    // Growing from JS updates the VMContext too.
    expect(memory.grow(1)).toBe(2);
    expect(fnOf(inst, 'load8')(2 * WASM_PAGE_SIZE + 1)).toBe(0);
  });

  it('calls through tables with the call_indirect traps', () => {
    const inst = new Instance(compiled, imports);
    expect(fnOf(inst, 'indirect')(0, 20, 22)).toBe(42);
    expect((thrown(() => fnOf(inst, 'indirect')(1, 0, 0)) as RuntimeError).reason).toBe('indirect call type mismatch');
    expect((thrown(() => fnOf(inst, 'indirect')(2, 0, 0)) as RuntimeError).reason).toBe('uninitialized element');
    expect((thrown(() => fnOf(inst, 'indirect')(3, 0, 0)) as RuntimeError).reason).toBe('undefined element');
  });

  it('calls a JS import, and a function of another instance put in its table', () => {
    const a = new Instance(compiled, imports);
    const b = new Instance(compiled, { env: { mul: (x: number, y: number) => x - y } });
    expect(fnOf(a, 'viaImport')(6, 7)).toBe(42);
    expect(fnOf(b, 'viaImport')(6, 7)).toBe(-1);
    // Put b's re-exported import (a JS function behind b's stub) in a's table: called with b's VMContext.
    (a.exports.table as Table).set(2, b.exports.mul);
    expect(fnOf(a, 'indirect')(2, 6, 7)).toBe(-1);
    (a.exports.table as Table).set(2, b.exports.add);
    expect(fnOf(a, 'indirect')(2, 6, 7)).toBe(13);
  });

  it('imports a function of another instance through an instance-switching stub', () => {
    const a = new Instance(compiled, imports);
    const b = new Instance(compiled, { env: { mul: a.exports.add } });
    expect(fnOf(b, 'viaImport')(6, 7)).toBe(13);
    // The same function, so the same reference and the same JS function.
    expect(b.exports.mul).toBe(a.exports.add);
  });

  it('returns funcrefs as the exported JS function', () => {
    const inst = new Instance(compiled, imports);
    expect(fnOf(inst, 'ref')()).toBe(inst.exports.add);
    expect((inst.exports.table as Table).get(0)).toBe(inst.exports.add);
    expect((inst.exports.table as Table).get(2)).toBeNull();
  });

  it('rethrows an exception from a JS import unchanged', () => {
    const err = new TypeError('boom');
    const inst = new Instance(compiled, { env: { mul: () => { throw err; } } });
    expect(thrown(() => fnOf(inst, 'viaImport')(1, 2))).toBe(err);
    expect(fnOf(inst, 'add')(1, 2)).toBe(3);
  });

  it('links imports strictly', () => {
    expect(() => new Instance(compiled, {})).toThrow(LinkError);
    expect(() => new Instance(compiled, { env: {} })).toThrow(LinkError);
    const other = new Instance(compiled, imports);
    expect(() => new Instance(compiled, { env: { mul: other.exports.load8 } })).toThrow(LinkError);
  });

  it('traps at instantiation when an active segment does not fit', () => {
    const info = { ...compiled.info, data: [{ mode: 'active' as const, memory: 0, offset: { op: 'i32.const' as const, value: WASM_PAGE_SIZE - 2 }, bytes: new Uint8Array(4) }] };
    const e = thrown(() => new Instance({ ...compiled, info }, imports)) as RuntimeError;
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.reason).toBe('out of bounds memory access');
  });

  it('shares an imported memory, updating every instance on grow', () => {
    const info: ModuleInfo = { ...compiled.info, memories: [{ limits: { min: 1 }, shared: false }], importedMemoryCount: 1, imports: [...compiled.info.imports, { module: 'env', name: 'memory', desc: { kind: 'memory', type: { limits: { min: 1 }, shared: false } }, index: 0 }] };
    const memory = new LinearMemory(1, 4);
    const a = new Instance({ ...compiled, info }, { env: { ...imports.env, memory } });
    const b = new Instance({ ...compiled, info }, { env: { ...imports.env, memory } });
    expect(fnOf(a, 'grow')(1)).toBe(1);
    new Uint8Array(memory.arrayBuffer)[WASM_PAGE_SIZE + 1] = 5;
    expect(fnOf(b, 'load8')(WASM_PAGE_SIZE + 1)).toBe(5);
  });
});

describe('raw values', () => {
  it('pass NaN payloads through exactly', async () => {
    const { invokeBits, toBits, fromBits } = await import('./instance.ts');
    const inst = new Instance(compiled, imports);
    expect(invokeBits(inst.exports.add, [40n, 0xffffffff00000002n])).toEqual([42n]);
    const g = new Global(ValType.f32, true);
    g.bits = 0x7fa00001n; // a signalling NaN: a JS number would not keep it
    expect(g.bits).toBe(0x7fa00001n);
    expect(fromBits(ValType.funcref, toBits(ValType.funcref, inst.exports.add))).toBe(inst.exports.add);
    expect(toBits(ValType.externref, null)).toBe(0n);
  });

  it('grows a table from JS with an initial value', () => {
    const inst = new Instance(compiled, imports);
    const table = inst.exports.table as Table;
    expect(table.grow(2, inst.exports.add)).toBe(3);
    expect(table.length).toBe(5);
    expect(fnOf(inst, 'indirect')(4, 1, 2)).toBe(3);
  });
});

it('names exported functions by index and gives them their arity', () => {
  const inst = new Instance(compiled, imports);
  expect((inst.exports.add as F).name).toBe('1');
  expect((inst.exports.indirect as F).length).toBe(3);
});

it('converts arguments as the JS API does', () => {
  const inst = new Instance(compiled, imports);
  const add = inst.exports.add as F;
  expect(add('40', 2)).toBe(42);
  expect(add(2 ** 32 + 5, 0.9)).toBe(5);
  expect(add()).toBe(0);
  expect(add({ valueOf: () => 7 }, true)).toBe(8);
  expect(() => add(1n, 2)).toThrow(TypeError);
});

it('converts every argument before passing any (a valueOf may call wasm)', () => {
  const inst = new Instance(compiled, imports);
  const add = inst.exports.add as F;
  const sneaky = { valueOf: () => add(1000, 1000) as number };
  expect(add(1, sneaky)).toBe(2001);
  expect(add(sneaky, 1)).toBe(2001);
});
