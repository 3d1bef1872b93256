// The reference solution: the rules of BoundsFacts (compiler/codegen/ops/boundsChecks.ts) for
// accesses through a local with no constant added, and for constant addresses.
import type { Step } from './steps.ts';

export function checksNeeded(minimumBytes: number, steps: readonly Step[]): boolean[] {
  /** The memory is at least this many bytes long: every passed check proves its end. */
  let knownSize = minimumBytes;
  /** Per local: zx(local) + checkedEnd <= memory size, until the local is written. */
  const checkedEnd = new Map<number, number>();
  const out: boolean[] = [];
  for (const step of steps) {
    if (step.kind === 'write') {
      checkedEnd.delete(step.local);
      continue;
    }
    if (step.kind === 'constant') {
      const end = step.address + step.offset + step.size;
      const check = end > knownSize;
      if (check) knownSize = end;
      out.push(check);
      continue;
    }
    const end = step.offset + step.size;
    const check = end > (checkedEnd.get(step.local) ?? -1);
    if (check) {
      checkedEnd.set(step.local, end);
      knownSize = Math.max(knownSize, end); // the address is >= 0, so the memory is >= end
    }
    out.push(check);
  }
  return out;
}
