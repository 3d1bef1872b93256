import { describe, expect, it } from 'vitest';
import { ValType, type FuncType } from '../binary/types.ts';
import { TRAP_MESSAGES, TrapCode, VMCTX } from '../abi/index.ts';
import { RuntimeError } from '../errors.ts';
import { type Assembler, type Label, eax, edi, edx, esi, mem, qword, r14, r15, rax, rsp } from '../x64/index.ts';
import { callWasm, hostFunctionHandler } from './calls.ts';
import { getRuntime } from './runtime.ts';
import { load } from './stubs.ts';
import { BareInstance, prologue } from './testKit.ts';

const runtime = getRuntime();
const { i32 } = ValType;
const II_I: FuncType = { params: [i32, i32], results: [i32] };
const I_I: FuncType = { params: [i32], results: [i32] };
const V_V: FuncType = { params: [], results: [] };

function trapStub(asm: Assembler, code: number, offset: number, func: number): Label {
  const l = asm.newLabel();
  asm.bind(l);
  asm.mov(edi, code);
  asm.mov(esi, offset);
  asm.mov(edx, func);
  asm.jmp(qword(r15, VMCTX.TRAP_HANDLER));
  return l;
}

/**
 * nest(n, code): calls itself n times, then traps with `code` (wasm offset 0x1234, function 7).
 * Each frame keeps 8 bytes, so the stack is really several frames deep when the trap fires.
 */
function emitNest(asm: Assembler): Label {
  const start = asm.here();
  const stack = asm.newLabel();
  const fire = asm.newLabel();
  prologue(asm, stack);
  asm.sub(rsp, 8);
  asm.test(edi, edi);
  asm.jcc('e', fire);
  asm.sub(edi, 1);
  asm.call(start);
  asm.add(rsp, 8);
  asm.ret();
  asm.bind(fire);
  asm.mov(edi, esi);
  asm.mov(esi, 0x1234);
  asm.mov(edx, 7);
  asm.jmp(qword(r15, VMCTX.TRAP_HANDLER));
  asm.bind(stack);
  asm.mov(edi, TrapCode.callStackExhausted);
  asm.mov(esi, 0x99);
  asm.mov(edx, 7);
  asm.jmp(qword(r15, VMCTX.TRAP_HANDLER));
  return start;
}

/** recurse(): counts its depth in memory[0] and calls itself forever, `frame` bytes per frame. */
function emitRecurse(asm: Assembler, frame: number): Label {
  const start = asm.here();
  const stack = asm.newLabel();
  asm.lea(rax, mem(rsp, -frame));
  asm.cmp(rax, qword(r15, VMCTX.STACK_LIMIT));
  asm.jcc('b', stack);
  asm.sub(rsp, frame);
  asm.add(qword(r14, 0), 1);
  asm.call(start);
  asm.add(rsp, frame);
  asm.ret();
  asm.bind(stack);
  trapAt(asm, TrapCode.callStackExhausted, 3);
  return start;
}
function trapAt(asm: Assembler, code: number, func: number): void {
  asm.mov(edi, code);
  asm.mov(esi, 0x42);
  asm.mov(edx, func);
  asm.jmp(qword(r15, VMCTX.TRAP_HANDLER));
}

const nest = load((asm) => [emitNest(asm)]).addresses[0]!;

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

