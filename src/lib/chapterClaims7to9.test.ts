// Chapters 7, 8 and 9 name facts about the code generator and about the toy programs of
// book/examples that the listings do not show by themselves. These checks hold the sentences to
// the code: if one fails, reread the paragraph it names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions } from '../../compiler/codegen/listing.ts';
import { loadIced } from '../../compiler/x64/index.ts';
import { Reg } from '../../compiler/abi/registers.ts';
import { ALLOCATABLE_GPRS, GPR_LOCAL_HOMES, MAX_REGISTER_LOCALS } from '../../compiler/codegen/registerAllocator.ts';
import * as toy from '../../book/examples/register-allocation.ts';
import * as slots from '../../book/examples/slot-compiler.ts';
import { repoRoot } from './root.ts';
import { nativeUnavailable } from './examples.ts';

/** One export of a book example (a .wat file, or WAT text) as compiled by the slot compiler and by Lightbeam. */
async function bothCompilers(source: string, fn: string): Promise<{ slot: string[]; lb: string[] }> {
  await loadIced();
  const text = source.startsWith('(module') ? source : readFileSync(join(repoRoot(), source), 'utf8');
  const wasm = await watToWasm(text);
  const { code, exports } = slots.compileWithSlots(wasm);
  return { slot: slots.slotListing(code, exports.get(fn)!), lb: slots.lightbeamBody(wasm, fn) };
}

