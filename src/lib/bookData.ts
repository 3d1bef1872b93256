// The chapters, loaded once per build from the content collection (src/content.config.ts).
import { getCollection } from 'astro:content';
import { tableOfContents, type TocEntry } from './plan.ts';

export interface ChapterEntry {
  id: string;
  body?: string;
  data: { title: string; chapter: number; summary: string; keywords: string[] };
}

export async function loadChapters(): Promise<{ chapters: ChapterEntry[]; toc: TocEntry[] }> {
  const entries = (await getCollection('chapters')) as ChapterEntry[];
  const chapters = [...entries].sort((a, b) => a.data.chapter - b.data.chapter);
  const toc = tableOfContents(chapters.map((c) => ({ id: c.id, ...c.data })));
  return { chapters, toc };
}
