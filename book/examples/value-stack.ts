// Chapter 6's example: tiny functions, each showing one kind of value location paying off,
// compiled by Lightbeam when the page is built. Only the body between prologue and epilogue
// matters here, but the whole listing is shown, so nothing is hidden.
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions, formatFunction } from '../../compiler/codegen/listing.ts';
import { loadIced } from '../../compiler/x64/index.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

// #region value-stack-cases
const cases: [what: string, func: string][] = [
  ['two constants: folded, nothing computed at run time',
    '(func (result i32) (i32.add (i32.const 2) (i32.const 3)))'],
  ['a constant operand: an immediate',
    '(func (param i32) (result i32) (i32.mul (local.get 0) (i32.const 10)))'],
  ['two locals: read where they live, no copies',
    '(func (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))'],
  ['a local plus a constant: one lea',
    '(func (param i32) (result i32) (i32.add (local.get 0) (i32.const 100)))'],
  ['a comparison feeding an if: the flags go straight to the jump',
    '(func (param i32 i32) (result i32) (if (result i32) (i32.lt_s (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))'],
  ['a comparison as a value: the flags become 0 or 1 only now',
    '(func (param i32 i32) (result i32) (i32.lt_s (local.get 0) (local.get 1)))'],
  ['a local written while its old value waits on the stack',
    '(func (param i32) (result i32) (local.get 0) (local.set 0 (i32.const 7)) (local.get 0) (i32.add))'],
];
// #endregion value-stack-cases

export async function example(): Promise<Output[]> {
  await loadIced();
  const out: Output[] = [];
  for (const [what, func] of cases) {
    const wasm = await watToWasm(`(module ${func})`, { name: 'case.wat' });
    const [listed] = listFunctions(compileModule(wasm, { notes: true }));
    const text = formatFunction(listed!).split('\n').slice(1).join('\n'); // drop the ";; function 0" line
    out.push({ kind: 'asm', title: what, listing: `;; ${func}\n${text}` });
  }
  return out;
}
