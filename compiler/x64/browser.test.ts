// compiler/x64 in a real browser: bundle it for the browser platform (a Node-only import would
// fail the bundle), load iced-x86 from its two files the way a page would, assemble a function
// with labels and constants, and disassemble it, all inside headless chromium.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { expect, it } from 'vitest';

const chromiumPath = process.env.LIGHTBEAM_CHROMIUM ?? '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));

const entry = `
import { Assembler, loadIcedFromSources, disassemble, formatListing, rax, rdi, ecx, xmm0, qword } from './index.ts';
globalThis.run = (glue, wasmBase64) => {
  const wasm = Uint8Array.from(atob(wasmBase64), (c) => c.charCodeAt(0));
  loadIcedFromSources(glue, wasm);
  const a = new Assembler();
  const loop = a.newLabel('loop');
  const done = a.newLabel('done');
  a.xor(ecx, ecx);
  a.bind(loop);
  a.cmp(ecx, 10);
  a.jcc('ge', done);
  a.add(rax, qword(rdi, 0, null, 1));
  a.addsd(xmm0, a.constF64(0.5));
  a.add(ecx, 1);
  a.jmp(loop);
  a.bind(done);
  a.ret();
  const out = a.finish({ relaxBranches: true });
  return formatListing(disassemble(out.code, { data: out.dataRanges, notes: [[0, 'start']] }), { bytes: false });
};
`;

it('assembles and disassembles in a browser', async () => {
  const bundle = await build({
    stdin: { contents: entry, resolveDir: here, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const pkg = dirname(createRequire(import.meta.url).resolve('iced-x86'));
  const glue = readFileSync(join(pkg, 'iced_x86.js'), 'utf8');
  const wasm = readFileSync(join(pkg, 'iced_x86_bg.wasm')).toString('base64');

  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><title>x64</title>');
    await page.addScriptTag({ content: script });
    const listing = await page.evaluate(([g, w]) => (globalThis as unknown as { run: (g: string, w: string) => string }).run(g!, w!), [glue, wasm]);
    expect(errors).toEqual([]);
    const lines = listing.split('\n').map((l) => l.replace(/^[0-9a-f]+ +/, ''));
    expect(lines[0]).toMatch(/^xor ecx, ecx +; start$/);
    // Offsets: xor 0 (2 bytes), cmp 2 (3), jge 5 (2, relaxed), add 7 (3), addsd 10 (8), add 18 (3),
    // jmp 21 (2), ret 23; the constant pool at 24 (0x18), aligned to 8.
    expect(lines.slice(1, 8)).toEqual(['cmp ecx, 0xa', 'jge 0x17', 'add rax, [rdi]', 'addsd xmm0, [0x18]', 'add ecx, 1', 'jmp 2', 'ret']);
    expect(lines.at(-1)).toBe('db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x3f');
  } finally {
    await browser.close();
  }
}, 60_000);
