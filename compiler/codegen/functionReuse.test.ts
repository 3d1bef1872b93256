// One function compiler serves every function of a module: restart() resets it, with its value
// stack, locals' state and frame, in place. It must leave them exactly as new ones would be:
// compared here field by field, so a field added later and forgotten in a reset fails this test,
// not a compile.
import { describe, expect, it } from 'vitest';
import { BASELINE_FEATURES, TrapCode, vmContextLayoutOf } from '../abi/index.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { validateModule } from '../validate/index.ts';
import { Assembler } from '../x64/index.ts';
import { CallSignatures } from './calls.ts';
import { type FunctionEnv, FunctionCompiler } from './functionCompiler.ts';
import { TrapSiteList } from './traps.ts';
import { inReg } from './valueStack.ts';

/**
 * Arrays with an entry per local: a reset fills the new function's entries and never shortens
 * them (perFunctionArrays.ts: refill), so entries past its locals may be left from the previous
 * function; nothing reads them.
 */
const PER_LOCAL = new Set(['home', 'regValid', 'slotValid', 'values', 'localDisp', 'vectorLocal', 'refTop']);

/**
 * The compiler's own fields that are not per function: the module's (env, asm), the parts compared
 * on their own, the control stack (reset by the module compiler), and the one record lastOp points
 * to when set (its contents are read only through lastOp).
 */
const NOT_PER_FUNCTION = new Set(['env', 'asm', 'stack', 'regs', 'frame', 'locals', 'control', 'lastOpRecord', 'spiller']);

/**
 * The parts a compiler reuses, each field as is except the per-local arrays, cut to the
 * function's locals, and the value stack's per-position arrays, cut to its height (they never
 * shrink: what lies above the top is never read).
 */
function reusedParts(fc: FunctionCompiler): unknown {
  const n = fc.locals.types.length;
  // Trap-site lists are emptied by their counts too: what lies past them is never read.
  const sites = (l: TrapSiteList) => ({ length: l.length, data: [...l.data.subarray(0, 3 * l.length)] });
  // The locals' facts start each function with a fresh epoch (a number never used before, which is
  // what forgets every fact): compared without it, and without the arrays shared by every compiler.
  const facts = (b: { constEnd: number; counts: unknown }) => ({ constEnd: b.constEnd, counts: b.counts });
  const cut = (k: string, v: unknown) =>
    k === 'bounds' ? facts(v as { constEnd: number; counts: unknown }) : PER_LOCAL.has(k) ? (v as number[]).slice(0, n) : k === 'entries' || k === 'refBelow' ? (v as unknown[]).slice(0, fc.stack.height)
    : k === 'stubLabels' ? (v as unknown[]).slice(0, fc.frame.trapStubs.length) : v instanceof TrapSiteList ? sites(v) : v;
  const fields = (part: object, skip?: Set<string>) =>
    Object.fromEntries(Object.entries(part).filter(([k]) => !skip?.has(k)).map(([k, v]) => [k, cut(k, v)]));
  return {
    compiler: fields(fc, NOT_PER_FUNCTION), regs: fields(fc.regs, NOT_PER_FUNCTION),
    stack: fields(fc.stack), locals: fields(fc.locals), frame: fields(fc.frame),
  };
}

describe('function compiler reuse', () => {
  it('restarts with the fields, value stack, locals and frame a new compiler has', async () => {
    const module = validateModule(await watToWasm(`(module
      (func (param i32 i64 f64) (result i32) (local i32 f32 i64 i32 i32 i32 i32 i32 i32 i32 i32 i32)
        (local.set 3 (local.get 0)) (local.get 3))
      (func (param f32) (result f64 i32 i64) (local i32 i32 i32 i32 i32 i32 i32)
        (f64.const 1) (i32.const 2) (i64.const 3)))`));
    const env: FunctionEnv = {
      asm: new Assembler(1 << 12), module, signatures: new CallSignatures(module.types), vmctx: vmContextLayoutOf(module), features: BASELINE_FEATURES,
      notes: [], boundsChecks: { kept: 0, removed: 0 }, vectors: false,
    };
    const localsOf = (f: number): number[] => {
      const type = module.types[module.functions[f]!]!;
      return f === 0 ? [...type.params, 0x7f, 0x7d, 0x7e, ...Array<number>(9).fill(0x7f)] : [...type.params, ...Array<number>(7).fill(0x7f)];
    };
    const typeOf = (f: number) => module.types[module.functions[f]!]!;
    // Use the first function's compiler: values in registers, on the stack and spilled, slots addressed, a trap.
    const first = new FunctionCompiler(env, 0, typeOf(0), localsOf(0), 10);
    first.push(inReg(0x7f, 0));
    first.push(inReg(0x7e, 1));
    first.spillAt(1);
    first.frame.slotAddr(4);
    first.frame.localLocation(5);
    first.frame.trap(TrapCode.unreachable, 12);
    first.frame.hasCalls = true;
    first.frame.alignLoopHead(env.asm.newLabel());
    first.pinFlags = true;
    first.markZeroExtended(2);
    first.bounds.markNonNull(2);
    first.noteAddImmediate(2, 0, 8);
    first.recordLastOp(3, 0, 0x7f);
    first.regs.hold(6);
    const stack = first.stack, locals = first.locals, frame = first.frame;

    const restarted = first.restart(1, typeOf(1), localsOf(1), 40, null);
    const fresh = new FunctionCompiler(env, 1, typeOf(1), localsOf(1), 40, null);
    expect(reusedParts(restarted)).toEqual(reusedParts(fresh));
    expect(restarted.bounds.knownNonNull(2)).toBe(false); // the last function's facts are gone
    // Reset in place, not made anew (what book/15-performance.mdx says).
    expect(restarted).toBe(first);
    expect(restarted.stack).toBe(stack);
    expect(restarted.locals).toBe(locals);
    expect(restarted.frame).toBe(frame);
  });
});
