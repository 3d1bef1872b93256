// Syntax highlighting at build time with shiki. One highlighter for the whole build, loaded
// with just the languages the book shows: TypeScript (the compiler), WAT (wasm text) and x86-64.
import { createHighlighter, type Highlighter } from 'shiki';
import { highlightDisassembly } from './disasmHighlight.ts';

export type Lang = 'typescript' | 'wasm' | 'asm' | 'text' | 'json' | 'sh';

let highlighter: Promise<Highlighter> | undefined;

function getHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({
    themes: ['github-light', 'github-dark'],
    langs: ['typescript', 'wasm', 'asm', 'json', 'sh'],
  });
  return highlighter;
}

/** Picks a language from a file name: .ts -> typescript, .wat/.wast -> wasm, .s/.asm -> asm. */
export function langForFile(file: string): Lang {
  if (/\.(m|c)?[jt]sx?$/.test(file)) return 'typescript';
  if (/\.(wat|wast)$/.test(file)) return 'wasm';
  if (/\.(s|asm)$/.test(file)) return 'asm';
  if (/\.json$/.test(file)) return 'json';
  if (/\.sh$/.test(file)) return 'sh';
  return 'text';
}

/**
 * HTML for a block of code. Light colours are inline; the dark ones ride along as
 * --shiki-dark variables that the dark theme's CSS switches on (src/styles/book.css).
 */
export async function highlight(code: string, lang: Lang, opts: { firstLine?: number; lineNumbers?: readonly number[] } = {}): Promise<string> {
  // Disassembly listings get their own colouring (hex as hex): src/lib/disasmHighlight.ts.
  if (lang === 'asm' && opts.firstLine === undefined) return highlightDisassembly(code);
  const h = await getHighlighter();
  let html = h.codeToHtml(code, {
    lang: lang === 'text' ? 'text' : lang,
    themes: { light: 'github-light', dark: 'github-dark' },
    defaultColor: 'light',
  });
  if (opts.firstLine !== undefined) {
    // Line numbers are drawn by CSS counters; start them at the region's line in the file.
    html = html.replace('<pre class="shiki', `<pre style="counter-reset: line ${opts.firstLine - 1}" class="numbered shiki`);
    // Where the numbering jumps (a nested region's markers were left out), restart the counter.
    const numbers = opts.lineNumbers;
    if (numbers) {
      let i = 0;
      html = html.replace(/<span class="line">/g, (m) => {
        const n = numbers[i];
        const jump = i > 0 && n !== undefined && n !== numbers[i - 1]! + 1;
        i++;
        return jump ? `<span class="line" style="counter-set: line ${n - 1}">` : m;
      });
    }
  }
  return html;
}
