// The fuzzer's parts, and a bounded campaign in CI: every source (binaryen -ttf, the own
// generators, mutation, binaryen -ttf with GC against Lightbeam itself) with a fixed seed, in child processes, must find nothing.
// (compiler/codegen/differential.test.ts already runs 3,500 randomProgram.ts programs in-process;
// this adds binaryen's modules, stressProgram.ts, mutants and instantiation.)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../../text/watToWasm.ts';
import { loadWasmToolsTextToBinary } from '../../wast/node/wasmToolsText.ts';
import { runCampaign } from './campaign.ts';
import { checkMutant, mutate, UNJUDGED } from './checks.ts';
import { GC_AGREE_HEAP, GC_AGREE_NO_HEAP } from './gcOracle.ts';
import { exposeState, moduleShape } from './moduleShape.ts';
import { reduceModule } from './reduce.ts';
import { firstDifference, lightbeamEngine, sameLine, transcript, v8Engine, type Engine } from './transcript.ts';
import { rng } from '../rng.ts';

const STATEFUL = `(module
  (import "env" "g" (global i64))
  (import "fuzzing-support" "log-i32" (func $log (param i32)))
  (memory 1) (table 3 funcref) (global $m (mut i32) (i32.const 5))
  (func (export "f") (param i32) (result i32)
    local.get 0 call $log
    local.get 0 global.get $m i32.add global.set $m
    i32.const 0 local.get 0 i32.store
    local.get 0 i32.const 100 i32.div_u))`;

describe('moduleShape and exposeState', () => {
  it('exports every memory, table and global, and the module stays valid', async () => {
    const bytes = await watToWasm(STATEFUL);
    const exposed = exposeState(bytes);
    expect(WebAssembly.validate(exposed as BufferSource)).toBe(true);
    const shape = moduleShape(exposed);
    expect(shape.exportNames).toEqual(['f', '$mem0', '$tab0', '$g0', '$g1']);
    expect(shape.imports.map((i) => `${i.module}.${i.name}:${i.kind}`)).toEqual(['env.g:global', 'fuzzing-support.log-i32:function']);
    expect(shape.exportedFuncs.get('f')).toEqual({ params: ['i32'], results: ['i32'] });
    // A module without an export section gets one, in its place among the sections.
    const bare = exposeState(await watToWasm('(module (memory 1) (global i32 (i32.const 1)) (func) (start 0) (data (i32.const 0) "x"))'));
    expect(WebAssembly.validate(bare as BufferSource)).toBe(true);
    expect(moduleShape(bare).exportNames).toEqual(['$mem0', '$g0']);
  });
});

