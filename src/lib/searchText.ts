// Plain text of a chapter for the client-side search index, split at headings so a hit can
// link straight to its section. Runs at build time on the MDX source.

export interface SearchSection {
  /** Heading text, or the chapter title for the text before the first heading. */
  heading: string;
  /** Anchor id of the heading ('' for the top of the page). */
  anchor: string;
  text: string;
}

/**
 * Puts the code of each <Listing file region /> in place of the tag, so a search finds what the
 * listings show (`read` returns a region's code; at build time, extractRegion on the file).
 */
export function expandListings(mdx: string, read: (file: string, region: string) => string): string {
  return mdx.replace(/<Listing\s([^>]*?)\/>/gs, (tag, attrs: string) => {
    const file = /file="([^"]+)"/.exec(attrs)?.[1];
    const region = /region="([^"]+)"/.exec(attrs)?.[1];
    return file && region ? `\n${read(file, region)}\n` : tag;
  });
}

/** Removes MDX/markdown syntax, leaving the words a reader sees. Code fences are kept as words. */
export function mdxToText(mdx: string): string {
  return mdx
    .replace(/^---\n[\s\S]*?\n---\n/, '') // frontmatter
    .replace(/^\s*(import|export)\s.*$/gm, '') // ESM lines
    .replace(/```[^\n]*\n/g, '') // fence openers
    .replace(/```/g, '')
    .replace(/<[A-Za-z][^>]*\/>/gs, ' ') // self-closing components
    .replace(/<\/?[A-Za-z][^>]*>/gs, ' ') // other tags
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, ' ') // MDX comments
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s.,;:!?)]|$)/gm, '$1$2') // _emphasis_, but not br_table or STACK_LIMIT
    .replace(/[*`~]+/g, '')
    .replace(/^\s*#{1,6}\s*/gm, '')
    .replace(/^\s*>\s?/gm, '')
    .replace(/^\s*[-+]\s+/gm, '')
    .replace(/\|/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Splits an MDX body at its headings. `headings` are the ones Astro rendered (with their slugs),
 * in document order; lines starting with '#' outside code fences are matched to them in turn.
 */
export function splitSections(mdx: string, title: string, headings: readonly { depth: number; slug: string; text: string }[]): SearchSection[] {
  const sections: SearchSection[] = [];
  let current: SearchSection = { heading: title, anchor: '', text: '' };
  let buffer: string[] = [];
  let next = 0;
  let inFence = false;
  const flush = () => {
    current.text = mdxToText(buffer.join('\n'));
    if (current.text || current.anchor) sections.push(current);
    buffer = [];
  };
  for (const line of mdx.split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    const heading = !inFence && /^#{1,6}\s/.test(line) ? headings[next] : undefined;
    if (heading) {
      next++;
      flush();
      current = { heading: heading.text, anchor: heading.slug, text: '' };
    } else {
      buffer.push(line);
    }
  }
  flush();
  return sections;
}
