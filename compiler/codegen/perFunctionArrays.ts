// Arrays made once per function (a local's home, its slot's offset, ...) are plain arrays of
// small integers, not typed arrays: V8 keeps a typed array's bytes inside its heap only up to 64
// bytes; a longer one gets a backing store of its own, allocated, tracked and freed outside the
// heap, which costs microseconds (a 17-entry Int32Array took 8x as long as 16 entries, and 4x a
// plain array of the same length). A function with a few dozen locals made several of them.
// Reads and writes of a packed array of small integers are as fast as a typed array's.

/** A packed array of n copies of a small integer. */
export function filledArray(n: number, value: number): number[] {
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(value);
  return a;
}

/**
 * `a` made to start with n copies of a small integer in place, as filledArray(n, value) would be:
 * the arrays of one function are reset and reused for the next (see FunctionCompiler's
 * `previous`). It is never shortened: entries past n, left from a function with more locals, are
 * never read, and shortening it on every function cost more than filling it.
 */
export function refill(a: number[], n: number, value: number): number[] {
  const filled = Math.min(n, a.length);
  for (let i = 0; i < filled; i++) a[i] = value;
  while (a.length < n) a.push(value);
  return a;
}

/**
 * Shorten `a` to n entries by popping them: setting `a.length` is a call into V8's runtime, which
 * costs more than the few pops a function's arrays usually need.
 */
export function truncate(a: unknown[], n: number): void {
  while (a.length > n) a.pop();
}
