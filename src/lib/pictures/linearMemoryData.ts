// Snapshots of a real linear memory for linearMemoryPicture.ts: a module instantiated by
// Lightbeam's runtime, its LinearMemory, the memory fields of its VMContext (what r14 is loaded
// from and what bounds checks compare with), and the kernel's own view of the reservation
// (/proc/self/maps), after instantiation and after each call that grows the memory. Node only.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../root.ts';
import { watToWasm } from '../../../compiler/text/watToWasm.ts';
import { compileModule } from '../../../compiler/codegen/moduleCompiler.ts';
import { VMCTX } from '../../../compiler/abi/index.ts';
import type { MemorySnapshot } from './linearMemoryPicture.ts';

export interface Call {
  fn: string;
  args: number[];
}

/** The protection bits ("rw-", "---") /proc/self/maps gives [from, to), or undefined if it cannot say. */
export function protectionOf(maps: string, from: number, to: number): string | undefined {
  if (to <= from) return undefined;
  const seen = new Set<string>();
  let covered = 0;
  for (const row of maps.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{3})/.exec(row);
    if (!m) continue;
    const [start, end] = [parseInt(m[1]!, 16), parseInt(m[2]!, 16)];
    if (end <= from || start >= to) continue;
    seen.add(m[3]!);
    covered += Math.min(end, to) - Math.max(start, from);
  }
  return covered === to - from && seen.size === 1 ? [...seen][0] : undefined;
}

export async function memorySnapshots(file: string, calls: Call[]): Promise<MemorySnapshot[]> {
  const { Instance } = await import('../../../compiler/runtime/instance.ts');
  const { GUARD_SIZE, WASM_PAGE_SIZE } = await import('../../../compiler/runtime/linearMemory.ts');
  const wasm = await watToWasm(readFileSync(join(repoRoot(), file), 'utf8'), { name: file });
  const instance = new Instance(compileModule(wasm));
  const memory = instance.memory;
  if (!memory) throw new Error(`${file} has no memory to draw`);
  const vm = new DataView(instance.runtime.native.view(instance.vmctx, VMCTX.HEADER_SIZE));
  const u64 = (offset: number) => Number(vm.getBigInt64(offset, true));
  const snapshot = (when: string): MemorySnapshot => {
    const [base, bytes] = [u64(VMCTX.MEMORY_BASE), u64(VMCTX.MEMORY_SIZE)];
    if (base !== memory.base || bytes !== memory.byteLength) {
      throw new Error(`the VMContext says base ${base}, size ${bytes}; the LinearMemory ${memory.base}, ${memory.byteLength}`);
    }
    const maxBytes = memory.maxPages * WASM_PAGE_SIZE;
    const maps = existsSync('/proc/self/maps') ? readFileSync('/proc/self/maps', 'utf8') : '';
    return {
      when, base, bytes, maxBytes, guard: GUARD_SIZE, pageSize: WASM_PAGE_SIZE,
      sizeOffset: VMCTX.MEMORY_SIZE, bound4Offset: VMCTX.MEMORY_BOUND_4, bound4: u64(VMCTX.MEMORY_BOUND_4),
      protection: {
        accessible: protectionOf(maps, base, base + bytes),
        reserved: protectionOf(maps, base + bytes, base + maxBytes),
        guard: protectionOf(maps, base + maxBytes, base + maxBytes + GUARD_SIZE),
      },
    };
  };
  const snapshots = [snapshot('after instantiation')];
  for (const { fn, args } of calls) {
    const f = instance.exports[fn];
    if (typeof f !== 'function') throw new Error(`${file} exports no function ${fn}`);
    const result = (f as (...a: number[]) => unknown)(...args);
    snapshots.push(snapshot(`after ${fn}(${args.join(', ')}) returned ${String(result)}`));
  }
  return snapshots;
}
