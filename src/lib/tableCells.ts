// Table cells on a narrow screen: a short cell (a number, a range, a name) stays on one line, so
// a table of figures grows wider than the column and scrolls inside its frame instead of
// breaking "1.52 [1.09–1.65]" over three lines; a long cell (a sentence) still wraps. Build-time:
// Run.astro marks the cells of example tables, rehypeShortCells those of the chapters' own tables.

/** Longest text, in characters, that a cell may keep on one line. */
export const SHORT_CELL_CHARS = 24;

export const isShortCell = (text: string): boolean => text.trim().length <= SHORT_CELL_CHARS;

interface HastNode {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

const textOf = (n: HastNode): string => (n.type === 'text' ? (n.value ?? '') : (n.children ?? []).map(textOf).join(''));

/** A rehype plugin: adds the class `short` to every td and th whose text is short. */
export function rehypeShortCells() {
  const visit = (n: HastNode): void => {
    if (n.type === 'element' && (n.tagName === 'td' || n.tagName === 'th') && isShortCell(textOf(n))) {
      const props = (n.properties ??= {});
      const classes = props.className;
      props.className = [...(Array.isArray(classes) ? classes : classes ? [String(classes)] : []), 'short'];
    }
    n.children?.forEach(visit);
  };
  return (tree: HastNode) => visit(tree);
}
