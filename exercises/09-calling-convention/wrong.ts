// Plausible wrong solutions; the checks must catch each one.
import type { Layout, TypeName, Where } from './layout.ts';

const INTS = ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'];
const FLOATS = ['xmm0', 'xmm1', 'xmm2', 'xmm3', 'xmm4', 'xmm5', 'xmm6', 'xmm7'];
const isFloat = (t: TypeName) => t === 'f32' || t === 'f64';

interface Mistakes {
  /** Windows' rule: the nth parameter takes the nth register of its class. */
  positional?: boolean;
  /** The return area's address as the first argument, not the last. */
  areaFirst?: boolean;
  /** Stack bytes not rounded up to 16. */
  unrounded?: boolean;
  /** Float parameters beyond the registers go... into integer registers. */
  floatsSpillToInts?: boolean;
}

function withMistakes(m: Mistakes) {
  return (params: readonly TypeName[], results: readonly TypeName[]): Layout => {
    let ints = 0;
    let floats = 0;
    let stack = 0;
    const place = (float: boolean, position: number): Where => {
      if (m.positional) {
        const regs = float ? FLOATS : INTS;
        if (position < regs.length) return regs[position]!;
      } else if (!float && ints < INTS.length) return INTS[ints++]!;
      else if (float && floats < FLOATS.length) return FLOATS[floats++]!;
      else if (float && m.floatsSpillToInts && ints < INTS.length) return INTS[ints++]!;
      const at = { stack };
      stack += 8;
      return at;
    };
    const area = results.length > 1 && m.areaFirst ? place(false, 0) : null;
    const ps = params.map((t, i) => place(isFloat(t), i + (area ? 1 : 0)));
    const returnArea = results.length > 1 ? (area ?? place(false, params.length)) : null;
    return {
      params: ps,
      returnArea,
      results: results.map((t, i) => (i > 0 ? { area: 8 * (i - 1) } : isFloat(t) ? 'xmm0' : 'rax')),
      stackBytes: m.unrounded ? stack : Math.ceil(stack / 16) * 16,
    };
  };
}

export const wrongSolutions = {
  "Windows' rule: the nth parameter takes the nth register of its class": { layout: withMistakes({ positional: true }) },
  "the return area's address as the first argument": { layout: withMistakes({ areaFirst: true }) },
  'stack bytes not rounded up to 16': { layout: withMistakes({ unrounded: true }) },
  'floats beyond xmm7 take integer registers': { layout: withMistakes({ floatsSpillToInts: true }) },
};
