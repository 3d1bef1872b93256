// Every <Listing> in every chapter must name a file and a region that exist. The build fails
// on a missing region too, but this says which chapter and line, in a second, without building.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { extractRegion, findListingUses } from './regions.ts';
import { repoRoot } from './root.ts';

const root = repoRoot();
const chapters = readdirSync(join(root, 'book')).filter((f) => f.endsWith('.mdx'));

describe('listings in the book', () => {
  test('there are chapters to check', () => {
    expect(chapters.length).toBeGreaterThan(0);
  });

  // Every chapter quotes the real compiler and runs something at build time (chapter 1 may be
  // all introduction, but shows the running example).
  for (const chapter of chapters) {
    test(`book/${chapter} quotes the compiler and runs an example`, () => {
      const mdx = readFileSync(join(root, 'book', chapter), 'utf8');
      const fromCompiler = findListingUses(mdx).filter((u) => u.file.startsWith('compiler/'));
      expect(fromCompiler.length, `book/${chapter} has no <Listing> from compiler/`).toBeGreaterThan(0);
      expect(/<(Example|Run)\b/.test(mdx), `book/${chapter} has no <Example> or <Run>`).toBe(true);
    });
  }

  for (const chapter of chapters) {
    const uses = findListingUses(readFileSync(join(root, 'book', chapter), 'utf8'));
    for (const use of uses) {
      test(`book/${chapter}:${use.line} quotes ${use.file} #${use.region}`, () => {
        const path = join(root, use.file);
        expect(existsSync(path), `book/${chapter} line ${use.line}: no file ${use.file}`).toBe(true);
        const region = extractRegion(readFileSync(path, 'utf8'), use.region, use.file);
        expect(region.code.trim().length, `region ${use.region} in ${use.file} is empty`).toBeGreaterThan(0);
      });
    }
  }
});
