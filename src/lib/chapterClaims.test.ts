// Chapters 6 and 11 say what the code generator does with each kind of value location, and shows it
// with examples compiled at build time. The listings update themselves; the sentences do not.
// These checks hold the sentences to the code: if one fails, the code generator changed in a
// way book/06-the-value-stack.mdx describes, and the paragraph needs rereading.
import { describe, expect, test } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { listFunctions } from '../../compiler/codegen/listing.ts';
import { loadIced } from '../../compiler/x64/index.ts';

/** The instructions of the function's body: after the prologue's stack check if it has one, up to the first ret. */
async function body(func: string): Promise<string[]> {
  await loadIced();
  const [f] = listFunctions(compileModule(await watToWasm(`(module ${func})`)));
  const texts = f!.instructions.map((i) => i.text).filter((t) => !t.startsWith('nop'));
  // The stack check is the stub's trap call before the entry, then cmp and jb; a small leaf has none.
  const start = texts[0]!.startsWith('call qword') ? texts.findIndex((t) => t.startsWith('jb ')) + 1 : 0;
  const end = texts.indexOf('ret', start);
  return texts.slice(start, end);
}

describe('book/06-the-value-stack.mdx says', () => {
  test('two constants are folded: the body is one mov of the sum', async () => {
    expect(await body('(func (result i32) (i32.add (i32.const 2) (i32.const 3)))')).toEqual(['mov eax, 5']);
  });

  test('a constant operand becomes an immediate of imul', async () => {
    const b = await body('(func (param i32) (result i32) (i32.mul (local.get 0) (i32.const 10)))');
    expect(b).toHaveLength(1);
    expect(b[0]).toMatch(/^imul \w+, \w+, (0xa|10)$/);
  });

  test('a local plus a constant is one lea', async () => {
    const b = await body('(func (param i32) (result i32) (i32.add (local.get 0) (i32.const 100)))');
    expect(b).toEqual([expect.stringMatching(/^lea eax, \[\w+\+(0x64|100)\]$/)]);
  });

  test('a comparison feeding an if becomes cmp and one conditional jump, with no setcc', async () => {
    const b = await body('(func (param i32 i32) (result i32) (if (result i32) (i32.lt_s (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))');
    expect(b[0]).toMatch(/^cmp /);
    expect(b[1]).toMatch(/^j(ge|l) /);
    expect(b.some((t) => t.startsWith('set'))).toBe(false);
  });

  test('a comparison used as a value is materialized with setl and movzx', async () => {
    const b = await body('(func (param i32 i32) (result i32) (i32.lt_s (local.get 0) (local.get 1)))');
    expect(b.map((t) => t.split(' ')[0])).toEqual(['cmp', 'setl', 'movzx']);
  });

  test('a local overwritten while its old value is on the stack is copied just before the write', async () => {
    const b = await body('(func (param i32) (result i32) (local.get 0) (local.set 0 (i32.const 7)) (local.get 0) (i32.add))');
    const write = b.findIndex((t) => /^mov edi, (7|0x7)$/.test(t));
    expect(write).toBeGreaterThan(0);
    expect(b[write - 1]).toMatch(/^mov \w+, edi$/);
  });
});

