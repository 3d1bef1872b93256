// A small WAT highlighter for the playground's editor (shiki is too heavy to ship to the page):
// comments, strings, $names, numbers, keywords and instructions, as spans with classes.
const KEYWORDS = new Set(['module', 'func', 'param', 'result', 'local', 'export', 'import', 'memory', 'data', 'table', 'elem', 'global', 'type', 'mut', 'start', 'offset', 'then', 'else', 'end', 'block', 'loop', 'if', 'item', 'declare', 'ref', 'funcref', 'externref']);
const TYPES = new Set(['i32', 'i64', 'f32', 'f64', 'v128']);

const esc = (s: string): string => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

export function highlightWat(text: string): string {
  const token = /(;;[^\n]*|\(;[\s\S]*?;\)|"(?:[^"\\]|\\.)*"|\$[^\s()";]+|[-+]?(?:0x[0-9a-fA-F_.pP+-]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?|inf|nan(?::0x[0-9a-fA-F]+)?)(?![\w.$])|[a-z][a-z0-9_.=/]*|[()]|\s+|.)/g;
  let out = '';
  for (const m of text.matchAll(token)) {
    const t = m[0];
    let cls = '';
    if (t.startsWith(';;') || t.startsWith('(;')) cls = 'w-cmt';
    else if (t.startsWith('"')) cls = 'w-str';
    else if (t.startsWith('$')) cls = 'w-id';
    else if (/^[-+]?(\d|0x|inf|nan)/.test(t)) cls = 'w-num';
    else if (KEYWORDS.has(t)) cls = 'w-kw';
    else if (TYPES.has(t)) cls = 'w-ty';
    else if (/^[a-z][a-z0-9_]*\.[a-z0-9_.=]+$/.test(t) || /^(call|call_indirect|br|br_if|br_table|return|drop|select|unreachable|nop|local\.get|local\.set|local\.tee)$/.test(t)) cls = 'w-op';
    else if (/^[a-z]/.test(t)) cls = 'w-op';
    out += cls ? `<span class="${cls}">${esc(t)}</span>` : esc(t);
  }
  // A trailing newline needs a character after it to take up a line in a <pre>.
  return out + (text.endsWith('\n') ? ' ' : '');
}
