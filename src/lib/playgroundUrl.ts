// A playground link carries its WAT in the URL fragment (#wat=<base64url of the UTF-8 text>), so
// a shared link opens the same program, and an example in a chapter can open itself there.
// Runs in Node (at build time) and in the browser.

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function encodeWat(wat: string): string {
  return toBase64Url(new TextEncoder().encode(wat));
}

export function decodeWat(encoded: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(encoded));
  } catch {
    return undefined;
  }
}

/** The fragment for a program: "#wat=..." (and "&fn=name" to preselect the function to run). */
export function playgroundFragment(wat: string, fn?: string): string {
  return `#wat=${encodeWat(wat)}${fn ? `&fn=${encodeURIComponent(fn)}` : ''}`;
}

export function parseFragment(hash: string): { wat?: string; fn?: string; example?: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const wat = params.get('wat');
  return { wat: wat ? decodeWat(wat) : undefined, fn: params.get('fn') ?? undefined, example: params.get('example') ?? undefined };
}
