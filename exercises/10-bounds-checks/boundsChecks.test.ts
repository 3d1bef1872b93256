// Checks for exercise 10. Every expected answer comes from the real code generator: the steps
// become a WebAssembly function, and compiling it one access at a time tells, from Lightbeam's
// own count of the checks it emitted, which accesses it checked. Nothing here runs machine code,
// so the exercise works on any machine.
import { expect } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { defineExercise, type Check } from '../harness.ts';
import type { Step } from './steps.ts';

interface Impl {
  checksNeeded(minimumBytes: number, steps: readonly Step[]): boolean[];
}

const LOCALS = 3;
const LOAD: Record<number, string> = { 1: 'i32.load8_u', 2: 'i32.load16_u', 4: 'i32.load', 8: 'i64.load' };
const STORE: Record<number, string> = { 1: 'i32.store8', 2: 'i32.store16', 4: 'i32.store', 8: 'i64.store' };

/** One step as WebAssembly text; loads and stores alternate, which changes nothing about checks. */
function stepText(s: Step, k: number): string {
  if (s.kind === 'write') return `(local.set ${s.local} (i32.add (local.get ${s.local}) (i32.const 4)))`;
  const address = s.kind === 'access' ? `(local.get ${s.local})` : `(i32.const ${s.address})`;
  if (k % 2 === 0) return `(drop (${LOAD[s.size]} offset=${s.offset} ${address}))`;
  return `(${STORE[s.size]} offset=${s.offset} ${address} (${s.size === 8 ? 'i64' : 'i32'}.const 0))`;
}

/** How many checks Lightbeam emits for the first n steps. */
async function checksFor(pages: number, steps: readonly Step[]): Promise<number> {
  const body = steps.map(stepText).join('\n    ');
  const wat = `(module (memory ${pages}) (func (param ${'i32 '.repeat(LOCALS)})\n    ${body}))`;
  return compileModule(await watToWasm(wat, { name: 'steps.wat' })).boundsChecks.kept;
}

/** The compiler's answer: for each access, whether compiling it added a check. */
async function lightbeam(pages: number, steps: readonly Step[]): Promise<boolean[]> {
  const out: boolean[] = [];
  let before = 0;
  for (let n = 1; n <= steps.length; n++) {
    if (steps[n - 1]!.kind === 'write') continue;
    const now = await checksFor(pages, steps.slice(0, n));
    out.push(now > before);
    before = now;
  }
  return out;
}

const describeSteps = (pages: number, steps: readonly Step[]): string =>
  `memory of ${pages} page(s), steps:\n` +
  steps.map((s) => (s.kind === 'write' ? `  write local ${s.local}` : s.kind === 'access'
    ? `  access ${s.size} bytes at local ${s.local} + offset ${s.offset}`
    : `  access ${s.size} bytes at constant ${s.address} + offset ${s.offset}`)).join('\n');

const at = (local: number, offset: number, size: 1 | 2 | 4 | 8 = 4): Step => ({ kind: 'access', local, offset, size });
const konst = (address: number, offset = 0, size: 1 | 2 | 4 | 8 = 4): Step => ({ kind: 'constant', address, offset, size });
const write = (local: number): Step => ({ kind: 'write', local });

const named: [what: string, pages: number, steps: Step[]][] = [
  ['the same address twice', 1, [at(0, 0), at(0, 0)]],
  ['nearest field first, then farther ones', 1, [at(0, 0), at(0, 4), at(0, 8)]],
  ['farthest field first', 1, [at(0, 8), at(0, 4), at(0, 0), at(0, 10, 2)]],
  ['a wider access at the same offset', 1, [at(0, 0, 4), at(0, 0, 8), at(0, 4, 4)]],
  ['two locals', 1, [at(0, 0), at(1, 0), at(0, 4), at(1, 0)]],
  ['a write between accesses', 1, [at(0, 8), write(0), at(0, 0), at(0, 4)]],
  ['a write to another local', 1, [at(0, 8), write(1), at(0, 0)]],
  ['constants inside and beyond the minimum size', 1, [konst(0), konst(65532), konst(65533), konst(65534), konst(100000), konst(99000, 1000)]],
  ['no memory declared as minimum', 0, [konst(0), konst(0), konst(4, 0, 2), konst(8, 0, 1)]],
  ['a check through a local teaches the constants', 0, [at(0, 200), konst(100), konst(300, 0, 1), konst(196, 0, 4)]],
  ['large offsets', 1, [at(0, 70000), konst(70000), at(1, 65536), at(1, 4)]],
];

/** A small deterministic random generator (the same sequences on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function randomSteps(rnd: () => number): Step[] {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const sizes = [1, 2, 4, 8] as const;
  const steps: Step[] = [];
  const n = 4 + Math.floor(rnd() * 8);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.15) steps.push(write(Math.floor(rnd() * LOCALS)));
    else if (r < 0.4) steps.push(konst(pick([0, 8, 1000, 65528, 65536, 70000, 131068]), pick([0, 4, 8, 100]), pick(sizes)));
    else steps.push(at(Math.floor(rnd() * LOCALS), pick([0, 1, 4, 8, 12, 16, 64, 65536]), pick(sizes)));
  }
  return steps;
}

async function agree(impl: Impl, pages: number, steps: readonly Step[], what: string): Promise<void> {
  const expected = await lightbeam(pages, steps);
  expect(impl.checksNeeded(pages * 65536, steps), `${what}: ${describeSteps(pages, steps)}\n(true = needs a check)`).toEqual(expected);
}

const checks: Check<Impl>[] = [
  {
    name: `agrees with Lightbeam on ${named.length} hand-picked cases`,
    run: async (impl) => {
      for (const [what, pages, steps] of named) await agree(impl, pages, steps, what);
    },
  },
  {
    name: 'agrees with Lightbeam on 40 random straight lines of accesses and writes',
    run: async (impl) => {
      const rnd = random(10);
      for (let k = 0; k < 40; k++) {
        const pages = Math.floor(rnd() * 3);
        await agree(impl, pages, randomSteps(rnd), `random case ${k}`);
      }
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/10-bounds-checks',
  checks,
  solution: () => import('./boundsChecks.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
});
