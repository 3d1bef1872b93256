// The cost of making an instance: a module with one imported JS function, one exported
// function and one page of memory, instantiated 2000 times in a row (best of 5 rounds).
//
//   npx tsx bench/calls-instantiate.ts            (x86-64 Linux)

import { emptyModuleInfo, ValType } from '../compiler/binary/types.ts';
import type { CompiledModule } from '../compiler/abi/index.ts';
import { Assembler, eax } from '../compiler/x64/index.ts';
import { Instance } from '../compiler/runtime/instance.ts';

const info = emptyModuleInfo();
info.types.push({ params: [], results: [ValType.i32] });
info.imports.push({ module: 'env', name: 'f', desc: { kind: 'func', typeIndex: 0 }, index: 0 });
info.functions.push(0, 0);
info.importedFunctionCount = 1;
info.memories.push({ limits: { min: 1 }, shared: false });
info.exports.push({ name: 'g', kind: 'func', index: 1 });
const asm = new Assembler();
asm.mov(eax, 5);
asm.ret();
const compiled: CompiledModule = {
  info, code: asm.finish().code, functions: [{ funcIndex: 1, offset: 0, size: 0, prefix: 0 }], relocations: [], trapSites: new Int32Array(0),
};
const imports = { env: { f: () => 1 } };

const N = 2000;
let best = Infinity;
for (let round = 0; round < 5; round++) {
  const t = performance.now();
  for (let i = 0; i < N; i++) new Instance(compiled, imports);
  best = Math.min(best, ((performance.now() - t) * 1000) / N);
}
const v8Module = new WebAssembly.Module(new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0, 3, 2, 1, 0,
  5, 3, 1, 0, 1, 7, 5, 1, 1, 103, 0, 1, 10, 6, 1, 4, 0, 65, 5, 11,
]));
let v8 = Infinity;
for (let round = 0; round < 5; round++) {
  const t = performance.now();
  for (let i = 0; i < N; i++) new WebAssembly.Instance(v8Module, imports);
  v8 = Math.min(v8, ((performance.now() - t) * 1000) / N);
}
console.log(`instantiation (best of 5 x ${N}): lightbeam ${best.toFixed(1)} us, V8 ${v8.toFixed(1)} us`);
