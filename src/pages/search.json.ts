// Written once at build time to dist/search.json; the page's search box fetches it.
import type { APIRoute } from 'astro';
import { render } from 'astro:content';
import { loadChapters } from '../lib/bookData.ts';
import { splitSections } from '../lib/searchText.ts';
import { withBase, chapterPath } from '../lib/paths.ts';
import type { SearchIndex } from '../lib/searchIndex.ts';

export const GET: APIRoute = async () => {
  const { chapters } = await loadChapters();
  const pages: SearchIndex['pages'] = [];
  for (const entry of chapters) {
    const { headings } = await render(entry as never);
    const sections = splitSections(entry.body ?? '', entry.data.title, headings);
    if (sections.length === 0) sections.push({ heading: entry.data.title, anchor: '', text: '' });
    sections[0]!.text = `${entry.data.summary} ${sections[0]!.text}`.trim();
    pages.push({ url: withBase(chapterPath(entry.id)), chapterLabel: `${entry.data.chapter}.`, keywords: entry.data.keywords.join(' '), sections });
  }
  const index: SearchIndex = { pages };
  return new Response(JSON.stringify(index), { headers: { 'content-type': 'application/json' } });
};