describe('transcripts', () => {
  it('record calls, imported calls, traps and the final state, the same on both engines', async () => {
    const bytes = exposeState(await watToWasm(STATEFUL));
    const want = transcript(v8Engine, bytes);
    expect(want).toContain('fuzzing-support.log-i32(-1)');
    expect(want).toContain('f(-1) = 42949672');
    expect(want).toContain('f(0) = 0');
    expect(want.some((l) => l.startsWith('$mem0: memory 1 pages #'))).toBe(true);
    expect(firstDifference(want, transcript(lightbeamEngine, bytes))).toBeUndefined();
  });

  it('match traps by meaning, not wording, and nothing else', () => {
    expect(sameLine('f() = trap:divide by zero', 'f() = trap:integer divide by zero')).toBe(true);
    expect(sameLine('f() = trap:divide by zero', 'f() = trap:integer overflow')).toBe(false);
    expect(sameLine('f() = threw TypeError | V8 says', 'f() = threw TypeError | we say')).toBe(true);
    expect(sameLine('f() = threw TypeError | x', 'f() = threw RangeError | x')).toBe(false);
    // A mutated import name may hold a carriage return (long run, mutate seed 100242).
    expect(sameLine('i: threw LinkError | "a\rb" V8', 'i: threw LinkError | "a\rb" ours')).toBe(true);
  });

  it('judge mutants with a V8 that has the 3.0 proposals Lightbeam has (extended constants, relaxed SIMD)', async () => {
    const bytes = await watToWasm(`(module (global (export "g") i32 (i32.add (i32.const 1) (i32.const 2)))
      (func (export "f") (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1))))`, { validate: false });
    const counts: Record<string, number> = {};
    expect(checkMutant(bytes, 1, counts)?.summary).toBeUndefined();
    expect(counts.valid).toBe(1);
  });

  const wasmTools = async (wat: string): Promise<Uint8Array> => {
    const parse = await loadWasmToolsTextToBinary();
    if (!parse) throw new Error('@bytecodealliance/jco-transpile is not installed (npm ci)');
    return parse(wat);
  };

  it('a mutant V8 rejects only for a 3.0 feature Node 20 lacks (several memories, a memarg memory index, table64, exception opcodes in dead code) is no finding; memory64 is judged by a V8 that has it', async () => {
    // A memarg naming memory 0 explicitly (flags 0x42: bit 6 and align 2, then index 0), which no
    // text parser writes: (func (drop (i32.load (i32.const 0)))) in a module of one memory.
    const code = [0, 0x41, 0, 0x28, 0x42, 0, 0, 0x1a, 0x0b];
    const explicitIndex = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1,
      10, code.length + 2, 1, code.length, ...code]);
    // wabt knows neither several memories nor table64.
    for (const [what, bytes] of [
      ['two memories', await wasmTools('(module (memory 1) (memory 1))')],
      ['a memory index in a memarg', explicitIndex],
      ['table64', await wasmTools('(module (table i64 1 funcref))')],
      ['throw_ref in dead code', await wasmTools('(module (func unreachable throw_ref))')],
    ] as const) {
      const wat = what;
      expect(() => new WebAssembly.Module(bytes as BufferSource), wat).toThrow();
      const counts: Record<string, number> = {};
      expect(checkMutant(bytes, 1, counts)?.summary, wat).toBeUndefined();
      expect(counts["valid (a 3.0 feature Node 20's V8 lacks)"], wat).toBe(1);
    }
    const counts: Record<string, number> = {};
    expect(checkMutant(await wasmTools('(module (memory i64 1) (func (export "f") (param i64) (result i32) (i32.load (local.get 0))))'), 1, counts)?.summary).toBeUndefined();
    expect(counts.valid).toBe(1);
  });

  it('judge mutants with atomics and shared memories (Node 20\'s V8 has threads), and their instantiation', async () => {
    const bytes = await wasmTools(`(module (memory (export "m") 1 2 shared)
      (func (export "f") (param i32) (result i32) (i32.atomic.rmw.add (local.get 0) (i32.const 1)))
      (func (export "g") (param i32) (result i32) (memory.atomic.notify (local.get 0) (i32.const 1))))`);
    const counts: Record<string, number> = {};
    expect(checkMutant(bytes, 1, counts)?.summary).toBeUndefined();
    expect(counts.valid).toBe(1);
    expect(counts.instantiated).toBe(1);
    // An unaligned atomic access traps on both; the traps are matched by meaning.
    const shape = moduleShape(bytes);
    expect(firstDifference(transcript(v8Engine, bytes, shape), transcript(lightbeamEngine, bytes, shape))).toBeUndefined();
    expect(transcript(lightbeamEngine, bytes, shape).some((l) => l.includes('unaligned atomic'))).toBe(true);
  });

  it('catch an engine that gets one result wrong', async () => {
    const bytes = exposeState(await watToWasm(STATEFUL));
    const Broken = class {
      readonly exports: Record<string, unknown>;
      constructor(m: object, imports?: object) {
        const real = new lightbeamEngine.Instance(m, imports).exports;
        const f = real.f as (x: number) => number;
        this.exports = { ...real, f: (x: number) => (x === 1 ? 2 : f(x)) };
      }
    };
    const broken: Engine = { ...lightbeamEngine, Instance: Broken as unknown as Engine['Instance'] };
    expect(firstDifference(transcript(v8Engine, bytes), transcript(broken, bytes))).toMatch(/Lightbeam: f\(1\) = 2/);
  });
});

