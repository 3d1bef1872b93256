// Typed function references in the validator: subtyping, type equivalence, local initialization,
// br_on_null and br_on_non_null, call_ref, tables with initializers. The text is WebAssembly 3.0,
// which wabt cannot read: wasm-tools' parser assembles it.
import { beforeAll, describe, expect, it } from 'vitest';
import { asNonNull, concreteRef, isRefSubtype, REF_BOTTOM, storageType } from '../binary/refTypes.ts';
import { ValType } from '../binary/types.ts';
import { textVerdicts, type TextVerdicts } from '../wast/node/textVerdicts.ts';

let text: TextVerdicts;
beforeAll(async () => {
  text = await textVerdicts();
});
const verdict = (source: string) => text.verdict(source);

describe('reference subtyping (refTypes.ts)', () => {
  const funcref = ValType.funcref, externref = ValType.externref;
  const t0 = concreteRef(0, true), t1 = concreteRef(1, true);
  const nofunc = funcref | REF_BOTTOM;
  it('non-null <: nullable, $t <: func, bottom <: everything of its hierarchy, and no further', () => {
    expect(isRefSubtype(asNonNull(t0), t0)).toBe(true);
    expect(isRefSubtype(t0, asNonNull(t0))).toBe(false);
    expect(isRefSubtype(t0, funcref)).toBe(true);
    expect(isRefSubtype(asNonNull(t0), asNonNull(funcref))).toBe(true);
    expect(isRefSubtype(funcref, t0)).toBe(false);
    expect(isRefSubtype(t0, t1)).toBe(false);
    expect(isRefSubtype(nofunc, t0)).toBe(true);
    expect(isRefSubtype(nofunc, funcref)).toBe(true);
    expect(isRefSubtype(t0, nofunc)).toBe(false);
    expect(isRefSubtype(t0, externref)).toBe(false);
    expect(isRefSubtype(externref | REF_BOTTOM, externref)).toBe(true);
    expect(isRefSubtype(externref | REF_BOTTOM, funcref)).toBe(false);
  });
  it('a typed reference is stored as the 2.0 reference of its hierarchy', () => {
    expect(storageType(asNonNull(t1))).toBe(funcref);
    expect(storageType(asNonNull(externref))).toBe(externref);
    expect(storageType(nofunc)).toBe(funcref);
  });
});

describe('subtyping where values flow', () => {
  it('a (ref $t) goes where a funcref or (ref func) is wanted, not the other way', () => {
    const m = (param: string, want: string) => verdict(`(module (type $t (func))
      (func $g (param ${want})) (func (param ${param}) (call $g (local.get 0))))`);
    expect(m('(ref $t)', 'funcref')).toBe('valid');
    expect(m('(ref $t)', '(ref func)')).toBe('valid');
    expect(m('(ref null $t)', '(ref null func)')).toBe('valid');
    expect(m('(ref null $t)', '(ref $t)')).toBe('type mismatch');
    expect(m('funcref', '(ref null $t)')).toBe('type mismatch');
    expect(m('(ref $t)', 'externref')).toBe('type mismatch');
    expect(m('nullfuncref', '(ref null $t)')).toBe('valid');
  });
  it('ref.func is (ref $t) of its function; ref.null $t is (ref null $t)', () => {
    expect(verdict(`(module (type $t (func)) (func $f (type $t)) (elem declare func $f)
      (func (result (ref $t)) (ref.func $f)))`)).toBe('valid');
    expect(verdict(`(module (type $t (func)) (func (result (ref $t)) (ref.null $t)))`)).toBe('type mismatch');
    expect(verdict(`(module (type $t (func)) (func (result (ref null $t)) (ref.null $t)))`)).toBe('valid');
  });
  it('equivalent function types are one type; different ones are not', () => {
    expect(verdict(`(module (type $a (func (param i32))) (type $b (func (param i32)))
      (func $g (param (ref $b))) (func (param (ref $a)) (call $g (local.get 0))))`)).toBe('valid');
    expect(verdict(`(module (type $a (func (param i32))) (type $b (func (param i64)))
      (func $g (param (ref $b))) (func (param (ref $a)) (call $g (local.get 0))))`)).toBe('type mismatch');
    // Each names itself: equivalent (a reference to itself counts as equal to the other's to itself).
    expect(verdict(`(module (type $a (func (param (ref null $a)))) (type $b (func (param (ref null $b))))
      (func $g (param (ref $b))) (func (param (ref $a)) (call $g (local.get 0))))`)).toBe('valid');
    // $c names $a, not itself: not equivalent to $a.
    expect(verdict(`(module (type $a (func (param (ref null $a)))) (type $c (func (param (ref null $a))))
      (func $g (param (ref $c))) (func (param (ref $a)) (call $g (local.get 0))))`)).toBe('type mismatch');
  });
  it('a type may not name a later one (each is a recursion group of its own)', () => {
    expect(verdict(`(module (type $a (func (param (ref $b)))) (type $b (func)))`)).toBe('unknown type 1');
  });
  it('untyped select takes no references; typed select takes any', () => {
    expect(verdict(`(module (func (param (ref func)) (result (ref func))
      (select (local.get 0) (local.get 0) (i32.const 1))))`)).toBe('type mismatch');
    expect(verdict(`(module (func (param (ref func)) (result (ref func))
      (select (result (ref func)) (local.get 0) (local.get 0) (i32.const 1))))`)).toBe('valid');
  });
});

