// The book in a real browser: build the site under a non-root base path (so every link must
// honour it), serve it with `astro preview`, and drive Debian's chromium through playwright-core.
// Screenshots land in test-results/screenshots/ for a human to look at.
import { plannedChapters } from './lib/plan.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './lib/root.ts';
import { nativeUnavailable } from './lib/examples.ts';

const root = repoRoot();
const results = join(root, 'test-results');
const shots = join(root, 'test-results', 'screenshots');
const base = '/lightbeam-test/';
const chromiumPath = process.env.LIGHTBEAM_CHROMIUM ?? '/usr/bin/chromium';

let preview: ChildProcess | undefined;
let browser: Browser | undefined;
let origin = '';

/** Newest modification time under the paths that shape the site. */
function newestInput(): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') walk(join(p, name));
    } else if (!/\.test\.ts$/.test(p)) newest = Math.max(newest, s.mtimeMs); // tests do not shape the site
  };
  for (const p of ['book', 'src', 'compiler', 'astro.config.mjs', 'package-lock.json']) walk(join(root, p));
  return newest;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${log.slice(-4000)}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`astro preview did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const astro = join(root, 'node_modules', 'astro', 'astro.js');

/**
 * A build of the site that is newer than every input: reused if one exists, else made. Several
 * people run the tests in this tree at once, so each build gets its own folder
 * (test-results/site-<pid>-<time>) and is never written to again; stale ones are removed.
 */
async function builtSite(): Promise<string> {
  mkdirSync(results, { recursive: true });
  const inputs = newestInput();
  const builds = readdirSync(results)
    .filter((d) => d.startsWith('site-'))
    .map((d) => ({ dir: join(results, d), stamp: join(results, d, '.built') }))
    .map((b) => ({ ...b, at: existsSync(b.stamp) && readFileSync(b.stamp, 'utf8') === base ? statSync(b.stamp).mtimeMs : 0 }));
  const fresh = builds.filter((b) => b.at > inputs).sort((a, b) => b.at - a.at)[0];
  for (const b of builds) {
    const age = Date.now() - (existsSync(b.dir) ? statSync(b.dir).mtimeMs : 0);
    if (b !== fresh && b.at <= inputs && age > 10 * 60_000) rmSync(b.dir, { recursive: true, force: true });
  }
  if (fresh) return fresh.dir;
  const outDir = join(results, `site-${process.pid}-${Date.now()}`);
  await run(process.execPath, [astro, 'build', '--outDir', outDir, '--silent'], cleanEnv());
  writeFileSync(join(outDir, '.built'), base);
  return outDir;
}

/** The environment without what vitest adds (BASE_URL, MODE, NODE_ENV=test...), which would leak into Astro's build. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VITEST|VITE_|TEST$|BASE_URL$|MODE$|DEV$|PROD$|SSR$|NODE_ENV$)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, BASE_PATH: base };
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no browser at ${chromiumPath}: install Debian's chromium (apt-get install chromium) or set LIGHTBEAM_CHROMIUM`);
  }
  const outDir = await builtSite();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  preview = spawn(process.execPath, [astro, 'preview', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: root,
    env: cleanEnv(),
    stdio: 'ignore',
  });
  await waitForServer(origin + base, 30_000);
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // No --user-data-dir here: launch() always gives chromium a fresh temporary profile of its own.
    ],
  });
  // Building the whole site takes minutes when other work shares the machine.
}, 900_000);

afterAll(async () => {
  await browser?.close();
  preview?.kill();
});

