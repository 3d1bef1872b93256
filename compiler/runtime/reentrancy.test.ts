// Random nestings of JS and wasm calls, with returns, JS exceptions and traps at every level,
// checked against the same program written in plain JS.
import { expect, it } from 'vitest';
import { ValType, type FuncType } from '../binary/types.ts';
import { TrapCode, VMCTX } from '../abi/index.ts';
import { RuntimeError } from '../errors.ts';
import { eax, edi, edx, esi, qword, r15, rsp } from '../x64/index.ts';
import { callWasm, hostFunctionHandler } from './calls.ts';
import { getRuntime } from './runtime.ts';
import { load } from './stubs.ts';
import { rng } from '../testing/rng.ts';
import { BareInstance } from './testKit.ts';

const runtime = getRuntime();
const I_I: FuncType = { params: [ValType.i32], results: [ValType.i32] };
const ACTIONS = ['ret', 'throw', 'nest', 'nestCatch', 'trap', 'trapCatch'] as const;
type Action = (typeof ACTIONS)[number];

const inst = new BareInstance(runtime, 1);
// step(x) = host(x) + 1; trap(x) traps with "integer overflow".
const [step, trap] = load((asm) => {
  const s = asm.here();
  asm.sub(rsp, 8);
  asm.call(qword(r15, inst.layout.importedFunction(0)));
  asm.add(eax, 1);
  asm.add(rsp, 8);
  asm.ret();
  const t = asm.here();
  asm.mov(edi, TrapCode.integerOverflow);
  asm.mov(esi, 3);
  asm.mov(edx, 1);
  asm.jmp(qword(r15, VMCTX.TRAP_HANDLER));
  return [s, t];
}).addresses as [number, number];

/** The program: at depth x the host does plan[x]; a plan is as deep as its length. */
function run(plan: readonly Action[], real: boolean): string {
  const stepFn = (x: number): number => (real ? (callWasm(runtime, inst.vmctx, I_I, step, [x]) as number) : host(x) + 1);
  const trapFn = (): never => {
    if (real) callWasm(runtime, inst.vmctx, I_I, trap, [0]);
    throw new RuntimeError('integer overflow');
  };
  const host = (x: number): number => {
    const action = x < plan.length ? plan[x]! : 'ret';
    switch (action) {
      case 'ret': return x * 2;
      case 'throw': throw new Error(`thrown at ${x}`);
      case 'nest': return stepFn(x + 1) * 3;
      case 'nestCatch':
        try {
          return stepFn(x + 1) * 5;
        } catch (e) {
          return -(e instanceof RuntimeError ? 1000 : 2000) - x;
        }
      case 'trap': return trapFn();
      case 'trapCatch':
        try {
          return trapFn();
        } catch {
          return 7 + x;
        }
    }
  };
  currentHost = host;
  try {
    return `value ${stepFn(0) | 0}`;
  } catch (e) {
    return e instanceof RuntimeError ? `RuntimeError: ${e.reason}` : `Error: ${(e as Error).message}`;
  }
}

let currentHost: (x: number) => number = () => 0;
const id = runtime.registerCallout(hostFunctionHandler(runtime, I_I, (x) => currentHost(x as number)));
inst.setImport(0, runtime.calloutStub(I_I, id).address);

it('matches a plain-JS model over random nestings of returns, exceptions and traps', () => {
  const next = rng(2026);
  for (let n = 0; n < 300; n++) {
    const depth = 1 + Math.floor(next() * 12);
    const plan = Array.from({ length: depth }, () => ACTIONS[Math.floor(next() * ACTIONS.length)]!);
    const expected = run(plan, false);
    const got = run(plan, true);
    expect(got, plan.join(' ')).toBe(expected);
  }
  const sp = Number(new DataView(runtime.native.view(runtime.state, 128)).getBigUint64(80, true));
  expect(sp).toBe(runtime.stackTop);
});
