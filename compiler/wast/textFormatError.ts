// What the runner needs to know of the text front-end, without loading wabt itself
// (so the runner stays light in a browser bundle). Browser-safe.

/** Turns a `(module ...)` text into its binary; throws TextFormatError. */
export type TextToBinary = (text: string) => Uint8Array;

/** Whether the text front-end can read a binary back (see textFormat.ts). */
export type ReadsBack = (bytes: Uint8Array) => boolean;

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
