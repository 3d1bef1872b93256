// brotli-wasm: Rust + wasm-bindgen (nodejs target), integer-heavy compression.
import { createRequire } from 'node:module';
const brotli = createRequire(import.meta.url)('brotli-wasm');

const text = new TextEncoder().encode('Brotli on Lightbeam: a streaming one-pass compiler. '.repeat(2000));
for (const quality of [1, 6, 11]) {
  const packed = brotli.compress(text, { quality });
  const back = brotli.decompress(packed);
  console.log(quality, packed.length, Buffer.from(packed.slice(0, 16)).toString('hex'), Buffer.compare(Buffer.from(back), Buffer.from(text)));
}
