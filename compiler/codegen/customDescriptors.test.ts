// Custom descriptors: exact reference types, struct types with `descriptor` and `describes`
// clauses, and the instructions that make, read and cast by descriptors. Validation through
// wasm-tools' text, then the compiled code run natively: a descriptor lives in its object's slot
// (abi/gcObjects.ts structLayoutOf), survives collections, and decides the descriptor casts.
import { beforeAll, describe, expect, it } from 'vitest';
import { structLayoutOf } from '../abi/gcObjects.ts';
import type { TypeDef } from '../binary/types.ts';
import { getGcHeap } from '../runtime/gcHeap.ts';
import { shapeOfType } from '../runtime/gcTypes.ts';
import { type Exports, textInstantiator } from '../testing/textInstance.ts';
import { textVerdicts, type TextVerdicts } from '../wast/node/textVerdicts.ts';
import { trapOf } from './testing/trapOf.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

let text: TextVerdicts;
let instance: (text: string) => Exports;
beforeAll(async () => {
  text = await textVerdicts();
  instance = await textInstantiator();
});

const PAIR = `(rec (type $a (sub (descriptor $b) (struct (field i32))))
                   (type $b (sub (describes $a) (struct (field i64)))))`;

describe('validation', () => {
  it('reads describes and descriptor clauses, and checks that they agree', () => {
    expect(text.verdict(`(module ${PAIR})`)).toBe('valid');
    expect(text.verdict('(module (rec (type (descriptor 1) (struct)) (type (struct))))')).toBe('described type is not described by descriptor');
    expect(text.verdict('(module (type (descriptor 1) (struct)) (type (describes 0) (struct)))')).toBe('descriptor type is outside rec group');
    expect(text.verdict('(module (rec (type (describes 1) (struct)) (type (descriptor 0) (struct))))')).toBe('forward use of described type');
  });

  it('makes a subtype of a described type keep a descriptor that subtypes its supertype\'s', () => {
    expect(text.verdict(`(module ${PAIR} (rec (type (sub 0 (descriptor 3) (struct (field i32)))) (type (sub 1 (describes 2) (struct (field i64))))))`)).toBe('valid');
    expect(text.verdict(`(module ${PAIR} (type (sub 0 (struct (field i32)))))`)).toBe('descriptor type 2 does not match');
  });

  it('types allocations, ref.get_desc and exact references', () => {
    const ok = (body: string) => text.verdict(`(module ${PAIR} ${body})`);
    expect(ok('(func (param (ref (exact $b))) (result (ref (exact $a))) (struct.new_desc $a (i32.const 1) (local.get 0)))')).toBe('valid');
    expect(ok('(func (param (ref $b)) (result anyref) (struct.new_desc $a (i32.const 1) (local.get 0)))')).toBe('type mismatch');
    expect(ok('(func (result anyref) (struct.new $a (i32.const 1)))')).toBe('type with descriptor requires descriptor allocation');
    expect(ok('(func (param (ref (exact $a))) (result (ref (exact $b))) (ref.get_desc $a (local.get 0)))')).toBe('valid');
    expect(ok('(func (param (ref $a)) (result (ref (exact $b))) (ref.get_desc $a (local.get 0)))')).toBe('type mismatch');
    expect(ok('(func (param (ref $a)) (result (ref (exact $a))) (local.get 0))')).toBe('type mismatch');
    expect(ok('(func (param (ref (exact $a))) (result (ref $a)) (local.get 0))')).toBe('valid');
  });
});

describe('layout', () => {
  const def = (fields: number, descriptor: number, descriptorAfter: number): TypeDef => ({
    kind: 'struct', final: false, supertype: -1, group: 0, groupSize: 1, descriptor, descriptorAfter,
    fields: Array.from({ length: fields }, () => ({ type: 0x7f, mutable: false })),
  });
  it('puts the descriptor after the fields of the nearest supertype without one', () => {
    expect(structLayoutOf(def(2, -1, -1))).toEqual({ offsets: [8, 12], size: 16, descriptor: -1 });
    expect(structLayoutOf(def(2, 1, 0))).toEqual({ offsets: [16, 20], size: 24, descriptor: 8 });
    expect(structLayoutOf(def(3, 1, 1))).toEqual({ offsets: [8, 24, 28], size: 32, descriptor: 16 });
  });
  it('has the collector trace the descriptor slot', () => {
    expect(shapeOfType(def(3, 1, 1))).toEqual({ kind: 'struct', size: 32, refOffsets: [16] });
  });
});