/** Instruction texts of the named function of a module (a .wat file under book/examples, or WAT text). */
async function instructions(wat: string, name: string): Promise<string[]> {
  await loadIced();
  const text = wat.endsWith('.wat') ? readFileSync(join(repoRoot(), wat), 'utf8') : wat;
  const f = listFunctions(compileModule(await watToWasm(text))).find((g) => g.name === name);
  if (!f) throw new Error(`no function ${name}`);
  return f.instructions.map((i) => i.text);
}
const stores = (xs: string[]) => xs.filter((t) => /^mov ((q|d)word ptr )?\[rsp/.test(t));

describe('book/07-register-allocation.mdx says', () => {
  test('ten general-purpose registers are allocatable; rsp, rbp, r10, r11, r14 and r15 never are', () => {
    expect(ALLOCATABLE_GPRS).toHaveLength(10);
    for (const r of [Reg.rsp, Reg.rbp, Reg.r10, Reg.r11, Reg.r14, Reg.r15]) expect(ALLOCATABLE_GPRS).not.toContain(r);
    expect(ALLOCATABLE_GPRS.slice(0, 3)).toEqual([Reg.rax, Reg.rcx, Reg.rdx]);
    expect(ALLOCATABLE_GPRS.slice(-3)).toEqual([Reg.rbx, Reg.r12, Reg.r13]);
    expect(GPR_LOCAL_HOMES.slice(0, 3)).toEqual([Reg.rbx, Reg.r12, Reg.r13]);
    expect(MAX_REGISTER_LOCALS).toEqual([5, 7]);
  });

  test('the toy: version 1 takes 18 instructions on (a - b) * (c + d), version 2 seven with four memory reads', () => {
    expect(toy.spillEverything(toy.small)).toHaveLength(18);
    const two = toy.freeSet(toy.small, 4);
    expect(two).toHaveLength(7);
    expect(toy.memoryAccesses(two)).toBe(4);
  });

  test('the toy: version 2 runs out of registers on the fifth push of horner(4) with four registers', () => {
    expect(() => toy.freeSet(toy.horner(4), 4)).toThrow(/out of registers: 4 values/);
  });

  test('the toy: spilling the newest is much worse than the deepest on the balanced tree, close on Horner', () => {
    const cost = (p: toy.Op[], v: toy.Victim) => toy.memoryAccesses(toy.spillDeepest(p, 4, v));
    expect(cost(toy.balanced(6), 'newest')).toBeGreaterThan(1.3 * cost(toy.balanced(6), 'deepest'));
    expect(cost(toy.horner(12), 'newest')).toBeLessThan(1.1 * cost(toy.horner(12), 'deepest'));
    expect(cost(toy.horner(12), 'newest')).toBeGreaterThanOrEqual(cost(toy.horner(12), 'deepest'));
  });

  test('products.wat: nine products in registers in policy order, then three spills of the deepest, never reloaded', async () => {
    const xs = await instructions('book/examples/products.wat', 'products');
    // x * 3, 5 and 9 are an lea ([x + x*s]), the others an imul.
    const imuls = xs.filter((t) => t.startsWith('imul') || t.startsWith('lea'));
    expect(imuls.slice(0, 9).map((t) => t.split(/[ ,]+/)[1])).toEqual(['eax', 'ecx', 'edx', 'esi', 'r8d', 'r9d', 'ebx', 'r12d', 'r13d']);
    expect(stores(xs)).toEqual(['mov [rsp+8], eax', 'mov [rsp+0x10], ecx', 'mov [rsp+0x18], edx']);
    expect(xs.filter((t) => /^mov \w+, \[rsp/.test(t))).toEqual([]);
    expect(xs.filter((t) => /^add \w+, \[rsp/.test(t))).toHaveLength(3);
  });

  test('the allocator is fewer than 150 lines', () => {
    const lines = readFileSync(join(repoRoot(), 'compiler/codegen/registerAllocator.ts'), 'utf8').split('\n').length;
    expect(lines).toBeLessThan(150);
  });

  test('around-a-call.wat: three stores before the first call, one before the second', async () => {
    const xs = await instructions('book/examples/around-a-call.wat', 'twice');
    const calls = xs.flatMap((t, i) => (t.startsWith('call') && !t.includes('[r15+0x28]') ? [i] : []));
    expect(calls).toHaveLength(2);
    expect(stores(xs.slice(0, calls[0]))).toHaveLength(3);
    expect(stores(xs.slice(calls[0]! + 1, calls[1]))).toHaveLength(1);
    expect(xs.slice(calls[1]! + 1).some((t) => /^add eax, \[rsp\+8\]$/.test(t))).toBe(true);
  });

  test('x = x + y right before local.set x becomes one add into the local (the lastOp fast path)', async () => {
    const xs = await instructions(`(module (func (export "sum") (param $n i32) (result i32) (local $t i32)
      (loop $next (local.set $t (i32.add (local.get $t) (local.get $n)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $t)))`, 'sum');
    const at = xs.indexOf('add ebx, edi');
    expect(at).toBeGreaterThan(0);
    expect(xs.slice(at + 1, at + 4)).toEqual(['lea edi, [rdi-1]', 'test edi, edi', expect.stringMatching(/^jne /)]);
  });
});

/** The index of the first run of consecutive instructions matching `seq` (strings exact, regexps tested), or -1. */
function findRun(xs: string[], seq: (string | RegExp)[]): number {
  for (let i = 0; i + seq.length <= xs.length; i++) {
    if (seq.every((s, k) => (typeof s === 'string' ? xs[i + k] === s : s.test(xs[i + k]!)))) return i;
  }
  return -1;
}

describe('book/08-control-flow.mdx says', () => {
  test('the slot compiler: pick\'s two arms leave the result in [rsp+0x18], position 0 after three locals', async () => {
    const { slot } = await bothCompilers('book/examples/pick.wat', 'pick');
    expect(slot[0]).toBe('sub rsp, 0x28');
    expect(findRun(slot, ['mov [rsp+0x18], eax', /^jmp /])).toBeGreaterThanOrEqual(0);
    expect(findRun(slot, ['mov dword ptr [rsp+0x18], 0x64'])).toBeGreaterThanOrEqual(0);
    expect(slot.slice(-3)).toEqual(['mov eax, [rsp+0x18]', 'add rsp, 0x28', 'ret']);
  });

  test('the slot compiler: the br_ifs of firstFactor and sumDown copy nothing, one test and one jne each', async () => {
    for (const [source, fn, brIfs] of [['book/examples/first-factor.wat', 'firstFactor', 2], [slots.SUM_DOWN, 'sumDown', 1]] as const) {
      const { slot } = await bothCompilers(source, fn);
      expect(slot.filter((t) => /^jne /.test(t))).toHaveLength(brIfs);
      expect(slot.filter((t) => /^je /.test(t))).toHaveLength(0);
      expect(slot.filter((t) => /^jne /.test(t)).length).toBe(slot.filter((t) => t === 'test eax, eax').length);
    }
  });

  test('the slot compiler: most instructions touch memory, three to four times as many as Lightbeam\'s', async () => {
    for (const [, source, fn] of slots.slotCases.filter(([n]) => n !== 'fib')) {
      const { slot, lb } = await bothCompilers(source, fn);
      expect(slots.memoryOperands(slot) / slot.length).toBeGreaterThan(0.5);
      expect(slot.length / lb.length).toBeGreaterThanOrEqual(2.95);
      expect(slot.length / lb.length).toBeLessThanOrEqual(4.05);
    }
  });

  test.skipIf(nativeUnavailable() !== undefined)('the slot compiler\'s code runs and agrees with Lightbeam (the example throws if not)', async () => {
    const out = await slots.controlFlow();
    const table = out.find((o) => o.kind === 'table')!;
    expect(table.kind === 'table' && table.rows.map((r) => r[5])).toEqual(['pick(1, 5, 7) = 15', 'firstFactor(91) = 7', 'sumDown(100) = 5050']);
  });

  test('the slot compiler is one class of under two hundred lines', () => {
    const lines = readFileSync(join(repoRoot(), 'book/examples/slot-compiler.ts'), 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('export class SlotCompiler'));
    const end = lines.findIndex((l, i) => i > start && l === '}');
    expect(start).toBeGreaterThan(0);
    expect(end - start + 1).toBeLessThan(200);
  });

  test.skipIf(nativeUnavailable() !== undefined)('the slot compiler copies values for branches that leave from deeper in the stack, and agrees with Lightbeam', async () => {
    const wat = `(module
      (func (export "brOut") (param i32) (result i32)
        (block (result i32) (i32.add (i32.const 1) (br 0 (i32.mul (local.get 0) (i32.const 7))))))
      (func (export "brIfOut") (param i32) (result i32)
        (block (result i32) (i32.add (i32.const 1) (br_if 0 (i32.const 7) (local.get 0)))))
      (func (export "returnOut") (param i32) (result i32)
        (i32.add (i32.const 1) (if (result i32) (local.get 0) (then (return (i32.const 40))) (else (i32.const 2)))))
      (func $twice (param i32 i32) (result i32) (i32.add (i32.add (local.get 0) (local.get 0)) (local.get 1)))
      (func (export "loopParams") (param $n i32) (result i32) (local $i i32)
        (i32.const 0)
        (loop $l (param i32) (result i32)
          (call $twice (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))`;
    await loadIced();
    const wasm = await watToWasm(wat);
    const { code, exports } = slots.compileWithSlots(wasm);
    const native = (await import('../../compiler/runtime/native.ts')).getNative();
    const { CodeMemory } = await import('../../compiler/runtime/codeMemory.ts');
    const { Instance, Module } = await import('../../compiler/api/index.ts');
    const memory = new CodeMemory(code);
    const lb = new Instance(new Module(wasm), {}).exports as Record<string, (x: number) => number>;
    const asm = slots.slotListing(code, exports.get('brOut')!);
    expect(asm.filter((t) => t.startsWith('mov eax, [rsp+')).length).toBeGreaterThan(0);
    for (const name of ['brOut', 'brIfOut', 'returnOut', 'loopParams']) {
      const f = native.koffi.decode(native.pointer(memory.address + exports.get(name)!), native.koffi.proto('int32_t', ['int32_t'])) as (x: number) => number;
      for (const x of [0, 1, 5]) expect([name, x, f(x)]).toEqual([name, x, lb[name]!(x)]);
    }
  });

  test('the slot compiler refuses operators it does not know instead of compiling nothing for them', async () => {
    const wasm = await watToWasm('(module (func (param i32) (result i32) (select (local.get 0) (i32.const 1) (local.get 0))))');
    expect(() => slots.compileWithSlots(wasm)).toThrow(/no select/);
  });

  test('the toy: in-order moves fail a swap, ordering throws on a cycle, a cycle of n costs n + 1', async () => {
    const m = await import('../../book/examples/parallel-moves.ts');
    const swap = m.cases.find(([n]) => n === 'a swap')![1];
    const rotation = m.cases.find(([n]) => n === 'a rotation of three')![1];
    expect(m.checkMoves(swap, m.naiveMoves(swap))).toBeDefined();
    expect(() => m.orderedMoves(swap)).toThrow(/a cycle/);
    expect(m.parallelMove(swap)).toHaveLength(3);
    expect(m.parallelMove(rotation)).toHaveLength(4);
    const loop = m.merges.find(([n]) => n.startsWith('a loop'))![1];
    expect(m.mergeFirstEdge(loop).moves.map((x) => x.length)).toEqual([0, 3]);
  });

  test('a local never written is brought home at a br_if with a mov of 0, between the test and the jump', async () => {
    const xs = await instructions(`(module (func (export "f") (param $c i32) (result i32) (local $t i32)
      (block $out (br_if $out (local.get $c)) (local.set $c (i32.const 7)))
      (i32.add (local.get $t) (local.get $c))))`, 'f');
    expect(findRun(xs, ['test edi, edi', /^mov e\w+, 0$/, /^jne /])).toBeGreaterThanOrEqual(0);
  });

  test('argument-swap.wat: the swap into a call is broken with r11', async () => {
    const xs = await instructions('book/examples/argument-swap.wat', 'backwards');
    expect(findRun(xs, ['mov r11, rdi', 'mov edi, esi', 'mov esi, r11d', /^call /])).toBeGreaterThanOrEqual(0);
  });

  test('pick.wat: both arms compute into eax, so the else-arm edge moves nothing', async () => {
    const xs = await instructions('book/examples/pick.wat', 'pick');
    expect(findRun(xs, ['mov ebx, edx', 'test edi, edi', /^je /, 'lea eax, [rsi+rsi*2]', /^jmp /, 'mov eax, 0x64', 'sub eax, ebx', 'ret'])).toBeGreaterThanOrEqual(0);
  });

  test('merge-after-call.wat: the then-arm reloads $t into rbx and falls through to the end, where the if\'s false edge lands (its jmp to the next instruction dropped)', async () => {
    await loadIced();
    const text = readFileSync(join(repoRoot(), 'book/examples/merge-after-call.wat'), 'utf8');
    const f = listFunctions(compileModule(await watToWasm(text))).find((g) => g.name === 'maybeTwice')!;
    const i = f.instructions.findIndex((x) => x.text === 'mov ebx, [rsp+8]');
    expect(i).toBeGreaterThan(0);
    expect(f.instructions[i + 1]!.text).not.toMatch(/^jmp /);
    const merge = `0x${f.instructions[i + 1]!.offset.toString(16)}`;
    expect(f.instructions.slice(0, i).some((x) => x.text === `jge ${merge}`)).toBe(true);
    expect(f.instructions.slice(0, i).some((x) => /^call /.test(x.text))).toBe(true);
  });

  test('first-factor.wat: the first br_if is direct after a mov before the test; the second jumps around a move; swapped, the costs swap', async () => {
    const xs = await instructions('book/examples/first-factor.wat', 'firstFactor');
    expect(findRun(xs, [/^cmp eax, edi$/, 'mov eax, edi', /^ja /])).toBeGreaterThanOrEqual(0);
    expect(findRun(xs, [/^jne /, 'mov eax, ebx', /^jmp /])).toBeGreaterThanOrEqual(0);
    const swapped = readFileSync(join(repoRoot(), 'book/examples/first-factor.wat'), 'utf8').split('\n');
    const a = swapped.findIndex((l) => l.includes('(local.get $n) (i32.gt_u'));
    [swapped[a], swapped[a + 1]] = [swapped[a + 1]!, swapped[a]!];
    const ys = await instructions(swapped.join('\n'), 'firstFactor');
    expect(findRun(ys, ['mov eax, ebx', /^je /])).toBeGreaterThanOrEqual(0);
    expect(findRun(ys, [/^jbe /, 'mov eax, edi', /^jmp /])).toBeGreaterThanOrEqual(0);
  });

  test('days.wat: an unsigned bound check, then a jump table of 32-bit offsets read through r11 and r10; the table lands at 0x1c', async () => {
    await loadIced();
    const text = readFileSync(join(repoRoot(), 'book/examples/days.wat'), 'utf8');
    const f = listFunctions(compileModule(await watToWasm(text))).find((g) => g.name === 'days')!;
    const xs = f.instructions.map((x) => x.text);
    const at = findRun(xs, ['lea ecx, [rdi-1]', 'mov eax, ecx', 'cmp eax, 0xc', /^jae /, /^lea r11, /, 'movsxd r10, [r11+rax*4]', 'add r10, r11', 'jmp r10', 'int3', /^db /]);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(f.instructions[at + 9]!.offset).toBe(0x1c);
  });
});

describe('book/09-calls.mdx says', () => {
  test('the slot compiler\'s fib: each call loads edi from a slot and stores eax back, one slot higher the second time; n stays in [rsp]', async () => {
    const { slot, lb } = await bothCompilers('book/examples/fib.wat', 'fib');
    expect(slot[0]).toBe('sub rsp, 0x28');
    expect(findRun(slot, ['mov edi, [rsp+8]', /^call /, 'mov [rsp+8], eax'])).toBeGreaterThanOrEqual(0);
    expect(findRun(slot, ['mov edi, [rsp+0x10]', /^call /, 'mov [rsp+0x10], eax'])).toBeGreaterThanOrEqual(0);
    const firstCall = slot.findIndex((t) => t.startsWith('call'));
    expect(slot.slice(firstCall).includes('mov eax, [rsp]')).toBe(true); // n read after a call...
    expect(slot.filter((t) => t.startsWith('mov [rsp],'))).toEqual(['mov [rsp], edi']); // ...written only by the prologue
    expect(slots.memoryOperands(slot) / slot.length).toBeGreaterThan(0.5);
    expect(slot.length).toBeGreaterThan(2 * lb.length);
    // Lightbeam's fib stores n once, to [rsp], before its first call, and reads it back from there.
    expect(lb.filter((t) => /^mov (dword ptr )?\[rsp\], /.test(t))).toEqual(['mov [rsp], edi']);
    expect(lb.indexOf('mov [rsp], edi')).toBeLessThan(lb.findIndex((t) => t.startsWith('call')));
    expect(lb.some((t) => /, \[rsp\]$/.test(t))).toBe(true);
  });

  test.skipIf(nativeUnavailable() !== undefined)('the slot compiler\'s fib runs and agrees with Lightbeam', async () => {
    const out = await slots.calls();
    const table = out.find((o) => o.kind === 'table')!;
    expect(table.kind === 'table' && table.rows[0]![5]).toBe('fib(20) = 6765');
  });

  test('first-call.wat: the body is a save of $x, the call, and nothing to move before or after', async () => {
    const xs = await instructions('book/examples/first-call.wat', 'f');
    expect(findRun(xs, ['sub rsp, 8', 'mov [rsp], edi', /^call /, 'add rsp, 8', 'ret'])).toBeGreaterThanOrEqual(0);
  });

  test('the convention: System V registers, classes counted separately, the return-area address after the parameters', async () => {
    const { signatureLayout } = await import('../../compiler/abi/index.ts');
    const { ValType } = await import('../../compiler/binary/types.ts');
    const mixed = signatureLayout({ params: [ValType.i32, ValType.f64, ValType.i64, ValType.f32], results: [ValType.f64] });
    expect(mixed.params.map((p) => (p.kind === 'stack' ? -1 : p.reg))).toEqual([Reg.rdi, Reg.xmm0, Reg.rsi, Reg.xmm1]);
    const seven = signatureLayout({ params: Array(7).fill(ValType.i64), results: [ValType.f64, ValType.i32, ValType.i64] });
    expect(seven.returnAreaPointer).toEqual({ kind: 'stack', offset: 8 });
    expect(seven.stackBytes).toBe(16);
  });

  test('eight-arguments.wat: two stack arguments below rsp; the callee reads them through rbp', async () => {
    const eight = await instructions('book/examples/eight-arguments.wat', 'eight');
    expect(findRun(eight, ['sub rsp, 0x10', 'mov [rsp+8], edi', 'mov dword ptr [rsp], 7'])).toBeGreaterThanOrEqual(0);
    const callee = await instructions('book/examples/eight-arguments.wat', 'func[0]');
    expect(findRun(callee, ['push rbp', 'mov rbp, rsp'])).toBeGreaterThanOrEqual(0);
    expect(callee.some((t) => t.includes('[rbp+0x10]')) && callee.some((t) => t.includes('[rbp+0x18]'))).toBe(true);
  });

  test('divmod.wat: the return area is the caller\'s slot 0x18, passed in rdx and read back after the call', async () => {
    const xs = await instructions('book/examples/divmod.wat', 'digitSum');
    expect(findRun(xs, ['lea rdx, [rsp+0x18]', 'mov esi, 0xa', /^call /, 'mov ecx, [rsp+0x18]'])).toBeGreaterThanOrEqual(0);
    const callee = await instructions('book/examples/divmod.wat', 'func[0]');
    expect(callee).toContain('mov rbx, rdx');
    expect(findRun(callee, ['mov r11, rbx', 'mov [r11], rdx', 'mov eax, ecx', 'ret'])).toBeGreaterThanOrEqual(0);
  });

  test('call-out.wat: an import is called through [r15+0x98]', async () => {
    const xs = await instructions('book/examples/call-out.wat', 'callsOut');
    expect(xs).toContain('call qword ptr [r15+0x98]');
  });

  test('call-through-table.wat: bounds, null and type-id checks, a call straight through the record of our instance, r15 saved, switched and restored out of line for another', async () => {
    const xs = await instructions('book/examples/call-through-table.wat', 'apply');
    expect(findRun(xs, [/^cmp eax, \[r15\+0x[0-9a-f]+\]$/, /^jb /, /^call qword ptr \[r15\+0x28\]$/, /^mov r11, \[r15\+0x[0-9a-f]+\]$/, 'mov r11, [r11+rax*8]', 'test r11, r11', /^jne /, /^call qword ptr \[r15\+0x28\]$/, 'mov eax, [r15+0xb0]', 'cmp eax, [r11+0x10]', /^je /, /^call qword ptr \[r15\+0x28\]$/,
      'cmp r15, [r11+8]', /^jne /, 'call qword ptr [r11]'])).toBeGreaterThan(0);
    expect(findRun(xs, ['mov [rsp+0x10], r15', 'mov r15, [r11+8]', 'mov r14, [r15]', 'call qword ptr [r11]', 'mov r15, [rsp+0x10]', 'mov r14, [r15]', /^jmp /])).toBeGreaterThan(0);
  });
});
