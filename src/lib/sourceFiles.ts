// The repository's files the book points at: every file a chapter quotes with <Listing>, every
// example, every exercise. The site serves each one as a page (src/pages/source/[...path].astro)
// with a line anchor per line, so a listing's header can link to its file and lines even when the
// site is read offline; REPO_URL (e.g. https://github.com/owner/lightbeam) adds links to the forge.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './root.ts';

/** The repository's web address, if the build was told it (REPO_URL, or package.json's "repository"). */
export function repoUrl(): string | undefined {
  if (process.env.REPO_URL) return process.env.REPO_URL.replace(/\/$/, '');
  const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { repository?: string | { url?: string } };
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  return url?.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** A link to lines of a file on the forge (GitHub's /blob/<ref>/path#La-Lb form), if REPO_URL is known. */
export function forgeLink(file: string, first?: number, last?: number): string | undefined {
  const base = repoUrl();
  if (!base) return undefined;
  const ref = process.env.REPO_REF ?? 'main';
  return `${base}/blob/${ref}/${file}${first ? `#L${first}${last && last !== first ? `-L${last}` : ''}` : ''}`;
}

/** The in-site page of a file: /source/compiler/x64/encoder.ts/ (the caller adds the base). */
export const sourcePath = (file: string): string => `/source/${file}/`;

function walk(dir: string, out: string[], root: string): void {
  for (const name of readdirSync(join(root, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) walk(rel, out, root);
    else out.push(rel);
  }
}

/** Files named by <Listing file="..."> in the chapters, plus book/examples and the exercises' tasks, starters and tests. */
export function sourceFiles(): string[] {
  const root = repoRoot();
  const files = new Set<string>();
  for (const name of readdirSync(join(root, 'book')).filter((n) => n.endsWith('.mdx'))) {
    const text = readFileSync(join(root, 'book', name), 'utf8');
    for (const m of text.matchAll(/<Listing\s[^>]*?file="([^"]+)"/g)) files.add(m[1]!);
  }
  const more: string[] = [];
  walk('book/examples', more, root);
  walk('exercises', more, root);
  // Not the exercises' reference and wrong solutions: the chapter links the task, not the answer.
  for (const f of more) if (/\.(ts|wat|md)$/.test(f) && !/\/(reference|wrong)\.ts$/.test(f)) files.add(f);
  return [...files].filter((f) => existsSync(join(root, f))).sort();
}
