// Per-chapter statistics of the book, for reviews and closing notes:
//   npx tsx scripts/book-stats.ts [--json]
// Words count the prose only (code fences, JSX components, imports and front matter removed);
// listings are <Listing> quotes of source; runs are examples executed at build time (<Run>,
// <Example>); pictures are components drawn from compiler runs (<...Picture>) plus figures an
// example draws when it runs (a <Run> whose function returns a `kind: 'figure'` output);
// exercises are the exercise folders the chapter's Exercises section names.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ChapterStats {
  file: string;
  title: string;
  words: number;
  listings: number;
  runs: number;
  pictures: number;
  exercises: string[];
}

const bookDir = join(import.meta.dirname, '..', 'book');
const exerciseDir = join(import.meta.dirname, '..', 'exercises');
const exerciseFolders = readdirSync(exerciseDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && /^\d\d-/.test(e.name))
  .map((e) => e.name);

function prose(mdx: string): string {
  return mdx
    .replace(/^---[\s\S]*?\n---\n/, '') // front matter
    .replace(/```[\s\S]*?```/g, ' ') // code fences
    .replace(/^import .*$/gm, ' ')
    .replace(/<[A-Z][A-Za-z]*\b[\s\S]*?\/>/g, ' ') // self-closing components
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ') // other tags (their text content stays)
    .replace(/`[^`]*`/g, ' x '); // inline code counts as one word
}

const root = join(import.meta.dirname, '..');

/** Does the example function `name` in `file` (default `example`) draw a figure? */
function runDrawsFigure(file: string, name = 'example'): boolean {
  const source = readFileSync(join(root, file), 'utf8');
  const start = source.search(new RegExp(`export (async )?function ${name}\\(`));
  if (start < 0) return false;
  const next = source.indexOf('\nexport ', start + 1);
  return source.slice(start, next < 0 ? undefined : next).includes("kind: 'figure'");
}

function stats(file: string): ChapterStats {
  const mdx = readFileSync(join(bookDir, file), 'utf8');
  const title = /^title:\s*["']?(.*?)["']?\s*$/m.exec(mdx)?.[1] ?? file;
  const words = prose(mdx).split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
  const count = (re: RegExp): number => (mdx.match(re) ?? []).length;
  const exercisesSection = mdx.split(/^## Exercises\s*$/m)[1] ?? '';
  const exercises = exerciseFolders.filter((name) => exercisesSection.includes(name) || exercisesSection.includes(`exercises/${name.slice(0, 2)}`));
  return {
    file,
    title,
    words,
    listings: count(/<Listing\b/g),
    runs: count(/<(Run|Example)\b/g),
    pictures:
      count(/<[A-Z][A-Za-z0-9]*Picture\b/g) +
      [...mdx.matchAll(/<Run\s+file="([^"]+)"(?:\s+name="([^"]+)")?/g)].filter((m) => runDrawsFigure(m[1]!, m[2])).length,
    exercises,
  };
}

const chapters = readdirSync(bookDir).filter((f) => /^\d\d-.*\.mdx$/.test(f)).sort().map(stats);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(chapters, null, 2));
} else {
  console.log('| chapter | words | listings | examples run | pictures | exercises |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const c of chapters) {
    console.log(`| ${c.file.replace(/\.mdx$/, '')} | ${c.words} | ${c.listings} | ${c.runs} | ${c.pictures} | ${c.exercises.join(', ') || '-'} |`);
  }
  const sum = (k: 'words' | 'listings' | 'runs' | 'pictures'): number => chapters.reduce((s, c) => s + c[k], 0);
  console.log(`| total | ${sum('words')} | ${sum('listings')} | ${sum('runs')} | ${sum('pictures')} | ${chapters.reduce((s, c) => s + c.exercises.length, 0)} |`);
}