describe('traps', () => {
  // Every code a trap stub may raise; not `caught`, the runtime's status for a landing it prepared
  // (an exception caught by a try_table: runtime/exceptions.ts), which raised here would jump nowhere.
  const kinds = Object.entries(TrapCode).filter(([, c]) => c !== TrapCode.none && c !== TrapCode.jsException && c !== TrapCode.caught);
  it.each(kinds)('%s unwinds through several frames with the spec message', (_name, code) => {
    const inst = new BareInstance(runtime);
    const e = catchError(() => callWasm(runtime, inst.vmctx, II_I, nest, [5, code]));
    expect(e).toBeInstanceOf(RuntimeError);
    expect((e as RuntimeError).reason).toBe(TRAP_MESSAGES[code]);
    expect((e as RuntimeError).funcIndex).toBe(7);
    expect((e as RuntimeError).offset).toBe(0x1234);
    // The runtime is usable afterwards: a call that returns normally does.
    const ok = load((asm) => {
      const l = asm.here();
      asm.lea(eax, mem(rsp, 0)); // anything
      asm.mov(eax, 11);
      asm.ret();
      return [l];
    });
    expect(callWasm(runtime, inst.vmctx, V_V, ok.addresses[0]!, [])).toBeUndefined();
  });

  it('covers every trap the spec names', () => {
    const messages = Object.values(TRAP_MESSAGES);
    for (const m of [
      'unreachable', 'integer divide by zero', 'integer overflow', 'invalid conversion to integer',
      'out of bounds memory access', 'out of bounds table access', 'undefined element', 'uninitialized element',
      'indirect call type mismatch', 'call stack exhausted', 'null reference',
    ]) expect(messages).toContain(m);
  });

  it('a trap inside a nested entry unwinds only to that entry', () => {
    const inst = new BareInstance(runtime, 1);
    // outer(n) calls the JS import, which calls nest() that traps; JS catches and returns 99.
    let caught: unknown;
    const id = runtime.registerCallout(hostFunctionHandler(runtime, I_I, () => {
      caught = catchError(() => callWasm(runtime, inst.vmctx, II_I, nest, [3, TrapCode.integerOverflow]));
      return 99;
    }));
    inst.setImport(0, runtime.calloutStub(I_I, id).address);
    const outer = load((asm) => {
      const l = asm.here();
      const stack = asm.newLabel();
      prologue(asm, stack);
      asm.sub(rsp, 8);
      asm.call(qword(r15, inst.layout.importedFunction(0)));
      asm.add(eax, 1);
      asm.add(rsp, 8);
      asm.ret();
      asm.bind(stack);
      trapAt(asm, TrapCode.callStackExhausted, 0);
      return [l];
    }).addresses[0]!;
    expect(callWasm(runtime, inst.vmctx, I_I, outer, [0])).toBe(100);
    expect((caught as RuntimeError).reason).toBe('integer overflow');
    runtime.unregisterCallout(id);
  });
});

