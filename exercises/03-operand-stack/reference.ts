// The reference solution: write the body as a module (wabt assembles it without checking) and
// let Lightbeam's validator judge it.
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { validateModule } from '../../compiler/validate/index.ts';
import { CompileError } from '../../compiler/errors.ts';
import type { Op, ValType } from './operandStack.ts';

export function bodyToWat(params: readonly ValType[], results: readonly ValType[], body: readonly Op[]): string {
  const ops = body.map((op) => (op[0] === 'i32.const' || op[0] === 'i64.const' ? `${op[0]} 1` : op.join(' ')));
  return `(module (func (param ${params.join(' ')}) (result ${results.join(' ')}) ${ops.join(' ')}))`;
}

export async function checkBody(params: readonly ValType[], results: readonly ValType[], body: readonly Op[]): Promise<void> {
  const bytes = await watToWasm(bodyToWat(params, results, body), { name: 'body.wat', validate: false });
  try {
    validateModule(bytes);
  } catch (e) {
    if (e instanceof CompileError) throw new Error(e.reason);
    throw e;
  }
}
