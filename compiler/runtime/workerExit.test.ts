// Issue 11, item 6: a worker that used Lightbeam leaves nothing mapped once it has ended, whether
// it ended by itself or was terminated while spinning in wasm (bench/worker-churn.ts, in a child).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const bench = fileURLToPath(new URL('../../bench/worker-churn.ts', import.meta.url));

for (const how of ['end', 'terminate']) {
  it(`4 workers that ${how === 'end' ? 'end by themselves' : 'are terminated in wasm'} leave their mappings unmapped`, () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', bench, '4', how], { encoding: 'utf8', timeout: 170_000 });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { addedGiB: number; recorded: number; leftMapped: number };
    // Each worker's runtime recorded its mappings (runtime, code, the instance's memory and table)...
    expect(out.recorded).toBeGreaterThanOrEqual(4 * 3);
    // ...and none of them is mapped once the worker has gone. (Counting /proc/self/maps lines is
    // no test: V8's heap pages move that count by dozens either way, run to run.)
    expect(out.leftMapped).toBe(0);
    // Before: 4 GiB of address space stayed behind per worker.
    expect(out.addedGiB).toBeLessThan(4);
  }, 180_000);
}
