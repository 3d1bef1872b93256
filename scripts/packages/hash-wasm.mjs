// hash-wasm: hand-tuned wasm per algorithm (compiled from C), many small calls across the boundary.
import { argon2id, blake2b, blake3, crc32, md5, sha1, sha256, sha3, sha512, xxhash64, createSHA256 } from 'hash-wasm';

const data = new TextEncoder().encode('Lightbeam compiles WebAssembly in one pass. '.repeat(200));
for (const [name, f] of Object.entries({ md5, sha1, sha256, sha512, crc32, blake2b, blake3, xxhash64 })) {
  console.log(name, await f(data));
}
console.log('sha3-384', await sha3(data, 384));
const h = await createSHA256();
h.init();
for (let i = 0; i < 1000; i++) h.update(`line ${i}\n`);
console.log('sha256 incremental', h.digest());
console.log('argon2id', await argon2id({ password: 'password', salt: 'somesaltsomesalt', parallelism: 1, iterations: 2, memorySize: 512, hashLength: 32, outputType: 'hex' }));
