// References to labels, kept until `finish()` resolves them (again: relaxation may move code).
// A function has one per jump and per RIP-relative constant, tens of thousands per module, so
// they are rows of int32 fields in one growable typed array instead of an object each.

import type { Label } from './operands.ts';
import { withRoom } from './int32Rows.ts';

// #region label-refs
/**
 * The fields of a reference, by their place in its row:
 * - AT: offset of the displacement field;
 * - END: offset the displacement is relative to (the end of the instruction);
 * - SIZE: 1 (rel8) or 4 (rel32) bytes;
 * - ADDEND: extra displacement added to the label's offset (RIP-relative `[label + disp]`);
 * - START, SHORT: for a near jmp/jcc to a label not yet bound, its start and its short opcode
 *   (EB, 70+cc), for relaxation; else 0. (Relaxation sets SIZE to 0 on the jumps it shortens
 *   or drops: the slide writes or leaves out their displacements.)
 */
export const AT = 0, END = 1, SIZE = 2, ADDEND = 3, START = 4, SHORT = 5;
/** Int32 fields per reference. */
export const FIELDS = 6;

export class LabelRefs {
  /** `length` rows of FIELDS fields. */
  data = new Int32Array(FIELDS * 256);
  /** The label of each reference, by row (entries from `length` on are left over, see truncate). */
  readonly labels: Label[] = [];
  length = 0;

  add(at: number, end: number, label: Label, size: 1 | 4, addend: number, start: number, shortOpcode: number): void {
    const n = this.length;
    const i = n * FIELDS;
    const d = (this.data = withRoom(this.data, i + FIELDS));
    d[i + AT] = at;
    d[i + END] = end;
    d[i + SIZE] = size;
    d[i + ADDEND] = addend;
    d[i + START] = start;
    d[i + SHORT] = shortOpcode;
    this.labels[n] = label;
    this.length = n + 1;
  }

  /**
   * Keep the first `n` references. The labels past them stay in `labels` until overwritten:
   * shrinking an array costs a call into the runtime, more than the few labels it keeps alive.
   */
  truncate(n: number): void {
    this.length = n;
  }
}
// #endregion label-refs
