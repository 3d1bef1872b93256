// Module text respelled in ASCII with the same meaning, for wasm-tools' parser: it refuses
// bidirectional-override and zero-width characters anywhere in the source (a guard against
// text that reads differently than it parses, not a rule of the spec), and names.wast exports
// names made of them. Browser-safe.

/**
 * The text with every non-ASCII character inside a string written as a `\u{...}` escape (the
 * string's bytes stay the same) and every one inside a comment replaced by a space. Anywhere
 * else a non-ASCII character is malformed text, and is left for the parser to reject.
 */
export function asciiStringsAndComments(text: string): string {
  let out = '';
  let i = 0;
  const copyUntil = (end: number, inComment: boolean) => {
    for (const ch of text.slice(i, end)) {
      const code = ch.codePointAt(0)!;
      out += code < 0x80 ? ch : inComment ? ' ' : `\\u{${code.toString(16)}}`;
    }
    i = end;
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      copyUntil(stringEnd(text, i), false);
    } else if (ch === ';' && text[i + 1] === ';') {
      const newline = text.indexOf('\n', i);
      copyUntil(newline < 0 ? text.length : newline, true);
    } else if (ch === '(' && text[i + 1] === ';') {
      copyUntil(blockCommentEnd(text, i), true);
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Just past the string that opens at `start` (or the end of the text, if it never closes). */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

/** Just past the block comment `(; ... ;)` that opens at `start`; block comments nest. */
function blockCommentEnd(text: string, start: number): number {
  let depth = 0;
  for (let j = start; j < text.length - 1; j++) {
    if (text[j] === '(' && text[j + 1] === ';') {
      depth++;
      j++;
    } else if (text[j] === ';' && text[j + 1] === ')') {
      depth--;
      j++;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}
