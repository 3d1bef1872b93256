// compiler/runtime: runs generated code natively inside Node (x86-64 Linux only; see README.md).
// Importing this module loads nothing native: koffi is loaded on first use, and off x86-64 Linux
// that first use throws "running generated code needs x86-64 Linux; this is <platform>/<arch>".

export { Instance, invokeBits, toBits, fromBits, typeIdOf, wasmFunctionInfo, type ImportObject, type ExportValue } from './instance.ts';
export { LinearMemory, WASM_PAGE_SIZE, MAX_PAGES_32 } from './linearMemory.ts';
export { Table, Global, MAX_TABLE_LENGTH } from './tableAndGlobal.ts';
export { CodeMemory } from './codeMemory.ts';
export { getRuntime, Runtime } from './runtime.ts';
export { callWasm, hostFunctionHandler } from './calls.ts';
export { cpuFeatures } from './cpuFeatures.ts';
export { assertNativeSupported, UnsupportedPlatformError } from './native.ts';
