// Chapter 8's toy: moving several values into several registers "at once", as a branch must when
// the values it carries are not where the label wants them. Three versions, each run on a
// simulator against the meaning of a parallel move. Exercise 8's reference solution is
// `parallelMove`, so exercises/08-parallel-moves tests this file.
import type { Output } from '../../src/lib/exampleOutput.ts';

// #region toy-moves
/** `dst = src`, where src is a register name or a constant. */
export interface Move {
  dst: string;
  src: string | number;
}
/** The register no value lives in, free for breaking cycles (r11 in the real compiler). */
export const SCRATCH = 'tmp';
// #endregion toy-moves

export const showMoves = (ms: readonly Move[]): string => ms.map((m) => `mov ${m.dst}, ${m.src}`).join('\n') || '(nothing)';

/** Run moves one after another on a register file; returns the registers afterwards. */
export function runMoves(code: readonly Move[], before: ReadonlyMap<string, number>): Map<string, number> {
  const regs = new Map(before);
  for (const m of code) regs.set(m.dst, typeof m.src === 'number' ? m.src : regs.get(m.src)!);
  return regs;
}

/**
 * Does `code`, run in order, do what `moves` mean all at once? Every destination gets its
 * source's value from before, and every other register (except the scratch) keeps its own.
 * Returns undefined if so, else what went wrong.
 */
export function checkMoves(moves: readonly Move[], code: readonly Move[]): string | undefined {
  const names = new Set<string>();
  for (const m of [...moves, ...code]) {
    names.add(m.dst);
    if (typeof m.src === 'string') names.add(m.src);
  }
  names.delete(SCRATCH);
  const before = new Map([...names].map((n, i) => [n, 100 + i]));
  const after = runMoves(code, before);
  for (const n of names) {
    const m = moves.find((x) => x.dst === n);
    const want = m ? (typeof m.src === 'number' ? m.src : before.get(m.src)!) : before.get(n)!;
    if (after.get(n) !== want) {
      const was = [...before].find(([, v]) => v === after.get(n))?.[0];
      return `${n} holds ${was !== undefined ? `${was}'s old value` : after.get(n)}, but should hold ${m ? `${m.src}${typeof m.src === 'string' ? "'s old value" : ''}` : 'its own'}`;
    }
  }
  return undefined;
}

// #region naive-moves
/** Version 1: one after the other, in the order given. */
export function naiveMoves(moves: readonly Move[]): Move[] {
  return moves.filter((m) => m.dst !== m.src);
}
// #endregion naive-moves

// #region ordered-moves
/** Version 2: a move goes once no other pending move reads its destination. Fails on cycles. */
export function orderedMoves(moves: readonly Move[]): Move[] {
  const pending = moves.filter((m) => m.dst !== m.src);
  const code: Move[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((m) => !pending.some((o) => o !== m && o.src === m.dst));
    if (i < 0) throw new Error(`a cycle: ${pending.map((m) => `${m.dst} ← ${m.src}`).join(', ')}`);
    code.push(pending[i]!);
    pending.splice(i, 1);
  }
  return code;
}
// #endregion ordered-moves

// #region cycle-moves
/** Version 3: when only cycles are left, park one destination's value in the scratch register. */
export function parallelMove(moves: readonly Move[]): Move[] {
  const pending = moves.filter((m) => m.dst !== m.src).map((m) => ({ ...m }));
  const code: Move[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((m) => !pending.some((o) => o !== m && o.src === m.dst));
    if (i >= 0) {
      code.push(pending[i]!);
      pending.splice(i, 1);
      continue;
    }
    // Every pending destination is still read by another move: we are in a cycle. Save
    // one destination's old value; its readers read the scratch register instead.
    const dst = pending[0]!.dst;
    code.push({ dst: SCRATCH, src: dst });
    for (const o of pending) if (o.src === dst) o.src = SCRATCH;
  }
  return code;
}
// #endregion cycle-moves

