// A worker for threadMessages.test.ts, with Lightbeam's thread messages installed here: for each
// module its parent posts, it reports what it got (how many modules it was given compiled, the
// code, imports, exports, custom sections, a call's result) and posts the module back.
import { tsImport } from 'tsx/esm/api';
import { parentPort } from 'node:worker_threads';

const api = await tsImport('./threadApi.ts', import.meta.url);
api.installThreadMessages();
parentPort.on('message', ({ module }) => {
  const { exports } = new api.Instance(module, { env: { twice: (x) => 2 * x } });
  parentPort.postMessage({
    isModule: module instanceof api.Module,
    received: api.apiStats.modulesReceived,
    code: module.compiled.code.slice(),
    imports: api.Module.imports(module),
    exports: api.Module.exports(module),
    custom: api.Module.customSections(module, 'note').map((b) => [...new Uint8Array(b)]),
    result: exports.run(20),
    module,
  });
});
parentPort.postMessage('ready');
