// Run by compiler/cli/node.test.ts through `lightbeam node`, twice or more, to see the compile
// cache (compiler/api/nodeCodeCache.ts) at work: it compiles a module of about 100 KB, large
// enough to be kept, in the way argv[2] says, and prints what one of its functions returns.
//   node cached.mjs <module|compile|instantiate|streaming|builtins|worker|small> [salt]
// `salt` is added to what every function returns: another module.
import { Worker } from 'node:worker_threads';

const [how = 'module', salt = '0'] = process.argv.slice(2);

/** An unsigned LEB128. */
const leb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const section = (id, body) => [id, ...leb(body.length), ...body];
const vector = (items) => [...leb(items.length), ...items.flat()];
const name = (s) => [...leb(s.length), ...Buffer.from(s)];

/** `functions` functions () -> i32; each drops 100 constants and returns its index plus `salt`; "f7" is exported. */
function bigModule(salt, functions = 200) {
  const body = (i) => {
    const code = [0]; // no locals
    for (let k = 0; k < 100; k++) code.push(0x41, ...leb(1000 + k), 0x1a); // i32.const, drop
    code.push(0x41, ...leb(i + salt), 0x0b); // i32.const, end
    return [...leb(code.length), ...code];
  };
  return new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0,
    ...section(1, vector([[0x60, 0, 1, 0x7f]])),
    ...section(3, vector(Array.from({ length: functions }, () => [0]))),
    ...section(7, vector([[...name('f7'), 0, 7]])),
    ...section(10, vector(Array.from({ length: functions }, (_, i) => body(i)))),
  ]);
}

const bytes = bigModule(Number(salt), how === 'small' ? 10 : 200);
let module;
switch (how) {
  case 'module': case 'small': module = new WebAssembly.Module(bytes); break;
  case 'compile': module = await WebAssembly.compile(bytes); break;
  case 'instantiate': module = (await WebAssembly.instantiate(bytes)).module; break;
  case 'streaming':
    module = await WebAssembly.compileStreaming(new Response(bytes, {
      headers: { 'Content-Type': 'application/wasm', 'Content-Length': String(bytes.length) },
    }));
    break;
  case 'builtins': module = new WebAssembly.Module(bytes, { builtins: ['js-string'] }); break;
  case 'worker': {
    // The worker compiles it too (interruptible there by default: another entry).
    const worker = new Worker(
      "const { parentPort, workerData } = require('node:worker_threads');" +
      'parentPort.postMessage(new WebAssembly.Instance(new WebAssembly.Module(workerData)).exports.f7());',
      { eval: true, workerData: bytes },
    );
    console.log('worker', await new Promise((resolve) => worker.once('message', resolve)));
    module = new WebAssembly.Module(bytes);
    break;
  }
  default: throw new Error(`unknown way to compile: ${how}`);
}
console.log(how, bytes.length, new WebAssembly.Instance(module).exports.f7());
