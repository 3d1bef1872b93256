// Small helpers for the pictures: SVG text that takes its colours from the page (currentColor and
// the --pic-* variables of src/styles/book.css), so one drawing is right in light and dark mode.
import type { LocKind } from './trace.ts';

export const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Text in the code font (default) or the UI font. */
export function text(x: number, y: number, s: string, o: { size?: number; bold?: boolean; anchor?: 'start' | 'middle' | 'end'; ui?: boolean; soft?: boolean } = {}): string {
  const attrs = [
    `x="${x}"`, `y="${y}"`, `font-size="${o.size ?? 13}"`,
    `font-family="${o.ui ? 'var(--font-ui)' : 'var(--font-code)'}"`, 'fill="currentColor"',
    o.bold ? 'font-weight="700"' : '', o.anchor ? `text-anchor="${o.anchor}"` : '', o.soft ? 'opacity="0.7"' : '',
  ];
  return `<text ${attrs.filter(Boolean).join(' ')}>${esc(s)}</text>`;
}

export function box(x: number, y: number, w: number, h: number, fill: string, o: { opacity?: number; dashed?: boolean } = {}): string {
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="${fill}" fill-opacity="${o.opacity ?? 0.28}" stroke="${fill}"${o.dashed ? ' stroke-dasharray="4 3"' : ''}/>`;
}

export const line = (x1: number, y1: number, x2: number, y2: number, o: { soft?: boolean; dashed?: boolean } = {}): string =>
  `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="currentColor"${o.soft ? ' stroke-opacity="0.3"' : ''}${o.dashed ? ' stroke-dasharray="4 3"' : ''}/>`;

/** The colour of each kind of value location (CSS variables, switched by the theme). */
export const LOC_COLOUR: Record<LocKind, string> = {
  const: 'var(--pic-const)',
  reg: 'var(--pic-reg)',
  slot: 'var(--pic-slot)',
  local: 'var(--pic-local)',
  'local+': 'var(--pic-local)',
  flags: 'var(--pic-flags)',
};

export const LOC_LABEL: Record<LocKind, string> = {
  const: 'constant', reg: 'register', slot: 'stack slot', local: 'local (not copied)', 'local+': 'local + constant', flags: 'flags',
};

/** A row of coloured swatches explaining the location colours. */
export function legend(y: number, kinds: LocKind[], width: number, labels: Partial<Record<LocKind, string>> = {}): { svg: string; height: number } {
  let x = 8;
  let row = 0;
  const parts: string[] = [];
  for (const k of kinds) {
    const label = labels[k] ?? LOC_LABEL[k];
    const w = 24 + label.length * 7;
    if (x + w > width) { x = 8; row++; }
    parts.push(box(x, y + row * 22, 14, 14, LOC_COLOUR[k], { opacity: 0.5 }), text(x + 20, y + row * 22 + 12, label, { size: 12, ui: true }));
    x += w + 10;
  }
  return { svg: parts.join(''), height: (row + 1) * 22 };
}

export function svg(width: number, height: number, label: string, body: string): string {
  const min = legibleMinWidth(width, body);
  return `<svg class="pic-svg" viewBox="0 0 ${width} ${height}" width="${width}"${min ? ` style="min-width:${min}px"` : ''} role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

/** The smallest a label may be on screen, in CSS pixels. */
export const MIN_LABEL_PX = 10;

/**
 * How narrow a drawing `viewBoxWidth` units wide may be shown while its smallest `font-size` stays
 * MIN_LABEL_PX on screen; narrower than that, its figure scrolls inside itself instead of
 * shrinking the labels (on a phone). Undefined if it has no text.
 */
export function legibleMinWidth(viewBoxWidth: number, body: string): number | undefined {
  const sizes = [...body.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
  return sizes.length ? Math.ceil((viewBoxWidth * MIN_LABEL_PX) / Math.min(...sizes)) : undefined;
}

/** An SVG drawn elsewhere (an example's figure) with the min-width that keeps its labels legible. */
export function withLegibleLabels(svgText: string): string {
  const width = Number(/<svg\b[^>]*\bviewBox="[\d.-]+ [\d.-]+ ([\d.]+)/.exec(svgText)?.[1]);
  const min = width ? legibleMinWidth(width, svgText) : undefined;
  return min && !/^<svg\b[^>]*\bstyle=/.test(svgText) ? svgText.replace(/^<svg\b/, `<svg style="min-width:${min}px"`) : svgText;
}

/** Rough width of monospace text at a font size (the code font's advance is about 0.6 em). */
export const codeWidth = (s: string, size = 13): number => Math.ceil(s.length * size * 0.61);
