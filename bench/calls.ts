// The cost of crossing the JS/wasm boundary: an empty call from JS into wasm, and from wasm
// out to JS, through Lightbeam's runtime (koffi FFI + trampoline + adapter / call-out stub),
// beside the same calls into a V8 WebAssembly instance of the same functions.
//
//   npx tsx bench/calls.ts            (x86-64 Linux)

import { emptyModuleInfo, ValType, type FuncType } from '../compiler/binary/types.ts';
import { vmContextLayoutOf, type CompiledModule } from '../compiler/abi/index.ts';
import { Assembler, eax, mem, qword, rbx, rdi, rsi, rsp, r12, r15 } from '../compiler/x64/index.ts';
import { getRuntime } from '../compiler/runtime/runtime.ts';
import { load } from '../compiler/runtime/stubs.ts';
import { Instance } from '../compiler/runtime/instance.ts';
import { handAssembled } from '../compiler/runtime/testKit.ts';
import { watToWasm } from '../compiler/text/watToWasm.ts';

const { i32 } = ValType;
const V_V: FuncType = { params: [], results: [] };
const II_I: FuncType = { params: [i32, i32], results: [i32] };
const I_V: FuncType = { params: [i32], results: [] };

/** nop(), add(a, b), callOut(n): calls the imported `env.f` n times. */
function lightbeamModule(): CompiledModule {
  const info = emptyModuleInfo();
  info.types.push(V_V, II_I, I_V);
  info.imports.push({ module: 'env', name: 'f', desc: { kind: 'func', typeIndex: 0 }, index: 0 });
  info.functions.push(0, 0, 1, 2);
  info.importedFunctionCount = 1;
  ['nop', 'add', 'callOut'].forEach((name, k) => info.exports.push({ name, kind: 'func', index: k + 1 }));
  const layout = vmContextLayoutOf(info);
  const asm = new Assembler();
  const offsets: number[] = [];
  offsets.push(asm.offset);
  asm.ret();
  offsets.push(asm.offset);
  asm.lea(eax, mem(rdi, 0, rsi));
  asm.ret();
  offsets.push(asm.offset);
  const loop = asm.newLabel(), done = asm.newLabel();
  asm.sub(rsp, 24);
  asm.mov(qword(rsp, 8), rdi);
  asm.bind(loop);
  asm.sub(qword(rsp, 8), 1);
  asm.jcc('l', done);
  asm.call(qword(r15, layout.importedFunction(0)));
  asm.jmp(loop);
  asm.bind(done);
  asm.add(rsp, 24);
  asm.ret();
  return handAssembled(info, asm.finish().code, offsets, 1);
}

const WAT = `(module
  (import "env" "f" (func $f))
  (func (export "nop"))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "callOut") (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (call $f)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))))`;

type Exports = { nop: () => void; add: (a: number, b: number) => number; callOut: (n: number) => void };

function nsPer(n: number, run: () => void): number {
  run(); // warm up
  const best: number[] = [];
  for (let round = 0; round < 10; round++) {
    const t = process.hrtime.bigint();
    run();
    best.push(Number(process.hrtime.bigint() - t) / n);
  }
  return Math.min(...best);
}

function measure(e: Exports): { nop: number; add: number; out: number } {
  const N = 1_000_000;
  const nop = nsPer(N, () => {
    for (let i = 0; i < N; i++) e.nop();
  });
  let sink = 0;
  const add = nsPer(N, () => {
    for (let i = 0; i < N; i++) sink += e.add(i, 1);
  });
  const out = nsPer(N, () => e.callOut(N));
  if (sink === 0.5) console.log(sink);
  return { nop, add, out };
}

const noop = () => {};
const lb = new Instance(lightbeamModule(), { env: { f: noop } }).exports as unknown as Exports;
const bytes = await watToWasm(WAT, { name: 'calls.wat' });
const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { f: noop } }).exports as unknown as Exports;

/** The floor koffi sets: an FFI call of an empty native function, and a native loop calling an empty registered callback. */
function koffiFloor(): { call: number; callback: number } {
  const { koffi, pointer } = getRuntime().native;
  const code = load((asm) => {
    const ret = asm.here();
    asm.ret();
    const loop = asm.here();
    const top = asm.newLabel(), done = asm.newLabel();
    asm.push(rbx);
    asm.push(r12);
    asm.sub(rsp, 8);
    asm.mov(rbx, rdi);
    asm.mov(r12, rsi);
    asm.bind(top);
    asm.sub(rbx, 1);
    asm.jcc('l', done);
    asm.call(r12);
    asm.jmp(top);
    asm.bind(done);
    asm.add(rsp, 8);
    asm.pop(r12);
    asm.pop(rbx);
    asm.ret();
    return [ret, loop];
  });
  const [retAt, loopAt] = code.addresses as [number, number];
  const empty = koffi.decode(pointer(retAt), koffi.proto('void', [])) as () => void;
  const callback = koffi.register(() => 0, koffi.pointer(koffi.proto('int32_t', ['int32_t'])));
  const loop = koffi.decode(pointer(loopAt), koffi.proto('void', ['int64_t', 'uintptr_t'])) as (n: number, f: number) => void;
  const N = 1_000_000;
  const call = nsPer(N, () => {
    for (let i = 0; i < N; i++) empty();
  });
  const cb = nsPer(N, () => loop(N, Number(koffi.address(callback))));
  return { call, callback: cb };
}

const floor = koffiFloor();
const a = measure(lb);
const b = measure(v8);
const row = (what: string, x: number, y: number) =>
  console.log(`${what.padEnd(28)} ${x.toFixed(1).padStart(9)} ns ${y.toFixed(1).padStart(9)} ns ${(x / y).toFixed(1).padStart(7)}x`);
console.log(`${'call (best of 10 x 1e6)'.padEnd(28)} ${'lightbeam'.padStart(12)} ${'V8'.padStart(12)} ${'ratio'.padStart(8)}`);
row('JS -> wasm  nop()', a.nop, b.nop);
row('JS -> wasm  add(i32, i32)', a.add, b.add);
row('wasm -> JS  f()', a.out, b.out);
console.log(`koffi floor: empty FFI call ${floor.call.toFixed(1)} ns, empty callback from native ${floor.callback.toFixed(1)} ns`);
