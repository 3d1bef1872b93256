// `lightbeam run` on WASI commands, as a user runs it: the CLI in a child process, on C programs
// built with wasi-libc (./wasi-programs, rebuilt by its build.sh). The reference is the same
// .wasm run by Node's own node:wasi on V8, in this process.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './run.ts';
import { confinedFs } from '../api/wasiHost.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const programs = path.join(here, 'wasi-programs');
const cli = path.join(here, '../../bin/lightbeam.js');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function lightbeam(args: string[], stdin = '', env: NodeJS.ProcessEnv = process.env): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, 'run', ...args], { cwd: programs, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
    child.stdin!.end(stdin);
  });
}

/** The same command under node:wasi: stdio through files, since node:wasi writes to descriptors. */
async function nodeWasi(file: string, args: string[], env: Record<string, string>, preopens: Record<string, string>, stdin = ''): Promise<Outcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-ref-'));
  const [inPath, outPath, errPath] = ['in', 'out', 'err'].map((n) => path.join(dir, n)) as [string, string, string];
  fs.writeFileSync(inPath, stdin);
  const [i, o, e] = [fs.openSync(inPath, 'r'), fs.openSync(outPath, 'w'), fs.openSync(errPath, 'w')];
  const wasi = new WASI({ version: 'preview1', args: [file, ...args], env, preopens, returnOnExit: true, stdin: i, stdout: o, stderr: e });
  const module = await WebAssembly.compile(fs.readFileSync(path.join(programs, file)));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports);
  const code = wasi.start(instance);
  [i, o, e].forEach((fd) => fs.closeSync(fd));
  const outcome = { code, stdout: fs.readFileSync(outPath, 'utf8'), stderr: fs.readFileSync(errPath, 'utf8') };
  fs.rmSync(dir, { recursive: true });
  return outcome;
}

