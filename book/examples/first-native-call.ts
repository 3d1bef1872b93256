// Chapter 5's starting points: the smallest thing that runs (six bytes, `mov eax, 42; ret`, in
// memory we map and make executable ourselves), then a Lightbeam-compiled function called
// through the smallest trampoline that works. Teaching code: the runtime's real versions are
// compiler/runtime/codeMemory.ts and compiler/runtime/stubs.ts. On a machine that cannot run
// x86-64 code natively, each example says so instead of running.
import { Assembler, disassemble, formatListing, loadIced, qword, rax, rbx, rbp, rcx, rdx, rdi, rsi, rsp, r12, r13, r14, r15 } from '../../compiler/x64/index.ts';
import { VMCTX } from '../../compiler/abi/index.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions, formatFunction } from '../../compiler/codegen/listing.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

// #region answer-bytes
/** `mov eax, 42` (B8 and a 4-byte immediate) and `ret` (C3): a C function `int32_t f(void)`. */
export const ANSWER = Uint8Array.of(0xb8, 42, 0, 0, 0, 0xc3);
// #endregion answer-bytes

export async function answer(): Promise<Output[]> {
  await loadIced();
  const listing: Output = { kind: 'asm', title: `${ANSWER.length} bytes, as iced-x86 reads them`, listing: formatListing(disassemble(ANSWER)) };
  const why = nativeUnavailable();
  if (why) return [listing, { kind: 'unavailable', reason: why }];
  const { getNative, PROT_READ, PROT_WRITE, PROT_EXEC } = await import('../../compiler/runtime/native.ts');
  // #region answer-42
  const native = getNative();
  const size = native.pageSize; // the operating system hands out memory in whole pages
  const address = native.mmap(size, PROT_READ | PROT_WRITE); // fresh pages: writable, not executable
  native.copyIn(address, ANSWER); // write the six bytes
  native.mprotect(address, size, PROT_READ | PROT_EXEC); // now executable, and no longer writable
  // Tell koffi the C signature of the code at `address`: int32_t f(void).
  const f = native.koffi.decode(native.pointer(address), native.koffi.proto('int32_t', [])) as () => number;
  const result = f();
  // #endregion answer-42
  native.munmap(address, size);
  return [listing, { kind: 'text', title: 'Called through koffi on the build machine', text: `code at 0x${address.toString(16)}, one page of ${size} bytes\nf() = ${result}` }];
}

/** A function that adds its two parameters, and fib: what Lightbeam compiles them to. */
const WAT = `(module
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))`;

export async function compiledAdd(): Promise<Output[]> {
  await loadIced();
  const [add, fib] = listFunctions(compileModule(await watToWasm(WAT, { name: 'add.wat' }), { notes: true }));
  return [
    { kind: 'asm', title: 'add(a, b), compiled by Lightbeam', listing: formatFunction(add!) },
    { kind: 'asm', title: 'fib(n), which calls itself, compiled by Lightbeam', listing: formatFunction(fib!) },
  ];
}

// #region tiny-trampoline
/**
 * `int32_t call2(vmctx, function, a, b)`, a C function (System V: rdi, rsi, rdx, rcx) that calls
 * a compiled two-parameter wasm function with r15 and r14 set up as wasm code expects.
 */
export function tinyTrampoline(): Uint8Array {
  const a = new Assembler();
  const saved = [rbx, rbp, r12, r13, r14, r15]; // C's callee-saved registers: wasm code may use them all
  for (const r of saved) a.push(r);
  a.sub(rsp, 8); // six pushes and the return address: 8 bytes short of a multiple of 16
  a.mov(r15, rdi); // the VMContext...
  a.mov(r14, qword(r15, VMCTX.MEMORY_BASE)); // ...and the memory base read from it
  a.mov(rax, rsi); // the function to call
  a.mov(rdi, rdx); // its parameters: where the internal convention wants them
  a.mov(rsi, rcx);
  a.call(rax);
  a.add(rsp, 8);
  for (const r of [...saved].reverse()) a.pop(r);
  a.ret(); // the result is in eax, where C wants it
  return a.finish().code;
}
// #endregion tiny-trampoline

export async function trampolineListing(): Promise<Output[]> {
  await loadIced();
  const code = tinyTrampoline();
  return [{ kind: 'asm', title: `the tiny trampoline: ${code.length} bytes`, listing: formatListing(disassemble(code)) }];
}

/** Runs add and fib through the tiny trampoline, with a VMContext of our own. */
export async function viaTinyTrampoline(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const { getNative, PROT_READ, PROT_WRITE } = await import('../../compiler/runtime/native.ts');
  const { CodeMemory } = await import('../../compiler/runtime/codeMemory.ts');
  const native = getNative();
  const compiled = compileModule(await watToWasm(WAT, { name: 'add.wat' }));
  if (compiled.relocations.length) throw new Error('this example expects position-independent code');
  // #region tiny-trampoline-call
  const code = new CodeMemory(compiled.code);
  const trampoline = new CodeMemory(tinyTrampoline());
  // A VMContext with only its header, all zero: no memory (MEMORY_BASE 0), no stack limit
  // (STACK_LIMIT 0: rsp is never below it) and no trap handler (TRAP_HANDLER and TRAP_SITE_HANDLER 0).
  const vmctx = native.mmap(VMCTX.HEADER_SIZE, PROT_READ | PROT_WRITE);
  const call2 = native.koffi.decode(native.pointer(trampoline.address), native.koffi.proto('int32_t', ['uintptr_t', 'uintptr_t', 'int32_t', 'int32_t'])) as (
    vmctx: number, f: number, a: number, b: number) => number;
  const [add, fib] = compiled.functions.map((f) => code.address + f.offset);
  const rows = [
    ['add(2, 3)', call2(vmctx, add!, 2, 3)],
    ['add(-1, 1)', call2(vmctx, add!, -1, 1)],
    ['fib(20)', call2(vmctx, fib!, 20, 0)], // fib ignores the second argument
  ];
  // #endregion tiny-trampoline-call
  native.munmap(vmctx, VMCTX.HEADER_SIZE);
  trampoline.dispose();
  code.dispose();
  return [{ kind: 'table', title: 'Compiled wasm, called through the tiny trampoline', columns: ['call', 'result'], rows, nowrap: [0] }];
}

/**
 * What the zeros give up, for the claims test to run in a child process (never at build time):
 * unbounded recursion, or a division by zero, through the tiny trampoline. Both end the process.
 */
export async function crashThroughTinyTrampoline(what: 'recursion' | 'divide-by-zero'): Promise<number> {
  const { getNative, PROT_READ, PROT_WRITE } = await import('../../compiler/runtime/native.ts');
  const { CodeMemory } = await import('../../compiler/runtime/codeMemory.ts');
  const native = getNative();
  const compiled = compileModule(await watToWasm(`(module
    (func $forever (param i32 i32) (result i32) (i32.add (call $forever (local.get 0) (local.get 1)) (i32.const 1)))
    (func (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))`));
  const code = new CodeMemory(compiled.code);
  const trampoline = new CodeMemory(tinyTrampoline());
  const vmctx = native.mmap(VMCTX.HEADER_SIZE, PROT_READ | PROT_WRITE);
  const call2 = native.koffi.decode(native.pointer(trampoline.address), native.koffi.proto('int32_t', ['uintptr_t', 'uintptr_t', 'int32_t', 'int32_t'])) as (
    vmctx: number, f: number, a: number, b: number) => number;
  return call2(vmctx, code.address + compiled.functions[what === 'recursion' ? 0 : 1]!.offset, 7, 0);
}
