// DESIGN §1's layering rules, held over the import graph of every .ts file under compiler/
// (static, type-only, dynamic imports, re-exports and require). A failure prints the chain of
// imports that breaks the rule. The second half runs the same rules on small made-up graphs,
// so each is shown to fail when broken, not only to pass today.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildImportGraph, graphOf, importsOf, type ImportGraph } from './testing/importGraph.ts';
import { describeViolations, type LayerRule, violationsOf } from './testing/layerRules.ts';

const under = (...folders: string[]) => (path: string): boolean => folders.some((f) => path.startsWith(`${f}/`));
const isTest = (path: string): boolean => path.endsWith('.test.ts');

/** Helpers that only tests and benchmarks load: like tests, they may use Node; the compiler never loads them. */
const testHelper = (path: string): boolean =>
  under('compiler/testing', 'compiler/codegen/testing')(path) || ['compiler/validate/testSupport.ts', 'compiler/runtime/testKit.ts'].includes(path);

/**
 * Node-only by design: the runtime, the command line, the compile cache (files), parallel compiling on worker threads, the Node side of the spec runner, and the
 * JS API's instantiating half (compiler/api/index.ts runs instances), its WASI host (wasiHost.ts, nodeWasi.ts) and its worker_threads side
 * (threadMessages.ts, and the entry its worker test loads) and its compile cache (nodeCodeCache.ts); its compile-only half,
 * compiler/api/module.ts, is browser-side).
 */
const NODE_ONLY_FILES: readonly string[] = [
  'compiler/cli.ts', 'compiler/api/index.ts', 'compiler/api/namespace.ts', 'compiler/api/detach.ts', 'compiler/api/install.ts',
  'compiler/api/interruption.ts', 'compiler/api/wasiHost.ts', 'compiler/api/nodeWasi.ts', 'compiler/api/threadMessages.ts', 'compiler/api/nodeCodeCache.ts',
  'compiler/api/testdata/threadApi.ts',
];
const nodeOnly = (path: string): boolean =>
  under('compiler/runtime', 'compiler/cli', 'compiler/cache', 'compiler/parallel', 'compiler/wast/node', 'compiler/jsapi/node')(path) || NODE_ONLY_FILES.includes(path);

const browserSide = (path: string): boolean =>
  path.startsWith('compiler/') && !nodeOnly(path) && !isTest(path) && !testHelper(path);

/** Node's own modules (with or without `node:`), and koffi, which reaches native code. */
const nodeBuiltins = new Set(builtinModules);
const isNodeOnlyModule = (node: string): boolean =>
  node === 'koffi' || node.startsWith('koffi/') || node.startsWith('node:') || nodeBuiltins.has(node) || nodeBuiltins.has(node.split('/')[0]!);

const RULES: readonly LayerRule[] = [
  {
    name: 'compiler/x64 knows nothing of WebAssembly',
    appliesTo: under('compiler/x64'),
    mustNotReach: under('compiler/binary', 'compiler/validate', 'compiler/codegen', 'compiler/wast', 'compiler/runtime', 'compiler/api', 'compiler/abi', 'compiler/cli'),
  },
  {
    name: 'compiler/binary and compiler/validate know nothing of x86',
    appliesTo: under('compiler/binary', 'compiler/validate'),
    mustNotReach: under('compiler/x64', 'compiler/codegen', 'compiler/runtime'),
  },
  {
    name: 'browser-side compiler files never reach koffi or Node builtins',
    appliesTo: browserSide,
    mustNotReach: isNodeOnlyModule,
  },
  {
    name: 'the compiler never imports the book, the site, the exercises, the benchmarks or scripts',
    appliesTo: under('compiler'),
    mustNotReach: under('book', 'src', 'exercises', 'bench', 'scripts'),
  },
  {
    name: 'compiler code never loads test helpers',
    appliesTo: (path) => path.startsWith('compiler/') && !isTest(path) && !testHelper(path),
    mustNotReach: testHelper,
  },
  {
    name: 'only compiler/text/watToWasm.ts imports wabt (one text front-end, one set of features)',
    appliesTo: (path) => path !== 'compiler/text/watToWasm.ts',
    mustNotReach: (node) => node === 'wabt' || node.startsWith('wabt/'),
    directly: true,
  },
  {
    name: 'only the command line imports compiler/cli (it is the top of the stack)',
    appliesTo: (path) => path !== 'compiler/cli.ts' && !under('compiler/cli')(path),
    mustNotReach: under('compiler/cli'),
    directly: true,
  },
  // Tests are where generated code meets the runtime, so the next two hold for the rest.
  {
    name: 'compiler/codegen does not reach compiler/runtime (they share only compiler/abi)',
    appliesTo: (path) => under('compiler/codegen')(path) && !isTest(path),
    mustNotReach: under('compiler/runtime'),
  },
  {
    name: 'compiler/runtime does not reach compiler/codegen (they share only compiler/abi)',
    appliesTo: (path) => under('compiler/runtime')(path) && !isTest(path),
    mustNotReach: under('compiler/codegen'),
  },
];

