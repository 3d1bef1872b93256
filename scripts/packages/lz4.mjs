// lz4-wasm-nodejs: Rust + wasm-bindgen (nodejs target: new WebAssembly.Module at require time).
import { createRequire } from 'node:module';
const { compress, decompress } = createRequire(import.meta.url)('lz4-wasm-nodejs');

const text = new TextEncoder().encode('lz4 is fast; lightbeam is one pass. '.repeat(3000));
const packed = compress(text);
const unpacked = decompress(packed);
console.log(text.length, packed.length, Buffer.from(packed.slice(0, 32)).toString('hex'));
console.log(unpacked.length, Buffer.compare(Buffer.from(unpacked), Buffer.from(text)));
