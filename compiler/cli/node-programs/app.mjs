// Run by compiler/cli/node.test.ts through `lightbeam node`: the global WebAssembly is
// Lightbeam's, the program's argv and exit code are its own, and fetch (whose HTTP parser is
// wasm compiled by Node's internals) still works.
import http from 'node:http';

// (module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11]);
const { instance } = await WebAssembly.instantiate(bytes);
console.log(Object.prototype.toString.call(WebAssembly), instance.exports.add(40, 2), instance instanceof WebAssembly.Instance);
// A shared memory (threads): its buffer is a SharedArrayBuffer.
const shared = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1, 7, 5, 1, 1, 109, 2, 0]));
console.log(new WebAssembly.Instance(shared).exports.m.buffer instanceof SharedArrayBuffer);
try {
  // A shared memory of 1-byte pages (which Lightbeam does not support): rejected, not handed to V8.
  new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 5, 1, 0x0b, 1, 1, 0]));
} catch (e) {
  console.log(String(e).split(' (')[0]);
}
const server = http.createServer((_req, res) => res.end('pong')).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const response = await fetch(`http://127.0.0.1:${server.address().port}/`);
console.log(await response.text(), process.argv.slice(2).join(' '));
server.close();
process.exitCode = 7;