/**
 * Breaks of a rule that are known and owned elsewhere, by file. Each must still break it (when one
 * is fixed, the test says so, and its line goes): a new break fails at once.
 */
const KNOWN_VIOLATIONS: Record<string, readonly string[]> = {};

const root = fileURLToPath(new URL('..', import.meta.url));

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = `${folder}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return sourcesUnder(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every .ts file under compiler/, and those of the book, site, exercises, benchmarks and scripts (for the wabt rule). */
function repoGraph(): ImportGraph {
  const folders = ['compiler', 'src', 'book', 'exercises', 'bench', 'scripts'];
  return buildImportGraph(folders.flatMap(sourcesUnder), {
    read: (path) => readFileSync(join(root, path), 'utf8'),
    exists: (path) => existsSync(join(root, path)) && statSync(join(root, path)).isFile(),
  });
}

describe('the layering of compiler/', () => {
  const graph = repoGraph();

  it('reads every import of every file', () => {
    expect(graph.files.filter((f) => f.startsWith('compiler/')).length).toBeGreaterThan(100);
    const unresolved = [...graph.edges.values()].flat().filter((e) => e.specifier.startsWith('.') && !existsSync(join(root, e.to)));
    expect(unresolved.map((e) => `${e.from}:${e.line} '${e.specifier}'`)).toEqual([]);
  });

  for (const rule of RULES) {
    it(rule.name, () => {
      const known = KNOWN_VIOLATIONS[rule.name] ?? [];
      const violations = violationsOf(graph, rule);
      const fresh = violations.filter((v) => !known.includes(v.file));
      if (fresh.length > 0) expect.fail(describeViolations(rule, fresh));
      const fixed = known.filter((file) => !violations.some((v) => v.file === file));
      expect(fixed, 'these no longer break the rule: remove them from KNOWN_VIOLATIONS').toEqual([]);
    });
  }

});

describe('the layering rules catch what they forbid', () => {
  const rule = (name: string): LayerRule => RULES.find((r) => r.name.startsWith(name))!;
  const broken = (r: LayerRule, description: Record<string, readonly string[]>): string => {
    const violations = violationsOf(graphOf(description), r);
    return violations.length === 0 ? 'holds' : describeViolations(r, violations);
  };

  it('x64 reaching wasm through another file', () => {
    const r = rule('compiler/x64');
    expect(broken(r, { 'compiler/x64/a.ts': ['compiler/x64/b.ts', 'compiler/errors.ts'], 'compiler/x64/b.ts': ['compiler/errors.ts'] })).toBe('holds');
    const text = broken(r, {
      'compiler/x64/a.ts': ['compiler/x64/b.ts'],
      'compiler/x64/b.ts': ['compiler/binary/types.ts'],
      'compiler/binary/types.ts': [],
    });
    expect(text).toContain('compiler/x64/b.ts:1 -> compiler/binary/types.ts');
    expect(text).toContain('also reached from compiler/x64/a.ts');
  });

  it('binary or validate reaching x86', () => {
    const r = rule('compiler/binary');
    expect(broken(r, { 'compiler/validate/a.ts': ['compiler/binary/b.ts'], 'compiler/binary/b.ts': ['compiler/errors.ts'] })).toBe('holds');
    expect(broken(r, { 'compiler/validate/a.ts': ['compiler/codegen/c.ts'] })).toContain('compiler/validate/a.ts:1 -> compiler/codegen/c.ts');
    expect(broken(r, { 'compiler/binary/a.ts': ['compiler/errors.ts'], 'compiler/errors.ts': ['compiler/x64/r.ts'] }))
      .toContain('compiler/binary/a.ts:1 -> compiler/errors.ts\n    compiler/errors.ts:1 -> compiler/x64/r.ts');
  });

  it('a browser-side file reaching koffi or a Node builtin, however far', () => {
    const r = rule('browser-side');
    expect(broken(r, { 'compiler/runtime/native.ts': ['koffi', 'node:module'], 'compiler/cli/x.ts': ['fs'], 'compiler/wast/node/w.ts': ['node:fs'], 'compiler/x64/a.test.ts': ['node:fs'] }))
      .toBe('holds');
    expect(broken(r, { 'compiler/api/a.ts': ['compiler/runtime/instance.ts'], 'compiler/runtime/instance.ts': ['compiler/runtime/native.ts'], 'compiler/runtime/native.ts': ['koffi'] }))
      .toContain('compiler/runtime/native.ts:1 -> koffi');
    for (const name of ['fs', 'fs/promises', 'path', 'child_process', 'worker_threads', 'os', 'node:url', 'koffi']) {
      expect(broken(r, { 'compiler/wast/a.ts': [name] }), name).toContain(`compiler/wast/a.ts:1 -> ${name}`);
    }
    expect(broken(r, { 'compiler/wast/a.ts': ['wabt', 'iced-x86'] })).toBe('holds');
    expect(broken(r, { 'compiler/api/module.ts': ['compiler/api/index.ts'], 'compiler/api/index.ts': ['compiler/runtime/native.ts'], 'compiler/runtime/native.ts': ['koffi'] }))
      .toContain('compiler/api/module.ts:1 -> compiler/api/index.ts');
  });

  it('the compiler importing the book, the site, exercises or benchmarks', () => {
    const r = rule('the compiler never');
    for (const target of ['book/examples/x.ts', 'src/lib/wat.ts', 'exercises/harness.ts', 'bench/fib.ts', 'scripts/x.ts']) {
      expect(broken(r, { 'compiler/cli/a.test.ts': [target] }), target).toContain(`-> ${target}`);
    }
    expect(broken(r, { 'src/lib/wat.ts': ['compiler/api/index.ts'] })).toBe('holds');
  });

  it('compiler code loading a test helper', () => {
    const r = rule('compiler code never loads');
    expect(broken(r, { 'compiler/validate/a.test.ts': ['compiler/validate/testSupport.ts'], 'bench/x.ts': ['compiler/runtime/testKit.ts'] })).toBe('holds');
    expect(broken(r, { 'compiler/runtime/stubs.ts': ['compiler/runtime/testKit.ts'] })).toContain('compiler/runtime/stubs.ts:1 -> compiler/runtime/testKit.ts');
    expect(broken(r, { 'compiler/wast/a.ts': ['compiler/testing/rng.ts'] })).toContain('-> compiler/testing/rng.ts');
  });

  it('importing the command line', () => {
    const r = rule('only the command line');
    expect(broken(r, { 'compiler/cli.ts': ['compiler/cli/run.ts'], 'compiler/cli/run.ts': ['compiler/cli/loadWasm.ts'] })).toBe('holds');
    expect(broken(r, { 'bench/fib.ts': ['compiler/cli/loadWasm.ts'] })).toContain('bench/fib.ts:1 -> compiler/cli/loadWasm.ts');
  });

  it('a second door to wabt', () => {
    const r = rule('only compiler/text');
    expect(broken(r, { 'compiler/text/watToWasm.ts': ['wabt'], 'src/lib/examples.ts': ['compiler/text/watToWasm.ts'] })).toBe('holds');
    expect(broken(r, { 'book/examples/x.ts': ['wabt'] })).toContain('book/examples/x.ts:1 -> wabt');
  });

  it('codegen and runtime reaching each other, not through abi', () => {
    expect(broken(rule('compiler/codegen'), { 'compiler/codegen/a.ts': ['compiler/abi/index.ts'], 'compiler/abi/index.ts': [] })).toBe('holds');
    expect(broken(rule('compiler/codegen'), { 'compiler/codegen/a.ts': ['compiler/abi/index.ts'], 'compiler/abi/index.ts': ['compiler/runtime/stubs.ts'] }))
      .toContain('compiler/abi/index.ts:1 -> compiler/runtime/stubs.ts');
    expect(broken(rule('compiler/runtime'), { 'compiler/runtime/a.ts': ['compiler/codegen/registers.ts'] })).toContain('-> compiler/codegen/registers.ts');
    expect(broken(rule('compiler/codegen'), { 'compiler/codegen/run.test.ts': ['compiler/runtime/instance.ts'] })).toBe('holds');
  });
});

describe('importsOf', () => {
  it('finds every way a file names another, and nothing in strings or comments', () => {
    const text = [
      "import a from './a.ts';",
      "import type { B } from '../b.ts';",
      "import { type C, d } from './c.ts';",
      "export { e } from './e.ts';",
      "export type { F } from './f.ts';",
      "export * from './g.ts';",
      "import './side-effect.ts';",
      "const h = await import('./h.ts');",
      "type I = typeof import('i-package');",
      "const j = require('koffi');",
      "// import k from './comment.ts';",
      "const l = \"import m from './string.ts'\";",
      'const spec = "computed"; await import(spec);',
    ].join('\n');
    expect(importsOf('x.ts', text).map((i) => `${i.line} ${i.kind} ${i.specifier}`)).toEqual([
      '1 import ./a.ts',
      '2 import type ../b.ts',
      '3 import ./c.ts',
      '4 export ./e.ts',
      '5 export type ./f.ts',
      '6 export ./g.ts',
      '7 import ./side-effect.ts',
      '8 dynamic import ./h.ts',
      '9 type import() i-package',
      '10 require koffi',
    ]);
  });
});
