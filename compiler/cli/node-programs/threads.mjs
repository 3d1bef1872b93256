// Run by compiler/cli/node.test.ts through `lightbeam node`: a threaded program as emscripten's
// pthreads and wasm-bindgen's rayon are written. The main thread makes a shared memory and
// compiles a module, posts both to a worker (as workerData and through a MessageChannel), and the
// worker instantiates the module on the memory. They wake each other with wasm's and JS's
// atomics, and a grow here is seen there. Each line it prints is checked.
import { MessageChannel, Worker, isMainThread, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

// (module (import "env" "memory" (memory 1 4 shared))
//   (func (export "wait") (param i32 i32) (result i32) (memory.atomic.wait32 (local.get 0) (local.get 1) (i64.const -1)))
//   (func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify (local.get 0) (local.get 1)))
//   (func (export "add") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
//   (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
//   (func (export "size") (result i32) (memory.size)))
const bytes = Buffer.from('AGFzbQEAAAABEANgAn9/AX9gAX8Bf2AAAX8CEAEDZW52Bm1lbW9yeQIDAQQDBgUAAAABAgclBQR3YWl0AAAGbm90aWZ5AAEDYWRkAAIEbG9hZAADBHNpemUABAoyBQwAIAAgAUJ//gECAAsKACAAIAH+AAIACwoAIAAgAf4eAgALCAAgAP4QAgALBAA/AAs=', 'base64');
const onLightbeam = () => !Function.prototype.toString.call(WebAssembly.Memory).includes('[native code]');

if (isMainThread) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  const module = await WebAssembly.compile(bytes);
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL(import.meta.url), { workerData: { memory, module, port: port2 }, transferList: [port2] });
  const cyclic = { memory, module };
  cyclic.self = cyclic;
  port1.postMessage({ pair: [cyclic, new Map([['memory', memory]])] });
  try {
    worker.postMessage({ memory: new WebAssembly.Memory({ initial: 1 }) });
  } catch (e) {
    console.log('unshared memory:', e.name);
  }
  const messages = [];
  let waiting;
  worker.on('message', (m) => (waiting ? (waiting(m), (waiting = undefined)) : messages.push(m)));
  worker.on('error', (e) => {
    console.log('worker error:', String(e));
    process.exit(1);
  });
  const next = () => new Promise((resolve) => (messages.length ? resolve(messages.shift()) : (waiting = resolve)));
  console.log(await next());
  // The worker is blocked in wasm's memory.atomic.wait32 on address 0: wake it from JS.
  while (Atomics.notify(new Int32Array(memory.buffer), 0, 1) === 0) await new Promise((r) => setTimeout(r, 2));
  console.log(await next());
  // Now it waits in JS's Atomics.wait on address 8: grow, write to the new page, and wake it from wasm.
  memory.grow(1);
  new Int32Array(memory.buffer)[65536 / 4 + 1] = 77;
  while (exports.notify(8, 1) === 0) await new Promise((r) => setTimeout(r, 2));
  console.log(await next());
  console.log('counter', exports.load(12));
  await worker.terminate();
  // An eval worker (which Node starts without the --import preloads) gets Lightbeam as well.
  const evalWorker = new Worker('require("node:worker_threads").parentPort.postMessage(`eval worker: ${!String(WebAssembly.Memory).includes("[native code]")}`)', { eval: true });
  console.log(await new Promise((resolve) => evalWorker.once('message', resolve)));
} else {
  const { memory, module, port } = workerData;
  const received = receiveMessageOnPort(port).message;
  const [cyclic, map] = received.pair;
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  exports.add(12, 5);
  parentPort.postMessage(`worker: ${onLightbeam()} ${memory instanceof WebAssembly.Memory} ${module instanceof WebAssembly.Module} `
    + `${cyclic.self === cyclic} ${map.get('memory') === cyclic.memory} ${cyclic.module instanceof WebAssembly.Module}`);
  const words = new Int32Array(memory.buffer); // (before the grow: read nothing that would notice it)
  parentPort.postMessage(`woken by JS: ${exports.wait(0, 0)}`);
  const result = Atomics.wait(words, 2, 0);
  exports.add(12, 5);
  // The grow is seen by wasm here (read first: its access, then memory.size) and by JS.
  let read;
  try {
    read = exports.load(65536 + 4);
  } catch (e) {
    read = String(e);
  }
  parentPort.postMessage(`woken by wasm: ${result} read ${read} size ${exports.size()} buffer ${memory.buffer.byteLength}`);
}
