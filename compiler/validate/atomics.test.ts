// threads in the validator: shared limits, and the 0xfe operators' own rules (an alignment that
// is exactly natural, the address of the memory's address type, atomic.fence's zero byte).
import { describe, expect, it } from 'vitest';
import { requireWasmToolsTextToBinary } from '../wast/node/wasmToolsText.ts';
import { validateModule } from './index.ts';
import { leb, moduleOf, reasonOf, section } from './testSupport.ts';

const reason = (bytes: Uint8Array): string => reasonOf(() => validateModule(bytes));
const text = async (wat: string) => (await requireWasmToolsTextToBinary())(wat);

/** A module of one memory (limits `flags`, 1 page, a maximum of 2 if flags say so) and one body `() -> ()`. */
function withMemory(flags: number, body: number[]): Uint8Array {
  return moduleOf(
    section(1, [1, 0x60, 0, 0]),
    section(3, [1, 0]),
    section(5, [1, flags, 1, ...(flags & 1 ? [2] : [])]),
    section(10, [1, ...leb(body.length + 1), 0, ...body]),
  );
}

describe('threads: validation', () => {
  it('a shared memory needs a maximum, declared or imported; a table has no shared flag', async () => {
    expect(reason(withMemory(3, [0x0b]))).toBe('no error');
    expect(reason(withMemory(2, [0x0b]))).toBe('shared memory must have maximum');
    expect(reason(await text('(module (import "m" "m" (memory 1 shared)))'))).toBe('shared memory must have maximum');
    expect(reason(await text('(module (memory i64 1 2 shared))'))).toBe('no error');
    expect(reason(moduleOf(section(4, [1, 0x70, 3, 1, 2])))).toBe('malformed limits flags');
    // Flags 11: a maximum, shared, and a page size (log2 0: one byte) after the limits. Valid, but
    // a shared memory is V8's, whose pages are 64 KiB: refused as unsupported, not as invalid.
    expect(reason(moduleOf(section(5, [1, 11, 1, 2, 0])))).toBe('unsupported feature: shared memories of 1-byte pages');
    expect(reason(moduleOf(section(5, [1, 11, 1, 2, 16])))).toBe('no error');
  });

  it('an atomic access must be aligned exactly naturally, less as well as more', async () => {
    for (const align of [1, 2, 8]) {
      expect(reason(await text(`(module (memory 1 1 shared) (func (drop (i32.atomic.load align=${align} (i32.const 0)))))`)), `align=${align}`)
        .toBe(align === 8 ? 'alignment must not be larger than natural' : 'atomic alignment must be natural');
    }
    expect(reason(await text('(module (memory 1 1) (func (drop (i64.atomic.rmw8.add_u align=1 (i32.const 0) (i64.const 1)))))'))).toBe('no error');
  });

  it('the address is the memory\'s address type; any memory, shared or not, is valid', async () => {
    expect(reason(await text('(module (memory i64 1 1 shared) (func (drop (i32.atomic.load (i64.const 0)))))'))).toBe('no error');
    expect(reason(await text('(module (memory i64 1 1 shared) (func (drop (i32.atomic.load (i32.const 0)))))'))).toBe('type mismatch');
    expect(reason(await text(`(module (memory 1) (memory $two 1 1 shared)
      (func (drop (memory.atomic.wait64 $two (i32.const 0) (i64.const 0) (i64.const -1)))))`))).toBe('no error');
    expect(reason(await text('(module (memory 1) (func (drop (memory.atomic.notify (i32.const 0) (i64.const 1)))))'))).toBe('type mismatch');
  });

  it('an atomic access is no constant expression', () => {
    const global = moduleOf(section(5, [1, 3, 1, 1]), section(6, [1, 0x7f, 0, 0x41, 0, 0xfe, 0x10, 2, 0, 0x0b]));
    expect(reason(global)).toBe('constant expression required');
  });

  it('atomic.fence takes one zero byte; an unknown 0xfe sub-opcode is illegal', () => {
    expect(reason(withMemory(0, [0xfe, 0x03, 0x00, 0x0b]))).toBe('no error');
    expect(reason(withMemory(0, [0xfe, 0x03, 0x01, 0x0b]))).toMatch(/zero byte expected/);
    expect(reason(withMemory(0, [0xfe, 0x04, 0x0b]))).toMatch(/illegal opcode fe 4/);
    expect(reason(withMemory(0, [0xfe, 0x4f, 0x0b]))).toMatch(/illegal opcode fe 79/);
  });
});
