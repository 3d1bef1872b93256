// iced-x86's Node build, copied into the site so the playground can load it in the page
// (compiler/x64/iced.ts: loadIcedFromSources runs the glue with the wasm bytes it is given).
import type { APIRoute, GetStaticPaths } from 'astro';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const FILES = ['iced_x86.js', 'iced_x86_bg.wasm'] as const;

export const getStaticPaths: GetStaticPaths = () => FILES.map((file) => ({ params: { file } }));

export const GET: APIRoute = ({ params }) => {
  const file = params.file as (typeof FILES)[number];
  if (!FILES.includes(file)) return new Response('not found', { status: 404 });
  const dir = dirname(createRequire(import.meta.url).resolve('iced-x86/package.json'));
  const bytes = readFileSync(join(dir, file));
  return new Response(bytes, { headers: { 'content-type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' } });
};
