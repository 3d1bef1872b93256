// How many commands a .wast script has, counted without the harness's parser, so that the
// conformance test can check that the runner gave every command of every file an outcome.
// Browser-safe.

// #region count-commands
/**
 * The number of top-level S-expressions in a script, counted without the harness's reader:
 * a plain scan over parentheses that skips strings and comments. A script made only of module
 * fields is one (inline) module.
 */
export function countTopLevel(src: string): number {
  let depth = 0;
  let count = 0;
  let onlyFields = true;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === ';' && src[i + 1] === ';') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '(' && src[i + 1] === ';') {
      let nest = 1;
      i += 2;
      while (nest > 0) {
        if (src[i] === '(' && src[i + 1] === ';') (nest++, i++);
        else if (src[i] === ';' && src[i + 1] === ')') (nest--, i++);
        i++;
      }
      i--;
    } else if (c === '"') {
      for (i++; src[i] !== '"'; i++) if (src[i] === '\\') i++;
    } else if (c === '(') {
      if (depth === 0) {
        const head = /^\(\s*([^\s()]*)/.exec(src.slice(i, i + 40))![1]!;
        if (head.startsWith('@')) {
          // an annotation at the top level is not a command: skip to its end
          let d = 0;
          for (; i < src.length; i++) {
            if (src[i] === '"') for (i++; src[i] !== '"'; i++) if (src[i] === '\\') i++;
            if (src[i] === '(') d++;
            if (src[i] === ')' && --d === 0) break;
          }
          continue;
        }
        count++;
        if (!/^(type|rec|import|func|table|memory|global|tag|export|start|elem|data)$/.test(head)) onlyFields = false;
      }
      depth++;
    } else if (c === ')') {
      depth--;
    }
  }
  return onlyFields && count > 0 ? 1 : count;
}
// #endregion count-commands
