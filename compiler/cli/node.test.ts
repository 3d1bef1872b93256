// `lightbeam node`: a Node program runs with Lightbeam as globalThis.WebAssembly, keeps its own
// argv and exit code, and Node's internal wasm (fetch's HTTP parser) stays on Node's engine.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const app = fileURLToPath(new URL('./node-programs/app.mjs', import.meta.url));

describe('lightbeam node', () => {
  it('runs a program on Lightbeam, with its argv, exit code and a working fetch', () => {
    const report = join(tmpdir(), `lightbeam-node-test-${process.pid}.json`);
    const r = spawnSync(process.execPath, [join(root, 'bin/lightbeam.js'), 'node', app, 'a', '--help'], {
      encoding: 'utf8', env: { ...process.env, LIGHTBEAM_NODE_REPORT: report }, timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      '[object WebAssembly] 42 true',
      'true',
      'CompileError: unsupported feature: shared memories of 1-byte pages',
      'pong a --help',
      '',
    ]);
    expect(r.status).toBe(7);
    // Lightbeam compiled the program's module; Node's llhttp went to V8.
    const counts = JSON.parse(readFileSync(report, 'utf8'));
    expect(counts).toMatchObject({ modules: 2, instances: 2 }); // the add module and the shared-memory one (the memory of 1-byte pages was rejected)
    expect(counts.compiler).toBe('bundle'); // bin/register.mjs loaded the esbuild bundle, not the sources through tsx
    expect(counts.nodeInternalCalls).toBeGreaterThan(0);
  }, 130_000);

  it('is the same as node --import lightbeam/register, from the bundle or through tsx', () => {
    for (const [env, compiler] of [[{}, 'bundle'], [{ LIGHTBEAM_NO_BUNDLE: '1' }, 'sources']] as const) {
      const report = join(tmpdir(), `lightbeam-register-test-${process.pid}.json`);
      const r = spawnSync(process.execPath, ['--import', 'lightbeam/register', app], {
        cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env, LIGHTBEAM_NODE_REPORT: report },
      });
      expect(r.stdout.split('\n')[0]).toBe('[object WebAssembly] 42 true');
      expect(r.status).toBe(7);
      expect(JSON.parse(readFileSync(report, 'utf8')).compiler).toBe(compiler);
    }
  }, 130_000);

  it('runs a threaded program: a shared memory and a module posted to a worker, atomics between them, a grow seen there', () => {
    const program = fileURLToPath(new URL('./node-programs/threads.mjs', import.meta.url));
    const lines = (onLightbeam: boolean) => [
      'unshared memory: DataCloneError',
      `worker: ${onLightbeam} true true true true true`,
      'woken by JS: 0',
      'woken by wasm: ok read 77 size 2 buffer 131072',
      'counter 10',
      `eval worker: ${onLightbeam}`,
      '',
    ];
    const onV8 = spawnSync(process.execPath, [program], { encoding: 'utf8', timeout: 60_000 });
    expect(onV8.stdout.split('\n')).toEqual(lines(false));
    const r = spawnSync(process.execPath, [join(root, 'bin/lightbeam.js'), 'node', program], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(lines(true));
    expect(r.status).toBe(0);
  }, 130_000);

  it('runs a WASI module through node:wasi as V8 does (node:wasi\'s WASI is Lightbeam\'s there)', () => {
    const program = fileURLToPath(new URL('./node-programs/wasi.mjs', import.meta.url));
    const report = join(tmpdir(), `lightbeam-node-wasi-test-${process.pid}.json`);
    const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
      const r = spawnSync(process.execPath, [...args, program], { encoding: 'utf8', env, timeout: 120_000 });
      // Node's warning names the process; under Lightbeam it comes when the program first makes a
      // WASI, not when it loads node:wasi (install.ts), so it may come after other lines.
      const stderr = r.stderr.replace(/^\(node:\d+\)/gm, '(node)').split('\n').sort();
      return { stdout: r.stdout, stderr, status: r.status };
    };
    const onV8 = run([]);
    expect(onV8.stdout).toContain('written from grown memory');
    expect(onV8.stdout).toContain('exit code 0 true');
    expect(run([join(root, 'bin/lightbeam.js'), 'node'], { ...process.env, LIGHTBEAM_NODE_REPORT: report })).toEqual(onV8);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ modules: 1, instances: 1 });
  }, 130_000);
});

