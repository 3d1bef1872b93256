// Text modules of a script become binaries through compiler/text (wabt, every feature on),
// without wabt's validator: an invalid module must reach ours (assert_invalid).

import { allFeatures, loadWabt, loadWatToWasm } from '../text/watToWasm.ts';
import { TextFormatError, type TextToBinary, type ReadsBack, firstWabtError } from './textFormatError.ts';

export { TextFormatError, type TextToBinary, type ReadsBack, firstWabtError };

// #region text-to-binary
/** Loads wabt (asynchronous; call once per process) and returns the text-to-binary function. */
export async function loadTextToBinary(): Promise<TextToBinary> {
  const assemble = await loadWatToWasm();
  return (text: string): Uint8Array => {
    try {
      return assemble(text, { validate: false });
    } catch (err) {
      throw new TextFormatError(firstWabtError(err instanceof Error ? err.message : String(err)));
    }
  };
}
// #endregion text-to-binary

/**
 * Whether wabt can read back a binary (its own output, say). wabt writes some 3.0 types
 * (typed references) in encodings its own reader rejects; a module our validator rejects is
 * only our failure when wabt's encoding of it was sound.
 */
export async function loadReadsBack(): Promise<ReadsBack> {
  const wabt = await loadWabt();
  const features = allFeatures(wabt);
  return (bytes: Uint8Array): boolean => {
    try {
      wabt.readWasm(bytes, { readDebugNames: false, ...features }).destroy();
      return true;
    } catch {
      return false;
    }
  };
}
