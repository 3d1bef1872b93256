// Instructions encoded per second by compiler/x64, on a mix shaped like a one-pass compiler's
// output: loads and stores off the VMContext and linear memory, ALU ops with registers and
// small immediates, compares fused with branches, calls, and a little scalar float.
// Run: npx tsx bench/assembler.ts [instructions=2000000]
// Times are CPU time (process.cpuUsage), the median of 5 runs: the machine is shared and noisy.
// Each mix runs with the direct layer (directEncoder.ts) on and with the table path only.

import {
  Assembler, external, dword, qword, mem, GPR8, GPR32, GPR64, XMM, rsp, r14, r15, ecx,
} from '../compiler/x64/index.ts';

const total = Number(process.argv[2] ?? 2_000_000);
const perFunction = 400;

/** One "function": a loop body repeated; 20 instructions per iteration. Returns instructions emitted. */
function emitFunction(a: Assembler, salt: number): number {
  let n = 0;
  a.push(GPR64[5]!); a.sub(rsp, 40); n += 2;
  const loop = a.here();
  for (let i = 0; n < perFunction - 4; i++) {
    const r1 = GPR32[(i + salt) % 8 === 4 ? 3 : (i + salt) % 8]!;
    const r2 = GPR32[8 + ((i * 3 + salt) % 6)]!;
    const q1 = GPR64[r1.num]!;
    a.mov(r1, dword(r15, 16 + 4 * (i % 8)));          // local from the frame
    a.mov(r2, mem(r14, i * 8, q1, 1, 32));            // linear-memory load
    a.add(r1, r2);
    a.add(r2, i & 0x7f);
    a.imul(r1, r2, 10);
    a.lea(q1, mem(q1, 8, GPR64[r2.num]!, 4));
    a.shl(r2, 3);
    a.xor(r1, r1);
    a.cmp(r1, 1000);
    a.setcc('l', GPR8[i % 4]!);
    a.mov(qword(r15, 64), q1);                        // store
    a.movzx(ecx, mem(r14, i, null, 1, 8));
    a.cvtsi2sd(XMM[i % 16]!, r1);
    a.addsd(XMM[i % 16]!, XMM[(i + 1) % 16]!);
    a.movsd(qword(rsp, 8), XMM[i % 16]!);
    a.test(r1, r1);
    const skip = a.newLabel();
    a.jcc('e', skip);
    a.call(external({ func: i }));
    a.bind(skip);
    a.jcc('ne', loop);
    n += 19;
  }
  a.add(rsp, 40); a.pop(GPR64[5]!); a.ret(); n += 3;
  return n;
}

const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

function run(instructions: number, relaxBranches: boolean, direct: boolean): { count: number; bytes: number; ms: number } {
  const start = cpuMs();
  let count = 0;
  let bytes = 0;
  let salt = 0;
  while (count < instructions) {
    const a = new Assembler(8192);
    a.direct = direct;
    count += emitFunction(a, salt++);
    bytes += a.finish({ relaxBranches }).code.length;
  }
  return { count, bytes, ms: cpuMs() - start };
}

// The direct layer (directEncoder.ts) on and off, runs interleaved so both see the same machine.
for (const relax of [false, true]) {
  const rates: number[] = [];
  for (const direct of [true, false]) run(Math.min(200_000, total), relax, direct); // warm up
  const results: Record<string, { count: number; bytes: number; ms: number }[]> = { direct: [], table: [] };
  for (let i = 0; i < 5; i++) for (const direct of [true, false]) results[direct ? 'direct' : 'table']!.push(run(total, relax, direct));
  for (const mode of ['direct', 'table'] as const) {
    const best = results[mode]!.sort((a, b) => a.ms - b.ms)[2]!; // the median
    const rate = best.count / (best.ms / 1000);
    rates.push(rate);
    console.log(`assembler${relax ? ' + branch relaxation' : ''}, ${mode === 'direct' ? 'direct layer on' : 'table path only'}: ${best.count} instructions, ${best.bytes} bytes in ${best.ms.toFixed(0)} ms of CPU (median of 5)`);
    console.log(`  ${(rate / 1e6).toFixed(2)} M instructions/s, ${(best.bytes / best.count).toFixed(2)} bytes/instruction, ${(best.bytes / (best.ms / 1000) / 1e6).toFixed(1)} MB/s of code`);
  }
  console.log(`  the direct layer: ${(rates[0]! / rates[1]!).toFixed(2)}x the instructions per second`);
}
