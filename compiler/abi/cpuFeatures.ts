// The optional x86-64 features generated code may use. The baseline (always assumed) is
// x86-64 with SSE4.1 and POPCNT; the rest are used only when the runtime found them with CPUID
// (compiler/runtime/cpuFeatures.ts), with fallbacks otherwise. Browser-safe: plain data, so the
// playground can compile for either set.

// #region cpu-features
export interface CpuFeatures {
  readonly sse41: boolean;
  readonly popcnt: boolean;
  /** lzcnt (ABM). */
  readonly lzcnt: boolean;
  /** tzcnt, andn, blsr... */
  readonly bmi1: boolean;
  /** shlx, shrx, sarx, rorx... */
  readonly bmi2: boolean;
  /** AVX, with the OS saving ymm state. */
  readonly avx: boolean;
  readonly avx2: boolean;
}

/** What every machine that runs our code has: the code generator's fallback set. */
export const BASELINE_FEATURES: CpuFeatures = {
  sse41: true, popcnt: true, lzcnt: false, bmi1: false, bmi2: false, avx: false, avx2: false,
};
// #endregion cpu-features
