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
