// Push interface: feed chunks of any size, then finish(). (Implementation in progress.)
import { CompileError } from '../errors.ts';
import type { ModuleInfo } from '../binary/types.ts';
import type { CodeGenerator } from './codegenInterface.ts';

export class StreamingValidator {
  constructor(readonly codegen?: CodeGenerator) {}
  /** Feed the next bytes; throws CompileError as soon as a problem is seen. */
  push(_chunk: Uint8Array): void {
    throw new CompileError('validator not implemented yet');
  }
  /** The input has ended: check the module is complete and return what it declares. */
  finish(): ModuleInfo {
    throw new CompileError('validator not implemented yet');
  }
}
