// Colours for disassembly listings (`formatFunction`, `formatListing`): offsets, bytes and numbers
// are all hex, so they get one colour whatever their digits (a general asm grammar colours
// "0x18" and "0x1f" differently). Registers, mnemonics and the wasm-operator notes get their own.
// Plain HTML with classes; the colours are CSS variables in src/styles/book.css, per theme.

const REGISTER = new RegExp(
  '^(?:r(?:[0-9]|1[0-5])[dwb]?|[re]?(?:ax|bx|cx|dx|si|di|sp|bp|ip)|[abcd][lh]|[sd]il|[sb]pl|xmm(?:[0-9]|1[0-5])|ymm(?:[0-9]|1[0-5]))$',
);

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const span = (cls: string, s: string): string => (s ? `<span class="${cls}">${esc(s)}</span>` : '');

/** Operands: registers, numbers (hex or decimal) and the rest as plain text. */
function operands(s: string): string {
  return s
    .split(/(\b0x[0-9a-f]+\b|\b\d+\b|\b[a-z][a-z0-9]*\b)/)
    .map((tok) => {
      if (/^(0x[0-9a-f]+|\d+)$/.test(tok)) return span('d-num', tok);
      if (REGISTER.test(tok)) return span('d-reg', tok);
      return esc(tok);
    })
    .join('');
}

/** One instruction's text: the mnemonic (with any prefix such as `rep`), then operands. */
function instruction(s: string): string {
  const m = /^((?:(?:rep|repe|repne|lock)\s+)?[a-z][a-z0-9]*)(.*)$/.exec(s);
  if (!m) return esc(s);
  return span('d-mn', m[1]!) + operands(m[2]!);
}

export function highlightLine(line: string): string {
  if (line.startsWith(';')) return span('d-head', line);
  // offset, two spaces, bytes (pairs of hex digits), two spaces, instruction, optional "  ; note"
  const m = /^([0-9a-f]{4,16})(\s+)((?:[0-9a-f]{2} )*[0-9a-f]{2})?(\s+)?(.*)$/.exec(line);
  if (!m) return esc(line);
  const [, off, gap1, bytes = '', gap2 = '', rest = ''] = m;
  const note = rest.search(/\s+; /);
  const ins = note >= 0 ? rest.slice(0, note) : rest;
  const comment = note >= 0 ? rest.slice(note) : '';
  const commentGap = /^\s*/.exec(comment)![0];
  return span('d-off', off!) + gap1 + span('d-bytes', bytes) + gap2 + instruction(ins) + commentGap + span('d-cmt', comment.slice(commentGap.length));
}

/** A whole listing as a <pre>, one `.line` span per line (like shiki's output, so the page's CSS applies). */
export function highlightDisassembly(listing: string): string {
  const lines = listing.split('\n').map((l) => `<span class="line">${highlightLine(l)}</span>`);
  return `<pre class="shiki disasm" tabindex="0"><code>${lines.join('\n')}</code></pre>`;
}
