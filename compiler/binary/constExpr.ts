// Constant expressions (global initializers, segment offsets, element items): in WebAssembly 2.0
// exactly one constant instruction followed by `end`; with extended constants (3.0) also i32/i64
// add, sub and mul. The decoder reads them here; the validator then checks their types and the
// indices they name.

import { unsupported } from '../errors.ts';
import type { Reader } from './reader.ts';
import type { ConstArith, ConstExpr, ConstInstr, GcConstInstr } from './types.ts';
import { gcHeapUse, gcUse } from './refTypes.ts';
import { operatorInfo, UNSUPPORTED_PREFIXES } from './operators.ts';
import { readHeapType, type TypeContext } from './valueTypes.ts';

// #region const-expr-reader
const ARITH: Readonly<Record<number, ConstArith>> = {
  0x6a: { op: 'i32.add' }, 0x6b: { op: 'i32.sub' }, 0x6c: { op: 'i32.mul' },
  0x7c: { op: 'i64.add' }, 0x7d: { op: 'i64.sub' }, 0x7e: { op: 'i64.mul' },
};

/**
 * Reads instructions up to `end` (`canon`: the module's canonical types, for `ref.null $t`). The stack's depth is checked here (one value at the end, two
 * under each operator); the types of the values are the validator's business.
 */
export function readConstExpr(r: Reader, types?: TypeContext): ConstExpr {
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
    const e = readConstInstr(r, op, at, types);
    const pops = constOperandCount(e, types);
    if (depth < pops) throw r.error('type mismatch', at);
    depth += 1 - pops;
    if (first === undefined) first = e;
    else (code ??= [first]).push(e);
  }
}

function readConstInstr(r: Reader, op: number, at: number, types: TypeContext | undefined): ConstInstr {
  switch (op) {
    case 0x41: return { op: 'i32.const', value: r.s32() };
    case 0x42:
      r.i64();
      return { op: 'i64.const', value: (BigInt(r.high) << 32n) | BigInt(r.low >>> 0) };
    case 0x43: return { op: 'f32.const', bits: r.u32Fixed() };
    case 0x44:
      r.u64Fixed();
      return { op: 'f64.const', bits: (BigInt(r.high >>> 0) << 32n) | BigInt(r.low >>> 0) };
    case 0xd0: return { op: 'ref.null', type: readHeapType(r, types) };
    case 0xd2: return { op: 'ref.func', func: r.u32() };
    case 0x23: return { op: 'global.get', global: r.u32() };
    case 0xfb: return readGcConstInstr(r, at, types);
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

// #region gc-const-instrs
/** GC's constant instructions (0xfb prefix); its other operators are not constant. */
function readGcConstInstr(r: Reader, at: number, types: TypeContext | undefined): GcConstInstr {
  const sub = r.u32();
  gcUse.count++;
  if (sub < 0x1a || sub > 0x1c) gcHeapUse.count++; // all but the conversions and ref.i31 make objects
  const typeIndex = (): number => {
    const typeAt = r.pos;
    const index = r.u32();
    if (types === undefined || index >= types.canonicalTypes.length) throw r.error(`unknown type ${index}`, typeAt);
    return index;
  };
  switch (sub) {
    case 0x00: return { op: 'struct.new', type: typeIndex() };
    case 0x01: return { op: 'struct.new_default', type: typeIndex() };
    case 0x20: return { op: 'struct.new_desc', type: typeIndex() };
    case 0x21: return { op: 'struct.new_default_desc', type: typeIndex() };
    case 0x06: return { op: 'array.new', type: typeIndex() };
    case 0x07: return { op: 'array.new_default', type: typeIndex() };
    case 0x08: return { op: 'array.new_fixed', type: typeIndex(), count: r.u32() };
    case 0x1c: return { op: 'ref.i31' };
    case 0x1a: return { op: 'any.convert_extern' };
    case 0x1b: return { op: 'extern.convert_any' };
  }
  if (operatorInfo((0xfb << 12) | sub)) throw r.error('constant expression required', at);
  throw r.error('illegal opcode', at);
}

/** How many values a constant instruction takes from the stack (a struct.new of a non-struct type: none, the validator rejects it). */
export function constOperandCount(e: ConstInstr, types: TypeContext | undefined): number {
  switch (e.op) {
    case 'struct.new': return types?.typeDefs[e.type]?.kind === 'struct' ? types.typeDefs[e.type]!.fields.length : 0;
    case 'struct.new_desc': return types?.typeDefs[e.type]?.kind === 'struct' ? types.typeDefs[e.type]!.fields.length + 1 : 1;
    case 'struct.new_default_desc': return 1;
    case 'array.new': return 2;
    case 'array.new_fixed': return e.count;
    case 'array.new_default': case 'ref.i31': case 'any.convert_extern': case 'extern.convert_any': return 1;
    default: return 0;
  }
}
// #endregion gc-const-instrs
