// The look ahead that weighs locals' uses (localWeights.ts), on hand-made body bytes, and the
// choice of register locals from the weights.
import { describe, expect, it } from 'vitest';
import { chooseRegisterLocals, localWeights } from './localWeights.ts';

const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOOP = 0x03, VOID = 0x40, END = 0x0b, DROP = 0x1a, I32_ADD = 0x6a;
/** An opcode the scan does not know (a prefix of no supported proposal): it gives up there. */
const UNKNOWN = 0xff;

const weightsOf = (body: number[], localCount: number): number[] | null => {
  const w = localWeights(Uint8Array.from(body), 0, body.length, localCount);
  return w && [...w.subarray(0, localCount)];
};

describe('localWeights', () => {
  // Local 0 used twice outside loops, local 1 once outside and once in a loop, local 2 twice in
  // two loops, local 3 never.
  const body = [
    LOCAL_GET, 0, LOCAL_GET, 1, I32_ADD, DROP,
    LOOP, VOID, LOCAL_GET, 1, DROP, LOOP, VOID, LOCAL_GET, 2, LOCAL_SET, 2, END, END,
    LOCAL_GET, 0, DROP, END,
  ];

  it('counts each use 8 times per enclosing loop', () => {
    expect(weightsOf(body, 4)).toEqual([2, 9, 128, 0]);
  });

  it('gives up on an opcode it does not know', () => {
    expect(weightsOf([LOCAL_GET, 0, UNKNOWN, END], 1)).toBeNull();
  });

  it('asked only which locals are used, stops once all of them are', () => {
    const used = (code: number[], localCount: number, stopOnceUsed: number): number[] | null => {
      const w = localWeights(Uint8Array.from(code), 0, code.length, localCount, stopOnceUsed);
      return w && [...w.subarray(0, localCount)];
    };
    // Locals 0-2 all used by the second loop's local.get 2: the rest is not read (not even the unknown opcode).
    expect(used([...body.slice(0, -1), UNKNOWN, END], 3, 3)).toEqual([1, 9, 64]);
    // Local 3 is never used: the whole body is scanned.
    expect(used(body, 4, 4)).toEqual([2, 9, 128, 0]);
    // A local beyond stopOnceUsed (the hidden return-area pointer) is not waited for.
    expect(used([...body.slice(0, -1), UNKNOWN, END], 4, 3)).toEqual([1, 9, 64, 0]);
  });
});

describe('chooseRegisterLocals', () => {
  const CHOSEN = -2;
  const choose = (classes: number[], weights: number[] | null, budget: number[]): number[] => {
    const into = classes.map(() => -1);
    const candidates = classes.map((_, i) => i);
    chooseRegisterLocals(candidates, classes, candidates.length, weights && Float64Array.from(weights), budget, into, CHOSEN);
    return into.flatMap((v, i) => (v === CHOSEN ? [i] : []));
  };

  it('takes the heaviest used locals of each class, ties to the lower index', () => {
    expect(choose([0, 0, 0, 0, 1, 1], [1, 5, 0, 5, 2, 3], [2, 1])).toEqual([1, 3, 5]);
    expect(choose([0, 0, 0], [4, 4, 4], [2, 2])).toEqual([0, 1]);
    expect(choose([0, 0, 0], [1, 0, 2], [5, 5])).toEqual([0, 2]);
  });

  it('without weights takes each class in declaration order', () => {
    expect(choose([0, 1, 0, 0, 1], null, [2, 1])).toEqual([0, 1, 2]);
  });
});
