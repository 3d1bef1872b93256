// Text modules become binaries through wabt, with every feature it knows switched on:
// our compiler reads only the binary format, so wabt is this project's text front-end.

import wabtInit from 'wabt';

/** Turns a `(module ...)` text into its binary; throws TextFormatError. */
export type TextToBinary = (text: string) => Uint8Array;

export class TextFormatError extends Error {
  override name = 'TextFormatError';
}

/** wabt's error text without its file:line:col prefix and source excerpt: the first message only. */
export function firstWabtError(message: string): string {
  for (const line of message.split('\n')) {
    const m = /^[^:\n]*:\d+:\d+: error: (.*)$/.exec(line);
    if (m) return m[1]!;
  }
  return message.split('\n').find((l) => l.trim() !== '' && !l.startsWith('parseWat failed')) ?? message;
}

// #region text-to-binary
/** Loads wabt (asynchronous, once) and returns the text-to-binary function. */
export async function loadTextToBinary(): Promise<TextToBinary> {
  const wabt = await wabtInit();
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
