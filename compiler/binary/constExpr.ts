// Constant expressions (global initializers, segment offsets, element items): in WebAssembly 2.0
// exactly one constant instruction followed by `end`; with extended constants (3.0) also i32/i64
// add, sub and mul. The decoder reads them here; the validator then checks their types and the
// indices they name.

import { unsupported } from '../errors.ts';
import type { Reader } from './reader.ts';
import type { ConstArith, ConstExpr, ConstInstr } from './types.ts';
import { operatorInfo, UNSUPPORTED_PREFIXES } from './operators.ts';
import { readHeapType } from './valueTypes.ts';

// #region const-expr-reader
const ARITH: Readonly<Record<number, ConstArith>> = {
  0x6a: { op: 'i32.add' }, 0x6b: { op: 'i32.sub' }, 0x6c: { op: 'i32.mul' },
  0x7c: { op: 'i64.add' }, 0x7d: { op: 'i64.sub' }, 0x7e: { op: 'i64.mul' },
};

/**
 * Reads instructions up to `end` (`canon`: the module's canonical types, for `ref.null $t`). The stack's depth is checked here (one value at the end, two
 * under each operator); the types of the values are the validator's business.
 */
export function readConstExpr(r: Reader, canon?: readonly number[]): ConstExpr {
  let first: ConstInstr | undefined;
  let code: (ConstInstr | ConstArith)[] | undefined; // only for expressions of more than one instruction
  let depth = 0;
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    if (op === 0x0b) {
      if (depth !== 1) throw r.error('type mismatch', at);
      return code ? { op: 'extended', code } : first!;
    }
    const arith = ARITH[op];
    if (arith) {
      if (depth < 2) throw r.error('type mismatch', at);
      depth--;
      code!.push(arith);
      continue;
    }
    const e = readConstInstr(r, op, at, canon);
    depth++;
    if (first === undefined) first = e;
    else (code ??= [first]).push(e);
  }
}

function readConstInstr(r: Reader, op: number, at: number, canon: readonly number[] | undefined): ConstInstr {
  switch (op) {
    case 0x41: return { op: 'i32.const', value: r.s32() };
    case 0x42:
      r.i64();
      return { op: 'i64.const', value: (BigInt(r.high) << 32n) | BigInt(r.low >>> 0) };
    case 0x43: return { op: 'f32.const', bits: r.u32Fixed() };
    case 0x44:
      r.u64Fixed();
      return { op: 'f64.const', bits: (BigInt(r.high >>> 0) << 32n) | BigInt(r.low >>> 0) };
    case 0xd0: return { op: 'ref.null', type: readHeapType(r, canon) };
    case 0xd2: return { op: 'ref.func', func: r.u32() };
    case 0x23: return { op: 'global.get', global: r.u32() };
    case 0xfd: {
      const sub = r.u32();
      // Copied: the ConstExpr is kept with the module, the bytes it was read from may not be.
      if (sub === 0x0c) return { op: 'v128.const', bytes: r.bytesOf(16).slice() };
      const info = operatorInfo((0xfd << 12) | sub);
      if (info?.family === 'unsupported') throw unsupported(info.proposal, r.base + at);
      if (info) throw r.error('constant expression required', at);
      throw r.error('illegal opcode', at);
    }
    default: {
      const prefixed = UNSUPPORTED_PREFIXES[op as keyof typeof UNSUPPORTED_PREFIXES];
      if (prefixed) throw unsupported(prefixed, r.base + at);
      if (op === 0xfc || op === 0xfe) { // bulk memory and the like; threads' atomics
        const sub = r.u32();
        if (operatorInfo((op << 12) | sub)) throw r.error('constant expression required', at);
        throw r.error('illegal opcode', at);
      }
      const info = operatorInfo(op);
      if (info?.family === 'unsupported') throw unsupported(info.proposal, r.base + at);
      if (info) throw r.error('constant expression required', at);
      throw r.error('illegal opcode', at);
    }
  }
}
// #endregion const-expr-reader
