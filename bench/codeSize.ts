// Code size: bytes of x86-64 machine code per byte of wasm code (the code section), Lightbeam
// beside V8 Liftoff on the same modules. Liftoff's sizes are the "Instructions (size = N)" that
// `node --liftoff-only --no-wasm-tier-up --no-wasm-lazy-compilation --print-wasm-code` prints
// for every wasm function; Lightbeam's are the functions' sizes in the compiled code (prologue
// and trap stubs included, the stack-overflow stub before the entry too; not the padding between
// functions). Functions Lightbeam compiles as stubs (features not implemented yet) are left out
// of both sides, and counted.
// Run: npx tsx bench/codeSize.ts [file.wasm ...]   (default: bench/kernels/wasm/*.wasm and iced-x86)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { compileModule } from '../compiler/codegen/moduleCompiler.ts';
import { Reader } from '../compiler/binary/reader.ts';
import { SectionId } from '../compiler/binary/sections.ts';

const root = join(import.meta.dirname, '..');
const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  const dir = join(root, 'bench/kernels/wasm');
  files.push(...readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort().map((f) => join(dir, f)));
  files.push(join(root, 'node_modules/iced-x86/iced_x86_bg.wasm'));
}

/** Size of each function body in the code section (defined functions, in order). */
function bodySizes(bytes: Uint8Array): number[] {
  const r = new Reader(bytes, 8, bytes.length, 0);
  while (!r.atEnd()) {
    const id = r.u8();
    const size = r.u32();
    if (id !== SectionId.code) {
      r.bytesOf(size);
      continue;
    }
    const sizes: number[] = [];
    for (let n = r.u32(); n > 0; n--) {
      const s = r.u32();
      sizes.push(s);
      r.bytesOf(s);
    }
    return sizes;
  }
  return [];
}

/** Liftoff's instruction bytes per defined function, in order of the printout (function index order). */
function liftoffSizes(file: string): Map<number, number> {
  const tmp = mkdtempSync(join(tmpdir(), 'lightbeam-codesize-'));
  const script = join(tmp, 'instantiate.mjs');
  writeFileSync(script, `import { readFileSync } from 'node:fs';\nnew WebAssembly.Module(readFileSync(process.argv[2]));\n`);
  const out = execFileSync(process.execPath,
    ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-lazy-compilation', '--single-threaded', '--print-wasm-code', script, file],
    { encoding: 'utf8', maxBuffer: 1 << 30 });
  const sizes = new Map<number, number>();
  let index = -1;
  for (const line of out.split('\n')) {
    const m = /^index: (\d+)/.exec(line);
    if (m) index = Number(m[1]);
    const s = /^Instructions \(size = (\d+)\)/.exec(line);
    if (s && index >= 0) {
      sizes.set(index, Number(s[1]));
      index = -1;
    }
  }
  return sizes;
}

console.log(`${'module'.padEnd(26)}${'wasm code'.padStart(11)}${'lightbeam'.padStart(11)}${'liftoff'.padStart(11)}${'lb/byte'.padStart(9)}${'lo/byte'.padStart(9)}${'lb/lo'.padStart(7)}  stubbed`);
let sumWasm = 0, sumLb = 0, sumLo = 0;
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  const compiled = compileModule(bytes);
  const imported = compiled.info.importedFunctionCount;
  const bodies = bodySizes(bytes);
  const lo = liftoffSizes(file);
  let wasm = 0, lb = 0, liftoff = 0, stubbed = 0, missing = 0;
  for (const f of compiled.functions) {
    const defined = f.funcIndex - imported;
    if (compiled.stubbed.has(f.funcIndex)) { stubbed++; continue; }
    const l = lo.get(f.funcIndex);
    if (l === undefined) { missing++; continue; }
    wasm += bodies[defined]!;
    lb += f.prefix + f.size;
    liftoff += l;
  }
  sumWasm += wasm; sumLb += lb; sumLo += liftoff;
  console.log(`${basename(file).slice(0, 25).padEnd(26)}${String(wasm).padStart(11)}${String(lb).padStart(11)}${String(liftoff).padStart(11)}` +
    `${(lb / wasm).toFixed(2).padStart(9)}${(liftoff / wasm).toFixed(2).padStart(9)}${(lb / liftoff).toFixed(2).padStart(7)}  ${stubbed}${missing ? ` (${missing} not printed by V8)` : ''}`);
}
console.log(`${'all'.padEnd(26)}${String(sumWasm).padStart(11)}${String(sumLb).padStart(11)}${String(sumLo).padStart(11)}` +
  `${(sumLb / sumWasm).toFixed(2).padStart(9)}${(sumLo / sumWasm).toFixed(2).padStart(9)}${(sumLb / sumLo).toFixed(2).padStart(7)}`);
