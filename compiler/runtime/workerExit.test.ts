// Issue 11, item 6: a worker that used Lightbeam leaves nothing mapped once it has ended, whether
// it ended by itself or was terminated while spinning in wasm (bench/worker-churn.ts, in a child).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const bench = fileURLToPath(new URL('../../bench/worker-churn.ts', import.meta.url));

for (const how of ['end', 'terminate']) {
  it(`4 workers that ${how === 'end' ? 'end by themselves' : 'are terminated in wasm'} leave their mappings unmapped`, () => {
    // V8 itself may add a few dozen mappings (heap pages) when the machine is loaded, while a leak
    // adds them on every run: so a second run is allowed to show the mappings are not ours.
    const results: { addedMaps: number; addedGiB: number }[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', bench, '4', how], { encoding: 'utf8', timeout: 170_000 });
      expect(run.status, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { addedMaps: number; addedGiB: number };
      // Before: 4 GiB of address space stayed behind per worker, whatever the load.
      expect(out.addedGiB).toBeLessThan(4);
      results.push(out);
      if (out.addedMaps < 10) break;
    }
    // Before: about 5 mappings stayed behind per worker.
    expect(Math.min(...results.map((r) => r.addedMaps))).toBeLessThan(10);
  }, 360_000);
}
