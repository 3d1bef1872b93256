// Issue 11, item 4: synchronous instantiation loops keep the number of mappings bounded (dead
// instances' and memories' mappings are reclaimed without waiting for the event loop). The loop is
// bench/instantiate-loop.ts, run in a child with a small mapping budget so that it takes seconds.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const bench = fileURLToPath(new URL('../../bench/instantiate-loop.ts', import.meta.url));

function loop(kind: string, n: number): { startMaps: number; peakMaps: number; reclaims: number } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', bench, kind, String(n)], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, LIGHTBEAM_MAPPING_BUDGET: '1000' },
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

it('a synchronous loop of 1,500 instances (memory, table, import) stays within its mapping budget', () => {
  // Without reclaiming, each instance keeps about 4 mappings: 6,000 more at the end.
  const out = loop('instance', 1500);
  expect(out.reclaims).toBeGreaterThan(0);
  expect(out.peakMaps - out.startMaps).toBeLessThan(3000);
}, 150_000);

it('so does one whose imports refer back to their instance (as WASI shims and Emscripten glue do)', () => {
  // The runtime's table of host functions must not keep such an instance alive through its import.
  const out = loop('cycle', 1500);
  expect(out.reclaims).toBeGreaterThan(0);
  expect(out.peakMaps - out.startMaps).toBeLessThan(3000);
}, 150_000);

it('and one whose instances keep, in their own externref table and global, an object that refers back to them', () => {
  // The handle table must not hold such an object: the instance keeps it (ValueKeeper).
  const out = loop('externref', 1500);
  expect(out.reclaims).toBeGreaterThan(0);
  expect(out.peakMaps - out.startMaps).toBeLessThan(3000);
}, 150_000);

it('and one whose pairs of linked instances keep, in their shared table and their globals, an object that refers back to both', () => {
  // The pair is one closed group: its keeper holds the object, not the handle table.
  const out = loop('linked', 1500);
  expect(out.reclaims).toBeGreaterThan(0);
  expect(out.peakMaps - out.startMaps).toBeLessThan(3000);
}, 150_000);

it('and one whose instances JS hands function references, their own and a long-lived instance\'s', () => {
  // Each one's table and code keep what they were handed; nothing keeps them for ever.
  const out = loop('funcref', 1500);
  expect(out.reclaims).toBeGreaterThan(0);
  expect(out.peakMaps - out.startMaps).toBeLessThan(3000);
}, 150_000);

it('a synchronous loop of 2,500 `new Memory({initial: 1})` stays within its mapping budget', () => {
  const out = loop('memory', 2500);
  expect(out.reclaims).toBeGreaterThan(0);
  expect(out.peakMaps - out.startMaps).toBeLessThan(3000);
}, 150_000);
