// xxhash-wasm: hand-written wasm (i64 arithmetic), instantiated with WebAssembly.instantiate(bytes).
import xxhash from 'xxhash-wasm';

const { h32, h64, h32ToString, h64ToString, create64 } = await xxhash();
const inputs = ['', 'a', 'lightbeam', 'The quick brown fox jumps over the lazy dog', 'x'.repeat(10000)];
for (const s of inputs) console.log(s.length, h32(s), h32ToString(s, 7), h64(s), h64ToString(s, 42n));
const streaming = create64(5n);
for (let i = 0; i < 100; i++) streaming.update(`chunk ${i};`);
console.log('streaming', streaming.digest());