const RUN = `(module
  (rec
    (type $a (sub (descriptor $b) (struct (field i32))))
    (type $b (sub (describes $a) (struct (field i64))))
    (type $c (sub $a (descriptor $d) (struct (field i32) (field i32))))
    (type $d (sub $b (describes $c) (struct (field i64)))))
  (global $b1 (ref (exact $b)) (struct.new $b (i64.const 11)))
  (global $b2 (ref (exact $b)) (struct.new $b (i64.const 22)))
  (global $d1 (ref (exact $d)) (struct.new $d (i64.const 33)))
  (global $a1 (ref $a) (struct.new_desc $a (i32.const 5) (global.get $b1)))
  (global (export "exactGlobal") (mut (ref null (exact $a))) (ref.null none))
  (func (export "descOf") (param anyref) (result i64)
    (struct.get $b 0 (ref.get_desc $a (ref.cast (ref $a) (local.get 0)))))
  (func (export "newA") (param i32) (result anyref) (struct.new_desc $a (local.get 0) (global.get $b2)))
  (func (export "newFresh") (param i32) (result anyref)
    (struct.new_desc $a (local.get 0) (struct.new $b (i64.extend_i32_u (local.get 0)))))
  (func (export "newC") (result anyref) (struct.new_desc $c (i32.const 7) (i32.const 8) (global.get $d1)))
  (func (export "newNull") (result anyref) (struct.new_default_desc $a (ref.null none)))
  (func (export "global") (result anyref) (global.get $a1))
  (func (export "castB1") (param anyref) (result anyref) (ref.cast_desc_eq (ref null $a) (local.get 0) (global.get $b1)))
  (func (export "castD1") (param anyref) (result anyref) (ref.cast_desc_eq (ref $c) (local.get 0) (global.get $d1)))
  (func (export "castNull") (param anyref) (result anyref) (ref.cast_desc_eq (ref $a) (local.get 0) (ref.null none)))
  (func (export "exactA") (param anyref) (result i32) (ref.test (ref (exact $a)) (local.get 0)))
  (func (export "anyA") (param anyref) (result i32) (ref.test (ref $a) (local.get 0)))
  (func (export "brB2") (param anyref) (result i32)
    (drop (block (result (ref $a)) (br_on_cast_desc_eq 0 anyref (ref $a) (local.get 0) (global.get $b2)) (return (i32.const 0))))
    (i32.const 1))
  (func (export "brFailB2") (param anyref) (result i32)
    (drop (block (result anyref) (br_on_cast_desc_eq_fail 0 anyref (ref $a) (local.get 0) (global.get $b2)) (return (i32.const 1))))
    (i32.const 0)))`;

describe.runIf(native)('descriptors at run time', () => {
  it('stores the descriptor in the object, where ref.get_desc finds it, for subtypes too', () => {
    const e = instance(RUN);
    expect(e.descOf!(e.global!())).toBe(11n);
    expect(e.descOf!(e.newA!(3))).toBe(22n);
    expect(e.descOf!(e.newC!())).toBe(33n);
    expect(trapOf(() => e.newNull!()).message).toContain('null descriptor reference');
  });

  it('keeps descriptors across a collection (only their objects refer to them)', () => {
    const e = instance(RUN);
    const objects = Array.from({ length: 2000 }, (_, k) => e.newFresh!(k));
    getGcHeap().collect();
    for (let k = 0; k < 4000; k++) e.newFresh!(100_000); // garbage that would take freed descriptors' places
    objects.forEach((o, k) => expect(e.descOf!(o)).toBe(BigInt(k)));
  });

  it('casts by descriptor, and exactly', () => {
    const e = instance(RUN);
    const a1 = e.global!(), a2 = e.newA!(1), c = e.newC!();
    expect(e.castB1!(a1)).toBe(a1);
    expect(e.castB1!(null)).toBe(null);
    expect(trapOf(() => e.castB1!(a2)).message).toContain('descriptor cast failure');
    expect(trapOf(() => e.castB1!(c)).message).toContain('descriptor cast failure');
    expect(e.castD1!(c)).toBe(c);
    expect(trapOf(() => e.castD1!(a1)).message).toContain('descriptor cast failure');
    expect(trapOf(() => e.castNull!(a1)).message).toContain('null descriptor reference');
    expect([e.exactA!(a1), e.exactA!(c), e.anyA!(c)]).toEqual([1, 0, 1]);
    expect([e.brB2!(a2), e.brB2!(a1), e.brB2!(c)]).toEqual([1, 0, 0]);
    expect([e.brFailB2!(a2), e.brFailB2!(a1)]).toEqual([1, 0]);
  });

  it('lets JS store only an object of exactly the type in an exact global', () => {
    const e = instance(RUN);
    const g = e.exactGlobal as unknown as { value: unknown };
    const a1 = e.global!(), c = e.newC!();
    g.value = a1;
    expect(g.value).toBe(a1);
    expect(() => (g.value = c)).toThrow(TypeError);
  });
});
