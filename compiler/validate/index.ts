// The front half's public face: decode and validate a module, whole or streamed,
// optionally driving a code generator through the same single pass.

import type { ModuleInfo } from '../binary/types.ts';
import type { CodeGenerator } from './codegenInterface.ts';
import { StreamingValidator, type ValidateOptions } from './streamingValidator.ts';

export type { ModuleInfo } from '../binary/types.ts';
export type { CodeGenerator, ControlFrame, FunctionContext } from './codegenInterface.ts';
export { NoopCodeGenerator, FrameKind, labelTypes } from './codegenInterface.ts';
export { StreamingValidator, type ValidateOptions } from './streamingValidator.ts';

// #region validate-api
/**
 * Decode and validate a whole module. Throws CompileError (with byte offset and function index).
 * Data segments in the result are views of `bytes`: do not modify `bytes` while you use them.
 */
export function validateModule(bytes: Uint8Array, codegen?: CodeGenerator, options?: ValidateOptions): ModuleInfo {
  return StreamingValidator.validateWhole(bytes, codegen, options);
}

/**
 * Decode and validate a module as its bytes arrive (like WebAssembly.compileStreaming):
 * sections and function bodies are processed as soon as each is complete.
 */
export async function validateStreaming(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  codegen?: CodeGenerator,
): Promise<ModuleInfo> {
  const v = new StreamingValidator(codegen);
  for await (const chunk of chunks) v.push(chunk);
  return v.finish();
}
// #endregion validate-api
