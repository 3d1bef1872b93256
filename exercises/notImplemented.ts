// The starter files' placeholder. A function that still throws this is "not started", and the
// exercise's tests are reported as skipped instead of failed.

export class NotImplemented extends Error {
  override name = 'NotImplemented';
  constructor(what: string) {
    super(`not implemented yet: ${what}`);
  }
}

/** Call this from a function you have not written yet: `return notImplemented('readU32')`. */
export function notImplemented(what: string): never {
  throw new NotImplemented(what);
}

export function isNotImplemented(e: unknown): boolean {
  return e instanceof NotImplemented || (e instanceof Error && e.name === 'NotImplemented');
}
