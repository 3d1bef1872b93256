// A set of function indices as a bitset: one bit per function of the module. ModuleInfo's
// declaredFuncRefs is one: a module may declare every one of its 10^5 functions (a large table),
// and a bit each is less work to add and to look up than a Set's entries.

export class FunctionIndexSet {
  private bits = new Uint32Array(0);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(index: number): void {
    const word = index >>> 5;
    if (word >= this.bits.length) {
      const bigger = new Uint32Array(Math.max(word + 1, this.bits.length * 2));
      bigger.set(this.bits);
      this.bits = bigger;
    }
    const bit = 1 << (index & 31);
    if ((this.bits[word]! & bit) === 0) {
      this.bits[word]! |= bit;
      this.count++;
    }
  }

  has(index: number): boolean {
    const word = index >>> 5;
    return word < this.bits.length && (this.bits[word]! & (1 << (index & 31))) !== 0;
  }

  /** The indices in increasing order. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let word = 0; word < this.bits.length; word++) {
      const w = this.bits[word]!;
      if (w === 0) continue;
      for (let b = 0; b < 32; b++) if (w & (1 << b)) yield word * 32 + b;
    }
  }

  /** As JSON, the indices (as a Set would be listed). */
  toJSON(): number[] {
    return [...this];
  }
}
