// Test-only: shrink a failing wat module while it keeps failing (greedy delta debugging over the
// s-expression tree). An edit replaces an instruction by one of its operands or by a zero
// constant, or deletes it, or deletes a whole module field; the caller's predicate decides whether
// the edited text still fails (and must say no for text that does not validate). Browser-safe.

export type SExpr = string | SExpr[];

/** Parse wat text (folded s-expressions, strings with escapes; no comments) into a tree. */
export function parseSExpr(text: string): SExpr {
  let p = 0;
  const skip = () => { while (p < text.length && /\s/.test(text[p]!)) p++; };
  const node = (): SExpr => {
    skip();
    if (text[p] === '(') {
      p++;
      const list: SExpr[] = [];
      for (skip(); text[p] !== ')'; skip()) {
        if (p >= text.length) throw new Error('unbalanced parentheses');
        list.push(node());
      }
      p++;
      return list;
    }
    const start = p;
    if (text[p] === '"') {
      for (p++; text[p] !== '"'; p++) if (text[p] === '\\') p++;
      p++;
    } else {
      while (p < text.length && !/[\s()]/.test(text[p]!)) p++;
    }
    return text.slice(start, p);
  };
  const tree = node();
  skip();
  if (p !== text.length) throw new Error('text after the module');
  return tree;
}

/** Text of a tree: module fields and function bodies one to a line. */
export function printSExpr(e: SExpr, indent = ''): string {
  if (typeof e === 'string') return e;
  const flat = `(${e.map((x) => printSExpr(x)).join(' ')})`;
  if (e[0] !== 'module' && e[0] !== 'func') return flat;
  const head: string[] = [];
  const rest: SExpr[] = [];
  for (const x of e) {
    if (rest.length === 0 && (typeof x === 'string' || ['export', 'param', 'result', 'local', 'type'].includes(x[0] as string))) head.push(printSExpr(x));
    else rest.push(x);
  }
  if (!rest.length) return flat;
  const inner = indent + '  ';
  return `(${head.join(' ')}\n${rest.map((x) => inner + printSExpr(x, inner)).join('\n')})`;
}

/** Lists that are structure, not instructions: never replaced or deleted on their own. */
const STRUCTURE = new Set(['param', 'result', 'local', 'then', 'else', 'type', 'export', 'module', 'func', 'mut']);
const ZEROS = ['(i32.const 0)', '(i64.const 0)', '(f32.const 0)', '(f64.const 0)'];

type Path = number[];
function at(tree: SExpr, path: Path): SExpr {
  let e = tree;
  for (const i of path) e = (e as SExpr[])[i]!;
  return e;
}
function replaced(tree: SExpr, path: Path, by: SExpr | null): SExpr {
  if (path.length === 0) return by ?? [];
  const [i, ...rest] = path as [number, ...number[]];
  const list = [...(tree as SExpr[])];
  if (rest.length === 0) {
    if (by === null) list.splice(i, 1);
    else list[i] = by;
  } else list[i] = replaced(list[i]!, rest, by);
  return list;
}

/** Paths of the instruction lists in function bodies, outermost first. */
function instructionPaths(tree: SExpr): Path[] {
  const out: Path[] = [];
  const walk = (e: SExpr, path: Path) => {
    if (typeof e === 'string') return;
    e.forEach((x, i) => {
      if (typeof x === 'string') return;
      if (!STRUCTURE.has(x[0] as string)) out.push([...path, i]);
      walk(x, [...path, i]);
    });
  };
  (tree as SExpr[]).forEach((field, i) => { if (Array.isArray(field) && field[0] === 'func') walk(field, [i]); });
  return out;
}

/** The candidate edits of the node at `path`, most shrinking first. */
function edits(tree: SExpr, path: Path): (SExpr | null)[] {
  const node = at(tree, path) as SExpr[];
  const op = typeof node[0] === 'string' ? node[0] : '';
  const out: (SExpr | null)[] = [null];
  // A constant of the type its name suggests first.
  const type = /^(i32|i64|f32|f64)\./.exec(op)?.[1];
  const zeros = type ? [`(${type}.const 0)`, ...ZEROS.filter((z) => !z.startsWith(`(${type}.`))] : ZEROS;
  if (!(op.endsWith('.const') && node[1] === '0')) out.push(...zeros.map((z) => parseSExpr(z)));
  for (const child of node) if (Array.isArray(child) && !STRUCTURE.has(child[0] as string)) out.push(child);
  return out;
}

export interface ReduceResult { readonly text: string; readonly attempts: number; readonly accepted: number }

/**
 * Shrink `text` while `stillFails` holds. Greedy passes: try deleting each module field, then
 * each instruction's edits outermost first, keeping the first edit that still fails; repeat while
 * a pass changed something, at most `maxAttempts` predicate calls, until `deadline`
 * (a performance.now() time).
 */
export async function reduceWat(
  text: string,
  stillFails: (text: string) => Promise<boolean> | boolean,
  { maxAttempts = 3000, deadline = Infinity }: { maxAttempts?: number; deadline?: number } = {},
): Promise<ReduceResult> {
  let tree = parseSExpr(text);
  let attempts = 0, accepted = 0;
  const tryTree = async (candidate: SExpr): Promise<boolean> => {
    attempts++;
    if (!(await stillFails(printSExpr(candidate)))) return false;
    tree = candidate;
    accepted++;
    return true;
  };
  const budgetLeft = () => attempts < maxAttempts && performance.now() < deadline;
  for (let changed = true; changed && budgetLeft();) {
    changed = false;
    // Whole module fields: helpers, globals, segments, types nobody needs any more.
    for (let i = (tree as SExpr[]).length - 1; i >= 1 && budgetLeft(); i--) {
      const f = (tree as SExpr[])[i]!;
      if (Array.isArray(f) && f[0] === 'func' && f.some((x) => Array.isArray(x) && x[0] === 'export' && x[1] === '"f"')) continue;
      if (await tryTree(replaced(tree, [i], null))) changed = true;
    }
    // Instructions in preorder; after an accepted edit, the same position is tried again.
    for (let k = 0; budgetLeft();) {
      const paths = instructionPaths(tree);
      if (k >= paths.length) break;
      let shrunk = false;
      for (const by of edits(tree, paths[k]!)) {
        if (!budgetLeft()) break;
        if ((shrunk = await tryTree(replaced(tree, paths[k]!, by)))) break;
      }
      if (shrunk) changed = true;
      else k++;
    }
  }
  return { text: printSExpr(tree), attempts, accepted };
}