describe('book/06-the-value-stack.mdx, the literal translation and fib', () => {
  test('the literal code generator runs correctly and takes more instructions than Lightbeam on every case', async () => {
    const { compareWithLightbeam, naiveCases } = await import('../../book/examples/naive-stack.ts');
    const { rows } = await compareWithLightbeam();
    rows.forEach((row, i) => {
      expect(Number(row[1])).toBeGreaterThan(Number(row[2]));
      // Run natively where the machine can; elsewhere the row says "not run".
      if (process.arch === 'x64' && process.platform === 'linux') expect(row[3]).toBe(`f(${naiveCases[i]!.args.join(', ')}) = ${naiveCases[i]!.expected}`);
    });
    // "a + 100 ... eight instructions, for what one lea does"
    expect(rows[0]![1]).toBe(8);
    expect(rows[0]![2]).toBe(2); // lea + ret
  });

  test('select on a fresh comparison is cmp and one cmov, no setcc and no branch', async () => {
    const b = await body('(func (param i32 i32 i32) (result i32) (select (local.get 1) (local.get 2) (i32.lt_s (local.get 0) (i32.const 5))))');
    const ops = b.map((t) => t.split(' ')[0]!);
    expect(ops.filter((o) => o.startsWith('cmov'))).toHaveLength(1);
    expect(ops.some((o) => o.startsWith('set') || o.startsWith('j'))).toBe(false);
  });

  test("fib: cmp edi, 2 then jae; lea edi, [rdi-1] into the call; the first result added from its slot", async () => {
    const { readFileSync } = await import('node:fs');
    await loadIced();
    const wat = readFileSync(new URL('../../book/examples/fib.wat', import.meta.url), 'utf8');
    const [f] = listFunctions(compileModule(await watToWasm(wat)));
    const t = f!.instructions.map((i) => i.text);
    const k = t.indexOf('cmp edi, 2');
    expect(k).toBeGreaterThan(0);
    expect(t[k + 1]).toMatch(/^jae /);
    expect(t).toContain('lea edi, [rdi-1]');
    expect(t).toContain('lea edi, [rdi-2]');
    expect(t.some((x) => /^add eax, \[rsp(\+\w+)?\]$/.test(x))).toBe(true);
    expect(t.filter((x) => x.startsWith('call ') && !x.includes('[r15'))).toHaveLength(2);
  });
});

describe('book/06-the-value-stack.mdx also says', () => {
  test('a leaf without a frame has no stack check and ends with a bare ret; one that calls starts with the check', async () => {
    await loadIced();
    const [f, g] = listFunctions(compileModule(await watToWasm(`(module (func (result i32) (i32.add (i32.const 2) (i32.const 3)))
      (func (result i32) (call 0)))`)));
    const texts = f!.instructions.map((i) => i.text);
    expect(texts[0]).toBe('mov eax, 5');
    expect(texts.filter((t) => t.startsWith('nop') || t.startsWith('add rsp'))).toEqual([]);
    expect(texts[1]).toBe('ret');
    expect(g!.instructions.slice(0, 3).map((i) => i.text.split(' ')[0])).toEqual(['call', 'cmp', 'jb']);
  });
});

describe('book/05-running-machine-code.mdx, on division', () => {
  test('i32.div_s by a variable: test/jne over a trap call, cmp -1/jne, cmp eax, 1/jno over a trap call, cdq, idiv', async () => {
    const b = await body('(func (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))');
    const ops = b.map((t) => t.split(' ')[0]);
    expect(ops).toEqual(['mov', 'test', 'jne', 'call', 'cmp', 'jne', 'cmp', 'jno', 'call', 'cdq', 'idiv']);
    expect(b[6]).toBe('cmp eax, 1');
    expect(b[3]).toBe('call qword ptr [r15+0x28]');
  });

  test('by a constant other than 0 and -1: no zero test and no overflow test', async () => {
    const b = await body('(func (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 7)))');
    const ops = b.map((t) => t.split(' ')[0]);
    expect(ops).not.toContain('jne');
    expect(ops).not.toContain('jno');
    expect(ops).not.toContain('call');
  });
});

