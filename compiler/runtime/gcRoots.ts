// Where the GC heap's roots are, besides the markers other code registers for the objects JS
// holds: the tables, globals and passive element segments the runtime already walks for
// externref handles (one word holds either: runtime/values.ts #region reference-words), and the
// words of every wasm activation (the runtime scans its stack and state block: markWords). And
// the other way round: a live object's fields may hold externref handles, which ExternRefTable must
// not free.

import { getGcHeap } from './gcHeap.ts';
import { externRefs } from './values.ts';

// #region gc-roots
/**
 * Handles in live GC objects are held: ExternRefTable collects only when no wasm activation runs,
 * so the heap's roots are then its tables, globals, segments and JS-held objects, all markers.
 */
const hostWordsInObjects = (mark: (handle: number, keeper: undefined) => void): void =>
  getGcHeap().hostWords((word) => mark(word, undefined));
externRefs.markers.push(hostWordsInObjects);

/** The words in tables, globals and segments of the any hierarchy are heap roots (those of externref too: harmless). */
getGcHeap().markers.push((mark) => {
  const markWord = (word: number) => mark(word);
  for (const marker of externRefs.markers) if (marker !== hostWordsInObjects) marker(markWord);
});

/**
 * A conservative scan: every 8-byte word of `words` from u32 index `from` to `to` (both even) that
 * could be an object's address is given to `mark`, which ignores any that is not one. Generated
 * code holds no reference in a register across a call (every GPR but r14, r15, rbp is clobbered by
 * one, and `suspend` pushes rbp), so a suspended activation's references are all on the wasm stack
 * or in the call-out buffer.
 */
export function markWords(words: Uint32Array, from: number, to: number, mark: (word: number) => void): void {
  for (let i = from; i < to; i += 2) {
    const lo = words[i]!;
    const hi = words[i + 1]!;
    // A multiple of 8, not null, below 2^47 (user space).
    if ((lo & 7) === 0 && hi < 0x8000 && (lo | hi) !== 0) mark(lo + hi * 0x100000000);
  }
}
// #endregion gc-roots
