// Test-only: the import graph of TypeScript sources, and the shortest chain of imports from a
// file to something it must not reach. compiler/layering.test.ts holds DESIGN §1's rules with it.
// Files are read through a host (the test passes node:fs), so this module stays browser-safe.

import ts from 'typescript';

/** How a file names another: a static import/export, `import type`, `import('x')`, a type `import('x')`, `require('x')`. */
export type ImportKind = 'import' | 'import type' | 'export' | 'export type' | 'dynamic import' | 'type import()' | 'require';

export interface ImportEdge {
  /** The importing file, repository-relative with '/' separators. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** A repository-relative file for a relative specifier, otherwise the specifier (a package or builtin). */
  to: string;
  kind: ImportKind;
  line: number;
}

export interface ImportGraph {
  /** Every source file read, in the order they were reached. */
  files: string[];
  edges: Map<string, ImportEdge[]>;
}

export interface SourceHost {
  read(path: string): string;
  exists(path: string): boolean;
}

/** Every module specifier `text` names literally (computed `import(x)` names nothing we can follow). */
export function importsOf(fileName: string, text: string): { specifier: string; kind: ImportKind; line: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { specifier: string; kind: ImportKind; line: number }[] = [];
  const add = (literal: ts.Expression | undefined, kind: ImportKind): void => {
    if (!literal || !ts.isStringLiteralLike(literal)) return;
    const line = source.getLineAndCharacterOfPosition(literal.getStart(source)).line + 1;
    found.push({ specifier: literal.text, kind, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ? 'import type' : 'import');
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly ? 'export type' : 'export');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, 'require');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, 'type import()');
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], 'dynamic import');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(node.arguments[0], 'require');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Joins a relative specifier to the importing file's folder ('a/b/c.ts' + '../d.ts' = 'a/d.ts'). */
export function joinRelative(from: string, specifier: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

/** The file a relative specifier names (as written, with .js for .ts, or a folder's index.ts). */
function resolveFile(path: string, host: SourceHost): string {
  const candidates = [path, path.replace(/\.js$/, '.ts'), `${path}.ts`, `${path}/index.ts`];
  return candidates.find((c) => host.exists(c)) ?? path;
}

const isRelative = (specifier: string): boolean => specifier.startsWith('./') || specifier.startsWith('../');
const isSource = (path: string): boolean => /\.(ts|mts|js|mjs)$/.test(path);

/** The graph of every source reachable from `roots` through relative imports (packages are leaves). */
export function buildImportGraph(roots: readonly string[], host: SourceHost): ImportGraph {
  const edges = new Map<string, ImportEdge[]>();
  const files: string[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (edges.has(file)) continue;
    const out: ImportEdge[] = [];
    edges.set(file, out);
    files.push(file);
    for (const { specifier, kind, line } of importsOf(file, host.read(file))) {
      const to = isRelative(specifier) ? resolveFile(joinRelative(file, specifier), host) : specifier;
      out.push({ from: file, specifier, to, kind, line });
      if (isRelative(specifier) && isSource(to) && host.exists(to) && !edges.has(to)) queue.push(to);
    }
  }
  return { files, edges };
}

/** A graph from a literal description, for tests of the rules: { 'a.ts': ['b.ts', 'koffi'] }. */
export function graphOf(description: Record<string, readonly string[]>): ImportGraph {
  const edges = new Map<string, ImportEdge[]>();
  for (const [from, targets] of Object.entries(description)) {
    edges.set(from, targets.map((to, i) => ({ from, specifier: to, to, kind: 'import' as const, line: i + 1 })));
  }
  return { files: Object.keys(description), edges };
}

/** The shortest chain of imports from `start` to a node `isTarget` accepts (breadth first), if any. */
export function chainTo(graph: ImportGraph, start: string, isTarget: (node: string) => boolean): ImportEdge[] | undefined {
  const cameBy = new Map<string, ImportEdge | null>([[start, null]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const edge of graph.edges.get(node) ?? []) {
      if (cameBy.has(edge.to)) continue;
      cameBy.set(edge.to, edge);
      if (isTarget(edge.to)) {
        const chain: ImportEdge[] = [];
        for (let e: ImportEdge | null | undefined = edge; e; e = cameBy.get(e.from)) chain.unshift(e);
        return chain;
      }
      queue.push(edge.to);
    }
  }
  return undefined;
}

/** One line per import: `a.ts:3 -> b.ts` (with the kind when it is not a plain import). */
export function formatChain(chain: readonly ImportEdge[]): string {
  return chain
    .map((e) => `${e.from}:${e.line} ${e.kind === 'import' ? '' : `(${e.kind}) `}-> ${e.to}`)
    .join('\n    ');
}
