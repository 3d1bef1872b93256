import { describe, expect, it } from 'vitest';
import { asciiStringsAndComments } from './asciiText.ts';

describe('asciiStringsAndComments', () => {
  it('escapes every non-ASCII character of a string, whole code points', () => {
    expect(asciiStringsAndComments('(export "a\u202eb\u{1f600}\ufeff")')).toBe('(export "a\\u{202e}b\\u{1f600}\\u{feff}")');
  });

  it('keeps escapes, and quotes escaped inside a string, as they are', () => {
    const text = '(data "\\"\u00e9\\\\" "\\u{e9}\\ff") (; "\u00e9 ;)';
    expect(asciiStringsAndComments(text)).toBe('(data "\\"\\u{e9}\\\\" "\\u{e9}\\ff") (; "  ;)');
  });

  it('blanks non-ASCII characters of line and nested block comments', () => {
    expect(asciiStringsAndComments(';; \u202e "\n(func) (; a (; \u00e9 ;) \u00e9 ;) "\u00e9"')).toBe(';;   "\n(func) (; a (;   ;)   ;) "\\u{e9}"');
  });

  it('leaves a non-ASCII character outside strings and comments for the parser to reject', () => {
    expect(asciiStringsAndComments('(func $\u00e9)')).toBe('(func $\u00e9)');
    expect(asciiStringsAndComments('"unterminated \u00e9')).toBe('"unterminated \\u{e9}');
  });
});
