// Chapters 4 and 5 build up from small programs (book/examples/tiny-encoder.ts,
// first-native-call.ts) and state facts about them and about the real assembler and runtime:
// counts, bytes, which cases fail. These checks hold the sentences to the code.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Assembler, ENCODINGS, FORMS_BY_MNEMONIC, al, disassemble, eax, ecx, loadIced, mem, rax, rcx, r9, sil } from '../../compiler/x64/index.ts';
import { extractRegion } from './regions.ts';
import { repoRoot } from './root.ts';

const bytes = (emit: (a: Assembler) => void): string => {
  const a = new Assembler();
  emit(a);
  return [...a.finish().code].map((b) => b.toString(16).padStart(2, '0')).join(' ');
};
const canRunNative = process.arch === 'x64' && process.platform === 'linux' && !process.env.LIGHTBEAM_NO_NATIVE;

describe('book/04-encoding-x86-64.mdx, the tiny encoder', () => {
  test('"an encoder for it in a dozen lines": step 1 is at most twelve lines', () => {
    const region = extractRegion(readFileSync(join(repoRoot(), 'book/examples/tiny-encoder.ts'), 'utf8'), 'add-legacy');
    expect(region.code.split('\n').length).toBeLessThanOrEqual(12);
  });

  test('steps 1-3 and the final step 4 decode as asked in every case, byte for byte what the assembler emits', async () => {
    const { checkSteps } = await import('../../book/examples/tiny-encoder.ts');
    const steps = await checkSteps();
    expect(steps.legacy.cases).toBe(64);
    expect(steps.rex.cases).toBe(256);
    for (const t of [steps.legacy, steps.rex, steps.immediate, steps.memory]) {
      expect(t.wrong).toEqual([]);
      expect(t.decoded).toBe(t.cases);
      expect(t.sameAsLightbeam).toBe(t.cases);
    }
  });

  test('the naive memory encoder is wrong for rsp and r12 as bases always, for rbp and r13 without a displacement, and right otherwise', async () => {
    const { checkSteps } = await import('../../book/examples/tiny-encoder.ts');
    const { memoryNaive } = await checkSteps();
    const bases = new Set(memoryNaive.wrong.map((w) => /\[(\w+)/.exec(w.asked)![1]));
    expect([...bases].sort()).toEqual(['r12', 'r13', 'rbp', 'rsp']);
    for (const w of memoryNaive.wrong) {
      if (/\[(rbp|r13)/.test(w.asked)) expect(w.asked).toMatch(/\[(rbp|r13)\]$/);
    }
    // rsp and r12 with four displacements, rbp and r13 with one, for each of 16 destinations.
    expect(memoryNaive.wrong).toHaveLength(16 * (2 * 4 + 2 * 1));
    expect(memoryNaive.sameAsLightbeam).toBe(memoryNaive.cases - memoryNaive.wrong.length);
    // "wants one more byte" for rsp/r12 (a SIB byte), "the four bytes iced-x86 says are missing" for rbp/r13.
    for (const w of memoryNaive.wrong) {
      expect(w.iced).toBe(/\[(rsp|r12)/.test(w.asked) ? 'cut short: 1 more byte wanted' : 'cut short: 4 more bytes wanted');
    }
  });
});

describe('book/04-encoding-x86-64.mdx, bytes the prose spells out', () => {
  test('add and sub, registers and constants', async () => {
    expect(bytes((a) => a.add(rax, rcx))).toBe('48 01 c8');
    expect(bytes((a) => a.add(eax, ecx))).toBe('01 c8');
    expect(bytes((a) => a.add(r9, rcx))).toBe('49 01 c9');
    expect(bytes((a) => a.add(rcx, r9))).toBe('4c 01 c9');
    expect(bytes((a) => a.sub(rax, 1))).toBe('48 83 e8 01');
    expect(bytes((a) => a.sub(rax, rcx))).toBe('48 29 c8');
    expect(bytes((a) => a.add(rcx, 1)).split(' ')).toHaveLength(4);
    expect(bytes((a) => a.add(rcx, 1000)).split(' ')).toHaveLength(7);
    expect(bytes((a) => a.add(rax, mem(rcx, 8)))).toBe('48 03 41 08');
  });

  test('iced-x86 shows add rcx, -1 with its immediate sign-extended', async () => {
    await loadIced();
    const a = new Assembler();
    a.add(rcx, -1);
    expect(disassemble(a.finish().code)[0]!.text).toBe('add rcx, 0xffffffffffffffff');
  });

  test('"over six hundred rows", "nearly three hundred mnemonics", add has the three forms of step 3 among its rows', async () => {
    expect(ENCODINGS.length).toBeGreaterThan(600);
    expect(FORMS_BY_MNEMONIC.size).toBeGreaterThan(250);
    expect(FORMS_BY_MNEMONIC.size).toBeLessThan(300);
    const rows = FORMS_BY_MNEMONIC.get('add')!.map((f) => f.row[1]);
    expect(rows).toEqual(expect.arrayContaining(['REX.W 83 /0 ib', 'REX.W 05 id', 'REX.W 81 /0 id']));
    const { EXACT_CLASSES, exactClass } = await import('../../compiler/x64/forms.ts');
    expect(EXACT_CLASSES).toBe(35);
    // "add edx, 5 and every later add esi, 100 have the same classes"; eax and ecx have their own.
    const { edx, esi } = await import('../../compiler/x64/index.ts');
    expect(exactClass(edx, 0)).toBe(exactClass(esi, 0));
    expect(exactClass(5, 0)).toBe(exactClass(100, 0));
    expect(new Set([exactClass(eax, 0), exactClass(ecx, 0), exactClass(edx, 0)]).size).toBe(3);
  });
});

describe('book/05-running-machine-code.mdx says', () => {
  test('the six bytes are mov eax, 42 and ret, and return 42 when run', async () => {
    const { ANSWER, answer } = await import('../../book/examples/first-native-call.ts');
    await loadIced();
    expect(ANSWER).toHaveLength(6);
    expect(disassemble(ANSWER).map((l) => l.text)).toEqual(['mov eax, 0x2a', 'ret']);
    const out = await answer();
    const text = out.find((o) => o.kind === 'text');
    if (canRunNative) expect(text?.kind === 'text' && text.text).toMatch(/f\(\) = 42$/);
    else expect(out.some((o) => o.kind === 'unavailable')).toBe(true);
  });

  test('compiled add touches no r15; fib is entered at a read of the stack limit at r15+0x10, its trap stub before it calls through r15+0x28', async () => {
    const { VMCTX } = await import('../../compiler/abi/index.ts');
    expect([VMCTX.STACK_LIMIT, VMCTX.TRAP_HANDLER, VMCTX.TRAP_SITE_HANDLER]).toEqual([0x10, 0x18, 0x28]);
    const { compiledAdd } = await import('../../book/examples/first-native-call.ts');
    const [add, fib] = (await compiledAdd()).map((o) => (o.kind === 'asm' ? o.listing : ''));
    expect(add).not.toMatch(/r15/);
    const lines = fib!.split('\n').filter((l) => /^[0-9a-f]{4} /.test(l));
    expect(lines[0]).toMatch(/call qword ptr \[r15\+0x28\]/);
    expect(lines[1]).toMatch(/cmp rsp, \[r15\+0x10\]/);
    expect(lines[2]).toMatch(new RegExp(`jb 0x${lines[0]!.slice(0, 4).replace(/^0+/, '')}`));
  });

  test('a stub that passed its arguments in registers took 19 bytes; a trap call takes 4, and a check outside loops jumps over it inline', async () => {
    await loadIced();
    const { emitTrapStub, emitTrapCall, TRAP_CALL_SIZE } = await import('../../compiler/codegen/traps.ts');
    const withRegisters = new Assembler();
    emitTrapStub(withRegisters, 5, 0x1234, 7);
    expect(withRegisters.finish().code.length).toBe(19);
    const call = new Assembler();
    emitTrapCall(call);
    expect(call.finish().code.length).toBe(TRAP_CALL_SIZE);
    expect(TRAP_CALL_SIZE).toBe(4);
    const { compileModule } = await import('../../compiler/codegen/moduleCompiler.ts');
    const { watToWasm } = await import('../../compiler/text/watToWasm.ts');
    const wat = readFileSync(join(repoRoot(), 'book/examples/traps.wat'), 'utf8');
    const m = compileModule(await watToWasm(wat), { notes: true });
    const divide = m.functions[0]!;
    const text = disassemble(m.code.subarray(divide.offset, divide.offset + divide.size)).map((l) => l.text);
    expect(text.slice(0, 10)).toEqual(['mov eax, edi', 'test esi, esi', 'jne 0xa', 'call qword ptr [r15+0x28]', 'cmp esi, 0xffffffff', 'jne 0x18', 'cmp eax, 1', 'jno 0x18', 'call qword ptr [r15+0x28]', 'cdq']);
  });

  test('the internal convention passes integers in the same registers as C, and the allocator uses rbx, r12 and r13', async () => {
    const { INT_PARAM_REGS } = await import('../../compiler/abi/index.ts');
    const { Reg } = await import('../../compiler/abi/registers.ts');
    expect(INT_PARAM_REGS).toEqual([Reg.rdi, Reg.rsi, Reg.rdx, Reg.rcx, Reg.r8, Reg.r9]);
    const { ALLOCATABLE_GPRS } = await import('../../compiler/codegen/registerAllocator.ts');
    expect(ALLOCATABLE_GPRS).toEqual(expect.arrayContaining([Reg.rbx, Reg.r12, Reg.r13]));
  });

  test('the tiny trampoline runs compiled add and fib', async () => {
    const { viaTinyTrampoline } = await import('../../book/examples/first-native-call.ts');
    const [out] = await viaTinyTrampoline();
    if (!canRunNative) return expect(out?.kind).toBe('unavailable');
    expect(out?.kind === 'table' && out.rows).toEqual([['add(2, 3)', 5], ['add(-1, 1)', 0], ['fib(20)', 6765]]);
  });

  test.runIf(canRunNative)('through the tiny trampoline, unbounded recursion and a division by zero kill the process with a segmentation fault', async () => {
    const { spawnSync } = await import('node:child_process');
    const example = join(repoRoot(), 'book/examples/first-native-call.ts');
    for (const what of ['recursion', 'divide-by-zero']) {
      const script = `import(${JSON.stringify(example)}).then((m) => m.crashThroughTinyTrampoline(${JSON.stringify(what)})).then(() => console.log('returned'))`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot(), encoding: 'utf8', timeout: 60_000 });
      expect(child.stdout).not.toContain('returned');
      expect(child.signal, `${what}: ${child.stderr}`).toBe('SIGSEGV');
    }
  }, 120_000);

  test('cmp eax, 1 is three bytes; cmp eax, 0x80000000 five', () => {
    expect(bytes((a) => a.cmp(eax, 1)).split(' ')).toHaveLength(3);
    expect(bytes((a) => a.cmp(eax, 0x80000000)).split(' ')).toHaveLength(5);
  });
});

describe('the Exercises sections of chapters 4 and 5', () => {
  test('each names its exercise folder, which exists', () => {
    const chapters: [string, string][] = [['04-encoding-x86-64', 'exercises/04-beyond-add'], ['05-running-machine-code', 'exercises/05-executable-memory']];
    for (const [chapter, folder] of chapters) {
      const text = readFileSync(join(repoRoot(), `book/${chapter}.mdx`), 'utf8');
      const exercises = text.slice(text.indexOf('## Exercises'));
      expect(exercises.match(/exercises\/\d\d-[\w-]+/g)).toEqual([folder]);
      expect(existsSync(join(repoRoot(), folder, 'README.md')), folder).toBe(true);
    }
  });

  test('exercise 4: shl is C1 /4 ib with a form of its own for a count of 1; setcc needs a REX prefix with no bit set for sil, not for al', () => {
    expect(bytes((a) => a.shl(eax, 3))).toBe('c1 e0 03');
    expect(bytes((a) => a.shl(eax, 1))).toBe('d1 e0');
    expect(bytes((a) => a.setcc('e', sil))).toBe('40 0f 94 c6');
    expect(bytes((a) => a.setcc('e', al))).toBe('0f 94 c0');
  });
});
