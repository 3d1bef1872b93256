// Extended constant expressions, from WAT to an instance: the validator's typing and the values
// they give globals, data offsets and element offsets, wrapping as the wasm operators do.
import { describe, expect, it } from 'vitest';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { validateModule } from '../validate/index.ts';
import { reasonOf } from '../validate/testSupport.ts';
import { evalExtendedConst } from './extendedConst.ts';
import { Instance } from './instance.ts';
import type { Global, Table } from './tableAndGlobal.ts';

const MODULE = `(module
  (import "env" "a" (global $a i32))
  (import "env" "b" (global $b i64))
  (memory (export "mem") 1)
  (table (export "tab") 8 funcref)
  (func $f (result i32) (i32.const 7))
  (global (export "wrap32") i32 (i32.mul (i32.const 0x10000) (i32.add (i32.const 0x10000) (i32.const 1))))
  (global (export "neg32") i32 (i32.sub (i32.const 0) (global.get $a)))
  (global (export "wrap64") i64 (i64.add (i64.mul (global.get $b) (i64.const 0x100000000)) (i64.const -1)))
  (global (export "min64") i64 (i64.sub (i64.const 0x8000000000000000) (i64.const 1)))
  (data (i32.add (global.get $a) (i32.mul (i32.const 4) (i32.const 2))) "xy")
  (elem (i32.sub (global.get $a) (i32.const 2)) $f))`;

describe('extended constant expressions', () => {
  it('evaluates in postfix order, each operator wrapping to its width', () => {
    const g = (i: number) => [5, -3n][i];
    expect(evalExtendedConst([{ op: 'i32.const', value: 10 }, { op: 'global.get', global: 0 }, { op: 'i32.sub' }], g)).toBe(5n);
    expect(evalExtendedConst([{ op: 'i32.const', value: 0x7fffffff }, { op: 'i32.const', value: 1 }, { op: 'i32.add' }], g)).toBe(-0x80000000n);
    expect(evalExtendedConst([{ op: 'global.get', global: 1 }, { op: 'i64.const', value: 1n << 62n }, { op: 'i64.mul' }], g)).toBe(1n << 62n);
  });

  // (wabt reads extended constants but its validator refuses them: ours checks the module.)
  it.runIf(process.arch === 'x64' && process.platform === 'linux')('initializes globals, data and elements at instantiation', async () => {
    const instance = new Instance(compileModule(await watToWasm(MODULE, { validate: false })), { env: { a: 3, b: 0x1_0000_0001n } });
    const exports = instance.exports as Record<string, Global>;
    expect(exports.wrap32!.value).toBe(0x10000);
    expect(exports.neg32!.value).toBe(-3);
    expect(exports.wrap64!.value).toBe(0x1_0000_0000n - 1n);
    expect(exports.min64!.value).toBe(0x7fffffffffffffffn);
    const mem = new Uint8Array(instance.memory!.arrayBuffer);
    expect(String.fromCharCode(mem[11]!, mem[12]!)).toBe('xy');
    expect(mem[10]).toBe(0);
    const tab = instance.exports.tab as Table;
    expect(tab.getRaw(1)).not.toBe(0);
    expect(tab.getRaw(0)).toBe(0);
  });

  it('types the operands: two of the operator\'s type, globals immutable', async () => {
    const reason = async (global: string) => {
      const bytes = await watToWasm(`(module (import "env" "a" (global $a i32)) (import "env" "m" (global $m (mut i32))) ${global})`, { validate: false });
      return reasonOf(() => validateModule(bytes));
    };
    expect(await reason('(global i32 (i32.add (global.get $a) (i32.const 1)))')).toBe('no error');
    expect(await reason('(global i32 (i32.add (i64.const 1) (i64.const 2)))')).toBe('type mismatch');
    expect(await reason('(global i32 (i32.add (i32.const 1) (i64.const 2)))')).toBe('type mismatch');
    expect(await reason('(global i64 (i32.add (i32.const 1) (i32.const 2)))')).toBe('type mismatch');
    expect(await reason('(global i64 (i64.mul (f64.const 1) (i64.const 2)))')).toBe('type mismatch');
    expect(await reason('(global i32 (i32.add (global.get $m) (i32.const 1)))')).toBe('constant expression required');
    expect(await reason('(global i32 (i32.add (global.get 5) (i32.const 1)))')).toBe('unknown global 5');
    expect(await reason('(memory 1) (data (i64.add (i64.const 1) (i64.const 2)) "")')).toBe('type mismatch');
  });
});

describe('constant global.get of the module\'s own globals (GC\'s extension)', () => {
  it('reads an immutable global defined before, in globals, data and element offsets; never a later or a mutable one', async () => {
    const inst = new Instance(compileModule(await watToWasm(`(module
      (memory (export "mem") 1)
      (table 4 funcref) (func $f)
      (global $base i32 (i32.const 8))
      (global (export "next") i32 (i32.add (global.get $base) (i32.const 1)))
      (data (global.get $base) "z")
      (elem (i32.sub (global.get $base) (i32.const 6)) $f))`, { validate: false })), {});
    expect((inst.exports.next as Global).value).toBe(9);
    expect(new Uint8Array((inst.exports.mem as unknown as { buffer: ArrayBuffer }).buffer)[8]).toBe('z'.charCodeAt(0));
    const verdict = async (globals: string) => {
      const bytes = await watToWasm(`(module ${globals})`, { validate: false });
      return reasonOf(() => validateModule(bytes));
    };
    expect(await verdict('(global i32 (global.get 1)) (global i32 (i32.const 1))')).toBe('unknown global 1');
    expect(await verdict('(global (mut i32) (i32.const 1)) (global i32 (global.get 0))')).toBe('constant expression required');
  });
});
