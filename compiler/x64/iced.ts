// Loading iced-x86. The npm package is wasm-bindgen's Node build: a CommonJS file that calls
// require('fs').readFileSync on its .wasm beside it. In Node, `loadIced()` simply imports it.
// A browser cannot run that file as is, so the page fetches the two files itself and calls
// `loadIcedFromSources(glueText, wasmBytes)`, which runs the glue with a tiny `require` that
// hands it the bytes. Everything Node-specific is behind that one seam.

export type Iced = typeof import('iced-x86');

let loaded: Iced | undefined;
let loading: Promise<Iced> | undefined;

/** iced-x86 once it is loaded (throws before `loadIced()` or `loadIcedFromSources()` finished). */
export function iced(): Iced {
  if (!loaded) throw new Error('iced-x86 is not loaded yet: await loadIced() (Node) or call loadIcedFromSources() (browser) first');
  return loaded;
}

export function isIcedLoaded(): boolean {
  return loaded !== undefined;
}

/** Load iced-x86 the Node way (a dynamic import of the package). */
export function loadIced(): Promise<Iced> {
  if (loaded) return Promise.resolve(loaded);
  if (!loading) {
    // A computed specifier keeps bundlers from pulling the Node-only glue into browser bundles.
    const specifier = 'iced-x86';
    loading = import(/* @vite-ignore */ specifier).then((m: { default?: Iced } & Iced) => (loaded = m.default ?? m));
  }
  return loading;
}

/**
 * Load iced-x86 from the text of `iced-x86/iced_x86.js` and the bytes of
 * `iced-x86/iced_x86_bg.wasm` (e.g. fetched by a page). Works anywhere `new Function` and
 * WebAssembly do, browsers included.
 */
export function loadIcedFromSources(glue: string, wasm: Uint8Array): Iced {
  if (!loaded) loaded = evaluateIcedSources(glue, wasm);
  return loaded;
}

/** Run the glue with a `require` that serves the wasm bytes; returns a fresh module each time. */
export function evaluateIcedSources(glue: string, wasm: Uint8Array): Iced {
  const module = { exports: {} as Record<string, unknown> };
  const fakeRequire = (name: string): unknown => {
    switch (name) {
      case 'util': return { TextDecoder, TextEncoder };
      case 'path': return { join: (...parts: string[]) => parts.join('/') };
      case 'fs': return { readFileSync: () => wasm };
      default: throw new Error(`iced-x86 glue asked for unexpected module '${name}'`);
    }
  };
  const run = new Function('module', 'exports', 'require', '__dirname', glue) as (
    m: typeof module, e: unknown, r: typeof fakeRequire, d: string,
  ) => void;
  run(module, module.exports, fakeRequire, '.');
  return module.exports as unknown as Iced;
}
