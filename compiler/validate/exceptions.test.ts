// Validating exception handling (WebAssembly 3.0, exnref): the tag section and tag imports and
// exports, exnref, throw, throw_ref, and try_table's catch clauses checked against their labels.
import { describe, expect, it } from 'vitest';
import { CompileError } from '../errors.ts';
import { watToWasm } from '../text/watToWasm.ts';
import { validateModule } from './index.ts';
import { RecordingCodeGenerator } from './testSupport.ts';

function reasonOf(bytes: Uint8Array): string | undefined {
  try {
    validateModule(bytes);
  } catch (e) {
    if (e instanceof CompileError) return e.reason;
    throw e;
  }
  return undefined;
}
const invalid = async (wat: string): Promise<string | undefined> => reasonOf(await watToWasm(wat, { validate: false }));

describe('exception handling: sections', () => {
  it('reads tags (imported first), their exports, and exnref in every place a value type goes', async () => {
    const bytes = await watToWasm(`(module
      (import "m" "t" (tag $imported (param i32)))
      (tag $own (param f64 exnref))
      (export "own" (tag $own))
      (global (mut exnref) (ref.null exn))
      (table 1 exnref)
      (func (param exnref) (result exnref) (local exnref) (local.get 0)))`);
    const info = validateModule(bytes);
    expect(info.tags).toEqual([0, 1]);
    expect(info.importedTagCount).toBe(1);
    expect(info.imports[0]!.desc).toEqual({ kind: 'tag', typeIndex: 0 });
    expect(info.exports).toEqual([{ name: 'own', kind: 'tag', index: 1 }]);
    expect(info.types[1]!.params).toEqual([0x7c, 0x69]);
    expect(info.tables[0]!.element).toBe(0x69);
  });
  it('rejects a tag type with results, an unknown type, and an exported tag that does not exist', async () => {
    expect(await invalid(`(module (type (func (result i32))) (tag (type 0)))`)).toBe('non-empty tag result type');
    expect(await invalid(`(module (type (func (result i32))) (import "m" "t" (tag (type 0))))`)).toBe('non-empty tag result type');
    // A tag section naming type 3 of one: header, type section, tag section.
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 13, 3, 1, 0, 3]);
    expect(reasonOf(bytes)).toBe('unknown type 3');
    expect(await invalid(`(module (tag) (export "t" (tag 1)))`)).toBe('unknown tag 1');
  });
});

describe('exception handling: instructions', () => {
  it('tells the code generator the try_table frame, its clauses, and throw/throw_ref (the rest dead)', async () => {
    const bytes = await watToWasm(`(module
      (tag $t (param i32))
      (func (result i32)
        (block $ref (result i32 exnref)
          (block $h (result i32)
            (block $r (result exnref)
              (block $none
                (try_table (catch $t $h) (catch_ref $t $ref) (catch_all $none) (catch_all_ref $r)
                  (throw $t (i32.const 1))
                  (nop)))
              (unreachable))
            (throw_ref))
          (return))
        (drop)))`);
    const cg = new RecordingCodeGenerator();
    validateModule(bytes, cg);
    const events = cg.events.filter((e) => /tryTable|throw/.test(e));
    expect(events).toEqual(['tryTable [kind=5 depth=5 dead=false] 0:0:2,1:0:3,2:0:0,3:0:1', 'throw 0', 'throwRef']);
  });
  it('checks each clause against its label, outside the try_table', async () => {
    const ok = `(module (tag $t (param i32)) (func (block $l (result i32) (try_table (catch $t $l)) (i32.const 0)) (drop)))`;
    expect(await invalid(ok)).toBeUndefined();
    // catch x: the payload; catch_ref: the payload and an exnref; catch_all: nothing; catch_all_ref: an exnref.
    expect(await invalid(`(module (tag $t (param i32)) (func (block $l (result i64) (try_table (catch $t $l)) (i64.const 0)) (drop)))`)).toBe('type mismatch');
    expect(await invalid(`(module (tag $t (param i32)) (func (block $l (result i32) (try_table (catch_ref $t $l)) (i32.const 0)) (drop)))`)).toBe('type mismatch');
    expect(await invalid(`(module (func (block $l (result i32) (try_table (catch_all $l)) (i32.const 0)) (drop)))`)).toBe('type mismatch');
    expect(await invalid(`(module (func (block $l (result externref) (try_table (catch_all_ref $l)) (ref.null extern)) (drop)))`)).toBe('type mismatch');
    // Label 0 of a clause is the block around the try_table, not the try_table itself.
    expect(await invalid(`(module (func (result exnref) (block $l (result exnref) (try_table (result exnref) (catch_all_ref 0) (ref.null exn)))))`)).toBeUndefined();
    expect(await invalid(`(module (func (try_table (catch_all 1))))`)).toBe('unknown label');
    expect(await invalid(`(module (func (block (try_table (catch 0 0)))))`)).toBe('unknown tag 0');
  });
  it('throw pops the payload, throw_ref an exnref', async () => {
    expect(await invalid(`(module (tag $t (param i32 f32)) (func (throw $t (i32.const 0) (f32.const 0))))`)).toBeUndefined();
    expect(await invalid(`(module (tag $t (param i32 f32)) (func (throw $t (i32.const 0) (i32.const 0))))`)).toBe('type mismatch');
    expect(await invalid(`(module (func (throw_ref (ref.null extern))))`)).toBe('type mismatch');
    expect(await invalid(`(module (func (result i32) (throw_ref (ref.null exn))))`)).toBeUndefined();
  });
});