describe('the compile cache under lightbeam node', () => {
  const program = fileURLToPath(new URL('./node-programs/cached.mjs', import.meta.url));
  const made: string[] = [];
  /** An empty cache directory of its own for each test (removed after them all). */
  const freshDir = () => {
    made.push(join(tmpdir(), `lightbeam-node-cache-test-${process.pid}-${made.length}`));
    return made.at(-1)!;
  };
  const report = join(tmpdir(), `lightbeam-node-cache-report-${process.pid}.json`);
  afterAll(() => {
    for (const path of [...made, report]) rmSync(path, { recursive: true, force: true });
  });
  /** Run cached.mjs under `lightbeam node`: its output, and the cache's counts from the node report. */
  const run = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    rmSync(report, { force: true });
    const r = spawnSync(process.execPath, [join(root, 'bin/lightbeam.js'), 'node', program, ...args], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, LIGHTBEAM_CACHE_DIR: dir, LIGHTBEAM_NODE_REPORT: report, ...env },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return { stdout: r.stdout, cache: JSON.parse(readFileSync(report, 'utf8')).codeCache as { hits: number; stored: number } };
  };
  const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

  it('a module compiled in one process is loaded in the next, whichever way the program compiles it', () => {
    for (const how of ['module', 'compile', 'instantiate', 'streaming']) {
      const dir = freshDir();
      const first = run(dir, [how]);
      expect(first.stdout).toBe(`${how} 81506 7\n`);
      expect(first.cache).toEqual({ hits: 0, stored: 1 });
      expect(entries(dir)).toHaveLength(1);
      const second = run(dir, [how]);
      expect(second.stdout).toBe(first.stdout);
      expect(second.cache).toEqual({ hits: 1, stored: 0 });
      expect(entries(dir)).toHaveLength(1);
    }
  }, 130_000);

  it('another module or other options are another entry; a worker thread has its own (interruptible) and loads it too', () => {
    const dir = freshDir();
    run(dir, ['module']);
    expect(run(dir, ['module', '1'])).toEqual({ stdout: 'module 81507 8\n', cache: { hits: 0, stored: 1 } });
    expect(run(dir, ['builtins'])).toEqual({ stdout: 'builtins 81506 7\n', cache: { hits: 0, stored: 1 } });
    expect(entries(dir)).toHaveLength(3);
    // The main thread's compile is the first run's entry; the worker's is new.
    expect(run(dir, ['worker'])).toEqual({ stdout: 'worker 7\nworker 81506 7\n', cache: { hits: 1, stored: 0 } });
    const four = entries(dir);
    expect(four).toHaveLength(4);
    // Run again: nothing is written (a store replaces the file), so the worker's compile was a hit.
    const inodes = four.map((name) => statSync(join(dir, name)).ino);
    expect(run(dir, ['worker']).stdout).toBe('worker 7\nworker 81506 7\n');
    expect(entries(dir)).toEqual(four);
    expect(four.map((name) => statSync(join(dir, name)).ino)).toEqual(inodes);
  }, 130_000);

  it('a damaged entry is compiled afresh and replaced; an unwritable directory is no error', () => {
    const dir = freshDir();
    run(dir, ['module']);
    const [name] = entries(dir);
    const file = join(dir, name!);
    const good = readFileSync(file);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 50]! ^= 1;
    writeFileSync(file, damaged);
    expect(run(dir, ['module'])).toEqual({ stdout: 'module 81506 7\n', cache: { hits: 0, stored: 1 } });
    expect(readFileSync(file).equals(good)).toBe(true);
    writeFileSync(file, good.subarray(0, 100)); // truncated
    expect(run(dir, ['module'])).toEqual({ stdout: 'module 81506 7\n', cache: { hits: 0, stored: 1 } });
    expect(run(dir, ['module']).cache).toEqual({ hits: 1, stored: 0 });

    const blocker = freshDir(); // a file where the directory should be
    writeFileSync(blocker, '');
    expect(run(join(blocker, 'cache'), ['module'])).toEqual({ stdout: 'module 81506 7\n', cache: { hits: 0, stored: 0 } });
  }, 130_000);

  it('LIGHTBEAM_CACHE=0, the sources through tsx and small modules do not use it', () => {
    const dir = freshDir();
    run(dir, ['module']);
    const kept = entries(dir);
    expect(run(dir, ['module'], { LIGHTBEAM_CACHE: '0' }).cache).toEqual({ hits: 0, stored: 0 });
    expect(run(dir, ['module'], { LIGHTBEAM_NO_BUNDLE: '1' }).cache).toEqual({ hits: 0, stored: 0 });
    expect(run(dir, ['small'])).toEqual({ stdout: 'small 3286 7\n', cache: { hits: 0, stored: 0 } });
    expect(entries(dir)).toEqual(kept);
  }, 130_000);
});
