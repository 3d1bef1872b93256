// The book's shape: chapters that are written live in book/*.mdx; the rest are planned here
// and shown greyed in the table of contents until their code lands and a chapter replaces them.

export interface PlannedChapter {
  chapter: number;
  title: string;
  summary: string;
}

export const plannedChapters: readonly PlannedChapter[] = [
  { chapter: 6, title: 'The value stack', summary: 'Values that live in registers, immediates, locals and flags, and are materialized only when needed.' },
  { chapter: 7, title: 'Register allocation in one pass', summary: 'A free set, spilling the deepest value, and saving only what is live around a call.' },
  { chapter: 8, title: 'Control flow', summary: 'Blocks, loops and branches; merge layouts fixed by the first edge; br_table as a jump table.' },
  { chapter: 9, title: 'Calls and multiple results', summary: 'The internal calling convention, the VMContext register, and results through a return area.' },
  { chapter: 10, title: 'Linear memory', summary: 'Loads and stores, bounds checks, and removing the checks we can prove unnecessary.' },
  { chapter: 11, title: 'Floating point', summary: 'SSE for f32 and f64, NaN canonical forms, and the conversions that trap.' },
  { chapter: 12, title: 'Tables and references', summary: 'funcref and externref, call_indirect and its signature check, multiple tables.' },
  { chapter: 13, title: 'Instantiation', summary: 'Imports, exports, globals, data and element segments, and the JS API around them.' },
  { chapter: 14, title: 'Conformance', summary: 'Running the WebAssembly spec test suite and counting honestly.' },
  { chapter: 15, title: 'Performance', summary: 'Compile speed and run time, measured against V8 Liftoff, Cranelift and native code.' },
  { chapter: 16, title: 'Testing a compiler', summary: 'File tests, disassembler cross-checks, fuzzing and differential testing.' },
];

export interface TocEntry {
  chapter: number;
  title: string;
  summary: string;
  /** Page id (book/<id>.mdx) for written chapters; undefined for planned ones. */
  id?: string;
}

/** Written chapters in order, then the planned ones that no written chapter has replaced. */
export function tableOfContents(written: readonly { id: string; chapter: number; title: string; summary: string }[]): TocEntry[] {
  const sorted = [...written].sort((a, b) => a.chapter - b.chapter);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.chapter === sorted[i - 1]!.chapter) {
      throw new Error(`two chapters are numbered ${sorted[i]!.chapter}: ${sorted[i - 1]!.id} and ${sorted[i]!.id}`);
    }
  }
  const taken = new Set(sorted.map((c) => c.chapter));
  const planned = plannedChapters.filter((p) => !taken.has(p.chapter));
  return [...sorted.map((c) => ({ ...c })), ...planned.map((p) => ({ ...p }))].sort((a, b) => a.chapter - b.chapter);
}
