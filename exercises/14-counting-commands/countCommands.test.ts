// Checks for exercise 14. Every expected count comes from the real thing: the spec-script parser of
// compiler/wast (parseScript), which gives each command of a script one entry, on hand-picked
// scripts and on every top-level file of the WebAssembly spec suite.
import { readFileSync, statSync } from 'node:fs';
import { expect } from 'vitest';
import { parseScript } from '../../compiler/wast/script.ts';
import { listWastFiles, locateSuite } from '../../compiler/wast/node/suite.ts';
import { defineExercise, type Check } from '../harness.ts';

interface Impl {
  countCommands(script: string): number;
}

const scripts: [what: string, script: string][] = [
  ['a module and two assertions', '(module (func (export "f") (result i32) (i32.const 1)))\n(assert_return (invoke "f") (i32.const 1))\n(invoke "f")'],
  ['a line comment with parentheses', ';; (module) (assert_return)\n(module)\n;; )))\n(module)'],
  ['nested block comments', '(; outer (; inner ;) (module) ;)\n(module)\n(; ;)(module (; (module) ;))'],
  ['strings with parentheses and escaped quotes', '(module (func (export "f(") ))\n(assert_malformed (module quote "(func \\"(\\")") "unknown")\n(assert_return (invoke "f(") )'],
  ['an escaped quote followed by a parenthesis', '(module (func (export "a\\")")))\n(module)\n(invoke "a\\")")'],
  ['a string with an escaped backslash before its closing quote', '(module (func (export "a\\\\")))\n(invoke "a\\\\")\n(module)'],
  ['only module fields: one module', '(func (export "f"))\n(memory 1)\n(global i32 (i32.const 0))\n(export "m" (memory 0))'],
  ['module fields after a comment', ';; fields only\n(type (func))\n(func (type 0))'],
  ['a top-level annotation', '(@custom "name" "bytes")\n(module)\n(assert_invalid (module (func (result i32))) "type mismatch")'],
  ['an empty script', ';; nothing here\n'],
  ['register and a named module', '(module $m (func (export "f")))\n(register "m" $m)\n(module (import "m" "f" (func)))'],
];

const counted = new Map<string, number>();
/** The parser's count (parsing decodes every constant, so it is remembered). */
function expected(script: string): number {
  let n = counted.get(script);
  if (n === undefined) counted.set(script, (n = parseScript(script).commands.length));
  return n;
}

/** The suite's files up to 60 KB (all but the large float and SIMD ones): every comment, string and annotation form is among them. */
const suiteFiles = () => listWastFiles([locateSuite()], false).filter((f) => statSync(f.path).size <= 60_000);

const checks: Check<Impl>[] = [
  {
    name: `counts as the spec-script parser does on ${scripts.length} hand-picked scripts`,
    run: (impl) => {
      for (const [what, script] of scripts) expect(impl.countCommands(script), `${what}:\n${script}`).toBe(expected(script));
    },
  },
  {
    name: 'counts as the spec-script parser does on the top-level files of the spec suite up to 60 KB',
    run: (impl) => {
      for (const file of suiteFiles()) {
        const script = readFileSync(file.path, 'utf8');
        expect(impl.countCommands(script), file.name).toBe(expected(script));
      }
    },
  },
];

defineExercise<Impl>({
  dir: 'exercises/14-counting-commands',
  checks,
  solution: () => import('./countCommands.ts'),
  reference: () => import('./reference.ts'),
  wrong: async () => (await import('./wrong.ts')).wrongSolutions,
  unavailable: () => {
    try {
      locateSuite();
      return undefined;
    } catch (e) {
      return `the checks read the spec suite, which is not here: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
  },
});
