// Winch-style file tests: each filetests/NAME.wat is compiled and disassembled, and the listing
// must equal filetests/NAME.disasm exactly. `UPDATE=1 npx vitest run compiler/codegen` rewrites
// the expectations on purpose (review the diff before committing it).
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleFileTest } from './testing/fileTestText.ts';
import { loadIced } from '../x64/disassemble.ts';
import { BASELINE_FEATURES, type CpuFeatures } from '../abi/index.ts';
import { compileModule } from './moduleCompiler.ts';
import { formatFunction, listFunctions, type ListedFunction } from './listing.ts';

const dir = join(import.meta.dirname, 'filetests');
const update = process.env.UPDATE === '1';

/** A file may ask for optional CPU features on a line `;; features: avx, bmi1` (default: the baseline). */
function featuresOf(text: string): CpuFeatures {
  const m = /^;; features: (.*)$/m.exec(text);
  if (!m) return BASELINE_FEATURES;
  const wanted = Object.fromEntries(m[1]!.split(',').map((f) => [f.trim(), true]));
  for (const f of Object.keys(wanted)) if (!(f in BASELINE_FEATURES)) throw new Error(`unknown CPU feature '${f}'`);
  return { ...BASELINE_FEATURES, ...wanted };
}

async function listing(name: string): Promise<ListedFunction[]> {
  const text = readFileSync(join(dir, name), 'utf8');
  const bytes = await assembleFileTest(name, text);
  return listFunctions(compileModule(bytes, { notes: true, features: featuresOf(text) }));
}

beforeAll(async () => {
  await loadIced();
});

// #region file-test
describe('file tests', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.wat'))) {
    it(file, async () => {
      const text = (await listing(file)).map((f) => formatFunction(f)).join('\n\n') + '\n';
      const expected = join(dir, file.replace(/\.wat$/, '.disasm'));
      if (update || !existsSync(expected)) {
        if (!update) throw new Error(`${expected} is missing: run with UPDATE=1 to create it`);
        writeFileSync(expected, text);
      }
      expect(text).toBe(readFileSync(expected, 'utf8'));
    });
  }
});
// #endregion file-test

// #region fib-counts
/** The code-quality bar of issue 6, measured on the listing of fib. */
export function fibCounts(f: ListedFunction): { total: number; loop: number; stores: number; loads: number; stackCheck: number } {
  const stubs = f.instructions.findIndex((i) => i.wasm.includes('trap stubs'));
  const body = stubs < 0 ? f.instructions : f.instructions.slice(0, stubs);
  const stackCheck = 3; // the stub before the entry (call [r15+TRAP_SITE_HANDLER]), then cmp rsp, [r15+limit]; jb
  const back = body.find((i) => i.text.startsWith('ja ') || i.text.startsWith('jne ') || (i.text.startsWith('j') && !i.text.startsWith('jmp') && parseInt(i.text.split(' ')[1]!, 16) < i.offset))!;
  const target = parseInt(back.text.split(' ')[1]!, 16);
  const loop = body.filter((i) => i.offset >= target && i.offset <= back.offset);
  const memOperand = /\[/;
  const stores = loop.filter((i) => /^mov (qword ptr |dword ptr )?\[/.test(i.text) || i.text.startsWith('call')).length;
  const loads = loop.filter((i) => memOperand.test(i.text) && !i.text.startsWith('lea') && !/^mov (qword ptr |dword ptr )?\[/.test(i.text)).length;
  return { total: body.length - stackCheck, loop: loop.length, stores, loads, stackCheck };
}
// #endregion fib-counts

describe('fib code quality (issue 6)', () => {
  it('meets Lightbeam\'s counts: 19 instructions, 14 in the loop, 3 stores and 2 loads per iteration', async () => {
    const [fib] = await listing('fib.wat');
    const c = fibCounts(fib!);
    expect(c.total).toBeLessThanOrEqual(19);
    expect(c.loop).toBeLessThanOrEqual(14);
    expect(c.stores).toBeLessThanOrEqual(3);
    expect(c.loads).toBeLessThanOrEqual(2);
    expect(fib!.instructions.slice(0, 3).map((i) => i.text.split(' ')[0])).toEqual(['call', 'cmp', 'jb']);
  });
});
