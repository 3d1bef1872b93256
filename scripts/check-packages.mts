// Real npm packages, unmodified, on Lightbeam: each program in scripts/packages/ runs on Node's
// own WebAssembly (V8) and under `--import lightbeam/register` (bin/register.mjs), and the two
// must print the same (stdout, stderr and exit code). Lightbeam must really have compiled and
// instantiated the package's wasm (its report counts modules; a package that quietly fell back
// to JavaScript would show none). The packages are installed at run time into a temporary
// folder (they are not the project's dependencies); `--dir D` reuses D between runs.
//
//   npx tsx scripts/check-packages.mts [--dir D] [--only NAME] [--json] [--count-calls]
//
// --count-calls also counts the calls into and out of wasm on Lightbeam (which crossings each
// package makes most; the counting wrappers make that run slower).
// Exit 0 when every package matches V8; 1 otherwise. Needs the npm registry the first time.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// #region packages
/** name@version (pinned), its glue, integer or float work, and the program that uses it. */
export const PACKAGES = [
  { pkg: 'xxhash-wasm@1.1.0', glue: 'hand-written wasm, own glue', math: 'integer (i64)', program: 'xxhash-wasm.mjs' },
  { pkg: 'hash-wasm@4.13.0', glue: 'C (clang), own glue', math: 'integer', program: 'hash-wasm.mjs' },
  { pkg: '@chainsafe/as-sha256@1.2.5', glue: 'AssemblyScript (SIMD build feature-detected)', math: 'integer', program: 'as-sha256.mjs' },
  { pkg: 'lz4-wasm-nodejs@0.9.2', glue: 'Rust, wasm-bindgen (nodejs)', math: 'integer', program: 'lz4.mjs' },
  { pkg: 'brotli-wasm@3.0.1', glue: 'Rust, wasm-bindgen (nodejs)', math: 'integer', program: 'brotli.mjs' },
  { pkg: '@dimforge/rapier2d-compat@0.21.0', glue: 'Rust, wasm-bindgen (web, inlined)', math: 'float', program: 'rapier2d.mjs' },
  { pkg: 'yoga-layout@3.2.1', glue: 'C++, emscripten (inlined)', math: 'float', program: 'yoga.mjs' },
  { pkg: 'sql.js@1.17.0', glue: 'C, emscripten', math: 'integer and float', program: 'sqljs.mjs' },
  { pkg: 'quickjs-emscripten@0.32.0', glue: 'C, emscripten', math: 'integer and float', program: 'quickjs.mjs' },
] as const;
// #endregion packages

const here = fileURLToPath(new URL('.', import.meta.url));
const register = fileURLToPath(new URL('../bin/register.mjs', import.meta.url));

interface Run { stdout: string; stderr: string; status: number | null; ms: number }

function run(dir: string, args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8', timeout: 600_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, ms: performance.now() - t0 };
}

/** Install the packages (their pinned versions) into `dir`, unless they are there already. */
export function installPackages(dir: string, packages: readonly { pkg: string }[]): void {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  const missing = packages.filter((p) => {
    const name = p.pkg.slice(0, p.pkg.lastIndexOf('@'));
    const file = join(dir, 'node_modules', name, 'package.json');
    return !existsSync(file) || JSON.parse(readFileSync(file, 'utf8')).version !== p.pkg.slice(p.pkg.lastIndexOf('@') + 1);
  });
  if (missing.length === 0) return;
  console.error(`installing ${missing.map((p) => p.pkg).join(' ')} into ${dir}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', ...missing.map((p) => p.pkg)], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

function main(argv: string[]): number {
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dir = opt('--dir') ?? mkdtempSync(join(tmpdir(), 'lightbeam-packages-'));
  const only = opt('--only');
  const json = argv.includes('--json');
  const countCalls = argv.includes('--count-calls');
  const wanted = PACKAGES.filter((p) => !only || p.pkg.includes(only));
  installPackages(dir, wanted);
  const rows = [];
  for (const p of wanted) {
    copyFileSync(join(here, 'packages', p.program), join(dir, p.program));
    const v8 = run(dir, [p.program]);
    const reportFile = join(dir, `${p.program}.report.json`);
    const lb = run(dir, ['--import', register, p.program], { ...process.env, LIGHTBEAM_NODE_REPORT: reportFile, LIGHTBEAM_COUNT_CALLS: countCalls ? '1' : '0' });
    const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { modules: 0, instances: 0, moduleBytes: 0 };
    const same = v8.stdout === lb.stdout && v8.stderr === lb.stderr && v8.status === lb.status;
    const ranOnLightbeam = report.modules > 0 && report.instances > 0;
    const status = v8.status !== 0 ? 'V8 itself failed' : !same ? 'differs from V8' : !ranOnLightbeam ? 'no wasm ran on Lightbeam' : 'same as V8';
    rows.push({ ...p, status, modules: report.modules, wasmBytes: report.moduleBytes, v8Ms: Math.round(v8.ms), lightbeamMs: Math.round(lb.ms),
      ...(countCalls ? { intoWasm: report.intoWasm, outOfWasm: report.outOfWasm, topInto: report.topInto, topOut: report.topOut } : {}) });
    if (status !== 'same as V8') {
      console.error(`--- ${p.pkg}: ${status}\nV8 (exit ${v8.status}):\n${v8.stdout}${v8.stderr}\nLightbeam (exit ${lb.status}):\n${lb.stdout}${lb.stderr}`);
    }
    if (!json) console.error(`${p.pkg}: ${status}`);
  }
  if (json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log('| package | glue | math | modules (bytes) | V8 ms | Lightbeam ms | status |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.pkg} | ${r.glue} | ${r.math} | ${r.modules} (${r.wasmBytes}) | ${r.v8Ms} | ${r.lightbeamMs} | ${r.status} |`);
    if (countCalls) {
      console.log('\ncalls (JS->wasm, wasm->JS) and the most frequent of each:');
      for (const r of rows) console.log(`${r.pkg}: ${r.intoWasm} into, ${r.outOfWasm} out; ${JSON.stringify(r.topInto)} ${JSON.stringify(r.topOut)}`);
    }
  }
  const ok = rows.filter((r) => r.status === 'same as V8').length;
  console.log(`${ok} passed, ${rows.length - ok} failed`);
  return ok === rows.length ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) process.exitCode = main(process.argv.slice(2));
