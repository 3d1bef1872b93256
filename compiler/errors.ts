// The error classes of the WebAssembly JS API, carrying where the problem is.
// Every stage throws these, so a user sees one kind of error for one kind of problem.

// #region errors
/** The module's bytes are malformed, invalid, or use a feature we do not support. */
export class CompileError extends Error {
  override name = 'CompileError';
  constructor(
    message: string,
    /** Byte offset in the module where the problem was found. */
    readonly offset?: number,
    /** Index of the function whose body holds the problem, if any. */
    readonly funcIndex?: number,
  ) {
    super(CompileError.describe(message, offset, funcIndex));
    this.reason = message;
  }
  /** The message alone, without the position (as the spec's tests word it). */
  readonly reason: string;

  static describe(message: string, offset?: number, funcIndex?: number): string {
    const where: string[] = [];
    if (funcIndex !== undefined) where.push(`function ${funcIndex}`);
    if (offset !== undefined) where.push(`at byte 0x${offset.toString(16)}`);
    return where.length ? `${message} (${where.join(', ')})` : message;
  }
}

/** Instantiation failed: an import is missing or has the wrong type. */
export class LinkError extends Error {
  override name = 'LinkError';
}

/** A trap, or another failure while running WebAssembly code. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(
    message: string,
    readonly funcIndex?: number,
    readonly offset?: number,
  ) {
    super(CompileError.describe(message, offset, funcIndex));
    this.reason = message;
  }
  readonly reason: string;
}
// #endregion errors

/** Prefix of the message for modules that use a proposal we do not implement yet. */
export const UNSUPPORTED_FEATURE = 'unsupported feature';

export function unsupported(proposal: string, offset?: number): CompileError {
  return new CompileError(`${UNSUPPORTED_FEATURE}: ${proposal}`, offset);
}
