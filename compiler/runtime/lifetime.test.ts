import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// Collection needs `global.gc`, so this runs a small script in a child Node with --expose-gc.
const script = `
import { readFileSync } from 'node:fs';
import { CodeMemory } from './codeMemory.ts';
import { LinearMemory } from './linearMemory.ts';
// Mapped and accessible: a released memory reservation may stay mapped, inaccessible and
// without pages, in the pool of reservations (linearMemory.ts).
const mapped = (a) => readFileSync('/proc/self/maps', 'utf8').split('\\n').some((l) => {
  const m = /^([0-9a-f]+)-([0-9a-f]+) (\\S+)/.exec(l);
  return m && parseInt(m[1], 16) <= a && a < parseInt(m[2], 16) && m[3] !== '---p';
});
let code = new CodeMemory(new Uint8Array([0xc3]));
let memory = new LinearMemory(1, 1);
let buffer = memory.arrayBuffer;
const codeAt = code.address, memoryAt = memory.base;
const before = [mapped(codeAt), mapped(memoryAt)];
const settle = async () => { for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); } };
code = undefined; memory = undefined;
await settle();
const whileBufferLives = mapped(memoryAt);
buffer = undefined;
await settle();
console.log(JSON.stringify({ before, code: mapped(codeAt), whileBufferLives, memory: mapped(memoryAt) }));
`;

it('unmaps code, and unmaps or returns to the pool (inaccessible) linear memory, once nothing references them (the ArrayBuffer counts)', () => {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: dir, encoding: 'utf8', timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
  expect(out).toEqual({ before: [true, true], code: false, whileBufferLives: true, memory: false });
});