describe('stack exhaustion', () => {
  it('ends unbounded recursion with "call stack exhausted", using the whole budget, and Node lives on', () => {
    const inst = new BareInstance(runtime);
    const recurse = load((asm) => [emitRecurse(asm, 8)]).addresses[0]!;
    const e = catchError(() => callWasm(runtime, inst.vmctx, V_V, recurse, []));
    expect((e as RuntimeError).reason).toBe('call stack exhausted');
    // Each level used 16 bytes (return address + frame): the depth shows how much stack wasm had.
    const depth = new Uint32Array(inst.memory.arrayBuffer)[0]!;
    const budget = runtime.stackTop - runtime.stackLimit;
    expect(depth * 16).toBeGreaterThan(budget - 64 * 1024);
    expect(depth * 16).toBeLessThanOrEqual(budget);
    // And again: the entry frame chain was restored.
    new Uint32Array(inst.memory.arrayBuffer)[0] = 0;
    expect((catchError(() => callWasm(runtime, inst.vmctx, V_V, recurse, [])) as RuntimeError).reason).toBe('call stack exhausted');
    expect(new Uint32Array(inst.memory.arrayBuffer)[0]).toBe(depth);
  });

  it('stops wasm and JS calling each other in turn', () => {
    const inst = new BareInstance(runtime, 1);
    // Wasm frames of 48 KiB: the wasm limit is reached long before V8's own stack limit.
    const bounce = load((asm) => {
      const l = asm.here();
      const frame = 48 * 1024;
      const stack = asm.newLabel();
      asm.lea(rax, mem(rsp, -frame));
      asm.cmp(rax, qword(r15, VMCTX.STACK_LIMIT));
      asm.jcc('b', stack);
      asm.sub(rsp, frame);
      asm.add(qword(r14, 0), 1);
      asm.call(qword(r15, inst.layout.importedFunction(0)));
      asm.add(rsp, frame);
      asm.ret();
      asm.bind(stack);
      trapAt(asm, TrapCode.callStackExhausted, 1);
      return [l];
    }).addresses[0]!;
    const id = runtime.registerCallout(hostFunctionHandler(runtime, V_V, () => callWasm(runtime, inst.vmctx, V_V, bounce, [])));
    inst.setImport(0, runtime.calloutStub(V_V, id).address);
    const e = catchError(() => callWasm(runtime, inst.vmctx, V_V, bounce, []));
    expect((e as RuntimeError).reason).toBe('call stack exhausted');
    const levels = new Uint32Array(inst.memory.arrayBuffer)[0]!;
    expect(levels).toBeGreaterThan(100);
    runtime.unregisterCallout(id);
  });

  it('survives JS and wasm calling each other with small frames (whichever limit comes first)', () => {
    const inst = new BareInstance(runtime, 1);
    const bounce = load((asm) => {
      const l = asm.here();
      const stack = asm.newLabel();
      prologue(asm, stack);
      asm.sub(rsp, 8);
      asm.call(qword(r15, inst.layout.importedFunction(0)));
      asm.add(rsp, 8);
      asm.ret();
      asm.bind(stack);
      trapAt(asm, TrapCode.callStackExhausted, 1);
      return [l];
    }).addresses[0]!;
    const id = runtime.registerCallout(hostFunctionHandler(runtime, V_V, () => callWasm(runtime, inst.vmctx, V_V, bounce, [])));
    inst.setImport(0, runtime.calloutStub(V_V, id).address);
    const e = catchError(() => callWasm(runtime, inst.vmctx, V_V, bounce, []));
    if (process.env.SHOW_LIMITS) console.log('wasm <-> JS recursion ended with', String(e));
    const ok = e instanceof RangeError || (e instanceof RuntimeError && e.reason === 'call stack exhausted');
    expect(ok, String(e)).toBe(true);
    runtime.unregisterCallout(id);
    // Still working afterwards.
    expect((catchError(() => callWasm(runtime, inst.vmctx, II_I, nest, [2, TrapCode.unreachable])) as RuntimeError).reason).toBe('unreachable');
  });
});

describe('JS exceptions', () => {
  it('cross two layers of wasm frames and reach the caller unchanged', () => {
    const inst = new BareInstance(runtime, 1);
    // through(n): recurses n frames deep, then calls the import with n.
    const through = load((asm) => {
      const l = asm.here();
      const call = asm.newLabel();
      const stack = asm.newLabel();
      prologue(asm, stack);
      asm.sub(rsp, 8);
      asm.test(edi, edi);
      asm.jcc('e', call);
      asm.sub(edi, 1);
      asm.call(l);
      asm.add(rsp, 8);
      asm.ret();
      asm.bind(call);
      asm.call(qword(r15, inst.layout.importedFunction(0)));
      asm.add(rsp, 8);
      asm.ret();
      asm.bind(stack);
      trapAt(asm, TrapCode.callStackExhausted, 2);
      return [l];
    }).addresses[0]!;
    const thrown = new Error('from JS');
    let layer = 0;
    const id = runtime.registerCallout(hostFunctionHandler(runtime, I_I, () => {
      layer++;
      if (layer === 1) return callWasm(runtime, inst.vmctx, I_I, through, [3]); // second layer of wasm
      throw thrown;
    }));
    inst.setImport(0, runtime.calloutStub(I_I, id).address);
    const e = catchError(() => callWasm(runtime, inst.vmctx, I_I, through, [3]));
    expect(e).toBe(thrown);
    expect(layer).toBe(2);
    // Nothing is left pending: a normal call afterwards returns normally.
    layer = 5;
    expect(catchError(() => callWasm(runtime, inst.vmctx, I_I, through, [1]))).toBe(thrown);
    runtime.unregisterCallout(id);
  });

  it('rethrows non-Error values too', () => {
    const inst = new BareInstance(runtime, 1);
    const id = runtime.registerCallout(hostFunctionHandler(runtime, V_V, () => {
      throw 42;
    }));
    inst.setImport(0, runtime.calloutStub(V_V, id).address);
    const f = load((asm) => {
      const l = asm.here();
      asm.sub(rsp, 8);
      asm.call(qword(r15, inst.layout.importedFunction(0)));
      asm.add(rsp, 8);
      asm.ret();
      return [l];
    }).addresses[0]!;
    expect(catchError(() => callWasm(runtime, inst.vmctx, V_V, f, []))).toBe(42);
    runtime.unregisterCallout(id);
  });
});


