// GC in the decoder and validator: recursion groups and their canonicalization, declared
// supertypes, the abstract heap types of the any hierarchy, GC's operators and constant
// expressions, and the refusal of GC by the code generator (validated, not compiled yet).
import { beforeAll, describe, expect, it } from 'vitest';
import { CompileError } from '../errors.ts';
import {
  abstractAnyRef, ANYREF, ARRAY_TYPE_BITS, asNonNull, concreteRef, gcUse, isRefSubtype, REF_BOTTOM, REF_KIND_ARRAY,
  REF_KIND_EQ, REF_KIND_I31, REF_KIND_STRUCT, refTypeName, STRUCT_TYPE_BITS,
} from '../binary/refTypes.ts';
import { textVerdicts, type TextVerdicts } from '../wast/node/textVerdicts.ts';
import { NoopCodeGenerator, validateModule } from './index.ts';

let text: TextVerdicts;
beforeAll(async () => {
  text = await textVerdicts();
});
const verdict = (source: string) => text.verdict(source);
const parse = (source: string) => text.parse(source);

describe('the any hierarchy (refTypes.ts)', () => {
  const any = ANYREF, eq = abstractAnyRef(REF_KIND_EQ), i31 = abstractAnyRef(REF_KIND_I31);
  const struct = abstractAnyRef(REF_KIND_STRUCT), array = abstractAnyRef(REF_KIND_ARRAY), none = ANYREF | REF_BOTTOM;
  const s0 = concreteRef(0, true, STRUCT_TYPE_BITS), s1 = concreteRef(1, true, STRUCT_TYPE_BITS);
  const a2 = concreteRef(2, true, ARRAY_TYPE_BITS);
  // Type 1 declares type 0 as its supertype.
  const supers = [-1, 0, -1];

  it('orders none <: $t <: struct|array <: eq <: any, and i31 <: eq', () => {
    for (const t of [eq, i31, struct, array, s0, a2, none]) expect(isRefSubtype(t, any, supers), refTypeName(t)).toBe(true);
    for (const t of [i31, struct, array, s0, a2, none]) expect(isRefSubtype(t, eq, supers), refTypeName(t)).toBe(true);
    expect(isRefSubtype(s0, struct, supers)).toBe(true);
    expect(isRefSubtype(s0, array, supers)).toBe(false);
    expect(isRefSubtype(a2, array, supers)).toBe(true);
    expect(isRefSubtype(a2, struct, supers)).toBe(false);
    expect(isRefSubtype(i31, struct, supers)).toBe(false);
    expect(isRefSubtype(any, eq, supers)).toBe(false);
    expect(isRefSubtype(none, s0, supers)).toBe(true);
    expect(isRefSubtype(struct, s0, supers)).toBe(false);
    expect(isRefSubtype(s0, ValTypeFuncref, supers)).toBe(false);
  });
  it('walks declared supertypes: $1 <: $0, not $0 <: $1; nullability still counts', () => {
    expect(isRefSubtype(s1, s0, supers)).toBe(true);
    expect(isRefSubtype(asNonNull(s1), s0, supers)).toBe(true);
    expect(isRefSubtype(s1, asNonNull(s0), supers)).toBe(false);
    expect(isRefSubtype(s0, s1, supers)).toBe(false);
    expect(isRefSubtype(s1, s0)).toBe(false); // without the supertypes, only equal types match
  });
  it('names the heap types as the text format does', () => {
    expect([any, eq, i31, struct, array, none].map(refTypeName)).toEqual(
      ['(ref null any)', '(ref null eq)', '(ref null i31)', '(ref null struct)', '(ref null array)', '(ref null none)']);
    expect(refTypeName(asNonNull(s1))).toBe('(ref 1)');
  });
});
const ValTypeFuncref = 0x70;

