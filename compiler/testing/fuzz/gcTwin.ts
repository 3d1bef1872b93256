// Test-only (Node): a twin of a fuzzing child for the GC source (gcOracle.ts). The child forks it
// once with LIGHTBEAM_GC_STRESS=1 (the heap collects before every allocation) and once without;
// each module the child sends is run here on Lightbeam and its transcript sent back, to be
// compared with the child's own run of the same module.

import { getGcHeap } from '../../runtime/gcHeap.ts';
import { lightbeamEngine, transcript } from './transcript.ts';

export interface TwinRequest { readonly id: number; readonly bytes: string }
/** `collections`: how many times this twin's heap has collected so far (tests check the stress twin does). */
export interface TwinReply { readonly id: number; readonly lines?: string[]; readonly collections?: number; readonly error?: string }

process.on('message', (m: TwinRequest) => {
  let reply: TwinReply;
  try {
    const lines = transcript(lightbeamEngine, new Uint8Array(Buffer.from(m.bytes, 'base64')));
    reply = { id: m.id, lines, collections: getGcHeap().collections };
  } catch (e) {
    reply = { id: m.id, error: String((e as Error)?.stack ?? e) };
  }
  process.send!(reply);
});
// The child was killed (its own run crashed or hung): go too.
process.on('disconnect', () => process.exit(0));
process.send!({ id: -1 });
