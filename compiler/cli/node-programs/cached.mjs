// Run by compiler/cli/node.test.ts through `lightbeam node`, twice or more, to see the compile
// cache (compiler/api/nodeCodeCache.ts) at work: it compiles a module of about 80 KB, large
// enough to be kept, in the way argv[2] says, and prints what one of its functions returns.
//   node cached.mjs <module|compile|instantiate|streaming|builtins|worker|small> [salt]
// `salt` is added to what every function returns: another module.
import { Worker } from 'node:worker_threads';
import { bigModule } from '../../api/testdata/bigModule.mjs';

const [how = 'module', salt = '0'] = process.argv.slice(2);

const bytes = bigModule(Number(salt), how === 'small' ? 8 : 200);
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
