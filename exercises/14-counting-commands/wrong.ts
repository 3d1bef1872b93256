// Plausible wrong solutions; the checks must catch each one (see exercises/harness.ts).
import { countCommands as reference } from './reference.ts';

/** The reference, on the script with what `strip` matches blanked out. */
const stripped = (strip: RegExp) => (src: string) => reference(src.replace(strip, ' '));

export const wrongSolutions = {
  'comments are not skipped': {
    countCommands: (src: string) => {
      let depth = 0, n = 0;
      for (const c of src) {
        if (c === '(') n += depth++ === 0 ? 1 : 0;
        else if (c === ')') depth--;
      }
      return n;
    },
  },
  'block comments end at the first ;) even when nested': {
    countCommands: stripped(/\(;[\s\S]*?;\)/g),
  },
  'a backslash-escaped quote ends the string': {
    countCommands: (src: string) => reference(src.replace(/\\"/g, '"')),
  },
  'a script of bare module fields counts each field (not as one module)': {
    countCommands: (src: string) => reference('(module) ' + src) - 1,
  },
  'top-level annotations are counted as commands': {
    countCommands: (src: string) => reference(src.replace(/\(@/g, '(annotation_')),
  },
};
