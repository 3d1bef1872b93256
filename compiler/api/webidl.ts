// The few WebIDL conversions the JS API's constructors and methods need, with WebIDL's errors:
// a dictionary argument, and `[EnforceRange] unsigned long`. Runs anywhere (no Node).

/** A dictionary argument: undefined or null is an empty dictionary; another non-object is a TypeError. */
export function descriptorOf(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' && typeof value !== 'function') throw new TypeError(`${what}(): the descriptor must be an object`);
  return value as Record<string, unknown>;
}

/** `[EnforceRange] unsigned long`: ToNumber (a BigInt or Symbol throws), then finite, truncated, in 0..2^32-1. */
export function enforceRange(value: unknown, what: string): number {
  const n = +(value as number);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
  const t = Math.trunc(n);
  if (t < 0 || t > 0xffffffff) throw new TypeError(`${what} must be an integer from 0 to 2^32-1`);
  return t + 0; // no -0
}

export function requiredRange(value: unknown, what: string): number {
  if (value === undefined) throw new TypeError(`${what} is required`);
  return enforceRange(value, what);
}

export function optionalRange(value: unknown, what: string): number | undefined {
  return value === undefined ? undefined : enforceRange(value, what);
}
