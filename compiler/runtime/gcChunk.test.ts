// A chunk's start bitmap as generated code sees it: native memory, where `bts` of bit
// `address / 8` at the chunk's startsBias sets the start bit of the object at `address`
// (compiler/codegen/ops/gcAllocation.ts). The bit is set here as bts would, byte by byte.
import { describe, expect, it } from 'vitest';
import { OBJECT_ALIGN } from '../abi/gcObjects.ts';
import { Chunk, CHUNK_SIZE } from './gcChunk.ts';
import { getNative } from './native.ts';

const native = process.arch === 'x64' && process.platform === 'linux';

/** What `bts [bias], address >> 3` writes: byte bias + floor(address / 64), bit (address >> 3) & 7. */
function btsLikeGeneratedCode(bias: number, address: number): void {
  const bit = address / OBJECT_ALIGN;
  const byte = getNative().view(bias + Math.floor(bit / 8), 1);
  new Uint8Array(byte)[0]! |= 1 << bit % 8;
}

describe.runIf(native)('GC chunk start bitmap', () => {
  it("is set through the bias at the object's own address, for every granule of a word and at both ends of the chunk", () => {
    const c = Chunk.map(CHUNK_SIZE, false);
    try {
      const granules = [0, 1, 7, 8, 31, 32, 33, 1000, CHUNK_SIZE / OBJECT_ALIGN - 1];
      for (const g of granules) btsLikeGeneratedCode(c.startsBias, c.base + g * OBJECT_ALIGN);
      for (const g of granules) expect(c.isStart(g)).toBe(true);
      const set = new Set(granules);
      let others = 0;
      for (let g = 0; g < CHUNK_SIZE / OBJECT_ALIGN; g++) if (!set.has(g) && c.isStart(g)) others++;
      expect(others).toBe(0);
      // The objects' own memory is untouched: the bitmap lies past the chunk's bytes.
      expect(c.u8.every((b) => b === 0)).toBe(true);
      expect(c.nextStart(2)).toBe(7);
      expect(c.prevStart(CHUNK_SIZE / OBJECT_ALIGN - 2)).toBe(1000);
    } finally {
      c.unmap();
    }
  });
});
