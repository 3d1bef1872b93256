// GC's recursion groups of final function types, the part of GC that compiles: types equal in
// structure but in different places of their groups are different types, to call_indirect and
// to imports of functions and tags; equal groups in two modules are the same types.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModule } from '../codegen/moduleCompiler.ts';
import { LinkError, RuntimeError } from '../errors.ts';
import { textVerdicts, type TextVerdicts } from '../wast/node/textVerdicts.ts';
import { Instance } from './instance.ts';

let text: TextVerdicts;
beforeAll(async () => {
  text = await textVerdicts();
});
const instantiate = (source: string, imports: object = {}) => new Instance(compileModule(text.parse(source)), imports as never);

const GROUP = '(rec (type $t1 (func (result i32))) (type $t2 (func (result i32))) (type $u1 (func (param i32))) (type $u2 (func (param i32))))';

describe('recursion groups of final function types', () => {
  it('call_indirect tells apart two members of one group, though their signatures are equal', () => {
    const e = instantiate(`(module ${GROUP}
      (table 2 funcref) (elem (i32.const 0) $f $g)
      (func $f (type $t1) (i32.const 1)) (func $g (type $t2) (i32.const 2))
      (func (export "call1") (param i32) (result i32) (call_indirect (type $t1) (local.get 0))))`).exports as Record<string, (i: number) => number>;
    expect(e.call1!(0)).toBe(1);
    expect(() => e.call1!(1)).toThrow(RuntimeError);
    expect(() => e.call1!(1)).toThrow('indirect call type mismatch');
  });
  it('links a function or tag of an equal group of another module, not one of another member or group', () => {
    const lib = instantiate(`(module ${GROUP}
      (func (export "f") (type $t1) (i32.const 7)) (tag (export "tag") (type $u1)))`).exports;
    const imports = { m: lib };
    expect(() => instantiate(`(module ${GROUP} (import "m" "f" (func (type $t1))) (import "m" "tag" (tag (type $u1))))`, imports)).not.toThrow();
    expect(() => instantiate(`(module ${GROUP} (import "m" "f" (func (type $t2))))`, imports)).toThrow(LinkError);
    expect(() => instantiate(`(module ${GROUP} (import "m" "tag" (tag (type $u2))))`, imports)).toThrow(LinkError);
    expect(() => instantiate('(module (import "m" "f" (func (result i32))))', imports)).toThrow(LinkError);
    expect(() => instantiate('(module (type $t (func (param i32))) (import "m" "tag" (tag (type $t))))', imports)).toThrow(LinkError);
  });
  it('compiles struct and array types in a group, and the any hierarchy', () => {
    expect(() => compileModule(text.parse('(module (rec (type (func)) (type (struct))))'))).not.toThrow();
    expect(() => compileModule(text.parse('(module (type (func (param anyref))))'))).not.toThrow();
  });
});

const CHAIN = `(type $shape (sub (func (result i32))))
  (type $circle (sub $shape (func (result i32))))
  (type $disc (sub final $circle (func (result i32))))
  (type $other (sub final (func (result i32))))`; // not $shape: final

describe('declared supertypes of function types', () => {
  it('call_indirect through a type that is not final takes its subtypes, down any depth, and nothing else', () => {
    const e = instantiate(`(module ${CHAIN}
      (table 4 funcref) (elem (i32.const 0) $s $c $d $o)
      (func $s (type $shape) (i32.const 1)) (func $c (type $circle) (i32.const 2))
      (func $d (type $disc) (i32.const 3)) (func $o (type $other) (i32.const 4))
      (func (export "shape") (param i32) (result i32) (call_indirect (type $shape) (local.get 0)))
      (func (export "circle") (param i32) (result i32) (call_indirect (type $circle) (local.get 0))))`).exports as Record<string, (i: number) => number>;
    expect([0, 1, 2].map((i) => e.shape!(i))).toEqual([1, 2, 3]);
    expect(() => e.shape!(3)).toThrow('indirect call type mismatch');
    expect(e.circle!(2)).toBe(3);
    expect(() => e.circle!(0)).toThrow('indirect call type mismatch');
  });
  it('return_call_indirect walks the chain as call_indirect does, arguments in place', () => {
    const e = instantiate(`(module
      (type $op (sub (func (param i32 i32) (result i32))))
      (type $sub (sub $op (func (param i32 i32) (result i32))))
      (type $other (func (param i32 i32) (result i32)))
      (table 2 funcref) (elem (i32.const 0) $minus $plus)
      (func $minus (type $sub) (i32.sub (local.get 0) (local.get 1)))
      (func $plus (type $other) (i32.add (local.get 0) (local.get 1)))
      (func (export "tail") (param i32 i32 i32) (result i32)
        (return_call_indirect (type $op) (local.get 1) (local.get 2) (local.get 0))))`).exports as Record<string, (...a: number[]) => number>;
    expect(e.tail!(0, 10, 3)).toBe(7);
    expect(() => e.tail!(1, 10, 3)).toThrow('indirect call type mismatch');
  });
  it('imports a function of a subtype, not of a supertype; JS hands a (ref $shape) any subtype\'s function', () => {
    const lib = instantiate(`(module ${CHAIN}
      (func (export "disc") (type $disc) (i32.const 3)) (func (export "shape") (type $shape) (i32.const 1)))`).exports;
    const imports = { m: lib };
    expect(() => instantiate(`(module ${CHAIN} (import "m" "disc" (func (type $shape))))`, imports)).not.toThrow();
    expect(() => instantiate(`(module ${CHAIN} (import "m" "shape" (func (type $circle))))`, imports)).toThrow(LinkError);
    const e = instantiate(`(module ${CHAIN}
      (func (export "call") (param (ref $shape)) (result i32) (call_ref $shape (local.get 0))))`).exports as Record<string, (f: unknown) => number>;
    expect(e.call!((lib as Record<string, unknown>).disc)).toBe(3);
    const narrow = instantiate(`(module ${CHAIN}
      (func (export "call") (param (ref $circle)) (result i32) (call_ref $circle (local.get 0))))`).exports as Record<string, (f: unknown) => number>;
    expect(() => narrow.call!((lib as Record<string, unknown>).shape)).toThrow(TypeError);
  });
});