describe('legacy exception handling: try, catch, catch_all, delegate, rethrow', () => {
  it('accepts catch bodies that start with the payload, delegate to any label around, rethrow from a catch body', async () => {
    const bytes = await watToWasm(`(module
      (tag $e (param i32 i64))
      (func (result i64)
        (try (result i64)
          (do (throw $e (i32.const 1) (i64.const 2)))
          (catch $e (drop) (i64.extend_i32_u) (block (result i64) (try (do) (delegate 1)) (rethrow 1)) (i64.add))
          (catch_all (i64.const 0))))
      (func (try (do (try (do) (delegate 1))) (catch_all (try (do) (catch_all (rethrow 1)))))))`, { validate: false });
    const cg = new RecordingCodeGenerator();
    validateModule(bytes, cg);
    expect(cg.events.filter((c) => /^(legacyTry|legacyCatch|delegate|rethrow|end )/.test(c))).toEqual([
      // function 0: the try (kind 6) at depth 1; its first catch; a delegating try in a block; a rethrow; catch_all.
      'legacyTry [kind=6 depth=1 dead=false]', 'legacyCatch 0 [kind=6 depth=1 dead=true]',
      'legacyTry [kind=6 depth=3 dead=false]', 'delegate 1 [kind=6 depth=3 dead=false]', 'rethrow 1', 'end [kind=1 depth=2 dead=true]',
      'legacyCatch -1 [kind=7 depth=1 dead=false]', 'end [kind=8 depth=1 dead=false]', 'end [kind=0 depth=0 dead=false]',
      // function 1
      'legacyTry [kind=6 depth=1 dead=false]', 'legacyTry [kind=6 depth=2 dead=false]', 'delegate 1 [kind=6 depth=2 dead=false]',
      'legacyCatch -1 [kind=6 depth=1 dead=false]', 'legacyTry [kind=6 depth=2 dead=false]', 'legacyCatch -1 [kind=6 depth=2 dead=false]',
      'rethrow 1', 'end [kind=8 depth=2 dead=true]', 'end [kind=8 depth=1 dead=false]', 'end [kind=0 depth=0 dead=false]',
    ]);
  });
  it('rejects a rethrow of a label that is not a catch body, a catch payload of the wrong type, a delegate past the function', async () => {
    expect(await invalid(`(module (func (rethrow 0)))`)).toBe('invalid rethrow label');
    expect(await invalid(`(module (func (try (do) (catch_all (block (rethrow 0))))))`)).toBe('invalid rethrow label');
    expect(await invalid(`(module (func (try (do (rethrow 0)) (catch_all))))`)).toBe('invalid rethrow label');
    expect(await invalid(`(module (tag $e (param i32)) (func (try (do) (catch $e (drop) (drop)))))`)).toBe('type mismatch');
    expect(await invalid(`(module (func (try (do) (delegate 1))))`)).toBe('unknown label');
    expect(await invalid(`(module (func (result i32) (try (result i32) (do (i32.const 1)) (catch_all))))`)).toBe('type mismatch');
  });
});
