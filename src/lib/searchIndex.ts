// The search index's shape and the matcher. The same code builds nothing and runs in the page:
// the index is plain JSON written at build time; this only reads it.

export interface SearchIndex {
  pages: {
    url: string;
    chapterLabel: string;
    /** Words the prose may not use literally; matched as part of the first section, never shown. */
    keywords?: string;
    sections: { heading: string; anchor: string; text: string }[];
  }[];
}

export interface SearchHit {
  url: string;
  chapterLabel: string;
  heading: string;
  score: number;
  /** Text around the first match, split so the matched words can be marked. */
  snippet: { text: string; match: boolean }[];
}

function words(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[^\p{L}\p{N}_.]+/u)
    .filter((w) => w.length >= 2);
}

/**
 * Where a query word matches: at the start of a word of the text. A short word (three characters
 * or fewer: "lea", "br", "rax") must be the whole word, perhaps plural ("lea" finds "lea" and
 * "leas", never "learns"); a longer one may be a prefix ("sect" finds "section"). Underscores and
 * dots are part of words, so "br_if" and "i32.add" are found as written.
 */
export function termPattern(term: string): RegExp {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tail = term.length <= 3 ? '(?:e?s)?(?![\\p{L}\\p{N}_])' : '';
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}${tail}`, 'gu');
}

/** Sections containing every word of the query (see termPattern), best first. */
export function searchIndex(index: SearchIndex, query: string, limit = 10): SearchHit[] {
  const terms = words(query);
  if (terms.length === 0) return [];
  const hits: SearchHit[] = [];
  for (const page of index.pages) {
    for (const [n, section] of page.sections.entries()) {
      const lower = section.text.toLowerCase();
      const extra = n === 0 && page.keywords ? page.keywords.toLowerCase() : '';
      const heading = section.heading.toLowerCase();
      let score = 0;
      let first = -1;
      let ok = true;
      for (const term of terms) {
        const re = termPattern(term);
        const inText = [...lower.matchAll(re)];
        const inHeading = re.test(heading);
        const inKeywords = extra !== '' && new RegExp(re.source, 'u').test(extra);
        if (inText.length === 0 && !inHeading && !inKeywords) {
          ok = false;
          break;
        }
        score += Math.min(inText.length, 10) + (inHeading ? 20 : 0) + (inKeywords ? 2 : 0);
        if (inText[0] && (first < 0 || inText[0].index! < first)) first = inText[0].index!;
      }
      if (!ok) continue;
      hits.push({
        url: page.url + (section.anchor ? `#${section.anchor}` : ''),
        chapterLabel: page.chapterLabel,
        heading: section.heading,
        score,
        snippet: snippet(section.text, first, terms),
      });
    }
  }
  return hits.sort((a, b) => b.score - a.score).slice(0, limit);
}

function snippet(text: string, at: number, terms: string[]): { text: string; match: boolean }[] {
  if (at < 0) at = 0;
  const start = Math.max(0, text.lastIndexOf(' ', Math.max(0, at - 50)) + 1);
  const end = Math.min(text.length, at + 110);
  const piece = (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length ? '…' : '');
  const re = new RegExp(`(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu');
  return piece
    .split(re)
    .filter((p) => p !== '')
    .map((p) => ({ text: p, match: terms.includes(p.toLowerCase()) }));
}
