// The repository root, found at build time, so components can read compiler sources by path.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let root: string | undefined;

/** The nearest directory at or above the working directory whose package.json is named "lightbeam". */
export function repoRoot(): string {
  if (root) return root;
  let dir = resolve(process.cwd());
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'lightbeam') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the lightbeam repository above ${process.cwd()}`);
    dir = up;
  }
}
