import { describe, expect, it } from 'vitest';
import type { FuncType, ValType } from '../binary/types.ts';
import { TrapCode } from '../abi/index.ts';
import { Assembler, edi, edx, esi, qword, r15 } from '../x64/index.ts';
import { VMCTX } from '../abi/index.ts';
import { callWasm, hostFunctionHandler } from './calls.ts';
import { getRuntime } from './runtime.ts';
import { load } from './stubs.ts';
import {
  ARGS_AT, BareInstance, emitForwarder, emitRecorder, MARK_AT, randomValue, RESULTS_AT, TYPES,
} from './testKit.ts';
import { readValue, writeValue } from './values.ts';
import { rng } from '../testing/rng.ts';

const runtime = getRuntime();

function stackTrapStub(asm: Assembler): ReturnType<Assembler['newLabel']> {
  const l = asm.newLabel();
  return l;
}
function bindStackTrap(asm: Assembler, l: ReturnType<Assembler['newLabel']>): void {
  asm.bind(l);
  asm.mov(edi, TrapCode.callStackExhausted);
  asm.mov(esi, 0);
  asm.mov(edx, 0);
  asm.jmp(qword(r15, VMCTX.TRAP_HANDLER));
}

/** Signatures with 0..16 params of mixed types and 0..4 results. */
function signatures(): FuncType[] {
  const next = rng(12345);
  const pick = () => TYPES[Math.floor(next() * TYPES.length)]!;
  const out: FuncType[] = [];
  for (let n = 0; n <= 16; n++) {
    const params: ValType[] = Array.from({ length: n }, pick);
    const results: ValType[] = Array.from({ length: n % 5 }, pick);
    out.push({ params, results });
  }
  // Register-heavy corners: all floats (spill past xmm7), all integers (spill past r9).
  out.push({ params: Array(12).fill(TYPES[3]), results: [TYPES[3], TYPES[2], TYPES[3]] });
  out.push({ params: Array(12).fill(TYPES[1]), results: [TYPES[1], TYPES[0], TYPES[4], TYPES[1]] });
  return out;
}

const norm = (v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v);

describe('calls from JS into wasm', () => {
  it.each(signatures().map((t, i) => [i, t] as const))('signature %i: arguments arrive and results come back', (i, type) => {
    const inst = new BareInstance(runtime);
    let stack!: ReturnType<Assembler['newLabel']>;
    const { addresses } = load((asm) => {
      stack = stackTrapStub(asm);
      const f = emitRecorder(asm, type, stack);
      bindStackTrap(asm, stack);
      return [f];
    });
    const next = rng(i + 1);
    const args = type.params.map((t) => randomValue(t, next));
    const results = type.results.map((t) => randomValue(t, next));
    const resultSlots = inst.slots(RESULTS_AT);
    results.forEach((v, k) => writeValue(resultSlots, k, type.results[k]!, v));

    const got = callWasm(runtime, inst.vmctx, type, addresses[0]!, args);

    const argSlots = inst.slots(ARGS_AT);
    expect(type.params.map((t, k) => norm(readValue(argSlots, k, t)))).toEqual(args.map(norm));
    const expected = results.length === 0 ? undefined : results.length === 1 ? results[0] : results;
    expect(got).toEqual(expected);
  });
});

describe('calls from wasm out to JS and into another instance', () => {
  it.each(signatures().map((t, i) => [i, t] as const))('signature %i through a JS import', (i, type) => {
    const inst = new BareInstance(runtime, 1);
    const next = rng(100 + i);
    const args = type.params.map((t) => randomValue(t, next));
    const results = type.results.map((t) => randomValue(t, next));
    let seen: unknown[] | undefined;
    const id = runtime.registerCallout(hostFunctionHandler(runtime, type, (...a) => {
      seen = a;
      return results.length === 1 ? results[0] : results;
    }));
    const stub = runtime.calloutStub(type, id);
    inst.setImport(0, stub.address);
    const { addresses } = load((asm) => {
      const stack = asm.newLabel();
      const f = emitForwarder(asm, type, inst.layout.importedFunction(0), stack);
      bindStackTrap(asm, stack);
      return [f];
    });
    const got = callWasm(runtime, inst.vmctx, type, addresses[0]!, args);
    runtime.unregisterCallout(id);
    expect(seen?.map(norm)).toEqual(args.map(norm));
    expect(got).toEqual(results.length === 0 ? undefined : results.length === 1 ? results[0] : results);
    expect(new Uint32Array(inst.memory.arrayBuffer)[MARK_AT / 4]).toBe(0x5a5a);
  });

  it.each(signatures().map((t, i) => [i, t] as const))('signature %i into another instance', (i, type) => {
    const caller = new BareInstance(runtime, 1);
    const callee = new BareInstance(runtime);
    const code = load((asm) => {
      const stack = asm.newLabel();
      const recorder = emitRecorder(asm, type, stack);
      const forwarder = emitForwarder(asm, type, caller.layout.importedFunction(0), stack);
      bindStackTrap(asm, stack);
      return [recorder, forwarder];
    });
    const [recorder, forwarder] = code.addresses as [number, number];
    const stub = runtime.switchStub(type, callee.vmctx, recorder);
    caller.setImport(0, stub.address);
    const next = rng(200 + i);
    const args = type.params.map((t) => randomValue(t, next));
    const results = type.results.map((t) => randomValue(t, next));
    results.forEach((v, k) => writeValue(callee.slots(RESULTS_AT), k, type.results[k]!, v));

    const got = callWasm(runtime, caller.vmctx, type, forwarder, args);

    expect(type.params.map((t, k) => norm(readValue(callee.slots(ARGS_AT), k, t)))).toEqual(args.map(norm));
    expect(got).toEqual(results.length === 0 ? undefined : results.length === 1 ? results[0] : results);
    // The mark went through the caller's r14: the stub restored it.
    expect(new Uint32Array(caller.memory.arrayBuffer)[MARK_AT / 4]).toBe(0x5a5a);
    expect(new Uint32Array(callee.memory.arrayBuffer)[MARK_AT / 4]).toBe(0);
  });
});
