// Chapters 10 to 14 name facts about the compiler and the test suites in their prose. The listings
// update themselves; these sentences do not. Each check here holds one sentence to the code or to
// the data CI verifies; if one fails, reread the paragraph it names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions } from '../../compiler/codegen/listing.ts';
import { loadIced } from '../../compiler/x64/index.ts';
import { listWastFiles, locateSuite } from '../../compiler/wast/node/suite.ts';
import { loadWasmToolsTextToBinary } from '../../compiler/wast/node/wasmToolsText.ts';
import { parseScript } from '../../compiler/wast/script.ts';
import { loadTextToBinary } from '../../compiler/wast/textFormat.ts';
import { repoRoot } from './root.ts';

/** A module's binary without its custom sections (id 0), whose sizes are LEB128 like every section's. */
function withoutCustomSections(bytes: Uint8Array): Uint8Array {
  const kept: number[] = [...bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    let size = 0;
    let body = at + 1;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[body++]!;
      size += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    if (bytes[at] !== 0) kept.push(...bytes.subarray(at, body + size));
    at = body + size;
  }
  return Uint8Array.from(kept);
}

/** Instruction texts of each function of a module. */
async function functionsOf(wat: string): Promise<string[][]> {
  await loadIced();
  return listFunctions(compileModule(await watToWasm(wat))).map((f) => f.instructions.map((i) => i.text));
}

interface Counts { passed: number; failed: number; skipped: number }
const specBaseline = (): { files: Record<string, Counts> } =>
  JSON.parse(readFileSync(join(repoRoot(), 'compiler/wast/baseline.json'), 'utf8'));

