// `node --import lightbeam/register app.mjs`: run a Node program with Lightbeam as
// globalThis.WebAssembly (see compiler/api/install.ts for what stays on Node's own engine).
// The compiler comes from the esbuild bundle the `lightbeam` command uses (bin/bundle.mjs), so
// the program's own modules are left to Node (and to whatever loaders it registers). Without a
// bundle (no esbuild, or LIGHTBEAM_NO_BUNDLE=1) tsx loads the TypeScript under a namespace of
// its own instead: about half a second more of CPU in every process and worker thread.
// The bundle's compiler is stamped, so the program's modules go through the compile cache
// (compiler/api/nodeCodeCache.ts); through tsx nothing is cached.
import { loadCompiler } from './bundle.mjs';

const { module } = await loadCompiler('install', 'compiler/api/install.ts', 'lightbeam', { stamp: true });
module.installWebAssembly();