describe('local initialization', () => {
  const body = (code: string) => verdict(`(module (func (param (ref extern)) (local $x (ref extern)) ${code}))`);
  it('a non-nullable local must be set before it is read', () => {
    expect(body('(drop (local.get $x))')).toBe('uninitialized local');
    expect(body('(local.set $x (local.get 0)) (drop (local.get $x))')).toBe('valid');
    expect(body('(drop (local.tee $x (local.get 0))) (drop (local.get $x))')).toBe('valid');
    // Nullable and numeric locals start with their default value.
    expect(verdict('(module (func (local externref i32) (drop (local.get 0)) (drop (local.get 1))))')).toBe('valid');
  });
  it('a set lasts to the end of its block; set before a block, it holds inside', () => {
    expect(body('(block (local.set $x (local.get 0))) (drop (local.get $x))')).toBe('uninitialized local');
    expect(body('(local.set $x (local.get 0)) (block (drop (local.get $x)))')).toBe('valid');
    expect(body('(if (i32.const 1) (then (local.set $x (local.get 0))) (else (drop (local.get $x))))')).toBe('uninitialized local');
    expect(body('(if (i32.const 1) (then (local.set $x (local.get 0)) (drop (local.get $x))))')).toBe('valid');
  });
  it('is checked in unreachable code too', () => {
    expect(body('(unreachable) (drop (local.get $x))')).toBe('uninitialized local');
  });
});

describe('br_on_null, br_on_non_null, ref.as_non_null, call_ref', () => {
  it('br_on_null leaves the reference non-null, and its label takes the values below it', () => {
    expect(verdict(`(module (type $t (func)) (func (param (ref null $t)) (result i32 (ref $t))
      (block $l (result i32) (return (br_on_null $l (i32.const 7) (local.get 0)))) (unreachable)))`)).toBe('valid');
    expect(verdict(`(module (func (param funcref) (result i32)
      (block $l (result i64) (drop (br_on_null $l (i32.const 7) (local.get 0))) (i64.const 0)) (drop) (i32.const 0)))`)).toBe('type mismatch');
  });
  it('br_on_non_null branches with the non-null reference as the label\'s last value', () => {
    expect(verdict(`(module (type $t (func)) (func (param (ref null $t)) (result (ref $t))
      (block $l (result (ref $t)) (br_on_non_null $l (local.get 0)) (unreachable))))`)).toBe('valid');
    expect(verdict(`(module (func (param funcref) (block $l (br_on_non_null $l (local.get 0)))))`)).toBe('type mismatch');
    expect(verdict(`(module (func (param funcref) (result i32)
      (block $l (result i32) (br_on_non_null $l (local.get 0)) (i32.const 0))))`)).toBe('type mismatch');
  });
  it('ref.as_non_null takes a reference only', () => {
    expect(verdict(`(module (func (param i32) (drop (ref.as_non_null (local.get 0)))))`)).toBe('type mismatch');
    expect(verdict(`(module (func (param externref) (result (ref extern)) (ref.as_non_null (local.get 0))))`)).toBe('valid');
  });
  it('call_ref wants a reference of its type; return_call_ref also results that are ours', () => {
    expect(verdict(`(module (type $t (func (result i32))) (type $u (func (result i64)))
      (func (param (ref $u)) (result i32) (call_ref $t (local.get 0))))`)).toBe('type mismatch');
    expect(verdict(`(module (type $t (func (result i32)))
      (func (param funcref) (result i32) (call_ref $t (local.get 0))))`)).toBe('type mismatch');
    expect(verdict(`(module (type $t (func (result i32)))
      (func (param (ref null $t)) (result i64) (return_call_ref $t (local.get 0))))`)).toBe('type mismatch');
    expect(verdict(`(module (type $t (func (result (ref func))))
      (func (param (ref $t)) (result funcref) (return_call_ref $t (local.get 0))))`)).toBe('valid');
  });
});

describe('tables of typed references', () => {
  it('a table of a non-nullable type needs an initializer of its type', () => {
    expect(verdict('(module (type $t (func)) (table 1 (ref $t)))')).toBe('type mismatch');
    expect(verdict('(module (type $t (func)) (func $f (type $t)) (table 1 (ref $t) (ref.func $f)))')).toBe('valid');
    expect(verdict('(module (table 1 (ref func) (ref.null func)))')).toBe('type mismatch');
    expect(verdict('(module (type $t (func)) (type $u (func (param i32))) (func $f (type $u)) (table 1 (ref $t) (ref.func $f)))')).toBe('type mismatch');
  });
  it('call_indirect goes through any table of function references; table.copy needs a subtype', () => {
    expect(verdict(`(module (type $t (func)) (func $f (type $t)) (table 1 (ref $t) (ref.func $f))
      (func (call_indirect (type $t) (i32.const 0))))`)).toBe('valid');
    expect(verdict(`(module (type $t (func)) (func $f (type $t)) (table $a 1 (ref $t) (ref.func $f)) (table $b 1 funcref)
      (func (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 1))))`)).toBe('type mismatch');
    expect(verdict(`(module (type $t (func)) (func $f (type $t)) (table $a 1 (ref $t) (ref.func $f)) (table $b 1 funcref)
      (func (table.copy $b $a (i32.const 0) (i32.const 0) (i32.const 1))))`)).toBe('valid');
  });
});
