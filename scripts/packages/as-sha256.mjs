// @chainsafe/as-sha256: AssemblyScript, its own glue over the exported memory. Its SIMD build is
// taken when WebAssembly.validate accepts it (as on V8), and hashes four inputs at once.
import { batchHash4UintArray64s, digest, digest64, SHA256, simdEnabled } from '@chainsafe/as-sha256';

const hex = (b) => Buffer.from(b).toString('hex');
console.log(hex(digest(new TextEncoder().encode('abc'))));
console.log(hex(digest(new Uint8Array(100000).map((_, i) => i * 7))));
console.log(hex(digest64(new Uint8Array(64).fill(1))));
const h = new SHA256();
h.init();
for (let i = 0; i < 500; i++) h.update(new TextEncoder().encode(`block ${i}`));
console.log(hex(h.final()));
console.log('simd', simdEnabled);
console.log(batchHash4UintArray64s([1, 2, 3, 4].map((k) => new Uint8Array(64).map((_, i) => i * k))).map(hex).join(' '));
