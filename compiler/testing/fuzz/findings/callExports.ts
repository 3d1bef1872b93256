// Test-only (Node): instantiate a module on Lightbeam with the fuzzer's imports and call the named
// exports in order, printing how each ends; run as a child process by gcFindings.test.ts, so that
// a hang can be killed.

import { readFileSync } from 'node:fs';
import * as api from '../../../api/index.ts';
import { moduleShape } from '../moduleShape.ts';

const [file, ...names] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(file!));
const imports: Record<string, Record<string, unknown>> = {};
for (const imp of moduleShape(bytes).imports) {
  const ns = (imports[imp.module] ??= {});
  if (imp.kind === 'tag') ns[imp.name] = imp.name === 'jstag' ? api.JSTag : new api.Tag({ parameters: imp.params as never });
  else if (imp.kind === 'function') ns[imp.name] = imp.name === 'throw' ? () => { throw new Error('thrown'); } : () => undefined;
}
const exports = new api.Instance(new api.Module(bytes), imports).exports as Record<string, () => unknown>;
for (const name of names) {
  let how: string;
  try {
    how = `returned ${String(exports[name]!())}`;
  } catch (e) {
    how = `threw ${(e as Error).name}`;
  }
  console.log(`${name}: ${how}`);
}