describe('book/10-linear-memory.mdx says', () => {
  test('an access at an unknown address is mov edi, edi; cmp rdi, [r15+0x30] (size - 4); jle over a trap call; mov eax, [r14+rdi]', async () => {
    const { VMCTX } = await import('../../compiler/abi/index.ts');
    expect(VMCTX.MEMORY_BOUND_4).toBe(0x30);
    const [f] = await functionsOf('(module (memory 1) (func (param i32) (result i32) (i32.load (local.get 0))))');
    const at = f!.indexOf('mov edi, edi');
    expect(f!.slice(at, at + 5).map((t) => t.replace(/ 0x[0-9a-f]+$/, ''))).toEqual(['mov edi, edi', 'cmp rdi, [r15+0x30]', 'jle', 'call qword ptr [r15+0x28]', 'mov eax, [r14+rdi]']);
  });

  test('an access with an offset keeps the plain form: lea r11, [rdi+offset+size]; cmp r11, [r15+8]; jbe over a trap call', async () => {
    const [f] = await functionsOf('(module (memory 1) (func (param i32) (result i32) (i32.load offset=8 (local.get 0))))');
    const at = f!.findIndex((t) => t.startsWith('lea r11'));
    expect(f!.slice(at, at + 4).map((t) => t.replace(/ 0x[0-9a-f]+$/, ''))).toEqual(['lea r11, [rdi+0xc]', 'cmp r11, [r15+8]', 'jbe', 'call qword ptr [r15+0x28]']);
  });

  test('the memory size in bytes is at [r15 + 8], and r14 holds the base', async () => {
    const { VMCTX, MEMORY_BASE_REG, Reg } = await import('../../compiler/abi/index.ts');
    expect(VMCTX.MEMORY_SIZE).toBe(8);
    expect(MEMORY_BASE_REG).toBe(Reg.r14);
  });

  test("growAndFill calls the memory.grow builtin through [r15 + 0x48]", async () => {
    const { Builtin, vmContextLayout } = await import('../../compiler/abi/index.ts');
    const layout = vmContextLayout({ importedFunctions: 0, functions: 4, types: 3, tables: 0, globals: 0 });
    expect(layout.builtin(Builtin.memoryGrow)).toBe(0x48);
    const [, growAndFill] = await functionsOf(readFileSync(join(repoRoot(), 'book/examples/memory-grow.wat'), 'utf8'));
    // (Instruction 0 is the stack-overflow stub before the entry: a function that calls has one.)
    expect(growAndFill![0]).toBe('call qword ptr [r15+0x28]');
    expect(growAndFill!.slice(1).filter((t) => t.startsWith('call '))[0]).toMatch(/^call qword( ptr)? \[r15\+0x48\]$/);
  });

  test('memory.size is a load of the byte size and a shift by 16', async () => {
    const [f] = await functionsOf('(module (memory 1) (func (result i32) (memory.size)))');
    expect(f).toContain('mov rax, [r15+8]');
    expect(f).toContain('shr rax, 0x10');
  });

  test('the guard is 64 KiB and a memory without maximum reserves 4 GiB', async () => {
    const { GUARD_SIZE, MAX_PAGES_32, WASM_PAGE_SIZE } = await import('../../compiler/runtime/linearMemory.ts');
    expect(GUARD_SIZE).toBe(64 * 1024);
    expect(MAX_PAGES_32 * WASM_PAGE_SIZE).toBe(2 ** 32);
  });

  test('sum3 pays for three checks, sum3Reversed for one, first for none', async () => {
    const wasm = await watToWasm(readFileSync(join(repoRoot(), 'book/examples/memory-access.wat'), 'utf8'));
    // A check outside loops is a jump over a trap call; a trap call followed by `cmp rsp` is the
    // stack check's stub before the entry (these small leaves have none).
    const checks = (fs: string[][]) => fs.map((f) => f.filter((t, i) => t === 'call qword ptr [r15+0x28]' && !f[i + 1]?.startsWith('cmp rsp')).length);
    await loadIced();
    const listed = listFunctions(compileModule(wasm)).map((f) => f.instructions.map((i) => i.text));
    expect(checks(listed)).toEqual([1, 0, 3, 1]);
  });

  test('in the C programs, the share of checks removed ranges from under a fifth to over a third', async () => {
    const { readdirSync } = await import('node:fs');
    const dir = join(repoRoot(), 'compiler/testing/cprograms');
    const shares = readdirSync(dir).filter((f) => f.endsWith('.wasi.wasm')).flatMap((f) => {
      const { kept, removed } = compileModule(readFileSync(join(dir, f))).boundsChecks;
      return kept + removed === 0 ? [] : [removed / (kept + removed)];
    });
    expect(Math.min(...shares)).toBeLessThan(0.2);
    expect(Math.max(...shares)).toBeGreaterThan(1 / 3);
    expect(shares.filter((x) => x < 0.5)).toHaveLength(shares.length); // most checks stay in every program
  });

  test('bulk.wast, memory_fill, memory_copy, memory_init and memory_grow (all of whose modules have several memories) pass with nothing skipped', () => {
    const files = specBaseline().files;
    for (const f of ['bulk.wast', 'memory_fill.wast', 'memory_copy.wast', 'memory_init.wast', 'memory_grow.wast']) {
      expect(files[f], f).toMatchObject({ failed: 0, skipped: 0 });
      expect(files[f]!.passed, f).toBeGreaterThan(0);
    }
  });

  test("the JS API makes a 64-bit memory from address: 'i64'; its grow(1n) returns 1n and grow(1) throws TypeError", async () => {
    const { Memory } = await import('../../compiler/api/index.ts');
    const memory = new Memory({ address: 'i64', initial: 1n });
    expect(memory.grow(1n)).toBe(1n);
    expect(() => memory.grow(1)).toThrow(TypeError);
  });
});

