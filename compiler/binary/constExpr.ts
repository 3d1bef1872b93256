// Constant expressions (global initializers, segment offsets, element items): in WebAssembly 2.0
// exactly one constant instruction followed by `end`. The decoder reads them here; the
// validator then checks their type and the indices they name.

import { unsupported } from '../errors.ts';
import type { Reader } from './reader.ts';
import type { ConstExpr } from './types.ts';
import { operatorInfo, UNSUPPORTED_PREFIXES } from './operators.ts';
import { readHeapType } from './valueTypes.ts';

// #region const-expr-reader
export function readConstExpr(r: Reader): ConstExpr {
  let expr: ConstExpr | undefined;
  let count = 0;
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    let e: ConstExpr;
    switch (op) {
      case 0x0b:
        if (count !== 1 || expr === undefined) throw r.error('type mismatch', at);
        return expr;
      case 0x41: e = { op: 'i32.const', value: r.s32() }; break;
      case 0x42:
        r.i64();
        e = { op: 'i64.const', value: (BigInt(r.high) << 32n) | BigInt(r.low >>> 0) };
        break;
      case 0x43: e = { op: 'f32.const', bits: r.u32Fixed() }; break;
      case 0x44:
        r.u64Fixed();
        e = { op: 'f64.const', bits: (BigInt(r.high >>> 0) << 32n) | BigInt(r.low >>> 0) };
        break;
      case 0xd0: e = { op: 'ref.null', type: readHeapType(r) }; break;
      case 0xd2: e = { op: 'ref.func', func: r.u32() }; break;
      case 0x23: e = { op: 'global.get', global: r.u32() }; break;
      case 0xfd: {
        const sub = r.u32();
        if (sub === 0x0c) {
          // Copied: the ConstExpr is kept with the module, the bytes it was read from may not be.
          e = { op: 'v128.const', bytes: r.bytesOf(16).slice() };
          break;
        }
        const info = operatorInfo((0xfd << 12) | sub);
        if (info?.family === 'unsupported') throw unsupported(info.proposal, r.base + at);
        if (info) throw r.error('constant expression required', at);
        throw r.error('illegal opcode', at);
      }
      // i32/i64 add, sub, mul: the extended-const proposal.
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e:
        throw unsupported('extended-const', r.base + at);
      default: {
        const prefixed = UNSUPPORTED_PREFIXES[op as keyof typeof UNSUPPORTED_PREFIXES];
        if (prefixed) throw unsupported(prefixed, r.base + at);
        if (op === 0xfc) {
          const sub = r.u32();
          if (operatorInfo((0xfc << 12) | sub)) throw r.error('constant expression required', at);
          throw r.error('illegal opcode', at);
        }
        const info = operatorInfo(op);
        if (info?.family === 'unsupported') throw unsupported(info.proposal, r.base + at);
        if (info) throw r.error('constant expression required', at);
        throw r.error('illegal opcode', at);
      }
    }
    expr = e;
    count++;
  }
}
// #endregion const-expr-reader
