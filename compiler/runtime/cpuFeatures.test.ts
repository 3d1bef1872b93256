import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { cpuFeatures } from './cpuFeatures.ts';

it('agrees with the kernel on what this CPU has', () => {
  const flags = new Set(/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))![1]!.split(/\s+/));
  const f = cpuFeatures();
  expect(f.sse41).toBe(flags.has('sse4_1'));
  expect(f.popcnt).toBe(flags.has('popcnt'));
  expect(f.lzcnt).toBe(flags.has('abm'));
  expect(f.bmi1).toBe(flags.has('bmi1'));
  expect(f.bmi2).toBe(flags.has('bmi2'));
  expect(f.avx).toBe(flags.has('avx'));
  expect(f.avx2).toBe(flags.has('avx2'));
});