let tmp: string;
/** A preopen with input.txt, a link leading out of it, and files just outside it. */
function sandbox(name: string): string {
  const dir = path.join(tmp, name, 'inner', 'dir');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'input.txt'), 'alpha\nbeta\n');
  fs.writeFileSync(path.join(tmp, name, 'inner', 'outside.txt'), 'secret\n');
  fs.writeFileSync(path.join(tmp, name, 'outside.txt'), 'secret\n');
  fs.symlinkSync('..', path.join(dir, 'link'));
  return dir;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-wasi-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('lightbeam run, WASI commands', () => {
  it('argv, environment, floats, malloc past the first memory, clocks, random, stderr and the exit code: as node:wasi', async () => {
    const args = ['first', 'two words', '--not-an-option', ''];
    const env = { LB_GREETING: 'héllo', LB_EXIT: '7' };
    const [ours, reference] = await Promise.all([
      lightbeam(['--env', 'LB_GREETING=héllo', '--env=LB_EXIT=7', 'args.wasm', ...args]),
      nodeWasi('args.wasm', args, env, {}),
    ]);
    expect(reference.code).toBe(7);
    expect(ours.stdout).toBe(reference.stdout);
    expect(ours.stdout).toContain('argv[0]=args.wasm\n');
    expect(ours.stdout).toContain('written from grown memory\n');
    expect(ours.stdout).toContain('realtime after 2024: yes\nmonotonic forward: yes\nrandom differs: yes\n');
    expect(ours.stderr).toBe(reference.stderr);
    expect(ours.code).toBe(7);
  });

  it('files under --dir (read, write, list), stdin; nothing outside it', async () => {
    const stdin = 'line one\nno newline at the end';
    const [ourDir, refDir] = [sandbox('ours'), sandbox('reference')];
    const [ours, reference] = await Promise.all([
      lightbeam(['--dir', `${ourDir}::/sandbox`, 'files.wasm', '/sandbox'], stdin),
      nodeWasi('files.wasm', ['/sandbox'], {}, { '/sandbox': refDir }, stdin),
    ]);
    expect(ours.code).toBe(0);
    expect(reference.code).toBe(0);
    // node:wasi follows a symlink out of the preopen (its docs say it is no sandbox); we refuse.
    const symlinkLine = /^escape through a symlink: .*\n/m;
    expect(ours.stdout).toMatch(/^escape through a symlink: refused$/m);
    expect(ours.stdout.replace(symlinkLine, '')).toBe(reference.stdout.replace(symlinkLine, ''));
    expect(ours.stdout).toContain('line 2: beta\n');
    expect(ours.stdout).toContain(`${stdin}stdin bytes=${stdin.length}\n`);
    expect(ours.stdout).toContain('escape: refused\n');
    expect(fs.readFileSync(path.join(ourDir, 'output.txt'), 'utf8')).toBe('2 lines read\n');
  });

  it('explicit 128-bit SIMD (vectors.c, wasm_simd128.h: lanes, saturation, shuffles, NaN-aware min/max, conversions): as node:wasi', async () => {
    const [ours, reference] = await Promise.all([lightbeam(['vectors.wasm']), nodeWasi('vectors.wasm', [], {}, {})]);
    expect(reference.code).toBe(0);
    expect(ours.stdout).toBe(reference.stdout);
    expect(ours.stdout).toContain("'e' in text: 7\n");
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
  });

  it('a trap: the message, function index and byte offset; a non-zero exit', async () => {
    const ours = await lightbeam(['trap.wasm']);
    expect(ours.stdout).toBe('before the trap\n');
    expect(ours.stderr).toMatch(/^run: trap: unreachable \(function \d+, at byte 0x[0-9a-f]+\)\n$/);
    expect(ours.code).toBe(134);
  });

  it('a second run of a module takes its code from the compile cache: the same outcome; LIGHTBEAM_CACHE=0 keeps none', async () => {
    const cacheDir = path.join(tmp, 'compile-cache');
    const env = { ...process.env, LIGHTBEAM_CACHE_DIR: cacheDir };
    const first = await lightbeam(['trap.wasm'], '', env);
    const entries = fs.readdirSync(cacheDir);
    expect(entries).toHaveLength(1);
    const written = fs.statSync(path.join(cacheDir, entries[0]!)).ino;
    const second = await lightbeam(['trap.wasm'], '', env);
    expect(second).toEqual(first);
    expect(second.stderr).toMatch(/^run: trap: unreachable \(function \d+, at byte 0x[0-9a-f]+\)\n$/);
    // Read, not written again (a new entry is a new file, renamed into place).
    expect(fs.readdirSync(cacheDir)).toEqual(entries);
    expect(fs.statSync(path.join(cacheDir, entries[0]!)).ino).toBe(written);
    const offDir = path.join(tmp, 'no-compile-cache');
    const off = await lightbeam(['trap.wasm'], '', { ...env, LIGHTBEAM_CACHE: '0', LIGHTBEAM_CACHE_DIR: offDir });
    expect(off).toEqual(first);
    expect(fs.existsSync(offDir)).toBe(false);
  });

  // Bad input through the command's main() in this process (each spawn costs ~1.5 s of start-up).
  it('bad input: a missing file, no _start, an unknown import; --invoke keeps working', async () => {
    const wat = (name: string, text: string): string => {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const noStart = wat('nostart.wat', '(module (func (export "f")))');
    const unknown = wat('import.wat', '(module (import "env" "host_thing" (func)) (func (export "_start") call 0) (memory (export "memory") 1))');
    const add = wat('add.wat', '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))');
    expect(await inProcess([path.join(tmp, 'nothing-here.wasm')])).toEqual({
      code: 1, stdout: '', stderr: `run: cannot read ${path.join(tmp, 'nothing-here.wasm')}: no such file\n`,
    });
    const start = await inProcess([noStart]);
    expect(start.code).toBe(2);
    expect(start.stderr).toContain('exports no _start function');
    const imp = await inProcess([unknown]);
    expect(imp.code).toBe(1);
    expect(imp.stderr).toContain('unknown import: "env" "host_thing"');
    expect(await inProcess(['--dir', path.join(tmp, 'no-such-dir'), unknown])).toMatchObject({ code: 2, stderr: expect.stringContaining('no-such-dir: no such directory') });
    expect(await inProcess(['--invoke', 'add', add, '2', '-5'])).toEqual({ code: 0, stdout: '-3\n', stderr: '' });
    expect(await inProcess([add, '--invoke', 'add', '40', '2'])).toEqual({ code: 0, stdout: '42\n', stderr: '' });
  });

  it('--invoke reads arguments exactly or says which one it cannot, and prints references by what they are', async () => {
    const file = path.join(tmp, 'values.wat');
    fs.writeFileSync(file, `(module
      (func $i (export "i") (param i32 i64) (result i32 i64) local.get 0 local.get 1)
      (func (export "d") (param f64) (result f64) local.get 0)
      (func (export "r") (param funcref) (result funcref externref) ref.func $i ref.null extern))`);
    const invoke = (...args: string[]) => inProcess(['--invoke', ...args.slice(0, 1), file, ...args.slice(1)]);
    expect(await invoke('i', '0xffffffff', '-9223372036854775808')).toEqual({ code: 0, stdout: '-1\n-9223372036854775808\n', stderr: '' });
    expect(await invoke('i', '1_000', '18446744073709551615')).toEqual({ code: 0, stdout: '1000\n-1\n', stderr: '' });
    expect(await invoke('i', 'abc', '0')).toEqual({ code: 2, stdout: '', stderr: `run: argument 1 of 'i' is not an integer (i32): "abc"\n` });
    expect(await invoke('i', '1.5', '0')).toMatchObject({ code: 2, stderr: expect.stringContaining('argument 1 of \'i\' is not an integer') });
    expect(await invoke('i', '4294967296', '0')).toEqual({ code: 2, stdout: '', stderr: `run: argument 1 of 'i' is not within 32 bits: "4294967296"\n` });
    expect(await invoke('i', '0', '18446744073709551616')).toMatchObject({ code: 2, stderr: expect.stringContaining('argument 2 of \'i\' is not within 64 bits') });
    expect(await invoke('d', '-inf')).toEqual({ code: 0, stdout: '-Infinity\n', stderr: '' });
    expect(await invoke('d', '2.5e3')).toEqual({ code: 0, stdout: '2500\n', stderr: '' });
    expect(await invoke('d', 'ten')).toEqual({ code: 2, stdout: '', stderr: `run: argument 1 of 'd' is not a number: "ten"\n` });
    expect(await invoke('r', 'null')).toEqual({ code: 0, stdout: 'function 0\nnull\n', stderr: '' });
    expect(await invoke('r', 'f')).toMatchObject({ code: 2, stderr: expect.stringContaining('a funcref can only be null') });
  });
});

async function inProcess(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const log = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void (stdout += `${String(s)}\n`));
  const error = vi.spyOn(console, 'error').mockImplementation((s: unknown) => void (stderr += `${String(s)}\n`));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('confinedFs', () => {
  it('refuses paths that lead outside the roots, by .., absolute name or symlink', () => {
    const root = sandbox('confined');
    const confined = confinedFs([fs.realpathSync(root)]);
    const real = fs.realpathSync(root);
    const refused = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'EACCES' }));
    expect(confined.statSync(path.join(real, 'input.txt')).isFile()).toBe(true);
    fs.closeSync(confined.openSync(path.join(real, 'input.txt'), 'r'));
    refused(() => confined.openSync(path.join(real, '../outside.txt'), 'r'));
    refused(() => confined.openSync(path.join(real, 'sub/../../../outside.txt'), 'r'));
    refused(() => confined.openSync('/etc/hostname', 'r'));
    refused(() => confined.openSync(path.join(real, 'link/outside.txt'), 'r'));
    refused(() => confined.readdirSync(path.join(real, 'link')));
    refused(() => confined.renameSync(path.join(real, 'input.txt'), path.join(real, 'link/moved.txt')));
    refused(() => confined.mkdirSync(path.join(real, 'link/made')));
    // The link itself lives inside: it can be listed and stat'ed (as a link), not followed.
    expect(confined.statSync(path.join(real, 'link')).isSymbolicLink()).toBe(true);
    expect(confined.lstatSync(path.join(real, 'link')).isSymbolicLink()).toBe(true);
  });
});
