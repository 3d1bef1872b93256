// @chainsafe/as-sha256: AssemblyScript, its own glue over the exported memory.
import { digest, digest64, SHA256 } from '@chainsafe/as-sha256';

const hex = (b) => Buffer.from(b).toString('hex');
console.log(hex(digest(new TextEncoder().encode('abc'))));
console.log(hex(digest(new Uint8Array(100000).map((_, i) => i * 7))));
console.log(hex(digest64(new Uint8Array(64).fill(1))));
const h = new SHA256();
h.init();
for (let i = 0; i < 500; i++) h.update(new TextEncoder().encode(`block ${i}`));
console.log(hex(h.final()));
