// Freeing native memory of dead objects without waiting for the event loop.
//
// Instances, memories, tables and code are unmapped by FinalizationRegistry callbacks, and V8 runs
// those only between tasks: a synchronous loop that instantiates 100,000 modules would keep every
// mapping (4 GiB of address space per memory, several mappings per instance) until it ends, and
// hit the kernel's limit of 65,530 mappings, or the 128 TiB of address space, long before.
// V8 frees its own ArrayBuffers during GC; we get the same effect by asking, when our mappings pass
// a budget: (1) end the "kept alive during this job" set of WeakRef targets (a microtask
// checkpoint of a vm context with its own queue does it), (2) run a full GC, (3) run the
// registries' pending callbacks now (`cleanupSome`). The GC and cleanupSome come from V8 flags
// set for a moment while a private vm context is created (--expose-gc and
// --harmony-weak-refs-with-cleanup-some); where that is not possible (another V8), nothing is
// reclaimed early and the registries work as before.

import v8 from 'node:v8';
import vm from 'node:vm';

type Registry<T> = FinalizationRegistry<T> & { cleanupSome?: (callback?: (held: T) => void) => void };

interface Tools {
  Registry: typeof FinalizationRegistry;
  gc?: () => void;
  clearKept?: () => void;
}

function setUp(): Tools {
  try {
    v8.setFlagsFromString('--expose-gc');
    v8.setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
    const context = vm.createContext({});
    const Registry = vm.runInContext('FinalizationRegistry', context) as typeof FinalizationRegistry;
    const gc = vm.runInContext('gc', context) as () => void;
    v8.setFlagsFromString('--no-expose-gc');
    v8.setFlagsFromString('--no-harmony-weak-refs-with-cleanup-some');
    const checkpoint = vm.createContext({}, { microtaskMode: 'afterEvaluate' });
    const nothing = new vm.Script('0');
    const clearKept = () => void nothing.runInContext(checkpoint);
    if (typeof (Registry.prototype as Registry<unknown>).cleanupSome !== 'function' || typeof gc !== 'function') {
      return { Registry: FinalizationRegistry };
    }
    return { Registry, gc, clearKept };
  } catch {
    return { Registry: FinalizationRegistry };
  }
}

let tools: Tools | undefined;
const registries: Registry<never>[] = [];

// #region native-registry
/** A FinalizationRegistry whose pending callbacks reclaim() can run synchronously. */
export function nativeRegistry<T>(cleanup: (held: T) => void): FinalizationRegistry<T> {
  tools ??= setUp();
  const registry = new tools.Registry<T>(cleanup) as Registry<T>;
  registries.push(registry as Registry<never>);
  return registry;
}
// #endregion native-registry

/** What the runtime has mapped and not unmapped (native.ts counts it). */
export const mapped = { mappings: 0, bytes: 0 };
/** How often reclaim() ran, and how long it took in all (for bench/instantiate-loop.ts). */
export const reclaimStats = { runs: 0, ms: 0 };

// Budgets: room for what is really alive, while staying far below the kernel's 65,530 mappings
// (a mapping of ours can be split in two by mprotect) and the 128 TiB of user address space.
// LIGHTBEAM_MAPPING_BUDGET lowers it (the tests do, to see reclaiming in a short loop).
const MAPPING_BUDGET = Number(process.env.LIGHTBEAM_MAPPING_BUDGET) || 12_000;
const BYTES_BUDGET = 16 * 2 ** 40;
let nextMappings = MAPPING_BUDGET;
let nextBytes = BYTES_BUDGET;
/** Says whether reclaiming is safe now (the runtime: no wasm activation is suspended). */
let safeNow: () => boolean = () => true;
export function setReclaimGuard(guard: () => boolean): void {
  safeNow = guard;
}
/**
 * Run before each reclaim's collections (the runtime's: forget its last call-out handler, kept only
 * for speed, and collect externref handles, so that objects only closed instances hold are weak).
 */
let prelude: () => void = () => {};
export function setReclaimPrelude(run: () => void): void {
  prelude = run;
}

// #region reclaim
/** Called before each new mapping: reclaim dead objects' mappings if we are over budget. */
export function beforeMapping(bytes: number): void {
  if (mapped.mappings + 1 <= nextMappings && mapped.bytes + bytes <= nextBytes) return;
  if (safeNow()) reclaim();
  // What is still mapped is alive: let it grow before trying again (amortised: each GC frees
  // or doubles the room).
  nextMappings = Math.max(MAPPING_BUDGET, 2 * mapped.mappings);
  nextBytes = Math.max(BYTES_BUDGET, 2 * mapped.bytes);
}

/** Free now what the registries would free later. Returns whether it could. */
export function reclaim(): boolean {
  tools ??= setUp();
  if (!tools.gc || !tools.clearKept) return false;
  const t0 = performance.now();
  prelude();
  // Twice: an instance's callback drops the last reference to its memory, whose own callback
  // needs a second collection.
  for (let round = 0; round < 2; round++) {
    collectGarbage();
    for (const r of registries) r.cleanupSome!();
  }
  reclaimStats.runs++;
  reclaimStats.ms += performance.now() - t0;
  return true;
}
// #endregion reclaim

/** End the "kept during this job" set of WeakRef targets, then a full GC. Returns whether it could. */
export function collectGarbage(): boolean {
  tools ??= setUp();
  const { gc, clearKept } = tools;
  if (!gc || !clearKept) return false;
  clearKept();
  gc();
  return true;
}