describe('mutation and reduction', () => {
  it('mutants are reproducible from their seed', async () => {
    const base = await watToWasm(STATEFUL);
    const a = mutate(base, rng(7)), b = mutate(base, rng(7));
    expect(a).toEqual(b);
    expect(a).not.toEqual(base);
  });

  it('the reducer keeps what the test asks for and removes the rest', async () => {
    const bytes = await watToWasm(`(module
      (func (export "keep") (result i32) i32.const 1 i32.const 2 i32.add)
      ${Array.from({ length: 6 }, (_, i) => `(func (export "x${i}") (result i64) i64.const ${i} i64.const 3 i64.mul)`).join('\n')})`);
    const keeps = async (b: Uint8Array) => {
      if (!WebAssembly.validate(b as BufferSource)) return false;
      const m = new WebAssembly.Module(b as BufferSource);
      return WebAssembly.Module.exports(m).some((e) => e.name === 'keep');
    };
    const r = await reduceModule(bytes, keeps, performance.now() + 60_000);
    expect(await keeps(r.bytes)).toBe(true);
    expect(r.bytes.length).toBeLessThan(bytes.length / 3);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(r.bytes as BufferSource)).map((e) => e.name)).toEqual(['keep']);
  }, 120_000);
});

describe('a bounded campaign (fixed seed, child processes)', () => {
  it('a child that crashes or hangs is a finding with its module, and the run goes on', async () => {
    const log: string[] = [];
    process.env.LIGHTBEAM_FUZZ_SELF_TEST = 'crash:own:2,hang:own:3';
    try {
      const r = await runCampaign({
        sources: ['own'], count: { binaryen: 0, own: 5, mutate: 0, 'binaryen-gc': 0 }, seed: 1, jobs: 1, timeoutMs: 10_000,
        outDir: mkdtempSync(join(tmpdir(), 'lightbeam-fuzz-self-')), reduceSeconds: 0, maxFindings: 5,
        log: (l) => log.push(l), progress: () => {},
      });
      expect(r.findings.map((f) => [f.kind, f.seed, f.summary])).toEqual([
        ['crash', 2, 'killed by SIGSEGV'],
        ['hang', 3, 'no answer in 10 s (hang)'],
      ]);
      expect(readFileSync(r.findings[0]!.file).length).toBe(8);
      expect(r.counts.agree).toBe(3);
    } finally {
      delete process.env.LIGHTBEAM_FUZZ_SELF_TEST;
    }
  }, 120_000);

  it('binaryen, own, mutate and binaryen-gc sources find nothing', async () => {
    const log: string[] = [];
    const r = await runCampaign({
      sources: ['binaryen', 'own', 'mutate', 'binaryen-gc'],
      count: { binaryen: 100, own: 100, mutate: 2000, 'binaryen-gc': 20 },
      seed: 1,
      jobs: 2,
      timeoutMs: 120_000,
      outDir: mkdtempSync(join(tmpdir(), 'lightbeam-fuzz-ci-')),
      reduceSeconds: 0,
      maxFindings: 5,
      log: (l) => log.push(l),
      progress: () => {},
    });
    expect(r.findings, log.join('\n')).toEqual([]);
    expect(r.modules).toEqual({ binaryen: 100, own: 100, mutate: 2000, 'binaryen-gc': 20 });
    // GC modules: Lightbeam's normal, stressed and second normal runs agree (nearly all use structs or arrays).
    expect(r.counts[GC_AGREE_HEAP]! + (r.counts[GC_AGREE_NO_HEAP] ?? 0)).toBe(20);
    expect(r.counts[GC_AGREE_HEAP]).toBeGreaterThan(15);
    // And binaryen's interpreter agrees with them, and with the binaryen source's modules (all but
    // the one of the 100 it fails on, by its own stack, and the few V8 cannot judge).
    expect(r.counts['fuzz-exec: agree']).toBeGreaterThan(20 + 90);
    // Every execution module agrees, but for the few V8 cannot judge (binaryen's -ttf writes
    // typed function references' ref.as_non_null, which Node 20's V8 lacks).
    expect(r.counts.agree! + (r.counts[UNJUDGED] ?? 0)).toBe(200);
    expect(r.counts[UNJUDGED] ?? 0).toBeLessThan(10);
    expect(r.counts.valid).toBeGreaterThan(50);
  }, 600_000);
});
