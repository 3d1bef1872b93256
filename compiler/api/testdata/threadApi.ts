// One entry for testdata/threadWorker.mjs to load (each tsImport loads its own copy of what it reaches).
export * from '../index.ts';
export { decodeMessage, encodeMessage, installThreadMessages } from '../threadMessages.ts';