describe('suspended activations', () => {
  const wasmSp = () => Number(new DataView(runtime.native.view(runtime.state, 128)).getBigUint64(80, true));

  it('nest to depth, return through every level, and leave the wasm stack where they found it', () => {
    const inst = new BareInstance(runtime, 1);
    const id = runtime.registerCallout(hostFunctionHandler(runtime, I_I, (n) => ((n as number) > 0 ? (callWasm(runtime, inst.vmctx, I_I, calls, [(n as number) - 1]) as number) + 1 : 0)));
    inst.setImport(0, runtime.calloutStub(I_I, id).address);
    const calls = load((asm) => {
      const l = asm.here();
      asm.sub(rsp, 8);
      asm.call(qword(r15, inst.layout.importedFunction(0)));
      asm.add(rsp, 8);
      asm.ret();
      return [l];
    }).addresses[0]!;
    // JS -> wasm -> JS -> wasm ... 200 levels deep, each adding one on the way back.
    expect(callWasm(runtime, inst.vmctx, I_I, calls, [200])).toBe(200);
    expect(wasmSp()).toBe(runtime.stackTop);
    runtime.unregisterCallout(id);
  });

  it('survive an inner activation abandoned because resume() itself threw', () => {
    const inst = new BareInstance(runtime, 1);
    const rt = runtime as unknown as { resume: (s: number) => number };
    const realResume = rt.resume;
    const failure = new RangeError('resume failed');
    let depth = 0;
    const id = runtime.registerCallout(hostFunctionHandler(runtime, I_I, (n) => {
      depth++;
      if (depth === 1) return callWasm(runtime, inst.vmctx, I_I, outer, [(n as number) + 1]);
      // The inner call-out: make the inner invoke's resume() throw once.
      if (depth === 2) rt.resume = () => {
        rt.resume = realResume;
        throw failure;
      };
      return 5;
    }));
    inst.setImport(0, runtime.calloutStub(I_I, id).address);
    const outer = load((asm) => {
      const l = asm.here();
      asm.sub(rsp, 8);
      asm.call(qword(r15, inst.layout.importedFunction(0)));
      asm.mov(qword(r14, 8), 1); // reached only when the call returns normally
      asm.add(rsp, 8);
      asm.ret();
      return [l];
    }).addresses[0]!;
    expect(catchError(() => callWasm(runtime, inst.vmctx, I_I, outer, [0]))).toBe(failure);
    expect(new Uint32Array(inst.memory.arrayBuffer)[2]).toBe(0);
    expect(wasmSp()).toBe(runtime.stackTop);
    // Healthy afterwards.
    depth = 10;
    expect(callWasm(runtime, inst.vmctx, I_I, outer, [0])).toBe(5);
    runtime.unregisterCallout(id);
  });
});
