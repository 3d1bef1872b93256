// GC's structs at work: binary trees (bench/gc/binary-trees.wat), allocation and collection
// almost all of the time, beside the same program in C with malloc and free
// (bench/gc/binary-trees.c, clang -O2). Node 20's V8 runs no final-GC module, so there is no V8
// column. Lightbeam runs in this process (CPU time around the call, the heap's collections and
// peak mapping reported); C in a child process (wall time of the whole process, start-up included:
// about a millisecond). Median of ROUNDS rounds, interleaved.
// Run: npx tsx bench/gc-binary-trees.ts [maxDepth=16] [rounds=3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Instance, Module } from '../compiler/api/index.ts';
import { getGcHeap } from '../compiler/runtime/gcHeap.ts';
import { requireWasmToolsTextToBinary } from '../compiler/wast/node/wasmToolsText.ts';

const maxDepth = Number(process.argv[2] ?? 16);
const rounds = Number(process.argv[3] ?? 3);
const here = join(import.meta.dirname, 'gc');
const parse = await requireWasmToolsTextToBinary();
const run = new Instance(new Module(parse(readFileSync(join(here, 'binary-trees.wat'), 'utf8'))), {}).exports.run as (d: number) => bigint;

const exe = join(mkdtempSync(join(tmpdir(), 'lightbeam-gc-')), 'binary-trees');
const cc = spawnSync('clang', ['-O2', '-o', exe, join(here, 'binary-trees.c')], { encoding: 'utf8' });
const haveC = cc.status === 0;
if (!haveC) console.log(`clang failed or is missing (apt-get install -y clang): ${cc.stderr ?? ''}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ours: number[] = [], native: number[] = [];
let nodes = 0n;
for (let r = 0; r < rounds; r++) {
  const heap = getGcHeap();
  const before = heap.collections;
  const t = process.cpuUsage();
  nodes = run(maxDepth);
  const used = process.cpuUsage(t);
  ours.push((used.user + used.system) / 1000);
  console.log(`round ${r + 1}: lightbeam ${ours.at(-1)!.toFixed(0)} ms CPU, ${heap.collections - before} collections, ${(heap.mappedBytes / 2 ** 20).toFixed(1)} MiB mapped now`);
  if (haveC) {
    const w = performance.now();
    const out = spawnSync(exe, [String(maxDepth)], { encoding: 'utf8' });
    native.push(performance.now() - w);
    if (BigInt(out.stdout.trim()) !== nodes) throw new Error(`C gives ${out.stdout.trim()}, Lightbeam ${nodes}`);
  }
}
const perNode = (ms: number) => ((ms * 1e6) / Number(nodes)).toFixed(1);
console.log(`\nbinary trees to depth ${maxDepth}: ${nodes} nodes allocated and walked (the same sum in C)`);
console.log(`lightbeam  ${median(ours).toFixed(0)} ms (${perNode(median(ours))} ns per node)`);
if (haveC) console.log(`clang -O2  ${median(native).toFixed(0)} ms (${perNode(median(native))} ns per node): Lightbeam / C = ${(median(ours) / median(native)).toFixed(2)}x`);
