// Test-only: a module as text for a finding report: WAT by wabt when it can read the bytes (every
// feature on, no validation: a finding may be invalid on purpose), else a hex dump.

import { allFeatures, loadWabt } from '../../text/watToWasm.ts';

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(`;; ${i.toString(16).padStart(6, '0')}: ${Array.from(bytes.subarray(i, i + 16), (b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return lines.join('\n');
}

export async function wasmToWat(bytes: Uint8Array): Promise<string> {
  const wabt = await loadWabt();
  try {
    const m = wabt.readWasm(bytes, { readDebugNames: true, ...allFeatures(wabt) });
    try {
      return m.toText({ foldExprs: false, inlineExport: true });
    } finally {
      m.destroy();
    }
  } catch (e) {
    return `;; wabt cannot read this module (${String((e as Error).message).split('\n')[0]}); the bytes:\n${hexDump(bytes)}\n`;
  }
}
