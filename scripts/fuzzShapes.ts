// `npx tsx scripts/fuzzShapes.ts FIRST COUNT`: what custom descriptors' shapes the binaryen-gc
// fuzz source's modules of seeds FIRST..FIRST+COUNT-1 contain (compiler/testing/fuzz/gcOracle.ts
// turns the feature on for odd seeds only), odd and even seeds apart: per shape, how many modules
// have it and how often it occurs. Instructions and type clauses are counted in binaryen's text of
// the module; exact references in Lightbeam's decoding of it (signatures, fields, globals), since
// binaryen's text also shows the exact types it infers inside, which the binary does not hold.

import * as api from '../compiler/api/index.ts';
import { isExact } from '../compiler/binary/refTypes.ts';
import { gcSourceModule } from '../compiler/testing/fuzz/gcOracle.ts';

const binaryen = (await import('binaryen')).default;
const F = binaryen.Features;
/** binaryen's CustomDescriptors feature bit, which binaryen.js 132 has no name for (as in reduce.ts). */
const CUSTOM_DESCRIPTORS = 1 << 21;
const FEATURES = F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.SignExt | F.ReferenceTypes | F.Multivalue | F.BulkMemoryOpt |
  F.CallIndirectOverlong | F.SIMD128 | F.TailCall | F.GC | F.ExceptionHandling | F.Atomics | CUSTOM_DESCRIPTORS;

const IN_TEXT: Readonly<Record<string, RegExp>> = {
  'describes clause': /\(describes /g,
  'descriptor clause': /\(descriptor /g,
  'exact function import': /\(import [^\n]*\(func [^\n]*\(exact/g,
  'struct.new_desc': /struct\.new_desc /g,
  'struct.new_default_desc': /struct\.new_default_desc /g,
  'ref.get_desc': /ref\.get_desc /g,
  'ref.cast_desc_eq': /ref\.cast_desc_eq /g,
  'br_on_cast_desc_eq': /br_on_cast_desc_eq /g,
  'br_on_cast_desc_eq_fail': /br_on_cast_desc_eq_fail /g,
};
const EXACT = 'exact reference (signatures, fields, globals)';

const first = Number(process.argv[2] ?? 1), count = Number(process.argv[3] ?? 200);
for (const odd of [true, false]) {
  const modules = new Map<string, number>(), uses = new Map<string, number>();
  const add = (shape: string, n: number) => {
    if (!n) return;
    modules.set(shape, (modules.get(shape) ?? 0) + 1);
    uses.set(shape, (uses.get(shape) ?? 0) + n);
  };
  let total = 0;
  for (let seed = first; seed < first + count; seed++) {
    if ((seed % 2 === 1) !== odd) continue;
    total++;
    const bytes = await gcSourceModule(seed);
    const m = (binaryen.readBinary as (d: Uint8Array, f?: number) => ReturnType<typeof binaryen.readBinary>)(bytes, FEATURES);
    const text = m.emitText();
    m.dispose();
    for (const [shape, re] of Object.entries(IN_TEXT)) add(shape, text.match(re)?.length ?? 0);
    const info = new api.Module(bytes).info;
    const types = [
      ...info.types.flatMap((t) => [...t.params, ...t.results]),
      ...info.typeDefs.flatMap((d) => d?.fields.map((f) => f.type) ?? []),
      ...info.globals.map((g) => g.type.type),
    ];
    add(EXACT, types.filter((t) => isExact(t)).length);
  }
  console.log(`${odd ? 'odd' : 'even'} seeds (custom descriptors ${odd ? 'on' : 'off'}): ${total} modules`);
  for (const shape of [...Object.keys(IN_TEXT), EXACT]) console.log(`  ${shape}: ${modules.get(shape) ?? 0} modules, ${uses.get(shape) ?? 0} in all`);
}
