// Prose drifts when the code it describes changes. The build quotes regions live, so a listing
// is always current — but the paragraph around it was written for the code as it was. This
// script remembers a hash of every quoted region as of the last review (book/listings.lock.json)
// and lists the ones that have changed since, so a maintainer knows which paragraphs to reread.
//
//   npx tsx src/lib/listingDrift.ts            list regions changed since the lock (exit 1 if any)
//   npx tsx src/lib/listingDrift.ts --update   after rereading the prose: record the current hashes
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractRegion, findListingUses } from './regions.ts';
import { repoRoot } from './root.ts';

export interface Quoted {
  key: string;
  chapter: string;
  line: number;
  hash: string;
}

/** Every region quoted by a chapter, with a short hash of its current text. */
export function quotedRegions(root = repoRoot()): Quoted[] {
  const out: Quoted[] = [];
  for (const chapter of readdirSync(join(root, 'book')).filter((f) => f.endsWith('.mdx')).sort()) {
    for (const use of findListingUses(readFileSync(join(root, 'book', chapter), 'utf8'))) {
      const path = join(root, use.file);
      const text = existsSync(path) ? extractRegion(readFileSync(path, 'utf8'), use.region, use.file).code : '(missing)';
      out.push({ key: `${use.file}#${use.region}`, chapter: `book/${chapter}`, line: use.line, hash: createHash('sha256').update(text).digest('hex').slice(0, 16) });
    }
  }
  return out;
}

/** Regions whose hash differs from the lock (or that the lock does not know). */
export function drifted(lock: Record<string, string>, quoted: Quoted[]): Quoted[] {
  return quoted.filter((q) => lock[q.key] !== q.hash);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = repoRoot();
  const lockPath = join(root, 'book', 'listings.lock.json');
  const quoted = quotedRegions(root);
  if (process.argv.includes('--update')) {
    const lock = Object.fromEntries(quoted.map((q) => [q.key, q.hash]).sort(([a], [b]) => a!.localeCompare(b!)));
    writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
    console.log(`recorded ${Object.keys(lock).length} regions in book/listings.lock.json`);
  } else {
    const lock = existsSync(lockPath) ? (JSON.parse(readFileSync(lockPath, 'utf8')) as Record<string, string>) : {};
    const changed = drifted(lock, quoted);
    for (const q of changed) console.log(`${q.chapter}:${q.line}  ${q.key}  changed since the prose was last reviewed`);
    console.log(changed.length ? `${changed.length} quoted region(s) to reread around` : 'every quoted region is as it was when its prose was reviewed');
    process.exitCode = changed.length ? 1 : 0;
  }
}
