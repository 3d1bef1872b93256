// Chapter 3 builds a validator in three steps (book/examples/small-validator.ts) and compares each
// step's verdicts with Lightbeam's. The tables update themselves at build time; the sentences
// around them do not. These checks hold the sentences of book/03-validation-in-one-pass.mdx to
// the code: where each step agrees with Lightbeam, where it falls short, and the facts quoted.
import { describe, expect, test } from 'vitest';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { validateModule } from '../../compiler/validate/index.ts';
import { MAX_LOCALS } from '../../compiler/validate/functionValidator.ts';
import { allOperators } from '../../compiler/binary/operators.ts';
import {
  STEP_BODIES, SIGNATURE, Validator, functionBody, stepVerdicts, verdictOf,
} from '../../book/examples/small-validator.ts';

/** The rows of a step's table where the step and Lightbeam disagree, by their description. */
async function disagreements(step: 'one' | 'two' | 'three'): Promise<string[]> {
  return (await stepVerdicts(step)).filter((v) => v.small !== v.lightbeam).map((v) => v.what);
}
const verdictOfRow = async (step: 'one' | 'two' | 'three', what: string): Promise<{ small: string; lightbeam: string }> =>
  (await stepVerdicts(step)).find((v) => v.what === what)!;

describe('book/03-validation-in-one-pass.mdx, the three steps', () => {
  test('step one agrees with Lightbeam on every straight-line body and stops at the block', async () => {
    expect(await disagreements('one')).toEqual(['a block']);
    expect((await verdictOfRow('one', 'a block')).small).toMatch(/^no rule for block/);
    // "the index of a local that does not exist": the error is one byte after the local.get opcode.
    const [row] = (await stepVerdicts('one')).filter((v) => v.what === 'a local that does not exist');
    expect(row!.small).toMatch(/^unknown local 3 /);
  });

  test("the third row, i32.const 1; i32.add, is rejected at the i32.add", async () => {
    const [what, body] = STEP_BODIES.one[2]!;
    expect(body).toBe('i32.const 1 i32.add');
    const module = await watToWasm(`(module (func (param i32) (result i32) ${body}))`, { validate: false });
    const { body: bytes, base } = functionBody(module);
    const add = base + bytes.lastIndexOf(0x6a);
    expect((await verdictOfRow('one', what)).small).toBe(`type mismatch (byte 0x${add.toString(16)})`);
  });

  test('treating a block as brackets would accept a block that drops what it was not given; Lightbeam rejects it', async () => {
    expect((await verdictOfRow('two', 'a block takes nothing it was not given')).lightbeam).toMatch(/^type mismatch/);
  });

  test('step two agrees with Lightbeam until the last two rows, where it rejects valid code', async () => {
    const rows = STEP_BODIES.two.map(([what]) => what);
    expect(await disagreements('two')).toEqual(rows.slice(-2));
    expect(rows.slice(-2)).toEqual(['return, at the end', 'br, at the end of a block']);
    for (const what of rows.slice(-2)) {
      const v = await verdictOfRow('two', what);
      expect(v.small).toMatch(/^type mismatch/);
      expect(v.lightbeam).toBe('valid');
    }
  });

  test("step three gives Lightbeam's verdict, message and byte on every body in the chapter", async () => {
    for (const step of ['one', 'two', 'three'] as const) {
      for (const [, body] of STEP_BODIES[step]) {
        const module = await watToWasm(`(module (func (param i32) (result i32) ${body}))`, { validate: false });
        const { body: bytes, base } = functionBody(module);
        expect(verdictOf(() => new Validator().check(SIGNATURE, bytes, base)), body).toBe(verdictOf(() => validateModule(module)));
      }
    }
  });

  test("step three's rows say what the prose says they say", async () => {
    const expected: Record<string, 'valid' | 'invalid'> = {
      'return, at the end': 'valid',
      'br, at the end of a block': 'valid',
      'after unreachable, anything goes...': 'valid',
      '...but not a known wrong type': 'invalid',
      'a branch throws away what is under its values': 'valid',
      '...but values pushed after it are checked': 'invalid',
      "br_if gives unknown values its label's types": 'invalid',
      'br_table: one unknown value fits an i32 and an i64 target': 'valid',
      'an else starts reachable again': 'invalid',
    };
    const rows = await stepVerdicts('three');
    expect(rows.map((r) => r.what)).toEqual(Object.keys(expected));
    for (const r of rows) expect(r.small === 'valid' ? 'valid' : 'invalid', r.what).toBe(expected[r.what]);
  });

  test('several hundred random bodies of the chapter\'s operators: step three and Lightbeam agree on every one', async () => {
    let seed = 3;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    const pick = <T,>(xs: readonly T[]): T => xs[rand(xs.length)]!;
    const simple = ['i32.const 1', 'i64.const 1', 'local.get 0', 'local.get 1', 'i32.add', 'i64.add', 'i32.eqz', 'i64.eqz',
      'i32.wrap_i64', 'i64.extend_i32_s', 'drop', 'nop', 'unreachable', 'return', 'local.set 0', 'local.tee 0'];
    // Well-nested blocks (wabt's text parser needs them), with labels up to one past the outermost.
    const sequence = (depth: number, length: number): string[] => {
      const out: string[] = [];
      for (let i = 0; i < length; i++) {
        const k = rand(10);
        if (k < 6) out.push(pick(simple));
        else if (k < 8) out.push(`${pick(['br', 'br_if'])} ${rand(depth + 2)}`);
        else if (k < 9 && depth < 4) {
          const kind = pick(['block', 'loop', 'if']);
          out.push(kind + pick(['', ' (result i32)', ' (result i64)']), ...sequence(depth + 1, rand(5)));
          if (kind === 'if' && rand(2)) out.push('else', ...sequence(depth + 1, rand(4)));
          out.push('end');
        } else out.push(`br_table ${Array.from({ length: rand(3) }, () => rand(depth + 2)).join(' ')} ${rand(depth + 2)}`);
      }
      return out;
    };
    let valid = 0;
    const total = 400;
    for (let n = 0; n < total; n++) {
      const body = sequence(0, 1 + rand(8)).join(' ');
      const module = await watToWasm(`(module (func (param i32) (result i32) ${body}))`, { validate: false });
      const { body: bytes, base } = functionBody(module);
      const small = verdictOf(() => new Validator().check(SIGNATURE, bytes, base));
      expect(small, body).toBe(verdictOf(() => validateModule(module)));
      if (small === 'valid') valid++;
    }
    // Both kinds of verdict are well represented, so agreeing is not trivial.
    expect(valid).toBeGreaterThan(total / 5);
    expect(valid).toBeLessThan(total - total / 5);
  });
});

