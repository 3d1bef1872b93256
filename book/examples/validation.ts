// Chapter 3's trace of what the validator tells the code generator, operator by operator.
// (The chapter's small validators and their verdicts are in small-validator.ts.)
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { validateModule, NoopCodeGenerator, type CodeGenerator, type FunctionContext } from '../../compiler/validate/index.ts';
import { valTypeName } from '../../compiler/binary/types.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

export async function trace(): Promise<Output[]> {
  const wat = `(module (func $f (param $x i32) (result i32)
    (block $out (result i32)
      (br_if $out (i32.const 7) (local.get $x))
      (return (i32.const 1))
      (i32.add (i32.const 2) (i32.const 3)))))`;
  const bytes = await watToWasm(wat, { name: 'trace.wat' });
  // #region trace-codegen
  // A code generator that only writes down what it is told, with the operand-stack height.
  const lines: string[] = [];
  let fn: FunctionContext | undefined;
  const recorder = new Proxy(new NoopCodeGenerator(), {
    get(target, method: string) {
      return (...args: unknown[]) => {
        if (method === 'beginFunction') fn = args[0] as FunctionContext;
        const shown = args.slice(0, -1).map((a, i) =>
          typeof a === 'object' && a !== null && 'kind' in a
            ? `frame -> [${(a as unknown as { type: { results: number[] } }).type.results.map(valTypeName).join(' ')}]`
            : method.startsWith('local') && i === 1 ? valTypeName(a as number) : String(a),
        ); // the last argument, the byte offset, is left out
        if (method === 'beginModule' || method === 'endModule' || method === 'beginFunction') shown.length = 0;
        lines.push(`${method}(${shown.join(', ')})`.padEnd(24) + (fn ? `height ${fn.stackHeight()}` : ''));
        return (target as unknown as Record<string, (...a: unknown[]) => unknown>)[method]?.(...args);
      };
    },
  }) as CodeGenerator;
  validateModule(bytes, recorder);
  // #endregion trace-codegen
  return [{ kind: 'text', title: 'What the code generator is told, and the validator\'s operand-stack height at each call', text: lines.join('\n') }];
}
