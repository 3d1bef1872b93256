// How every exercise is tested. An exercise lists its checks once, as data; this file turns them
// into three groups of vitest tests:
//
//   exercises/NN-topic > your solution        the starter file (skipped while it throws NotImplemented)
//   exercises/NN-topic > the checks are sound  the reference solution passes every check, and each
//                                              deliberately wrong solution fails at least one
//
// With LIGHTBEAM_EXERCISES=reference, "your solution" runs the reference instead, so CI can
// show every exercise is solvable with the tests exactly as a reader runs them.
import { afterAll, describe, test } from 'vitest';
import { isNotImplemented } from './notImplemented.ts';

export interface Check<Impl> {
  name: string;
  run(impl: Impl): void | Promise<void>;
}

export interface Exercise<Impl> {
  /** The exercise's folder from the repository root, e.g. 'exercises/02-leb128'. */
  dir: string;
  checks: readonly Check<Impl>[];
  /** The reader's file (the starter until they edit it). */
  solution: () => Promise<Impl>;
  /** A solution built on the real compiler. */
  reference: () => Promise<Impl>;
  /** Plausible but wrong solutions, each with the mistake it makes; the checks must catch every one. */
  wrong: () => Promise<Record<string, Impl>>;
  /** Why the exercise cannot run on this machine (e.g. it needs x86-64 Linux), or undefined if it can. */
  unavailable?: () => string | undefined;
}

export const referenceMode = process.env.LIGHTBEAM_EXERCISES === 'reference';

/**
 * Wraps every function of `impl` to notice NotImplemented, even when a check catches it
 * (as `expect(() => f()).toThrow(...)` does), so an untouched function reads as "not started".
 */
function watch<Impl>(impl: Impl): { impl: Impl; touchedUnwritten: () => boolean } {
  let unwritten = false;
  const wrapped = new Proxy(impl as object, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = value.apply(target, args);
          if (result instanceof Promise) {
            return result.catch((e: unknown) => {
              if (isNotImplemented(e)) unwritten = true;
              throw e;
            });
          }
          return result;
        } catch (e) {
          if (isNotImplemented(e)) unwritten = true;
          throw e;
        }
      };
    },
  }) as Impl;
  return { impl: wrapped, touchedUnwritten: () => unwritten };
}

/** Runs one check; returns the error it failed with (undefined if it passed) and whether it met unwritten code. */
async function attempt<Impl>(check: Check<Impl>, impl: Impl): Promise<{ failure: unknown; unwritten: boolean }> {
  const watched = watch(impl);
  try {
    await check.run(watched.impl);
    return { failure: undefined, unwritten: watched.touchedUnwritten() };
  } catch (e) {
    return { failure: e ?? new Error('threw a nullish value'), unwritten: watched.touchedUnwritten() || isNotImplemented(e) };
  }
}

/** Puts the exercise's name and task in front of a failure, keeping the assertion's diff. */
function pointToExercise(e: unknown, dir: string, check: string): unknown {
  if (e instanceof Error) {
    e.message = `${dir}: ${check}\n${e.message}\n(the task and hints: ${dir}/README.md)`;
    return e;
  }
  return new Error(`${dir}: ${check}: ${String(e)}`);
}

export function defineExercise<Impl>(exercise: Exercise<Impl>): void {
  const { dir, checks } = exercise;
  const unavailable = exercise.unavailable?.();
  if (unavailable !== undefined) {
    describe(dir, () => test.skip(`cannot run on this machine: ${unavailable}`, () => {}));
    return;
  }
  describe(dir, () => {
    describe(referenceMode ? 'your solution (LIGHTBEAM_EXERCISES=reference: the reference solution)' : 'your solution', () => {
      let notStarted = 0;
      afterAll(() => {
        // The default reporter only counts skips; say in words what they mean.
        if (notStarted === checks.length) console.info(`not started: ${dir} (task: ${dir}/README.md)`);
        else if (notStarted > 0) console.info(`${dir}: ${notStarted} of ${checks.length} checks not started yet`);
      });
      for (const check of checks) {
        test(check.name, async (ctx) => {
          const impl = await (referenceMode ? exercise.reference() : exercise.solution());
          const { failure, unwritten } = await attempt(check, impl);
          // Unwritten code is "not started" even when the check passes: `expect(f).toThrow()` is met by NotImplemented too.
          if (unwritten && !referenceMode) {
            notStarted++;
            ctx.skip(`not started: ${dir}`);
          }
          if (failure === undefined) return;
          throw pointToExercise(failure, dir, check.name);
        });
      }
    });

    describe('the checks are sound', () => {
      test('the reference solution passes every check', async () => {
        const impl = await exercise.reference();
        for (const check of checks) {
          const { failure } = await attempt(check, impl);
          if (failure !== undefined) throw pointToExercise(failure, dir, `reference fails "${check.name}"`);
        }
      });

      test('every deliberately wrong solution fails at least one check', async () => {
        const wrong = await exercise.wrong();
        const names = Object.keys(wrong);
        if (names.length === 0) throw new Error(`${dir}: no wrong solutions to test the checks with`);
        for (const name of names) {
          let caught = false;
          for (const check of checks) {
            const { failure, unwritten } = await attempt(check, wrong[name]!);
            if (failure !== undefined && !unwritten) {
              caught = true;
              break;
            }
          }
          if (!caught) throw new Error(`${dir}: the checks pass a wrong solution (${name}); add a check that catches it`);
        }
      });
    });
  });
}

/** For `unavailable`: why checks that run Lightbeam's code natively cannot run here, or undefined on x86-64 Linux. */
export function needsNativeX64(what: string): string | undefined {
  return process.platform === 'linux' && process.arch === 'x64' ? undefined : `${what}, which needs x86-64 Linux; this is ${process.platform}/${process.arch}`;
}
