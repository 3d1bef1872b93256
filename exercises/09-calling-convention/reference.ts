// The reference solution is the compiler's own signatureLayout, with register ids turned into names.
import { signatureLayout, type ArgLocation, type ResultLocation } from '../../compiler/abi/index.ts';
import { Reg } from '../../compiler/abi/registers.ts';
import { ValType } from '../../compiler/binary/types.ts';
import type { Layout, TypeName, Where } from './layout.ts';

const NAMES = Object.fromEntries(Object.entries(Reg).map(([name, id]) => [id, name]));
const TYPES: Record<TypeName, ValType> = { i32: ValType.i32, i64: ValType.i64, f32: ValType.f32, f64: ValType.f64, funcref: ValType.funcref, externref: ValType.externref };

const where = (l: ArgLocation): Where => (l.kind === 'stack' ? { stack: l.offset } : NAMES[l.reg]!);
const result = (l: ResultLocation): string | { area: number } => (l.kind === 'returnArea' ? { area: l.offset } : NAMES[l.reg]!);

export function layout(params: readonly TypeName[], results: readonly TypeName[]): Layout {
  const l = signatureLayout({ params: params.map((t) => TYPES[t]), results: results.map((t) => TYPES[t]) });
  return {
    params: l.params.map(where),
    returnArea: l.returnAreaPointer ? where(l.returnAreaPointer) : null,
    results: l.results.map(result),
    stackBytes: l.stackBytes,
  };
}
