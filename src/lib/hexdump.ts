// A plain hex dump, as the book prints wasm bytes and machine code.

/** Lines of `offset: bytes`, `width` bytes per line. */
export function hexdump(bytes: Uint8Array, width = 16): string {
  const lines: string[] = [];
  const digits = Math.max(4, bytes.length.toString(16).length);
  for (let at = 0; at < bytes.length; at += width) {
    const row = [...bytes.subarray(at, at + width)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${at.toString(16).padStart(digits, '0')}  ${row}`);
  }
  return lines.join('\n');
}

/** Bytes as `0a 1b ...` on one line. */
export function hex(bytes: Uint8Array | readonly number[]): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
