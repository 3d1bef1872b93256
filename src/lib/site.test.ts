import { describe, expect, test } from 'vitest';
import { tableOfContents, plannedChapters } from './plan.ts';
import { searchIndex, type SearchIndex } from './searchIndex.ts';
import { expandListings, mdxToText, splitSections } from './searchText.ts';
import { withBase } from './paths.ts';

describe('table of contents', () => {
  test('written chapters replace planned ones with the same number, in order', () => {
    const toc = tableOfContents([
      { id: '02-b', chapter: 2, title: 'B', summary: '' },
      { id: '01-a', chapter: 1, title: 'A', summary: '' },
      { id: '06-v', chapter: 6, title: 'Values', summary: '' },
    ]);
    expect(toc.map((c) => c.chapter)).toEqual([1, 2, ...plannedChapters.map((p) => p.chapter)]);
    expect(toc.find((c) => c.chapter === 6)?.id).toBe('06-v');
    expect(toc.filter((c) => c.id).length).toBe(3);
  });

  test('two chapters with one number are an error', () => {
    expect(() => tableOfContents([
      { id: 'a', chapter: 2, title: 'A', summary: '' },
      { id: 'b', chapter: 2, title: 'B', summary: '' },
    ])).toThrow(/two chapters are numbered 2/);
  });
});

describe('base path', () => {
  test('joins with or without slashes', () => {
    expect(withBase('/02-x/', '/')).toBe('/02-x/');
    expect(withBase('/02-x/', '/book')).toBe('/book/02-x/');
    expect(withBase('search.json', '/book/')).toBe('/book/search.json');
  });
});

describe('search', () => {
  const mdx = [
    '---',
    'title: T',
    '---',
    "import X from './x';",
    'Intro with **bold** and a [link](http://x).',
    '## Unsigned LEB128',
    'Seven bits per byte. <Listing file="a" region="b" />',
    '```ts',
    '# not a heading',
    '```',
    '## Sections',
    'Each section has an id.',
  ].join('\n');
  const sections = splitSections(mdx, 'T', [
    { depth: 2, slug: 'unsigned-leb128', text: 'Unsigned LEB128' },
    { depth: 2, slug: 'sections', text: 'Sections' },
  ]);

  test('splits at headings outside code fences and strips markup', () => {
    expect(sections.map((s) => s.anchor)).toEqual(['', 'unsigned-leb128', 'sections']);
    expect(sections[0]!.text).toBe('Intro with bold and a link.');
    expect(sections[1]!.text).toContain('not a heading'); // in a fence: text, not a section
    expect(mdxToText('<Aside title="x">inside</Aside>')).toBe('inside');
  });

  const index: SearchIndex = { pages: [{ url: '/02/', chapterLabel: '2.', sections }] };

  test('finds sections that contain every word, heading matches first', () => {
    const hits = searchIndex(index, 'leb128');
    expect(hits[0]?.url).toBe('/02/#unsigned-leb128');
    expect(searchIndex(index, 'seven byte').map((h) => h.heading)).toEqual(['Unsigned LEB128']);
    expect(searchIndex(index, 'seven nothinglikethis')).toEqual([]);
  });

  test('matches word prefixes, not the middle of words', () => {
    expect(searchIndex(index, 'sect').length).toBeGreaterThan(0);
    expect(searchIndex(index, 'ection')).toEqual([]);
  });

  test('short words match whole words only; underscores and dots are part of words', () => {
    const code: SearchIndex = { pages: [{ url: '/x/', chapterLabel: '1.', sections: splitSections(
      ['Everyone learns fast.', '## Branches', 'A `br_table` jumps; `br_if` may not; STACK_LIMIT is _emphasised_; lea eax, [rdi+5]'].join('\n'),
      'X', [{ depth: 2, slug: 'branches', text: 'Branches' }],
    ) }] };
    expect(searchIndex(code, 'br_table').map((h) => h.heading)).toEqual(['Branches']);
    expect(searchIndex(code, 'br_if').map((h) => h.heading)).toEqual(['Branches']);
    expect(searchIndex(code, 'STACK_LIMIT').map((h) => h.heading)).toEqual(['Branches']);
    expect(searchIndex(code, 'lea').map((h) => h.heading)).toEqual(['Branches']); // not "learns"
    expect(searchIndex(code, 'emphasised').length).toBe(1); // _x_ emphasis still stripped
    expect(searchIndex(code, 'learn').map((h) => h.heading)).toEqual(['X']);
  });

  test('listings are indexed by their code', () => {
    const text = expandListings('Before <Listing file="f.ts" region="r" /> after', (f, r) => `function ${r}_in_${f.replace('.', '_')}() {}`);
    expect(text).toContain('function r_in_f_ts');
  });

  test('keywords find the first section but never show in a snippet', () => {
    const withKeywords: SearchIndex = { pages: [{ ...index.pages[0]!, keywords: 'varint' }] };
    const [hit] = searchIndex(withKeywords, 'varint');
    expect(hit?.url).toBe('/02/');
    expect(hit?.snippet.map((p) => p.text).join('')).not.toContain('varint');
    expect(searchIndex(index, 'varint')).toEqual([]);
  });

  test('snippets mark the matched words', () => {
    const [hit] = searchIndex(index, 'bits');
    expect(hit?.snippet.filter((p) => p.match).map((p) => p.text.toLowerCase())).toEqual(['bits']);
  });
});
