// Random memory programs against V8: loads and stores of every width through locals, locals
// plus constants, constants and wrapped i64s, with offsets near 0, 64 KiB and 4 GiB, inside
// ifs, blocks, loops and around calls and memory.grow, so that every kind of bounds-check fact
// (kept, reused, forgotten) is exercised. After each call the result (or the trap) and a hash
// of the whole memory must agree: a trap must leave exactly the stores before it. Seeded.
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from '../runtime/instance.ts';
import { compileModule } from './moduleCompiler.ts';
import { memoryProgram } from './testing/memoryProgram.ts';

type Fn = (...a: unknown[]) => unknown;
function outcome(f: Fn, args: unknown[]): string {
  try {
    return String(f(...args));
  } catch (e) {
    return /out of bounds/.test((e as Error).message) ? 'trap: out of bounds' : `trap: ${(e as Error).message}`;
  }
}

const ARGS: [number, number, bigint][] = [
  [0, 5, 0n], [16, 1, 0x1_0000_0010n], [4000, 255, 0xffff_ffff_0000_0100n], [65520, 255, 65535n], [65535, 3, -1n],
  [-8, 0x10000, 8n], [131060, 7, 0xffff_ffff_0000_0004n],
  // Near the end, both arms of the ifs: an access checked on one path only must not go unchecked on another.
  [65512, 0, 65500n], [65512, 0xff, 65500n], [65527, 0x55, 65530n], [65527, 0xaa, 65530n], [65530, 0, 4n], [65530, 0xff, 4n],
];

describe('differential: random memory programs vs V8', () => {
  const SEEDS = Number(process.env.MEMORY_SEEDS ?? 150);
  it(`${SEEDS} programs agree on results, traps and memory`, async () => {
    let traps = 0;
    let values = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const text = memoryProgram(seed);
      const bytes = await watToWasm(text);
      const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports;
      const ours = new Instance(compileModule(bytes)).exports;
      for (const args of ARGS) {
        const want = outcome(v8.f as Fn, args);
        const got = outcome(ours.f as Fn, args);
        const wantHash = outcome(v8.hash as Fn, []);
        const gotHash = outcome(ours.hash as Fn, []);
        if (want !== got || wantHash !== gotHash) {
          throw new Error(`seed ${seed} args ${args.join(',')}: V8 ${want} (memory ${wantHash}), we ${got} (memory ${gotHash})\n${text}`);
        }
        if (want.startsWith('trap')) traps++;
        else values++;
      }
    }
    // Both outcomes must be common, or the programs test little.
    expect(traps).toBeGreaterThan(SEEDS);
    expect(values).toBeGreaterThan(SEEDS);
  }, 120_000);
});