// #region move-cases
export const cases: [name: string, moves: Move[]][] = [
  ['a chain', [{ dst: 'rax', src: 'rcx' }, { dst: 'rcx', src: 'rdx' }]],
  ['a chain, given the other way round', [{ dst: 'rcx', src: 'rdx' }, { dst: 'rax', src: 'rcx' }]],
  ['a swap', [{ dst: 'rax', src: 'rcx' }, { dst: 'rcx', src: 'rax' }]],
  ['a rotation of three', [{ dst: 'rax', src: 'rcx' }, { dst: 'rcx', src: 'rdx' }, { dst: 'rdx', src: 'rax' }]],
  ['one value to two places, one of them in a swap', [{ dst: 'rcx', src: 'rax' }, { dst: 'rdx', src: 'rax' }, { dst: 'rax', src: 'rcx' }]],
  ['a constant and a value already in place', [{ dst: 'rax', src: 7 }, { dst: 'rcx', src: 'rcx' }, { dst: 'rdx', src: 'rax' }]],
];
// #endregion move-cases

/** Each case through the three versions, each result checked on the simulator. */
export function example(): Output[] {
  const rows: string[][] = [];
  for (const [name, moves] of cases) {
    const cell = (f: (m: readonly Move[]) => Move[]): string => {
      try {
        const code = f(moves);
        const wrong = checkMoves(moves, code);
        return wrong ? `✗ ${wrong}` : `✓ ${code.length} move${code.length === 1 ? '' : 's'}`;
      } catch (e) {
        return `✗ ${(e as Error).message}`;
      }
    };
    rows.push([name, moves.map((m) => `${m.dst} ← ${m.src}`).join(', '), cell(naiveMoves), cell(orderedMoves), cell(parallelMove)]);
  }
  const out: Output[] = [{ kind: 'table', title: 'Six parallel moves, three versions (each run on a simulator)', columns: ['case', 'moves', 'v1 in order', 'v2 ordered', 'v3 cycles broken'], rows }];
  const [name, moves] = cases[4]!;
  out.push({ kind: 'text', title: `version 3 on "${name}"`, text: showMoves(parallelMove(moves)) });
  return out;
}


// #region toy-merge
/** Where each value a branch carries is, on one edge into a label: a register or `[slot p]`. */
export type Edge = string[];
export interface Merge {
  /** Where the code after the label finds each value. */
  layout: string[];
  /** The moves each edge makes before it jumps. */
  moves: Move[][];
}

/** The moves that bring each edge's values into `layout`. */
const movesInto = (layout: string[], edges: readonly Edge[]): Move[][] =>
  edges.map((e) => parallelMove(e.map((src, i) => ({ dst: layout[i]!, src }))));

/** Version 1 of a merge: every edge stores every value it carries to its canonical slot. */
export function mergeThroughSlots(edges: readonly Edge[]): Merge {
  const layout = edges[0]!.map((_, i) => `[slot ${i}]`);
  return { layout, moves: movesInto(layout, edges) };
}

/** The first-edge rule: the first edge keeps its places; every later edge moves into them. */
export function mergeFirstEdge(edges: readonly Edge[]): Merge {
  const layout = [...edges[0]!];
  return { layout, moves: movesInto(layout, edges) };
}
// #endregion toy-merge

// #region merge-cases
export const merges: [name: string, edges: Edge[]][] = [
  ['if/else: the then-arm leaves its result in rax, the else-arm in rcx', [['rax'], ['rcx']]],
  ['a loop: entered with [rax, rcx], the back edge brings [rcx, rax]', [['rax', 'rcx'], ['rcx', 'rax']]],
  ['a block with three edges carrying two values', [['rax', 'rdx'], ['rax', 'rdx'], ['rsi', 'rax']]],
];
// #endregion merge-cases

/** The two merge rules side by side; every edge's moves checked on the simulator. */
export function mergeExample(): Output[] {
  const rows: string[][] = [];
  for (const [name, edges] of merges) {
    for (const [rule, merge] of [['all through slots', mergeThroughSlots], ['first edge', mergeFirstEdge]] as const) {
      const { layout, moves } = merge(edges);
      const perEdge = moves.map((ms, k) => {
        const wrong = checkMoves(edges[k]!.map((src, i) => ({ dst: layout[i]!, src })), ms);
        return wrong ? `✗ ${wrong}` : ms.length === 0 ? '—' : ms.map((m) => `mov ${m.dst}, ${m.src}`).join('; ');
      });
      rows.push([name, rule, layout.join(', '), ...perEdge, ...Array<string>(3 - perEdge.length).fill('')]);
    }
  }
  return [{ kind: 'table', title: 'Moves on each edge into a label, for two merge rules (checked on the simulator)', columns: ['merge', 'rule', 'layout', 'edge 1', 'edge 2', 'edge 3'], rows }];
}
