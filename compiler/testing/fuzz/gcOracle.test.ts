// The GC oracle (gcOracle.ts): what Node 20's V8 cannot judge, Lightbeam judges against itself, in
// a normal process and in one whose heap collects before every allocation.
import { describe, expect, it } from 'vitest';
import { loadWasmToolsTextToBinary } from '../../wast/node/wasmToolsText.ts';
import { compareGcRuns, difference, gcAcceptance, runInTwin } from './gcOracle.ts';
import { exposeState, moduleShape } from './moduleShape.ts';
import { lightbeamEngine, transcript } from './transcript.ts';

const wasmTools = async (wat: string): Promise<Uint8Array> => {
  const parse = await loadWasmToolsTextToBinary();
  if (!parse) throw new Error('@bytecodealliance/jco-transpile is not installed (npm ci)');
  return parse(wat);
};

// A list of structs built while garbage arrays are allocated (a collection in the loop must keep
// the list, which only a local holds), a struct that refers to itself, and an array of bytes.
const LISTS = `(module
  (rec (type $pair (struct (field i32) (field (mut (ref null $pair))))))
  (type $bytes (array (mut i8)))
  (type $make (func (param i32) (result (ref null $pair))))
  (import "fuzzing-support" "wasmtag" (tag (param i32)))
  (global $kept (mut (ref null $pair)) (ref.null $pair))
  (func (export "list") (type $make)
    (local $l (ref null $pair))
    (local.set 0 (i32.and (local.get 0) (i32.const 7)))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get 0)))
      (drop (array.new $bytes (i32.const 7) (i32.const 100)))
      (local.set $l (struct.new $pair (local.get 0) (local.get $l)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $next)))
    (global.set $kept (local.get $l))
    (local.get $l))
  (func (export "cycle") (result (ref $pair))
    (local $p (ref $pair))
    (local.set $p (struct.new $pair (i32.const 5) (ref.null $pair)))
    (struct.set $pair 1 (local.get $p) (local.get $p))
    (local.get $p))
  (func (export "bytes") (result (ref $bytes)) (array.new $bytes (i32.const 171) (i32.const 3))))`;

describe('the GC oracle', () => {
  it('moduleShape reads rec groups, struct and array types, typed references and tag imports', async () => {
    const shape = moduleShape(await wasmTools(LISTS));
    expect(shape.imports).toEqual([{ module: 'fuzzing-support', name: 'wasmtag', kind: 'tag', params: ['i32'] }]);
    expect(shape.exportedFuncs.get('list')).toEqual({ params: ['i32'], results: ['anyref'] });
    expect(shape.exportedFuncs.get('bytes')).toEqual({ params: [], results: ['anyref'] });
  });

  it("moduleShape reads custom descriptors: describes and descriptor clauses, exact references, exact function imports", async () => {
    const shape = moduleShape(await wasmTools(`(module
      (rec
        (type $t (descriptor $d) (struct (field i32)))
        (type $d (describes $t) (struct (field externref))))
      (type $f (func (param (ref null (exact $t))) (result (ref (exact $d)))))
      (import "m" "f" (func (exact (type $f))))
      (import "m" "g" (global (ref null (exact $t))))
      (func (export "get") (type $f) (ref.get_desc $t (ref.as_non_null (local.get 0)))))`));
    const f = { params: ['anyref'], results: ['anyref'] };
    expect(shape.imports).toEqual([
      { module: 'm', name: 'f', kind: 'function', type: f },
      { module: 'm', name: 'g', kind: 'global', type: 'anyref', mutable: false },
    ]);
    expect(shape.exportedFuncs.get('get')).toEqual(f);
  });

  it('transcripts show what GC objects hold: fields, shared and cyclic objects, array bytes', async () => {
    const lines = transcript(lightbeamEngine, exposeState(await wasmTools(LISTS)));
    // list(1): one struct {i32 1 and 4 bytes of padding, null}; list(-1): 7 of them, 7 made first (the tail).
    expect(lines).toContain('list(1) = gc #1{0100000000000000,null,}');
    expect(lines.find((l) => l.startsWith('list(-1) = '))).toBe(
      'list(-1) = gc #1{0100000000000000,#2{0200000000000000,#3{0300000000000000,#4{0400000000000000,' +
      '#5{0500000000000000,#6{0600000000000000,#7{0700000000000000,null,},},},},},},}');
    expect(lines).toContain('cycle() = gc #1{0500000000000000,#1,}');
    expect(lines).toContain('bytes() = gc #1[3:ababab]');
    // The global the last call of list left (list(-1)), read through exposeState's export.
    expect(lines.find((l) => l.startsWith('$g0: global gc #1{0100000000000000,#2{02'))).toBeDefined();
  });

  it('the three runs agree, and the stress twin really collects before each allocation', async () => {
    const bytes = exposeState(await wasmTools(LISTS));
    expect(gcAcceptance(bytes)).toEqual({ accepted: true, heap: true });
    expect(await compareGcRuns(bytes)).toBeUndefined();
    const stress = await runInTwin('stress', bytes);
    const normal = await runInTwin('normal', bytes);
    if (!('lines' in stress) || !('lines' in normal)) throw new Error('a twin died');
    expect(stress.lines).toEqual(normal.lines);
    // list allocates 2 objects a cell: 3 calls of list(1) and list(-1) alone make over 40.
    expect(stress.collections).toBeGreaterThan(40);
    expect(normal.collections).toBe(0);
  }, 60_000);

  it('a difference is described by its first differing line pair', () => {
    const d = difference('normal', ['instantiated', 'f() = gc #1{01}'], 'stress', ['instantiated', 'f() = gc #1{00}']);
    expect(d?.summary).toBe('normal / stress: f() = gc #1{01} / f() = gc #1{00}');
    expect(d?.detail).toContain('line 2');
    expect(difference('normal', ['a'], 'stress', ['a'])).toBeUndefined();
  });
});
