// Checks for exercise 13. Every expected memory comes from the real thing: a module that imports a
// memory and has the given active data segments, instantiated by Lightbeam (compiler/api) on a
// memory filled with a pattern, so that bytes written, bytes left alone and the trap all show.
import { expect } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { defineExercise, needsNativeX64, type Check } from '../harness.ts';
import type { DataSegment } from './dataSegments.ts';

interface Impl {
  applyDataSegments(memory: Uint8Array, segments: readonly DataSegment[]): boolean;
}

const PAGE = 65536;
const PATTERN = 0xee;

const segment = (offset: number, text: string): DataSegment => ({ offset, bytes: new TextEncoder().encode(text) });
const escaped = (bytes: Uint8Array) => [...bytes].map((b) => '\\' + b.toString(16).padStart(2, '0')).join('');

/** Instantiates the module with Lightbeam; the memory's bytes afterwards, and whether it trapped. */
async function lightbeam(pages: number, segments: readonly DataSegment[]): Promise<{ memory: Uint8Array; trapped: boolean }> {
  const api = await import('../../compiler/api/index.ts');
  const wat = `(module (import "env" "memory" (memory ${pages}))
    ${segments.map((s) => `(data (i32.const ${s.offset | 0}) "${escaped(s.bytes)}")`).join('\n    ')})`;
  const module = new api.Module(await watToWasm(wat, { name: 'segments.wat' }));
  const memory = new api.Memory({ initial: pages });
  new Uint8Array(memory.buffer).fill(PATTERN);
  let trapped = false;
  try {
    new api.Instance(module, { env: { memory } });
  } catch (e) {
    if (!(e instanceof api.RuntimeError)) throw e;
    trapped = true;
  }
  return { memory: new Uint8Array(memory.buffer).slice(), trapped };
}

const describeCase = (pages: number, segments: readonly DataSegment[]) =>
  `memory of ${pages * PAGE} bytes, segments: ${segments.map((s) => `${s.bytes.length} bytes at ${s.offset}`).join(', ') || 'none'}`;

async function agree(impl: Impl, pages: number, segments: readonly DataSegment[]): Promise<void> {
  const expected = await lightbeam(pages, segments);
  const mine = new Uint8Array(pages * PAGE).fill(PATTERN);
  const trapped = impl.applyDataSegments(mine, segments);
  const what = describeCase(pages, segments);
  expect(trapped, `${what}: does instantiation trap?`).toBe(expected.trapped);
  const at = mine.findIndex((b, i) => b !== expected.memory[i]);
  expect(at === -1 ? 'the same bytes' : `byte ${at} is 0x${mine[at]!.toString(16)}, Lightbeam left 0x${expected.memory[at]!.toString(16)}`, `${what}: the memory afterwards`)
    .toBe('the same bytes');
}

const END = PAGE;
const cases: [pages: number, segments: DataSegment[]][] = [
  [1, [segment(0, 'hello'), segment(100, 'world')]],
  [1, [segment(0, 'abcdef'), segment(2, 'XY')]],
  [1, [segment(END - 5, 'fits!')]],
  [1, [segment(0, 'first'), segment(END - 4, 'fits?'), segment(200, 'never')]],
  [1, [segment(0, 'first'), segment(END + 10, 'far'), segment(300, 'never')]],
  [1, [segment(10, 'ok'), segment(END, ''), segment(20, 'still')]],
  [1, [segment(10, 'ok'), segment(END + 1, ''), segment(20, 'never')]],
  [1, [segment(0xffffffff, 'x')]],
  [1, [segment(0xfffffffc, 'wrap'), segment(0, 'never')]],
  [2, [segment(END, 'page two'), segment(2 * END - 3, 'end'), segment(2 * END - 2, 'end')]],
  [1, []],
];

const checks: Check<Impl>[] = [
  {
    name: `leaves the same memory as Lightbeam's instantiation, and traps when it does (${cases.length} modules)`,
    run: async (impl) => {
      for (const [pages, segments] of cases) await agree(impl, pages, segments);
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/13-data-segments',
  checks,
  solution: () => import('./dataSegments.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
  unavailable: () => needsNativeX64("the checks instantiate modules natively with Lightbeam"),
});
