// Process-wide type ids: equal types of different modules get equal ids, GC's recursion groups
// compared iso-recursively, and the declared supertypes are kept for references in global form.
import { beforeAll, describe, expect, it } from 'vitest';
import { isRefSubtype } from '../binary/refTypes.ts';
import { textVerdicts, type TextVerdicts } from '../wast/node/textVerdicts.ts';
import { validateModule } from '../validate/index.ts';
import { moduleTypes, typeIdOf } from './typeIds.ts';
import { globalSuperTypes } from './supertypeIds.ts';

let text: TextVerdicts;
beforeAll(async () => {
  text = await textVerdicts();
});
const typesOf = (source: string) => {
  const info = validateModule(text.parse(source));
  return { info, mt: moduleTypes(info) };
};

describe('type ids across modules', () => {
  it('gives equivalent recursion groups of two modules the same ids, member by member', () => {
    const a = typesOf('(module (rec (type $a (struct (field (ref null $b)))) (type $b (array (ref null $a)))))');
    const b = typesOf('(module (type (func)) (rec (type $x (struct (field (ref null $y)))) (type $y (array (ref null $x)))))');
    expect([...b.mt.ids.slice(1)]).toEqual([...a.mt.ids]);
    expect(a.mt.ids[0]).not.toBe(a.mt.ids[1]);
  });
  it('tells apart groups that differ in order, finality, or where a reference points', () => {
    const ids = (source: string) => [...typesOf(source).mt.ids];
    const base = ids('(module (rec (type (struct)) (type (struct (field (ref null 0))))))');
    expect(ids('(module (rec (type (struct)) (type (struct (field (ref null 1))))))')).not.toEqual(base);
    expect(ids('(module (rec (type (sub (struct))) (type (struct (field (ref null 0))))))')[0]).not.toBe(base[0]);
    expect(ids('(module (type (struct)) (type (struct (field (ref null 0)))))')[0]).not.toBe(base[0]);
  });
  it('keeps the ids of plain function types, in modules with and without GC', () => {
    const plain = typesOf('(module (type (func (param i32) (result i64))))');
    const gc = typesOf('(module (type (struct)) (type (func (param i32) (result i64))))');
    expect(plain.mt.ids[0]).toBe(typeIdOf({ params: [0x7f], results: [0x7e] }));
    expect(gc.mt.ids[1]).toBe(plain.mt.ids[0]);
  });
  it('records declared supertypes, so subtyping holds for references in global form', () => {
    const { info, mt } = typesOf(`(module
      (type $s (sub (struct (field i32))))
      (type $t (sub $s (struct (field i32) (field i64))))
      (func (param (ref $t) (ref $s))))`);
    const [t, s] = info.types[2]!.params.map(mt.global);
    expect(isRefSubtype(t!, s!, globalSuperTypes)).toBe(true);
    expect(isRefSubtype(s!, t!, globalSuperTypes)).toBe(false);
    // Another module's $t' <: $s' is the same statement about the same ids.
    const other = typesOf('(module (type $a (sub (struct (field i32)))) (type $b (sub $a (struct (field i32) (field i64)))))');
    expect([...other.mt.ids]).toEqual([mt.ids[0], mt.ids[1]]);
  });
});