describe('recursion groups and canonical types (typeSection.ts)', () => {
  it('gives equivalent groups the first one\'s indices, within a module', () => {
    const m = validateModule(parse(`(module
      (rec (type $a (struct (field (ref null $b)))) (type $b (struct (field (ref null $a)))))
      (rec (type $c (struct (field (ref null $d)))) (type $d (struct (field (ref null $c)))))
      (rec (type $e (struct (field (ref null $e)))))
      (type $f (sub (struct (field i32))))
      (type $g (sub $f (struct (field i32)))))`));
    expect(m.canonicalTypes).toEqual([0, 1, 0, 1, 4, 5, 6]);
    expect(m.typeDefs.map((d) => d.kind)).toEqual(['struct', 'struct', 'struct', 'struct', 'struct', 'struct', 'struct']);
    expect(m.typeDefs[2]!.group).toBe(2);
    expect(m.typeDefs[2]!.groupSize).toBe(2);
    // $c's field names $d, which is $b: the same number as $a's field.
    expect(m.typeDefs[2]!.fields[0]!.type).toBe(m.typeDefs[0]!.fields[0]!.type);
    expect(m.superTypes[6]).toBe(5);
    expect(m.superTypes[5]).toBe(-1);
  });
  it('tells groups apart by order, finality, supertypes and the kind a forward reference names', () => {
    const m = validateModule(parse(`(module
      (rec (type $a (struct)) (type $b (array i8)))
      (rec (type $c (array i8)) (type $d (struct)))
      (type $open (sub (struct)))
      (type $closed (struct))
      (rec (type $f (struct (field (ref $g)))) (type $g (array i32)))
      (type $h (func (param (ref $g)))))`));
    expect(m.canonicalTypes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // A field that names a later member of its group is a reference of the any hierarchy (an array).
    expect(m.typeDefs[6]!.fields[0]!.type).toBe(asNonNull(concreteRef(7, true, ARRAY_TYPE_BITS)));
    expect(m.types[8]!.params[0]).toBe(asNonNull(concreteRef(7, true, ARRAY_TYPE_BITS)));
  });
  it('refuses a reference to a later type outside the group', () => {
    expect(verdict('(module (type (struct (field (ref 1)))) (type (struct)))')).toBe('unknown type 1');
    expect(verdict('(module (rec (type (struct (field (ref 1)))) (type (struct))))')).toBe('valid');
  });
});

describe('declared supertypes', () => {
  it('accepts matching declarations: longer structs, narrower immutable fields, function variance', () => {
    expect(verdict(`(module
      (type $s (sub (struct (field i32) (field (ref null any)))))
      (type $t (sub $s (struct (field i32) (field (ref null eq)) (field f64))))
      (type $f (sub (func (param (ref $t)) (result anyref))))
      (type $g (sub $f (func (param (ref $s)) (result eqref))))
      (type $a (sub (array (ref null struct))))
      (type $b (sub final $a (array (ref null $t)))))`)).toBe('valid');
  });
  it('refuses final supertypes, other kinds, and fields that do not match', () => {
    expect(verdict('(module (type $t (struct)) (type (sub $t (struct))))')).toBe('sub type');
    expect(verdict('(module (type $t (sub (array i32))) (type (sub $t (struct))))')).toBe('sub type');
    expect(verdict('(module (type $t (sub (struct (field (mut i32))))) (type (sub $t (struct (field i32)))))')).toBe('sub type');
    expect(verdict('(module (type $t (sub (struct (field (mut anyref))))) (type (sub $t (struct (field (mut eqref))))))')).toBe('sub type');
    expect(verdict('(module (type $t (sub (array i8))) (type (sub $t (array i16))))')).toBe('sub type');
    expect(verdict('(module (type $t (sub (func (param eqref)))) (type (sub $t (func (param i31ref)))))')).toBe('sub type');
  });
  it('lets values flow up the declared chain only', () => {
    const flow = (from: string, to: string) => verdict(`(module
      (type $s (sub (struct (field i32))))
      (type $t (sub $s (struct (field i32) (field i64))))
      (type $u (struct (field i32)))
      (func (param (ref null ${from})) (result (ref null ${to})) (local.get 0)))`);
    expect(flow('$t', '$s')).toBe('valid');
    expect(flow('$t', 'struct')).toBe('valid');
    expect(flow('$t', 'eq')).toBe('valid');
    expect(flow('$s', '$t')).toBe('type mismatch');
    expect(flow('$u', '$s')).toBe('type mismatch'); // same structure, no declaration
    expect(flow('none', '$u')).toBe('valid');
    expect(flow('struct', 'array')).toBe('type mismatch');
  });
});

describe('GC operators', () => {
  const body = (types: string, code: string, params = '', results = '') =>
    verdict(`(module ${types} (func ${params} ${results} ${code}))`);
  const point = '(type $p (struct (field $x i32) (field $y (mut i64)) (field $z (mut i8))))';
  const bytes = '(type $b (array (mut i8))) (type $r (array (ref null any))) (type $c (array i32))';

  it('struct.new, struct.get(_s/_u) and struct.set by field type, packedness and mutability', () => {
    expect(body(point, '(drop (struct.new $p (i32.const 1) (i64.const 2) (i32.const 3)))')).toBe('valid');
    expect(body(point, '(drop (struct.new $p (i32.const 1) (i32.const 2) (i32.const 3)))')).toBe('type mismatch');
    expect(body(point, '(drop (struct.new_default $p))')).toBe('valid');
    expect(body('(type $n (struct (field (ref any))))', '(drop (struct.new_default $n))')).toBe('type mismatch');
    expect(body(point, '(drop (struct.get $p $x (local.get 0)))', '(param (ref null $p))')).toBe('valid');
    expect(body(point, '(drop (struct.get $p $z (local.get 0)))', '(param (ref null $p))')).toBe('type mismatch');
    expect(body(point, '(drop (struct.get_u $p $z (local.get 0)))', '(param (ref null $p))')).toBe('valid');
    expect(body(point, '(drop (struct.get_s $p $x (local.get 0)))', '(param (ref null $p))')).toBe('type mismatch');
    expect(body(point, '(struct.set $p $y (local.get 0) (i64.const 1))', '(param (ref null $p))')).toBe('valid');
    expect(body(point, '(struct.set $p $x (local.get 0) (i32.const 1))', '(param (ref null $p))')).toBe('immutable field');
    expect(body(point, '(drop (struct.get $p 3 (local.get 0)))', '(param (ref null $p))')).toBe('unknown field 3');
  });
  it('arrays: new, get, set, len, fill, copy, and the segment forms', () => {
    const t = `${bytes} (data $d "abc") (elem $e anyref) (elem $f funcref)`;
    expect(body(t, '(drop (array.new $b (i32.const 0) (i32.const 3)))')).toBe('valid');
    expect(body(t, '(drop (array.new_fixed $c 2 (i32.const 1) (i32.const 2)))')).toBe('valid');
    expect(body(t, '(drop (array.new_data $b $d (i32.const 0) (i32.const 3)))')).toBe('valid');
    expect(body(t, '(drop (array.new_data $r $d (i32.const 0) (i32.const 3)))')).toBe('array type is not numeric or vector');
    expect(body(t, '(drop (array.new_elem $r $e (i32.const 0) (i32.const 1)))')).toBe('valid');
    expect(body(t, '(drop (array.new_elem $r $f (i32.const 0) (i32.const 1)))')).toBe('type mismatch');
    expect(body(t, '(drop (array.get_s $b (local.get 0) (i32.const 0)))', '(param (ref null $b))')).toBe('valid');
    expect(body(t, '(drop (array.get $b (local.get 0) (i32.const 0)))', '(param (ref null $b))')).toBe('type mismatch');
    expect(body(t, '(array.set $c (local.get 0) (i32.const 0) (i32.const 1))', '(param (ref null $c))')).toBe('immutable array');
    expect(body(t, '(drop (array.len (local.get 0)))', '(param (ref null $c))')).toBe('valid');
    expect(body(t, '(array.fill $b (local.get 0) (i32.const 0) (i32.const 7) (i32.const 2))', '(param (ref null $b))')).toBe('valid');
    expect(body(t, '(array.copy $b $c (local.get 0) (i32.const 0) (local.get 1) (i32.const 0) (i32.const 1))', '(param (ref null $b) (ref null $c))'))
      .toBe('array types do not match');
    expect(body(t, '(array.init_data $b $d (local.get 0) (i32.const 0) (i32.const 0) (i32.const 1))', '(param (ref null $b))')).toBe('valid');
  });
  it('i31, ref.eq, and the conversions between any and extern keep nullability', () => {
    expect(body('', '(i31.get_s (ref.i31 (i32.const 5)))', '', '(result i32)')).toBe('valid');
    expect(body('', '(ref.eq (local.get 0) (ref.i31 (i32.const 5)))', '(param eqref)', '(result i32)')).toBe('valid');
    expect(body('', '(ref.eq (local.get 0) (local.get 0))', '(param anyref)', '(result i32)')).toBe('type mismatch');
    expect(body('', '(any.convert_extern (local.get 0))', '(param (ref extern))', '(result (ref any))')).toBe('valid');
    expect(body('', '(any.convert_extern (local.get 0))', '(param externref)', '(result (ref any))')).toBe('type mismatch');
    expect(body('', '(extern.convert_any (local.get 0))', '(param i31ref)', '(result externref)')).toBe('valid');
  });
  it('ref.test, ref.cast and the branches on casts stay in one hierarchy', () => {
    expect(body(point, '(ref.test (ref $p) (local.get 0))', '(param anyref)', '(result i32)')).toBe('valid');
    expect(body(point, '(ref.cast (ref null $p) (local.get 0))', '(param eqref)', '(result (ref null $p))')).toBe('valid');
    expect(body(point, '(ref.cast (ref $p) (local.get 0))', '(param externref)', '(result (ref $p))')).toBe('type mismatch');
    expect(body(point, '(block $l (result (ref $p)) (br_on_cast $l anyref (ref $p) (local.get 0)) (drop) (unreachable))',
      '(param anyref)', '(result (ref $p))')).toBe('valid');
    // What falls through br_on_cast_fail is the cast's target type.
    expect(body(point, '(block $l (result anyref) (br_on_cast_fail $l anyref (ref $p) (local.get 0)) (return)) (unreachable)',
      '(param anyref)', '(result (ref $p))')).toBe('valid');
    // The target must be a subtype of the operand's type.
    expect(body(point, '(block $l (result anyref) (br_on_cast $l (ref $p) anyref (local.get 0))) (drop)', '(param (ref $p))')).toBe('type mismatch');
  });
  it('refuses a struct or array type where a function type is wanted', () => {
    expect(verdict('(module (type $s (struct)) (func (type $s)))')).toBe('type mismatch');
    expect(verdict('(module (type $s (struct)) (table 1 funcref) (func (call_indirect (type $s) (i32.const 0))))')).toBe('type mismatch');
  });
});

describe('GC constant expressions', () => {
  it('builds structs, arrays and i31s in globals, and names earlier immutable globals', () => {
    expect(verdict(`(module (type $p (struct (field i32) (field i64)))
      (global $a i32 (i32.const 7))
      (global $s (ref $p) (struct.new $p (global.get $a) (i64.const 2)))
      (global $i (ref i31) (ref.i31 (i32.const 1)))
      (global $e externref (extern.convert_any (global.get $i)))
      (global $v (ref array) (array.new_fixed 1 0)))`.replace('(array.new_fixed 1 0)', '(array.new_default $c (i32.const 3))')
      .replace('(global $a', '(type $c (array i8)) (global $a'))).toBe('valid');
    expect(verdict('(module (type $p (struct (field i32))) (global (ref $p) (struct.new $p (i64.const 1))))')).toBe('type mismatch');
    expect(verdict('(module (type $c (array i8)) (global (ref $c) (array.new_data $c 0 (i32.const 0) (i32.const 0))) (data "x"))'))
      .toBe('constant expression required');
    expect(verdict('(module (global $m (mut i32) (i32.const 0)) (global i32 (global.get $m)))')).toBe('constant expression required');
  });
});

describe('the code generator takes all of GC', () => {
  const refused = (text: string) => {
    try {
      validateModule(parse(text), new NoopCodeGenerator());
      return 'compiled';
    } catch (e) {
      if (e instanceof CompileError) return e.reason;
      throw e;
    }
  };
  it('struct and array types and their operators, casts to concrete types, the any hierarchy', () => {
    expect(refused('(module (type (struct)))')).toBe('compiled');
    expect(refused('(module (type (array i8)) (func (drop (ref.null 0))))')).toBe('compiled');
    expect(refused('(module (func (result i32) (array.len (ref.null array))))')).toBe('compiled');
    expect(refused('(module (type $f (func)) (func (param funcref) (result i32) (ref.test (ref $f) (local.get 0))))'))
      .toBe('compiled');
    expect(refused('(module (func (local anyref)))')).toBe('compiled');
    expect(refused('(module (func (drop (ref.i31 (i32.const 0)))))')).toBe('compiled');
    expect(refused('(module (func (drop (ref.null none))))')).toBe('compiled');
    expect(refused('(module (global anyref (ref.i31 (i32.const 1))) (table 1 eqref))')).toBe('compiled');
    expect(refused('(module (type $t (func)) (func (param (ref null $t))) (func (drop (ref.null nofunc))))')).toBe('compiled');
  });
  it('counts GC use for the fuzzer\'s verdict (gcUse)', () => {
    const before = gcUse.count;
    verdict('(module (type $t (func)))');
    expect(gcUse.count).toBe(before);
    verdict('(module (func (result i32) (i31.get_u (ref.i31 (i32.const 0)))))');
    expect(gcUse.count).toBeGreaterThan(before);
  });
});
