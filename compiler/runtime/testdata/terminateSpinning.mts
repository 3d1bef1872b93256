// Starts a worker spinning in `(loop br 0)`, then stops it with worker.terminate() (or, with the
// argument "exit", with process.exit()); prints how long the worker took to stop.
import { Worker } from 'node:worker_threads';
import '../../api/index.ts'; // installs the terminate()/exit hooks on this thread

const how = process.argv[2] ?? 'terminate';
const interruptible = process.argv[3] !== 'off';
const worker = new Worker(new URL('./spinWorker.mjs', import.meta.url), { workerData: { interruptible } });
worker.on('message', () => {
  setTimeout(() => {
    const t0 = performance.now();
    if (how === 'exit') {
      process.on('exit', () => console.log(JSON.stringify({ how, ms: performance.now() - t0 })));
      process.exit(0);
    }
    worker.terminate().then(() => {
      console.log(JSON.stringify({ how, ms: performance.now() - t0 }));
    });
  }, 100);
});
