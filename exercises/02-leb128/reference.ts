// The reference solution: the compiler's own Reader (compiler/binary/reader.ts).
import { Reader } from '../../compiler/binary/reader.ts';
import { CompileError } from '../../compiler/errors.ts';
import type { Read } from './leb128.ts';

function via(bytes: Uint8Array, pos: number, read: (r: Reader) => number): Read {
  const reader = new Reader(bytes, pos, bytes.length, 0, 'unexpected end');
  try {
    const value = read(reader);
    return { value, next: reader.pos };
  } catch (e) {
    // The exercise asks for the spec's wording alone, without the byte offset.
    if (e instanceof CompileError) throw new Error(e.reason);
    throw e;
  }
}

export const readU32 = (bytes: Uint8Array, pos: number): Read => via(bytes, pos, (r) => r.u32());
export const readS32 = (bytes: Uint8Array, pos: number): Read => via(bytes, pos, (r) => r.s32());