describe('book/12-tables-and-references.mdx says', () => {
  test('call_indirect is eleven instructions around the call: three checks, then ours or another instance, the switch out of line', async () => {
    const wat = readFileSync(join(repoRoot(), 'book/examples/call-indirect.wat'), 'utf8');
    const apply = (await functionsOf(wat))[4]!;
    const from = apply.findIndex((t) => /^cmp eax, \[r15\+0x[0-9a-f]+\]$/.test(t)); // the bound, LENGTH in the VMContext
    const call = apply.indexOf('call qword ptr [r11]');
    expect(from).toBeGreaterThan(0);
    expect(apply[from - 1]).toBe('mov esi, ebx'); // the index came by a 32-bit move: no mov eax, eax
    expect(call - from).toBe(14); // eleven, and three trap calls that never run
    const jumps = apply.slice(from, call).filter((t) => /^j/.test(t)).map((t) => t.split(' ')[0]);
    expect(jumps).toEqual(['jb', 'jne', 'je', 'jne']);
    expect(apply[call - 2]).toBe('cmp r15, [r11+8]');
    // After the body, the switch: save, switch, call, restore, back.
    const other = apply.indexOf('call qword ptr [r11]', call + 1);
    expect(apply.slice(other - 3, other + 4)).toEqual([expect.stringMatching(/^mov \[rsp\+0x[0-9a-f]+\], r15$/), 'mov r15, [r11+8]', 'mov r14, [r15]',
      'call qword ptr [r11]', expect.stringMatching(/^mov r15, \[rsp/), 'mov r14, [r15]', expect.stringMatching(/^jmp /)]);
  });

  test('a FuncRef record is CODE, VMCTX, TYPE_ID; a table\'s entry is BASE, LENGTH; the JS API limit is ten million', async () => {
    const { FUNCREF, TABLE } = await import('../../compiler/abi/index.ts');
    const { MAX_TABLE_LENGTH } = await import('../../compiler/runtime/tableAndGlobal.ts');
    expect(FUNCREF).toMatchObject({ CODE: 0, VMCTX: 8, TYPE_ID: 16 });
    expect(TABLE).toMatchObject({ BASE: 0, LENGTH: 8, ELEMENT_SIZE: 8 });
    expect(MAX_TABLE_LENGTH).toBe(10_000_000);
  });

  test('call_indirect, call_ref, return_call_ref, br_on_null, local_init, table, the table_get/set/size/grow/fill/copy files, i31, ref_null and the GC files with structs and arrays (struct, array and its siblings, the casts) pass with nothing skipped', () => {
    const files = specBaseline().files;
    const names = ['call_indirect', 'call_ref', 'return_call_ref', 'br_on_null', 'local_init', 'table',
      'table_get', 'table_set', 'table_size', 'table_grow', 'table_fill', 'table_copy', 'i31', 'ref_null',
      'struct', 'array', 'array_copy', 'array_fill', 'array_init_data', 'array_init_elem', 'array_new_data', 'array_new_elem',
      'ref_cast', 'ref_test', 'br_on_cast', 'br_on_cast_fail'];
    for (const f of names.map((n) => `${n}.wast`)) {
      expect(files[f], f).toMatchObject({ failed: 0, skipped: 0 });
      expect(files[f]!.passed, f).toBeGreaterThan(0);
    }
  });
});

describe('book/13-instantiation.mdx says', () => {
  test('global.get is two instructions: the cell address from the VMContext into r11, then the value', async () => {
    const [f] = await functionsOf('(module (global (mut i32) (i32.const 0)) (func (result i32) (global.get 0)))');
    const at = f!.findIndex((t) => /^mov r11, \[r15\+0x[0-9a-f]+\]$/.test(t));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(f![at + 1]).toBe('mov eax, [r11]');
  });

  test("importer.wat's imported function entry is at [r15 + 0x98], its global's cell pointer at [r15 + 0xb0]", async () => {
    const { vmContextLayoutOf } = await import('../../compiler/abi/index.ts');
    const { validateModule } = await import('../../compiler/validate/index.ts');
    const layout = vmContextLayoutOf(validateModule(await watToWasm(readFileSync(join(repoRoot(), 'book/examples/importer.wat'), 'utf8'))));
    expect(layout.importedFunction(0)).toBe(0x98);
    expect(layout.global(0)).toBe(0xb0);
  });

  test('an immutable global with a constant initializer is still loaded, not folded', async () => {
    const [f] = await functionsOf('(module (global i32 (i32.const 5)) (func (result i32) (global.get 0)))');
    expect(f).toContain('mov eax, [r11]');
  });

  test('the JS API folders for the objects of the chapter pass most of their subtests', () => {
    const baseline = JSON.parse(readFileSync(join(repoRoot(), 'compiler/jsapi/baseline.json'), 'utf8')) as { files: Record<string, Counts> };
    for (const folder of ['constructor/', 'instance/', 'module/', 'memory/', 'table/', 'global/']) {
      const files = Object.entries(baseline.files).filter(([f]) => f.startsWith(folder)).map(([, c]) => c);
      const passed = files.reduce((n, c) => n + c.passed, 0), failed = files.reduce((n, c) => n + c.failed, 0);
      expect(passed, folder).toBeGreaterThan(2 * failed);
    }
  });
});

describe('book/14-conformance.mdx says', () => {
  const b = () => JSON.parse(readFileSync(join(repoRoot(), 'compiler/wast/baseline.json'), 'utf8')) as {
    totals: Counts & { total: number };
    kinds: Record<string, Counts>;
    skipReasons: Record<string, number>;
    files: Record<string, Counts>;
  };

  test('257 files and about 65,000 commands; no command fails; less than a tenth are skipped', () => {
    const { totals, files } = b();
    expect(Object.keys(files)).toHaveLength(257);
    expect(Math.round(totals.total / 1000)).toBe(65);
    expect(totals.failed).toBe(0);
    expect(totals.skipped / totals.total).toBeLessThan(0.1);
  });

  test('no command is skipped, for a feature or its text (gc, memory64, multi-memory, SIMD, tail calls, exceptions and function references all run); the SIMD files all pass', () => {
    expect(b().totals.skipped).toBe(0);
    expect(Object.keys(b().skipReasons)).toEqual([]);
    for (const gone of ['gc', 'simd', 'memory64', 'multi-memory', 'tail-call', 'relaxed-simd', 'extended-const', 'exceptions', 'function-references']) {
      expect(b().skipReasons[`unsupported feature: ${gone}`], gone).toBeUndefined();
    }
    const simd = Object.entries(b().files).filter(([name]) => name.startsWith('simd_'));
    const sum = (k: 'passed' | 'failed' | 'skipped') => simd.reduce((n, [, c]) => n + c[k], 0);
    expect(sum('passed') + sum('failed') + sum('skipped')).toBe(25990);
    expect([sum('failed'), sum('skipped')]).toEqual([0, 0]);
  });

  test('the baseline has per-kind counts, and text assert_malformed is its own kind', () => {
    const { kinds } = b();
    expect(kinds['assert_malformed(text)']!.passed).toBeGreaterThan(0);
    expect(kinds['assert_malformed']!.passed).toBeGreaterThan(0);
  });

  test('no command is skipped for its text; select.wast runs all of its commands, and they pass', () => {
    expect(Object.keys(b().skipReasons).filter((why) => !why.startsWith('unsupported feature'))).toEqual([]);
    expect(b().kinds['assert_malformed(text)']!.skipped).toBe(0);
    const c = b().files['select.wast']!;
    expect(c).toEqual({ passed: c.passed, failed: 0, skipped: 0 });
    expect(c.passed).toBeGreaterThan(100);
  });

  test("the README's count of passing commands is the baseline's", () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const { totals } = b();
    expect(readme).toContain(`The spec suite: ${totals.passed.toLocaleString('en-US')} commands pass, ${totals.failed} fail;`);
  });

  test("wasm-tools' parser still reads the legacy exception-handling instructions", async () => {
    const parse = (await loadWasmToolsTextToBinary())!;
    expect(() => parse('(module (func try catch_all end))')).not.toThrow();
  });

  test('where wabt and wasm-tools both read a module of the suite, nine binaries in ten are the same once name sections are set aside', async () => {
    const wabt = await loadTextToBinary();
    const wasmTools = (await loadWasmToolsTextToBinary())!;
    const read = (parse: (text: string) => Uint8Array, text: string) => {
      try {
        return parse(text);
      } catch {
        return undefined;
      }
    };
    let both = 0;
    let same = 0;
    for (const file of listWastFiles([locateSuite()], false)) {
      for (const c of parseScript(readFileSync(file.path, 'utf8')).commands) {
        if (!('module' in c) || typeof c.module !== 'object' || c.kind === 'assert_malformed' || c.module.source.format === 'binary') continue;
        const [a, b] = [read(wabt, c.module.source.text), read(wasmTools, c.module.source.text)];
        if (!a || !b) continue;
        both++;
        if (Buffer.from(withoutCustomSections(a)).equals(Buffer.from(withoutCustomSections(b)))) same++;
      }
    }
    expect(both).toBeGreaterThan(4000);
    expect(Math.round((same / both) * 10)).toBe(9);
  });

  test("the README's count of passing JS API subtests is the baseline's", () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const { totals } = JSON.parse(readFileSync(join(repoRoot(), 'compiler/jsapi/baseline.json'), 'utf8')) as { totals: Counts & { total: number } };
    const n = (x: number) => x.toLocaleString('en-US');
    expect(readme).toContain(`Today ${n(totals.passed)} of the ${n(totals.total)} subtests pass`);
  });

  test('the JS API baseline has failures (tests of missing features fail rather than skip)', () => {
    const j = JSON.parse(readFileSync(join(repoRoot(), 'compiler/jsapi/baseline.json'), 'utf8')) as { totals: Counts };
    expect(j.totals.failed).toBeGreaterThan(0);
  });
});
