// The contract between the code generator and the runtime: VMContext layout, pinned
// registers, the internal calling convention, trap codes, the compiled-module shape.
// Browser-safe: no koffi, no fs. See README.md in this folder for the prose version.

export * from './trapCodes.ts';
export * from './callingConvention.ts';
export * from './registers.ts';
export * from './vmContext.ts';
export * from './values.ts';
export * from './cpuFeatures.ts';
export * from './exceptions.ts';
export * from './typeChecks.ts';
export * from './returnThunks.ts';
export type * from './compiledModule.ts';
