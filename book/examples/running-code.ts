// Chapter 5's examples: run machine code we assembled ourselves, then watch traps come back
// from compiled WebAssembly as JavaScript exceptions. On a machine that cannot run x86-64 code
// natively, each example says so instead of running.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Assembler, eax, ecx, rax, rcx, rsi, rdi, mem } from '../../compiler/x64/index.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { repoRoot } from '../../src/lib/root.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import { describeMachine, type Output } from '../../src/lib/exampleOutput.ts';

/** Chapter 4's sum loop, assembled again. */
function assembleSum(): Uint8Array {
  const a = new Assembler();
  const loop = a.newLabel('loop');
  const done = a.newLabel('done');
  a.xor(eax, eax);
  a.xor(ecx, ecx);
  a.test(rsi, rsi);
  a.jcc('e', done);
  a.bind(loop);
  a.add(rax, mem(rdi, 0, rcx, 8));
  a.add(rcx, 1);
  a.cmp(rcx, rsi);
  a.jcc('ne', loop);
  a.bind(done);
  a.ret();
  return a.finish().code;
}

export async function runSum(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const { getNative, PROT_READ, PROT_WRITE } = await import('../../compiler/runtime/native.ts');
  const { CodeMemory } = await import('../../compiler/runtime/codeMemory.ts');
  // #region run-raw-code
  const native = getNative();
  const code = new CodeMemory(assembleSum()); // mapped RW, filled, then sealed R+X
  // Tell koffi the function's C signature (System V: rdi, rsi in; rax out) and get a JS function.
  const sum = native.koffi.decode(native.pointer(code.address), native.koffi.proto('int64_t', ['uintptr_t', 'int64_t'])) as (p: number, n: number) => number;

  // Some memory for the array: fresh pages, seen from JS through a BigInt64Array.
  const n = 1000;
  const array = native.mmap(n * 8, PROT_READ | PROT_WRITE);
  const values = new BigInt64Array(native.view(array, n * 8));
  for (let i = 0; i < n; i++) values[i] = BigInt(i + 1);

  const result = sum(array, n); // 1 + 2 + ... + 1000
  // #endregion run-raw-code
  const t0 = performance.now();
  const reps = 10_000;
  for (let i = 0; i < reps; i++) sum(array, n);
  const perCall = ((performance.now() - t0) / reps) * 1000;
  native.munmap(array, n * 8);
  return [
    { kind: 'text', title: 'sum(array, 1000) on the build machine', text: `code at 0x${code.address.toString(16)}, ${code.mappedSize} bytes mapped read+execute\nresult: ${result} (expected ${(n * (n + 1)) / 2})` },
    { kind: 'measured', columns: ['what', 'time'], rows: [[`one call through koffi, summing ${n} numbers`, `${perCall.toFixed(2)} µs`]], machine: await describeMachine() },
  ];
}

export async function traps(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const wasm = await watToWasm(readFileSync(join(repoRoot(), 'book/examples/traps.wat'), 'utf8'), { name: 'traps.wat' });
  const { Instance } = await import('../../compiler/runtime/instance.ts');
  // #region catch-traps
  const instance = new Instance(compileModule(wasm));
  const { divide, crash, forever } = instance.exports as Record<string, (...args: number[]) => number>;
  const attempts: [string, () => unknown][] = [
    ['divide(7, 2)', () => divide!(7, 2)],
    ['divide(7, 0)', () => divide!(7, 0)],
    ['divide(-2147483648, -1)', () => divide!(-2147483648, -1)],
    ['crash()', () => crash!()],
    ['forever(0)', () => forever!(0)],
    ['divide(9, 3), afterwards', () => divide!(9, 3)],
  ];
  const rows = attempts.map(([call, run]) => {
    try {
      return [call, String(run())];
    } catch (e) {
      return [call, `${(e as Error).name}: ${(e as Error).message}`];
    }
  });
  // #endregion catch-traps
  return [{ kind: 'table', title: 'Calls into traps.wat, compiled by Lightbeam', columns: ['call', 'returned or threw'], rows, nowrap: [0] }];
}
