// Test-only (Node): shrink a module that shows a finding, keeping each edit only while `test` says
// the finding is still there. Two kinds of edits, in rounds until nothing more is kept or time runs
// out:
// - structural, through binaryen.js (for modules it can read): drop one export, replace one
//   function's body by `unreachable`, or run one of binaryen's simplifying passes (dead code,
//   unused functions and globals, constant folding, local simplification);
// - bytes (for anything, such as an invalid mutant): delete a chunk, from large chunks to single
//   bytes.

type Test = (bytes: Uint8Array) => Promise<boolean>;

export interface Reduced { readonly bytes: Uint8Array; readonly attempts: number; readonly accepted: number }

type Binaryen = typeof import('binaryen').default;
type BinaryenModule = InstanceType<Binaryen['Module']>;
let binaryenLoading: Promise<Binaryen> | undefined;
const loadBinaryen = () => (binaryenLoading ??= import('binaryen').then((m) => m.default));

/** WebAssembly 2.0 (Features.All would switch on encodings only newer engines read, such as compact imports). */
const features2 = (b: Binaryen) => b.Features.MutableGlobals | b.Features.NontrappingFPToInt | b.Features.BulkMemory | b.Features.SignExt |
  b.Features.ReferenceTypes | b.Features.Multivalue | b.Features.BulkMemoryOpt | b.Features.CallIndirectOverlong | b.Features.SIMD128;

/** binaryen's CustomDescriptors feature bit, which binaryen.js 132 has no name for (wasm-features.h). */
const CUSTOM_DESCRIPTORS = 1 << 21;

/** For GC modules (the binaryen-gc source): 2.0 with tail calls, GC, exception handling and custom descriptors. */
const featuresGc = (b: Binaryen) => features2(b) | b.Features.TailCall | b.Features.GC | b.Features.ExceptionHandling | b.Features.Atomics |
  CUSTOM_DESCRIPTORS;

/** binaryen.js reads a module with its default features unless told (GC's rec groups need GC on). */
const readModule = (b: Binaryen, bytes: Uint8Array, gc: boolean): BinaryenModule =>
  gc ? (b.readBinary as (d: Uint8Array, f?: number) => BinaryenModule)(bytes, featuresGc(b)) : b.readBinary(bytes);

const PASSES = [
  'remove-unused-module-elements', 'dce', 'vacuum', 'remove-unused-brs', 'merge-blocks', 'precompute',
  'simplify-locals', 'coalesce-locals', 'optimize-instructions', 'reorder-locals', 'remove-unused-names',
];

/** Structural candidates for `bytes`, one edit each, made lazily. */
function* structuralEdits(b: Binaryen, bytes: Uint8Array, gc: boolean): Generator<() => Uint8Array | undefined> {
  const edit = (change: (m: BinaryenModule) => boolean) => (): Uint8Array | undefined => {
    let m: BinaryenModule | undefined;
    try {
      m = readModule(b, bytes, gc);
      m.setFeatures(gc ? featuresGc(b) : features2(b));
      if (!change(m)) return undefined;
      return m.emitBinary();
    } catch {
      return undefined;
    } finally {
      m?.dispose();
    }
  };
  let m: BinaryenModule;
  try {
    m = readModule(b, bytes, gc);
  } catch {
    return;
  }
  const exports = Array.from({ length: m.getNumExports() }, (_, i) => b.getExportInfo(m.getExportByIndex(i)).name);
  const funcs = Array.from({ length: m.getNumFunctions() }, (_, i) => b.getFunctionInfo(m.getFunctionByIndex(i)))
    .filter((f) => !f.module)
    .map((f) => f.name);
  m.dispose();
  for (const name of exports.reverse()) yield edit((mm) => { mm.removeExport(name); return true; });
  for (const name of funcs.reverse()) {
    yield edit((mm) => {
      const f = b.getFunctionInfo(mm.getFunction(name));
      if (b.getExpressionId(f.body) === b.UnreachableId) return false;
      mm.removeFunction(name);
      mm.addFunction(name, f.params, f.results, [], mm.unreachable());
      return true;
    });
  }
  for (const pass of PASSES) yield edit((mm) => { mm.runPasses([pass]); return true; });
}

/** Byte-deletion candidates: chunks of size n at every position, n halving down to 1. */
function* byteEdits(bytes: Uint8Array): Generator<() => Uint8Array | undefined> {
  for (let n = Math.max(1, bytes.length >> 2); n >= 1; n >>= 1) {
    for (let at = bytes.length - n; at >= 8; at -= n) {
      yield () => {
        const out = new Uint8Array(bytes.length - n);
        out.set(bytes.subarray(0, at));
        out.set(bytes.subarray(at + n), at);
        return out;
      };
    }
  }
}

// #region reduce
/** `gc`: the module uses GC (binaryen must keep GC's and exceptions' encodings when it writes it again). */
export async function reduceModule(bytes: Uint8Array, test: Test, deadline: number, gc = false): Promise<Reduced> {
  const b = await loadBinaryen();
  let attempts = 0, accepted = 0;
  let current = bytes;
  // Each round restarts the edit list on the current module after an edit is kept.
  for (const kind of ['structural', 'bytes'] as const) {
    let progress = true;
    while (progress && performance.now() < deadline) {
      progress = false;
      const edits = kind === 'structural' ? structuralEdits(b, current, gc) : byteEdits(current);
      for (const make of edits) {
        if (performance.now() >= deadline) break;
        const candidate = make();
        if (!candidate || candidate.length >= current.length && kind === 'bytes') continue;
        if (candidate.length > current.length) continue;
        if (candidate.length === current.length && candidate.every((x, i) => x === current[i])) continue;
        attempts++;
        if (await test(candidate)) {
          current = candidate;
          accepted++;
          progress = true;
          break;
        }
      }
    }
  }
  return { bytes: current, attempts, accepted };
}
// #endregion reduce
