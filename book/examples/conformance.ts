// Chapter 14's examples. First the smallest spec-script runner that works — modules,
// assert_return and assert_trap on i32 values — run on a short script, beside the real runner on
// the same script, to show what the small one gets wrong. Then the spec suite's results as the
// ratchet test records them: read from compiler/wast/baseline.json when the page is built, so the
// page shows exactly what CI verifies and nothing more.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/lib/root.ts';
import { readAll, headOf, isList, stringText, type SExpr, type SList, type SString } from '../../compiler/wast/sexpr.ts';
import { watToWasm } from '../../compiler/text/watToWasm.ts';
import { compileModule } from '../../compiler/codegen/moduleCompiler.ts';
import { nativeUnavailable } from '../../src/lib/examples.ts';
import type { Output } from '../../src/lib/exampleOutput.ts';

const script = `
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "wide") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 3))))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "add" (i32.const 0x7fffffff) (i32.const 1)) (i32.const 0x80000000))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_return (invoke "wide" (i64.const 0x4000000000000000)) (i64.const 0xc000000000000000))
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
`;

// #region mini-runner
type Verdict = 'passed' | 'failed' | 'not understood';

/** The smallest runner: i32 arguments and results, compared as JavaScript numbers. */
async function miniRunner(source: string): Promise<[line: number, command: string, verdict: Verdict][]> {
  const { Instance } = await import('../../compiler/runtime/instance.ts');
  let exports: Record<string, (...args: number[]) => number> = {};
  const i32 = (e: SExpr) => Number((e as SList).items[1]!.type === 'atom' ? ((e as SList).items[1] as { text: string }).text : NaN) | 0;
  const out: [number, string, Verdict][] = [];
  for (const command of readAll(source)) {
    const head = headOf(command)!;
    const items = (command as SList).items;
    try {
      if (head === 'module') {
        const wasm = await watToWasm(source.slice(command.start, command.end));
        exports = new Instance(compileModule(wasm)).exports as typeof exports;
        out.push([command.line, head, 'passed']);
      } else if ((head === 'assert_return' || head === 'assert_trap') && isList(items[1], 'invoke')) {
        const [, name, ...args] = (items[1] as SList).items;
        const call = () => exports[stringText(name as SString)]!(...args.map(i32));
        if (head === 'assert_return') out.push([command.line, head, call() === i32(items[2]!) ? 'passed' : 'failed']);
        else {
          try {
            call();
            out.push([command.line, head, 'failed']);
          } catch (e) {
            out.push([command.line, head, String(e).includes(stringText(items[2] as SString)) ? 'passed' : 'failed']);
          }
        }
      } else out.push([command.line, head, 'not understood']);
    } catch {
      out.push([command.line, head, 'failed']);
    }
  }
  return out;
}
// #endregion mini-runner

export async function twoRunners(): Promise<Output[]> {
  const why = nativeUnavailable();
  if (why) return [{ kind: 'unavailable', reason: why }];
  const mini = await miniRunner(script);
  const { parseScript } = await import('../../compiler/wast/script.ts');
  const { runScript } = await import('../../compiler/wast/runner.ts');
  const { lightbeamEngine } = await import('../../compiler/wast/lightbeamEngine.ts');
  const { withExecution } = await import('../../compiler/wast/node/executionEngine.ts');
  const { loadTextToBinary } = await import('../../compiler/wast/textFormat.ts');
  const real = runScript(parseScript(script), { engine: withExecution(lightbeamEngine()), textToBinary: await loadTextToBinary() });
  const lines = script.split('\n');
  const rows = mini.map(([line, , verdict]) => {
    const r = real.find((o) => o.line === line);
    const text = lines[line - 1]!.trim();
    return [text.length > 72 ? text.slice(0, 70) + '…' : text, verdict, r ? `${r.status}${r.reason ? ` (${r.reason})` : ''}` : 'no outcome'];
  });
  return [{ kind: 'table', columns: ['command', 'the mini runner', 'the real runner (compiler/wast)'], rows }];
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
interface SpecBaseline {
  totals: Counts & { total: number };
  kinds: Record<string, Counts>;
  skipReasons: Record<string, number>;
  files: Record<string, Counts>;
}

const baseline = (): SpecBaseline => JSON.parse(readFileSync(join(repoRoot(), 'compiler/wast/baseline.json'), 'utf8')) as SpecBaseline;
const percent = (n: number, of: number): string => (of === 0 ? '—' : `${((100 * n) / of).toFixed(1)}%`);

/** Totals, per command kind, and per skip reason. */
export function suiteSummary(): Output[] {
  const b = baseline();
  const t = b.totals;
  const kinds = Object.entries(b.kinds).sort((x, y) => y[1].passed + y[1].skipped - (x[1].passed + x[1].skipped));
  return [
    {
      kind: 'table',
      title: `The top-level spec suite: ${Object.keys(b.files).length} files, ${t.total} commands`,
      columns: ['passed', 'failed', 'skipped', 'passed, of the commands not skipped'],
      rows: [[t.passed, t.failed, t.skipped, percent(t.passed, t.passed + t.failed)]],
    },
    {
      kind: 'table',
      title: 'Per command kind',
      columns: ['command', 'passed', 'failed', 'skipped'],
      rows: kinds.map(([k, c]) => [k, c.passed, c.failed, c.skipped]),
    },
    {
      kind: 'table',
      title: 'Why commands are skipped',
      columns: ['reason', 'commands', 'share of the skips'],
      rows: Object.entries(b.skipReasons).map(([reason, n]) => [reason, n, percent(n, t.skipped)]),
    },
  ];
}

/** Every file, grouped by how much of it runs. */
export function suiteFiles(): Output[] {
  const files = Object.entries(baseline().files);
  const group = (title: string, pick: (c: Counts) => boolean): Output => {
    const rows = files.filter(([, c]) => pick(c)).map(([f, c]) => [f, c.passed, c.failed, c.skipped]);
    if (rows.length === 0) return { kind: 'text', title: `${title}: no files`, text: 'none' };
    return { kind: 'table', title: `${title}: ${rows.length} files`, columns: ['file', 'passed', 'failed', 'skipped'], rows };
  };
  return [
    group('Every command passes', (c) => c.skipped === 0 && c.failed === 0),
    group('Some commands skipped', (c) => c.skipped > 0 && c.passed > 0),
    group('Every command skipped', (c) => c.passed === 0 && c.failed === 0),
    group('Some command failed', (c) => c.failed > 0),
  ];
}
