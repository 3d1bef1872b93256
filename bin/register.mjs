// `node --import lightbeam/register app.mjs`: run a Node program with Lightbeam as
// globalThis.WebAssembly (see compiler/api/install.ts for what stays on Node's own engine).
// The compiler is TypeScript: tsx loads it under a namespace of its own, so the program's own
// modules are left to Node (and to whatever loaders the program itself registers).
import { register } from 'tsx/esm/api';

const api = register({ namespace: 'lightbeam' });
const { installWebAssembly } = await api.import('../compiler/api/install.ts', import.meta.url);
installWebAssembly();
