// Text modules become binaries through wabt, with every feature it knows switched on:
// our compiler reads only the binary format, so wabt is this project's text front-end.

import wabtInit from 'wabt';
import { TextFormatError, type TextToBinary, type ReadsBack, firstWabtError } from './textFormatError.ts';

export { TextFormatError, type TextToBinary, type ReadsBack, firstWabtError };

let wabtModule: ReturnType<typeof wabtInit> | undefined;
const loadWabt = () => (wabtModule ??= wabtInit());

// #region text-to-binary
/** Loads wabt (asynchronous; call once per process) and returns the text-to-binary function. */
export async function loadTextToBinary(): Promise<TextToBinary> {
  const wabt = await loadWabt();
  const known = (wabt as unknown as { FEATURES: Record<string, boolean> }).FEATURES;
  const features = Object.fromEntries(Object.keys(known).map((name) => [name, true]));
  return (text: string): Uint8Array => {
    let module: ReturnType<typeof wabt.parseWat> | undefined;
    try {
      module = wabt.parseWat('module.wat', text, features);
      module.resolveNames();
      return module.toBinary({}).buffer.slice();
    } catch (err) {
      throw new TextFormatError(firstWabtError(err instanceof Error ? err.message : String(err)));
    } finally {
      module?.destroy();
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
  const features = Object.fromEntries(
    Object.keys((wabt as unknown as { FEATURES: Record<string, boolean> }).FEATURES).map((name) => [name, true]),
  );
  return (bytes: Uint8Array): boolean => {
    try {
      wabt.readWasm(bytes, { readDebugNames: false, ...features }).destroy();
      return true;
    } catch {
      return false;
    }
  };
}
