// The reference solution: delete chunks, from half the list down to single items, the way the
// fuzzer's reducer deletes bytes (compiler/testing/fuzz/reduce.ts, byteEdits). That one works on a
// module's bytes and has binaryen's edits and a deadline besides; this is its plain core, over a list.
export function reduce<T>(items: readonly T[], interesting: (candidate: readonly T[]) => boolean): T[] {
  if (!interesting(items)) throw new Error('reduce: the input itself is not interesting');
  let current = [...items];
  let size = Math.max(1, current.length >> 1);
  for (;;) {
    let removed = false;
    // Each chunk of `size` items, from the end, so that a deletion leaves the chunks still to try where they were.
    for (let end = current.length; end > 0;) {
      const start = Math.max(0, end - size);
      const candidate = [...current.slice(0, start), ...current.slice(end)];
      if (interesting(candidate)) {
        current = candidate;
        removed = true;
      }
      end = start;
    }
    // A pass of single items that removed nothing: no one item can go, which is what 1-minimal means.
    if (!removed && size === 1) return current;
    size = removed ? Math.max(1, Math.min(size, current.length >> 1)) : size >> 1;
  }
}
