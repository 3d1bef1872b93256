// The few WebIDL conversions the JS API's constructors and methods need, with WebIDL's errors:
// a dictionary argument, `[EnforceRange] unsigned long`, and the JS API's AddressValue (which is
// that for a 32-bit memory or table and a BigInt for a 64-bit one). Runs anywhere (no Node).

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

// #region address-value
/** The JS API's AddressType: a descriptor's `address` member (WebIDL enum: ToString, then one of these). */
export type AddressType = 'i32' | 'i64';

export function addressTypeOf(value: unknown, what: string): AddressType {
  if (value === undefined) return 'i32';
  const a = String(value);
  if (a !== 'i32' && a !== 'i64') throw new TypeError(`${what}(): unknown address type ${a}`);
  return a;
}

/**
 * The JS API's AddressValueToU64: for 'i32' `[EnforceRange] unsigned long`; for 'i64' ToBigInt
 * (so a Number is a TypeError, a string is parsed, true is 1n) and then 0..2^64-1, else a
 * TypeError. The result is a Number, for the runtime: exact up to 2^53, and past that only its
 * size matters (the runtime's largest table or memory is far smaller, and a module's own limits
 * are decoded to Numbers the same way).
 */
export function addressValueToU64(value: unknown, address: AddressType, what: string): number {
  if (address === 'i32') return enforceRange(value, what);
  const n = toBigInt(value);
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new TypeError(`${what} must be an integer from 0 to 2^64-1`);
  return Number(n);
}

/** The JS API's U64ToAddressValue: a Number for 'i32', a BigInt for 'i64'. */
export function u64ToAddressValue(n: number, address: AddressType): number | bigint {
  return address === 'i64' ? BigInt(n) : n;
}
// #endregion address-value

export function requiredAddress(value: unknown, address: AddressType, what: string): number {
  if (value === undefined) throw new TypeError(`${what} is required`);
  return addressValueToU64(value, address, what);
}

export function optionalAddress(value: unknown, address: AddressType, what: string): number | undefined {
  return value === undefined ? undefined : addressValueToU64(value, address, what);
}

/**
 * ECMAScript's ToBigInt, which JS exposes only inside other operations: `BigInt(x)` accepts
 * integral Numbers, which ToBigInt rejects. `BigInt.asIntN(bits, x)` is ToBigInt(x) wrapped to
 * `bits` bits, and no BigInt has 2^53-1 bits, so nothing wraps.
 */
function toBigInt(value: unknown): bigint {
  return BigInt.asIntN(Number.MAX_SAFE_INTEGER, value as bigint);
}
