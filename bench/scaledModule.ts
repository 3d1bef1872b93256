// Module surgery for the compile benchmark: the sizes of a module's function bodies, and a
// module made `k` times larger by repeating its function bodies (same types, same code; the
// copies call the originals), for measuring compile time per byte as inputs grow.

function readU32(b: Uint8Array, p: number): [value: number, next: number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const byte = b[p++]!;
    v += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [v, p];
    shift += 7;
  }
}

function u32(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}

interface Section {
  readonly id: number;
  /** The section's contents (after id and size). */
  readonly body: Uint8Array;
}

function sections(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const [size, start] = readU32(bytes, p);
    out.push({ id, body: bytes.subarray(start, start + size) });
    p = start + size;
  }
  return out;
}

/** Each function body's size in bytes (its size field included), in order. */
export function bodySizes(bytes: Uint8Array): number[] {
  const code = sections(bytes).find((s) => s.id === 10);
  if (!code) return [];
  const sizes: number[] = [];
  let [count, p] = readU32(code.body, 0);
  while (count-- > 0) {
    const [size, start] = readU32(code.body, p);
    sizes.push(start - p + size);
    p = start + size;
  }
  return sizes;
}

/** The module with its defined functions repeated `k` times (custom sections dropped: names would no longer fit). */
export function repeatFunctions(bytes: Uint8Array, k: number): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  const emit = (id: number, body: Uint8Array | number[]) => {
    parts.push(new Uint8Array([id, ...u32(body.length)]), body instanceof Uint8Array ? body : new Uint8Array(body));
  };
  for (const s of sections(bytes)) {
    if (s.id === 0) continue;
    if (s.id !== 3 && s.id !== 10) {
      emit(s.id, s.body);
      continue;
    }
    const [count, first] = readU32(s.body, 0);
    const items = s.body.subarray(first);
    const head = u32(count * k);
    const body = new Uint8Array(head.length + items.length * k);
    body.set(head);
    for (let i = 0; i < k; i++) body.set(items, head.length + i * items.length);
    emit(s.id, body);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}