describe('book/03-validation-in-one-pass.mdx also says', () => {
  test('the operator table gives 132 one-byte numeric operators a plain signature', () => {
    const numeric = [...allOperators()].filter((o) => o.opcode < 256 && ['unary', 'binary', 'compare', 'const'].includes(o.family));
    expect(numeric).toHaveLength(132);
    for (const o of numeric) expect(o.results).toHaveLength(1);
  });

  test('select in unreachable code, with both operands out of nowhere, pushes the unknown type: it fits i32 and i64 alike', async () => {
    for (const next of ['i32.eqz', 'i64.eqz']) {
      const module = await watToWasm(`(module (func (result i32) unreachable select ${next}))`, { validate: false });
      expect(verdictOf(() => validateModule(module))).toBe('valid');
    }
  });

  test('tens of thousands of locals are allowed, and absurd counts refused', () => {
    expect(MAX_LOCALS).toBeGreaterThanOrEqual(10_000);
    expect(MAX_LOCALS).toBeLessThan(100_000);
  });

  test('the trace: dead code after return is validated but not reported; the block\'s end is', async () => {
    const { trace } = await import('../../book/examples/validation.ts');
    const [out] = await trace();
    const text = out!.kind === 'text' ? out!.text : '';
    expect(text).toContain('return()');
    expect(text).not.toMatch(/i32Const\((2|3)\)/);
    expect(text).not.toContain('binary(');
    expect(text.match(/^end\(/gm)).toHaveLength(2); // the block's and the function's
  });
});
