// Written once at build time to dist/search.json; the page's search box fetches it.
import type { APIRoute } from 'astro';
import { render } from 'astro:content';
import { loadChapters } from '../lib/bookData.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandListings, splitSections } from '../lib/searchText.ts';
import { extractRegion } from '../lib/regions.ts';
import { repoRoot } from '../lib/root.ts';
import { GLOSSARY } from '../lib/glossary.ts';
import { withBase, chapterPath } from '../lib/paths.ts';
import type { SearchIndex } from '../lib/searchIndex.ts';

export const GET: APIRoute = async () => {
  const { chapters } = await loadChapters();
  const pages: SearchIndex['pages'] = [];
  for (const entry of chapters) {
    const { headings } = await render(entry as never);
    // Listings are indexed too: their code stands where the <Listing> tag was.
    const body = expandListings(entry.body ?? '', (file, region) => extractRegion(readFileSync(join(repoRoot(), file), 'utf8'), region, file).code);
    const sections = splitSections(body, entry.data.title, headings);
    if (sections.length === 0) sections.push({ heading: entry.data.title, anchor: '', text: '' });
    sections[0]!.text = `${entry.data.summary} ${sections[0]!.text}`.trim();
    pages.push({ url: withBase(chapterPath(entry.id)), chapterLabel: `${entry.data.chapter}.`, keywords: entry.data.keywords.join(' '), sections });
  }
  pages.push({
    url: withBase('/glossary/'),
    chapterLabel: 'Glossary',
    sections: GLOSSARY.map((g) => ({ heading: g.term, anchor: g.term.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''), text: g.text })),
  });
  const index: SearchIndex = { pages };
  return new Response(JSON.stringify(index), { headers: { 'content-type': 'application/json' } });
};
