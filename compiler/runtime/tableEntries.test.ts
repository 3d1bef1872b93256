// A growable table's BASE and LENGTH live in every VMContext that uses it (compiler/abi: TABLE):
// growth from JS, from the defining instance's code or from an importer's, moving the element
// array, must reach every instance's copy.
import { describe, expect, it } from 'vitest';
import { TABLE } from '../abi/index.ts';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { Instance } from './instance.ts';
import { getNative } from './native.ts';
import type { Table } from './tableAndGlobal.ts';

const native = process.platform === 'linux' && process.arch === 'x64';

const USES = `
  (type $k (func (result i32)))
  (func $seven (type $k) i32.const 7)
  (elem declare func $seven)
  (func (export "size") (result i32) table.size $t)
  (func (export "grow") (param i32) (result i32) ref.null func local.get 0 table.grow $t)
  (func (export "put") (param i32) local.get 0 ref.func $seven table.set $t)
  (func (export "has") (param i32) (result i32) local.get 0 table.get $t ref.is_null i32.eqz)
  (func (export "call") (param i32) (result i32) local.get 0 call_indirect $t (type $k))`;
const DEFINES = `(module (table $t (export "t") 1 funcref) ${USES})`;
const IMPORTS = `(module (import "m" "t" (table $t 1 funcref)) ${USES})`;

type Fn = (...args: number[]) => number;
const fns = (i: Instance) => i.exports as unknown as Record<'size' | 'grow' | 'put' | 'has' | 'call', Fn>;

/** The BASE and LENGTH an instance's VMContext holds for its table 0. */
function entry(i: Instance): { base: number; length: number } {
  const view = new DataView(getNative().view(i.vmctx + i.layout.table(0), TABLE.SIZE));
  return { base: Number(view.getBigUint64(TABLE.BASE, true)), length: view.getUint32(TABLE.LENGTH, true) };
}

describe.runIf(native)('a growable table shared by instances', () => {
  it('keeps every instance\'s copy of BASE and LENGTH current as it grows and moves', async () => {
    const a = new Instance(compileModule(await watToWasm(DEFINES)));
    const table = a.exports.t as Table;
    const importer = compileModule(await watToWasm(IMPORTS));
    const b = new Instance(importer, { m: { t: table } });
    const c = new Instance(importer, { m: { t: table } });
    const all = [a, b, c];
    const check = (length: number) => {
      for (const i of all) {
        expect(entry(i)).toEqual({ base: table.elementsAddress, length });
        expect(fns(i).size!()).toBe(length);
      }
    };
    check(1);
    const first = table.elementsAddress;

    // From JS, past the first array's capacity: the array moves.
    expect(table.grow(3000)).toBe(1);
    expect(table.elementsAddress).not.toBe(first);
    check(3001);
    fns(b).put!(3000);
    for (const i of all) expect(fns(i).call!(3000)).toBe(7);

    // From an importer's code, and from the definer's.
    const second = table.elementsAddress;
    expect(fns(c).grow!(20_000)).toBe(3001);
    expect(table.elementsAddress).not.toBe(second);
    check(23_001);
    expect(fns(a).grow!(5)).toBe(23_001);
    check(23_006);
    fns(a).put!(23_005);
    for (const i of all) {
      expect(fns(i).call!(3000)).toBe(7); // copied across the moves
      expect(fns(i).has!(23_005)).toBe(1);
      expect(fns(i).call!(23_005)).toBe(7);
      expect(() => fns(i).call!(23_006)).toThrow(/undefined element|out of bounds/);
    }
  });
});