async function open(path: string, opts: { width?: number; height?: number; dark?: boolean } = {}): Promise<Page> {
  const context = await browser!.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    colorScheme: opts.dark ? 'dark' : 'light',
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const response = await page.goto(origin + base + path.replace(/^\//, ''));
  expect(response?.status(), `status of ${path}`).toBe(200);
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

/** The on-screen size in px of the smallest label of an SVG: its font size times the drawing's scale. */
function smallestLabel(svg: Element): number {
  const el = svg as SVGSVGElement;
  const scale = el.getBoundingClientRect().width / (el.viewBox.baseVal?.width || el.getBoundingClientRect().width);
  return Math.min(...Array.from(el.querySelectorAll('text')).map((t) => parseFloat(t.getAttribute('font-size') ?? getComputedStyle(t).fontSize) * scale));
}

/** The code text a block's Copy button covers (the first piece of text whose box meets the button's), if any. */
function copyButtonCovers(wrap: Element): string | undefined {
  const button = wrap.querySelector('.copy-code')!.getBoundingClientRect();
  const pre = wrap.querySelector('pre')!;
  if (button.width === 0) return undefined;
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent?.trim()) continue;
    range.selectNodeContents(node);
    const rects = Array.from(range.getClientRects());
    if (rects[0] && rects[0].top > button.bottom) return undefined;
    if (rects.some((r) => r.width > 0 && r.left < button.right && r.right > button.left && r.top < button.bottom && r.bottom > button.top)) {
      return `"${node.textContent.trim().slice(0, 30)}" in "${(pre.textContent ?? '').trim().slice(0, 40)}"`;
    }
  }
  return undefined;
}

/** Hrefs of the chapters listed on the home page, in order. */
async function chapterLinks(): Promise<string[]> {
  const page = await open('/');
  const hrefs = await page.$$eval('.contents li.written a', (as) => as.map((a) => a.getAttribute('href') ?? ''));
  await page.context().close();
  return hrefs;
}

// Each test opens several pages; on a shared, loaded machine (load 30 on 2 cores was seen) a page
// can take seconds, so every test has minutes, not vitest's default 30 s.
describe('the book in a browser', () => {
  test('home page lists the chapters in order, planned ones marked, every link under the base path', async () => {
    const page = await open('/');
    const numbers = await page.$$eval('.contents .num', (els) => els.map((e) => Number(e.textContent)));
    expect(numbers.length).toBeGreaterThan(5);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    // Every chapter of the plan is listed, written or planned; a planned one has no link yet.
    expect(new Set(numbers)).toEqual(new Set([...plannedChapters.map((c) => c.chapter), 1, 2, 3, 4, 5]));
    const planned = await page.locator('.contents li.planned').count();
    expect(await page.locator('.contents li.planned a').count()).toBe(0);
    expect(await page.locator('.contents li:not(.planned) a').count()).toBe(numbers.length - planned);
    const hrefs = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')!));
    for (const href of hrefs) expect(href.startsWith(base), href).toBe(true);
    await page.screenshot({ path: join(shots, 'home-desktop-light.png'), fullPage: false });
    await page.context().close();
  }, 240_000);

  test('chapter 1 renders its prose, listing and executed example; previous/next links work', async () => {
    const [first] = await chapterLinks();
    expect(first).toBeDefined();
    const path = first!.slice(base.length - 1);
    for (const variant of [
      { name: 'desktop-light', width: 1280, dark: false },
      { name: 'desktop-dark', width: 1280, dark: true },
      { name: 'phone-light', width: 390, height: 844, dark: false },
      { name: 'phone-dark', width: 390, height: 844, dark: true },
    ]) {
      const page = await open(path, variant);
      await expect(page.locator('article h1').textContent()).resolves.toMatch(/\S/);
      expect(await page.locator('figure.listing pre .line').count()).toBeGreaterThan(0);
      expect(await page.locator('.example').count()).toBeGreaterThan(0);
      expect((await page.locator('.example [data-stage]').first().textContent())?.trim().length).toBeGreaterThan(0);
      expect(await page.locator('.stage-error').allTextContents(), 'an example failed at build time').toEqual([]);
      // Nothing may be wider than a phone screen except inside scrollable code blocks.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `horizontal overflow at ${variant.name}`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(shots, `chapter1-${variant.name}.png`), fullPage: false });
      if (variant.name === 'desktop-light') await page.screenshot({ path: join(shots, `chapter1-full.png`), fullPage: true });
      expect((page as Page & { errors: string[] }).errors).toEqual([]);
      if (variant.name === 'desktop-light') {
        const next = page.locator('.pager a[rel=next]');
        if (await next.count()) {
          await next.click();
          await page.waitForLoadState();
          expect(page.url()).not.toContain('01-');
          expect(await page.locator('.pager a[rel=prev]').count()).toBe(1);
        }
      }
      await page.context().close();
    }
  }, 240_000);

  test('another chapter shows a listing from the source and output of an example run at build time', async () => {
    const links = await chapterLinks();
    const other = links[links.length - 1]!;
    expect(links.length).toBeGreaterThan(1);
    for (const variant of [
      { name: 'desktop-light', width: 1280, dark: false },
      { name: 'phone-dark', width: 390, height: 844, dark: true },
    ]) {
      const page = await open(other.slice(base.length - 1), variant);
      expect(await page.locator('figure.listing pre .line').count()).toBeGreaterThan(0);
      const outputs = page.locator('.example [data-stage]');
      expect(await outputs.count()).toBeGreaterThan(0);
      expect(await page.locator('.stage-error').allTextContents(), 'an example failed at build time').toEqual([]);
      await page.screenshot({ path: join(shots, `last-chapter-${variant.name}.png`), fullPage: variant.name === 'desktop-light' });
      await page.context().close();
    }
  }, 240_000); // two full renders of the longest chapter page

  test('search finds a word from a chapter and leads to it', async () => {
    const page = await open('/');
    await page.fill('.search input', 'LEB128');
    const first = page.locator('.search-results a').first();
    await first.waitFor({ timeout: 10_000 });
    expect(await first.textContent()).toMatch(/leb128/i);
    await page.screenshot({ path: join(shots, 'search-desktop-light.png') });
    await first.click();
    await page.waitForLoadState();
    expect(page.url()).toContain(base);
    expect(await page.locator('article').textContent()).toMatch(/LEB128/);
    await page.fill('.search input', 'zzqqxxnotaword');
    await page.locator('.search-results .none').waitFor({ timeout: 10_000 });
    await page.context().close();
  }, 240_000);

  test('on a phone, the contents open behind the menu button and search results fit the screen', async () => {
    const [first] = await chapterLinks();
    const page = await open(first!.slice(base.length - 1), { width: 390, height: 844, dark: true });
    expect(await page.locator('#toc').isVisible()).toBe(false);
    await page.click('.toc-toggle summary');
    await page.locator('#toc').waitFor({ state: 'visible', timeout: 5_000 });
    const toc = (await page.locator('#toc').boundingBox())!;
    const header = (await page.locator('header.top').boundingBox())!;
    expect(toc.y, 'the contents panel starts below the header').toBeGreaterThanOrEqual(header.y + header.height - 1);
    await page.screenshot({ path: join(shots, 'phone-contents-dark.png') });
    await page.click('.toc-toggle summary');
    await page.locator('#toc').waitFor({ state: 'hidden', timeout: 5_000 });
    await page.fill('.search input', 'stack');
    await page.locator('.search-results a').first().waitFor({ timeout: 10_000 });
    const results = (await page.locator('.search-results').boundingBox())!;
    expect(results.x).toBeGreaterThanOrEqual(0);
    expect(results.x + results.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(shots, 'phone-search-dark.png') });
    await page.context().close();
  }, 240_000);

  test('the playground compiles on load, reports Lightbeam validator errors with byte offsets, runs with the browser engine, and shares by URL', async () => {
    const page = await open('/playground/');
    // Compiled on load: the default example, no click needed.
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#output')?.dataset.state === 'ok', null, { timeout: 30_000 });
    expect(await page.locator('#output').textContent()).toContain('function 0 (fib)');
    expect(await page.locator('#output .d-num').count(), 'disassembly highlighted').toBeGreaterThan(0);
    expect(await page.locator('#wat-hl .w-kw').count(), 'the WAT input is highlighted').toBeGreaterThan(0);
    expect(page.url()).toContain('#wat=');
    expect(await page.locator('#byte-count').textContent()).toMatch(/\d+ bytes/);
    // Run with the browser's own engine, labelled as such, beside Lightbeam's x86.
    await page.selectOption('#fn', 'fib');
    await page.fill('#args', '10');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#run-output')?.dataset.state === 'ok', null, { timeout: 20_000 });
    const ran = (await page.locator('#run-output').textContent()) ?? '';
    expect(ran).toContain('fib(10) = 55');
    expect(ran).toMatch(/this browser's WebAssembly engine/);
    expect(await page.locator('#run-title').textContent()).toMatch(/not Lightbeam/);
    expect(await page.locator('#x86-title').textContent()).toMatch(/Lightbeam's x86-64/);
    // The example picker loads and compiles another program.
    await page.selectOption('#example', 'pictures');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#output')?.textContent?.includes('(scale)'), null, { timeout: 20_000 });
    // A type error: Lightbeam's validator answers (not wabt's), with the byte offset marked in the bytes view.
    await page.fill('#wat', '(module (func (result i32) (i64.const 1)))');
    await page.click('#compile');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#output')?.dataset.state === 'error', null, { timeout: 20_000 });
    const error = (await page.locator('#errors').textContent()) ?? '';
    expect(error).toMatch(/Lightbeam's validator rejected the module at byte 0x[0-9a-f]+/);
    expect(await page.locator('#bytes mark[data-offset]').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'playground-validator-error.png'), fullPage: true });
    // A syntax error is wabt's to report (it reads the text).
    await page.fill('#wat', '(module (func (result i32) (i32.const)))');
    await page.click('#compile');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#errors')?.textContent?.includes('wabt could not read'), null, { timeout: 20_000 });
    // A shared link opens the same program and compiles it.
    const program = '(module (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))';
    await page.fill('#wat', program);
    await page.click('#compile');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#output')?.dataset.state === 'ok', null, { timeout: 20_000 });
    const shared = page.url();
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.context().close();
    const again = await open(shared.slice(origin.length + base.length - 1));
    expect(await again.locator('#wat').inputValue()).toBe(program);
    await again.waitForFunction(() => document.querySelector<HTMLElement>('#output')?.textContent?.includes('(twice)'), null, { timeout: 30_000 });
    await again.screenshot({ path: join(shots, 'playground-desktop-light.png'), fullPage: true });
    await again.context().close();
  }, 240_000);

  test('every chapter example links to the playground with its program', async () => {
    const links = await chapterLinks();
    const page = await open(links[0]!.slice(base.length - 1));
    const href = await page.locator('.example .open-playground').first().getAttribute('href');
    expect(href).toMatch(/\/playground\/#wat=/);
    await page.goto(origin + href!);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#output')?.dataset.state === 'ok', null, { timeout: 30_000 });
    await page.context().close();
  }, 240_000);

  test('pictures drawn from the compiler render on desktop and phone, in light and dark', async () => {
    const links = await chapterLinks();
    const byNumber = (nn: string) => links.find((l) => l.includes(`/${nn}-`))!.slice(base.length - 1);
    const expected: Record<string, string[]> = {
      '02': ['leb128'], '04': ['encoding'], '05': ['call-stacks'], '06': ['value-stack', 'registers'], '08': ['merges'], '13': ['vmcontext'],
      // Drawn from a running instance: a build machine that cannot run the code shows why instead.
      ...(nativeUnavailable() ? {} : { '10': ['linear-memory'] }),
    };
    for (const [nn, kinds] of Object.entries(expected)) {
      for (const variant of [
        { name: 'desktop-light', width: 1280, dark: false },
        { name: 'desktop-dark', width: 1280, dark: true },
        { name: 'phone-light', width: 390, height: 844, dark: false },
        { name: 'phone-dark', width: 390, height: 844, dark: true },
      ]) {
        const page = await open(byNumber(nn), variant);
        for (const kind of kinds) {
          const figure = page.locator(`figure.pic[data-picture="${kind}"]`).first();
          await figure.scrollIntoViewIfNeeded();
          const svg = figure.locator('svg');
          const box = (await svg.boundingBox())!;
          expect(box.width, `${kind} on ${nn} ${variant.name}`).toBeGreaterThan(200);
          expect(box.height).toBeGreaterThan(60);
          // Labels stay legible: the smallest text drawn is at least 10 px tall on screen.
          const smallest = await svg.evaluate(smallestLabel);
          expect(smallest, `smallest label of ${kind} at ${variant.name}`).toBeGreaterThanOrEqual(10);
          // The drawing takes its colours from the theme: light text on dark, dark on light.
          const lum = await svg.evaluate((el) => {
            const c = getComputedStyle(el.querySelector('text')!).fill.match(/\d+(\.\d+)?/g)!.map(Number);
            return (0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!) / 255;
          });
          if (variant.dark) expect(lum, `${kind} text in dark mode`).toBeGreaterThan(0.6);
          else expect(lum, `${kind} text in light mode`).toBeLessThan(0.4);
          if (variant.name.startsWith('phone') || kind === kinds[0]) await figure.screenshot({ path: join(shots, `picture-${kind}-${variant.name}.png`) });
        }
        // The figures example programs draw (chapters 2 and 4) keep legible labels on a phone too.
        const drawn = await page.$$eval('figure.drawn svg', (svgs, fn) => svgs.map((el) => new Function('el', `return (${fn})(el)`)(el) as number), smallestLabel.toString());
        for (const h of drawn) expect(h, `smallest label of a drawn figure in chapter ${nn} at ${variant.name}`).toBeGreaterThanOrEqual(10);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `horizontal overflow of chapter ${nn} at ${variant.name}`).toBeLessThanOrEqual(0);
        expect((page as Page & { errors: string[] }).errors).toEqual([]);
        await page.context().close();
      }
    }
  }, 480_000); // seven chapters, four views each

  // Phone widths: 390 px (a phone held upright) and 600 px (a phone on its side, a small tablet),
  // both below the 52rem breakpoint. Every chapter at both, the colour scheme alternating from page
  // to page so that each width is seen in light and in dark; one page load each keeps it to minutes.
  test('every page at 390 and 600 px: no sideways page scroll, labels of 10 px or more, tables and navigation inside the screen, wide tables scrolling in their frames with short cells on one line, Copy buttons off the code', async () => {
    const pages = ['/', '/glossary/', '/playground/', ...(await chapterLinks()).map((h) => h.slice(base.length - 1))];
    const problems: string[] = [];
    let drawings = 0;
    let wideTables = 0;
    let copyButtons = 0;
    for (const width of [390, 600]) {
      for (const [i, path] of pages.entries()) {
        const dark = (i + (width === 600 ? 1 : 0)) % 2 === 1;
        const page = await open(path, { width, height: 844, dark });
        const { found, labelled, wide, buttons } = await page.evaluate(([labelFn, coversFn]) => {
          const smallest = new Function('el', `return (${labelFn})(el)`) as (el: Element) => number;
          const vw = document.documentElement.clientWidth;
          const out: string[] = [];
          const overflow = document.documentElement.scrollWidth - vw;
          if (overflow > 0) out.push(`the page scrolls sideways by ${overflow} px`);
          for (const svg of Array.from(document.querySelectorAll('main svg'))) {
            if (!svg.querySelector('text') || svg.getBoundingClientRect().width === 0) continue;
            const px = smallest(svg);
            if (px < 10) out.push(`a label of ${px.toFixed(1)} px in "${svg.getAttribute('aria-label') ?? svg.closest('figure')?.className}"`);
          }
          const inside = (sel: string, what: string) => {
            for (const el of Array.from(document.querySelectorAll(sel))) {
              const r = el.getBoundingClientRect();
              if (r.width > 0 && (r.left < -1 || r.right > vw + 1)) out.push(`${what} reaches ${Math.round(r.left)}..${Math.round(r.right)}: "${(el.textContent ?? '').trim().slice(0, 40)}"`);
            }
          };
          inside('main table', 'a table (it should scroll inside itself)');
          inside('header.top > *', 'a header item');
          inside('.pager a', 'a pager link');
          const toggle = document.querySelector('.toc-toggle summary');
          if (!toggle || toggle.getBoundingClientRect().width === 0) out.push('no menu button for the contents');
          // A table wider than the column scrolls in its own frame, and the page does not move.
          let wide = 0;
          for (const table of Array.from(document.querySelectorAll<HTMLElement>('main table'))) {
            if (table.scrollWidth <= table.clientWidth + 1) continue;
            wide++;
            table.scrollLeft = 40;
            const moved = table.scrollLeft;
            table.scrollLeft = 0;
            if (moved === 0 || window.scrollX !== 0) out.push(`a table ${table.scrollWidth} px wide does not scroll inside itself: "${(table.textContent ?? '').trim().slice(0, 40)}"`);
          }
          // Short cells (figures, names) stay on one line: no piece of their text starts below where
          // the first piece ends (text boxes only: an inline <code>'s border box sits a little higher).
          const wraps = (cell: Element): boolean => {
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            const range = document.createRange();
            const boxes: DOMRect[] = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              range.selectNodeContents(node);
              boxes.push(...Array.from(range.getClientRects()).filter((r) => r.width > 0));
            }
            return boxes.some((b) => b.top >= boxes[0]!.bottom - 2);
          };
          for (const cell of Array.from(document.querySelectorAll('main td.short, main th.short'))) {
            if (wraps(cell)) out.push(`a short table cell wraps: "${(cell.textContent ?? '').trim()}"`);
          }
          // No Copy button covers code: the button's box meets no box of the code's text.
          const covers = new Function('el', `return (${coversFn})(el)`) as (el: Element) => string | undefined;
          let buttons = 0;
          for (const wrap of Array.from(document.querySelectorAll('.code-wrap'))) {
            if (wrap.querySelector('.copy-code')!.getBoundingClientRect().width > 0) buttons++;
            const covered = covers(wrap);
            if (covered) out.push(`the Copy button covers code: ${covered}`);
          }
          return { found: out, labelled: document.querySelectorAll('main svg text').length, wide, buttons };
        }, [smallestLabel.toString(), copyButtonCovers.toString()]);
        drawings += labelled;
        wideTables += wide;
        copyButtons += buttons;
        for (const f of found) problems.push(`${path} at ${width} px${dark ? ' (dark)' : ''}: ${f}`);
        expect((page as Page & { errors: string[] }).errors, `${path} at ${width} px`).toEqual([]);
        await page.context().close();
      }
    }
    expect(drawings, 'labels of drawings looked at').toBeGreaterThan(100);
    expect(wideTables, 'tables wider than the column, scrolled inside their frames').toBeGreaterThan(0);
    expect(copyButtons, 'Copy buttons looked at').toBeGreaterThan(100);
    expect(problems).toEqual([]);
  }, 600_000);

  test('at 1280 px no code block scrolls sideways unless its longest line is wider than the wide column, and no Copy button covers code', async () => {
    const links = await chapterLinks();
    const offenders: string[] = [];
    let blocks = 0;
    for (const link of links) {
      const page = await open(link.slice(base.length - 1), { width: 1280 });
      const found = await page.$$eval('article pre', (pres) => {
        const article = document.querySelector('article')!;
        const width = article.getBoundingClientRect().width;
        return pres.map((pre) => {
          // Full width: the block the code sits in (a listing, an example) spans the whole wide
          // column, and the code fills that block's content box.
          let top: Element = pre;
          while (top.parentElement && top.parentElement !== article) top = top.parentElement;
          const parent = pre.parentElement!;
          const style = getComputedStyle(parent);
          const inner = parent.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          return {
            scrolls: pre.scrollWidth > pre.clientWidth + 1,
            full: top.getBoundingClientRect().width >= width - 2 && pre.getBoundingClientRect().width >= inner - 2,
            text: (pre.textContent ?? '').slice(0, 60),
          };
        });
      });
      blocks += found.length;
      for (const f of found) if (f.scrolls && !f.full) offenders.push(`${link}: ${f.text}`);
      // Nor does a Copy button cover code here: a block whose first lines reach under it gets a band.
      const covered = await page.$$eval('.code-wrap', (wraps, fn) => wraps.map((w) => new Function('el', `return (${fn})(el)`)(w) as string | undefined), copyButtonCovers.toString());
      for (const c of covered) if (c) offenders.push(`${link}: the Copy button covers ${c}`);
      await page.context().close();
    }
    expect(blocks).toBeGreaterThan(20);
    expect(offenders, 'code blocks that scroll while narrower than the wide column, or under their Copy button').toEqual([]);
  }, 240_000);

  test('site fixes: hex coloured as hex, dark markdown fences, listing links to source lines, copy buttons, anchors, exercises, glossary', async () => {
    const links = await chapterLinks();
    const ch1 = links.find((l) => l.includes('/01-'))!.slice(base.length - 1);
    for (const dark of [false, true]) {
      const page = await open(ch1, { dark });
      // Every hex number in a disassembly has one colour, digits a-f or not.
      const colours = await page.$$eval('pre.disasm .d-num', (els) => [...new Set(els.map((e) => getComputedStyle(e).color))]);
      expect(colours.length).toBe(1);
      // Plain markdown fences follow the theme too.
      const fence = page.locator('pre.astro-code').first();
      if (await fence.count()) {
        const bg = await fence.evaluate((el) => getComputedStyle(el).backgroundColor.match(/\d+/g)!.slice(0, 3).map(Number));
        const lum = (0.2126 * bg[0]! + 0.7152 * bg[1]! + 0.0722 * bg[2]!) / 255;
        if (dark) expect(lum, 'a markdown fence in dark mode').toBeLessThan(0.3);
        else expect(lum).toBeGreaterThan(0.7);
      }
      await page.context().close();
    }
    const page = await open(ch1);
    expect(await page.locator('.copy-code').count()).toBeGreaterThan(0);
    expect(await page.locator('article h2 .heading-anchor').count()).toBeGreaterThan(0);
    expect(await page.locator('.exercise-link a').count()).toBe(1);
    expect(await page.locator('article').textContent()).not.toMatch(/The program took \d+ ms/);
    expect(await page.locator('header.top .repo-link').count()).toBe(1);
    const href = (await page.locator('figure.listing .listing-where a').first().getAttribute('href'))!;
    expect(href).toMatch(/\/source\/.+#L\d+$/);
    const line = href.split('#')[1]!;
    await page.goto(origin + href);
    expect(await page.locator(`.source-file #${line}`).count()).toBe(1);
    await page.goto(origin + base + 'glossary/');
    const terms = await page.locator('.glossary dt').allTextContents();
    for (const t of ['VMContext', 'Entry trampoline', 'SIB', 'Spill']) expect(terms).toContain(t);
    await page.context().close();
    // Just the body: an example that hides its prologue and trap stubs says so.
    const ch6 = await open(links.find((l) => l.includes('/06-'))!.slice(base.length - 1));
    expect(await ch6.locator('[data-hidden="prologue-and-stubs"]').first().textContent()).toMatch(/prologue instructions? .* hidden/);
    await ch6.context().close();
  }, 240_000);

  test('search finds br_table, STACK_LIMIT and words in listings; "lea" does not match "learns"', async () => {
    const page = await open('/');
    for (const word of ['br_table', 'br_if', 'STACK_LIMIT']) {
      await page.fill('.search input', word);
      const first = page.locator('.search-results a').first();
      await first.waitFor({ timeout: 10_000 });
      expect((await first.locator('mark').allTextContents()).map((m) => m.toLowerCase()), word).toContain(word.toLowerCase());
    }
    await page.fill('.search input', 'lea');
    await page.locator('.search-results a').first().waitFor({ timeout: 10_000 });
    const marks = await page.locator('.search-results mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(m.toLowerCase()).toMatch(/^leas?$/);
    await page.context().close();
  }, 240_000);

  test('the theme toggle switches between light and dark and remembers it', async () => {
    const page = await open('/', { dark: false });
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    await page.click('.theme-toggle');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await bg()).not.toBe(light);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.context().close();
  }, 240_000);

  test('every internal link on every page leads somewhere, and no example failed at build time', async () => {
    const pages = ['/', '/glossary/', '/playground/', ...(await chapterLinks()).map((h) => h.slice(base.length - 1))];
    const seen = new Set<string>();
    for (const p of pages) {
      const page = await open(p);
      expect(await page.locator('.stage-error').allTextContents(), `an example on ${p} failed at build time`).toEqual([]);
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const href of hrefs) {
        const url = new URL(href);
        if (url.origin !== origin) continue;
        url.hash = '';
        if (seen.has(url.href)) continue;
        seen.add(url.href);
        const r = await fetch(url);
        expect(r.status, `${url.pathname} linked from ${p}`).toBe(200);
      }
      await page.context().close();
    }
    expect(seen.size).toBeGreaterThan(2);
  }, 240_000); // every page of the book, opened one after another: more pages, more time
});
