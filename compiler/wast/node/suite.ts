// Finding the spec suite and the .wast files to run (Node only).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is compiler/wast/node/suite.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const SUITE_UPSTREAM = 'https://github.com/WebAssembly/testsuite';
/** The upstream commit the project's copy mirrors (see SOURCE.md in the suite). */
export const SUITE_COMMIT = '193e551';

export class SuiteNotFound extends Error {
  override name = 'SuiteNotFound';
}

// #region locate-suite
/** The spec suite's folder: $WASM_TESTSUITE, else ../shared/wasm-testsuite beside the repository. */
export function locateSuite(
  env: Record<string, string | undefined> = process.env,
  beside: string = resolve(REPO_ROOT, '../shared/wasm-testsuite'),
): string {
  const candidates = [env.WASM_TESTSUITE, beside].filter((p): p is string => !!p);
  for (const dir of candidates) {
    if (existsSync(dir) && statSync(dir).isDirectory()) return resolve(dir);
  }
  throw new SuiteNotFound(
    `WebAssembly spec test suite not found (looked in: ${candidates.join(', ')}).\n` +
      `Get it with:\n` +
      `  git clone ${SUITE_UPSTREAM} ${beside}\n` +
      `  git -C ${beside} checkout ${SUITE_COMMIT}\n` +
      `or point $WASM_TESTSUITE at a copy.`,
  );
}
// #endregion locate-suite

export interface WastFile {
  /** Absolute path. */
  path: string;
  /** Name for reports: relative to the folder it was found in (or the file's own name). */
  name: string;
}

function wastIn(dir: string, recursive: boolean, root: string, out: WastFile[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (recursive) wastIn(path, recursive, root, out);
    } else if (entry.endsWith('.wast')) {
      out.push({ path, name: relative(root, path) });
    }
  }
}

/**
 * The .wast files named by the arguments. A folder contributes its top-level *.wast files
 * (the spec suite's core tests); with `recursive`, also those in subfolders (proposals/, legacy/).
 * Throws for a path that does not exist.
 */
export function listWastFiles(paths: string[], recursive: boolean): WastFile[] {
  const out: WastFile[] = [];
  for (const p of paths) {
    const path = resolve(p);
    if (!existsSync(path)) throw new Error(`no such file or folder: ${p}`);
    if (statSync(path).isDirectory()) wastIn(path, recursive, path, out);
    else out.push({ path, name: basename(path) });
  }
  return out;
}

// #region held-proposals
/**
 * The folders of the suite beyond its top level whose files the ratchet holds too: the later
 * proposals the compiler implements, and the legacy exception-handling tests. Add a folder here
 * when its proposal lands; the baseline then records its files under `proposals` (kept apart from
 * the top-level totals the book quotes). The threads folder predates multi-memory: 8 of its
 * assert_invalid commands expect a second memory or table to be invalid, which WebAssembly 3.0
 * allows (the top-level memory.wast and imports.wast say so); the ratchet pins them as failed.
 * The custom-descriptors folder lets br_on_cast's target be any type of the source's hierarchy,
 * where the top-level br_on_cast.wast and br_on_cast_fail.wast want a subtype of the source: the
 * compiler keeps the top level's rule (the descriptor casts take the looser one), and the ratchet
 * pins the folder's two modules that need it as failed.
 */
export const HELD_FOLDERS = [
  'proposals/threads', 'proposals/custom-page-sizes', 'proposals/wide-arithmetic', 'proposals/custom-descriptors', 'legacy',
] as const;

/** The .wast files of the held folders, named with their folder (`proposals/threads/atomic.wast`: apart from top-level files of the same name). */
export function heldProposalFiles(suite: string, folders: readonly string[] = HELD_FOLDERS): WastFile[] {
  return folders.flatMap((d) => listWastFiles([join(suite, d)], false).map((f) => ({ path: f.path, name: `${d}/${f.name}` })));
}
// #endregion held-proposals
