import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CodeMemory } from './codeMemory.ts';
import { LinearMemory, WASM_PAGE_SIZE } from './linearMemory.ts';

/** The permission string ("r-xp") of the mapping holding `address`, from /proc/self/maps. */
function mappingFlags(address: number): string | undefined {
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4})/.exec(line);
    if (m && parseInt(m[1]!, 16) <= address && address < parseInt(m[2]!, 16)) return m[3];
  }
  return undefined;
}

describe('CodeMemory', () => {
  it('is executable and never writable at the same time', () => {
    const seen: (string | undefined)[] = [];
    const code = new CodeMemory(new Uint8Array([0xb8, 42, 0, 0, 0, 0xc3]), (address) => {
      seen.push(mappingFlags(address));
    });
    seen.push(mappingFlags(code.address));
    expect(seen).toEqual(['rw-p', 'r-xp']);
    code.dispose();
    expect(mappingFlags(code.address)).not.toBe('r-xp');
  });

  it('holds the runtime\'s own code (trampolines, adapters, stubs) read+execute only', async () => {
    const { getRuntime } = await import('./runtime.ts');
    const rt = getRuntime();
    const adapter = rt.adapterFor({ params: [], results: [] });
    // (V8's own JIT code space is rwx; ours never is.)
    for (const address of [rt.trapHandler, rt.suspend, adapter]) expect(mappingFlags(address)).toBe('r-xp');
  });

  it('lets the patch callback write into the code before it is sealed', () => {
    const code = new CodeMemory(new Uint8Array(16), (_address, bytes) => {
      bytes[3] = 0x90;
    });
    expect(mappingFlags(code.address)).toBe('r-xp');
    code.dispose();
  });
});

describe('LinearMemory', () => {
  it('grows without moving its base and returns the old size', () => {
    const mem = new LinearMemory(1, 10);
    const base = mem.base;
    new Uint8Array(mem.arrayBuffer)[100] = 7;
    expect(mem.grow(2)).toBe(1);
    expect(mem.base).toBe(base);
    expect(mem.arrayBuffer.byteLength).toBe(3 * WASM_PAGE_SIZE);
    const bytes = new Uint8Array(mem.arrayBuffer);
    expect(bytes[100]).toBe(7);
    bytes[3 * WASM_PAGE_SIZE - 1] = 1; // the last new byte is writable
    expect(mem.grow(0)).toBe(3);
  });

  it('returns -1 and keeps its size when growing past the maximum', () => {
    const mem = new LinearMemory(0, 2);
    expect(mem.grow(3)).toBe(-1);
    expect(mem.pages).toBe(0);
    expect(mem.grow(2)).toBe(0);
    expect(mem.grow(1)).toBe(-1);
    expect(mem.pages).toBe(2);
  });

  it('keeps the pages past the current size inaccessible', () => {
    const mem = new LinearMemory(1, 4);
    expect(mappingFlags(mem.base)).toBe('rw-p');
    expect(mappingFlags(mem.base + WASM_PAGE_SIZE)).toBe('---p');
  });

  it('tells listeners the new size', () => {
    const mem = new LinearMemory(0);
    const sizes: number[] = [];
    mem.onGrow((b) => sizes.push(b));
    mem.grow(1);
    mem.grow(70000);
    expect(sizes).toEqual([WASM_PAGE_SIZE]);
  });
});

describe('platform check', () => {
  it('names the platform when generated code cannot run here', async () => {
    const { assertNativeSupported } = await import('./native.ts');
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    try {
      expect(() => assertNativeSupported()).toThrow(`running generated code needs x86-64 Linux; this is darwin/${process.arch}`);
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
    expect(() => assertNativeSupported()).not.toThrow();
  });
});