describe('book/05-running-machine-code.mdx says', () => {
  test('a frame within MAX_UNCHECKED_FRAME is checked with cmp rsp; a bigger one with lea rsp - F first', async () => {
    const { MAX_UNCHECKED_FRAME } = await import('../../compiler/abi/index.ts');
    await loadIced();
    const first = async (locals: number) => {
      // Each i64 local that does not get a register takes an 8-byte frame slot; using them all keeps them.
      const body = Array.from({ length: locals }, (_, i) => `(local.set ${i} (i64.const ${i + 1}))`).join(' ');
      // The call makes it more than a leaf (a small leaf has no check at all).
      const [f] = listFunctions(compileModule(await watToWasm(`(module (func $f (local ${'i64 '.repeat(locals)}) ${body} (call $f)))`)));
      return f!.instructions.slice(1, 4).map((i) => i.text); // after the stub's trap call before the entry
    };
    const small = await first(16);
    expect(small[0]).toMatch(/^cmp rsp, /);
    expect(small[1]).toMatch(/^jb /);
    const big = await first(MAX_UNCHECKED_FRAME / 8 + 64);
    expect(big[0]).toMatch(/^lea (\w+), \[rsp-/);
    expect(big[1]).toMatch(/^cmp /);
    expect(big[2]).toMatch(/^jb /);
  });
});

describe('book/04-encoding-x86-64.mdx says', () => {
  test('mov rax, 42 is emitted as the shorter mov eax, 42', async () => {
    const { Assembler, rax } = await import('../../compiler/x64/index.ts');
    const a = new Assembler();
    a.mov(rax, 42);
    expect([...a.finish().code]).toEqual([0xb8, 42, 0, 0, 0]);
  });

  test('in the sum loop, the forward je takes six bytes and the backward jne two', async () => {
    const { sumLoop } = await import('../../book/examples/x64-encodings.ts');
    const [out] = await sumLoop();
    const listing = out?.kind === 'asm' ? out.listing : '';
    expect(listing).toMatch(/0f 84 [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2}\s+je /);
    expect(listing).toMatch(/\b75 [0-9a-f]{2}\s+jne /);
  });
});

describe('book/11-floating-point.mdx says', () => {
  const ops = (b: string[]) => b.map((t) => t.split(' ')[0]);

  test('f64.lt feeding an if is ucomisd with the operands swapped and one "above" jump, no setcc', async () => {
    const b = await body('(func (param f64 f64) (result i32) (if (result i32) (f64.lt (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))');
    const k = b.findIndex((t) => t.startsWith('ucomisd'));
    expect(k).toBeGreaterThanOrEqual(0);
    expect(b[k + 1]).toMatch(/^j(a|be) /);
    expect(b.some((t) => t.startsWith('set'))).toBe(false);
  });

  test('f64.eq as a value needs two flags: sete, setnp and an and', async () => {
    const b = await body('(func (param f64 f64) (result i32) (f64.eq (local.get 0) (local.get 1)))');
    const o = ops(b);
    const k = o.indexOf('ucomisd');
    expect(o.slice(k, k + 4)).toEqual(['ucomisd', 'sete', 'setnp', 'and']);
  });

  test('f64.eq stays in the flags: an if jumps twice (jp past je, or jne and jp to the else), a select is cmovne and cmovp', async () => {
    const branch = ops(await body('(func (param f64 f64) (result i32) (if (result i32) (f64.eq (local.get 0) (local.get 1)) (then (i32.const 7)) (else (i32.const 9))))'));
    const k = branch.indexOf('ucomisd');
    expect(branch.slice(k, k + 3)).toEqual(['ucomisd', 'jne', 'jp']);
    expect(branch.some((t) => t!.startsWith('set'))).toBe(false);
    const select = ops(await body('(func (param f64 f64 i32 i32) (result i32) (select (local.get 2) (local.get 3) (f64.eq (local.get 0) (local.get 1))))'));
    expect(select.filter((t) => t!.startsWith('cmov'))).toEqual(['cmovne', 'cmovp']);
  });

  test('f64.min compares first: jne to minsd, jp to the NaN case, orps for equal operands', async () => {
    const o = ops(await body('(func (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))'));
    const k = o.indexOf('ucomisd');
    expect(o.slice(k, k + 4)).toEqual(['ucomisd', 'jne', 'jp', 'orps']);
    expect(o).toContain('addsd');
    expect(o).toContain('minsd');
  });

  test('float arithmetic between an integer comparison and its if leaves the comparison in the flags', async () => {
    const b = await body(`(func (param i32 i32 f64 f64) (result f64) (local $t f64)
      (i32.lt_s (local.get 0) (local.get 1))
      (local.set $t (f64.add (local.get 2) (local.get 3)))
      (if (result f64) (then (local.get $t)) (else (f64.neg (local.get $t)))))`);
    expect(b.some((t) => t.startsWith('set'))).toBe(false);
    const cmp = b.findIndex((t) => t.startsWith('cmp '));
    const add = b.findIndex((t) => t.startsWith('addsd'));
    const jump = b.findIndex((t) => /^j(ge|l) /.test(t));
    expect(cmp).toBeGreaterThanOrEqual(0);
    expect(add).toBeGreaterThan(cmp);
    expect(jump).toBeGreaterThan(add);
  });

  test('i32.trunc_f64_s checks NaN and both bounds before cvttsd2si', async () => {
    const o = ops(await body('(func (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))'));
    const k = o.indexOf('ucomisd');
    expect(o.slice(k, k + 7)).toEqual(['ucomisd', 'jp', 'ucomisd', 'jbe', 'ucomisd', 'jae', 'cvttsd2si']);
  });
});
