// GC's objects made by constant expressions (global initializers, element segments), at
// instantiation: struct.new, struct.new_default, array.new, array.new_default, array.new_fixed
// (and custom descriptors' struct.new_desc, struct.new_default_desc).
// The operands come as bits (extendedConst.ts); each is written in its field's width. The caller
// holds collection off (heap.noCollection) while the words are in JS hands.

import { fieldSize, GC_HEADER, structLayoutOf } from '../abi/gcObjects.ts';
import { RuntimeError } from '../errors.ts';
import { TrapCode, trapMessage } from '../abi/index.ts';
import type { GcConstInstr, ModuleInfo } from '../binary/types.ts';
import { allocateArray, allocateStruct } from './gcBuiltins.ts';
import { getGcHeap } from './gcHeap.ts';

/** Write the low `size` bytes of `bits` at `address`, little-endian. */
function writeBits(address: number, size: number, bits: bigint): void {
  const bytes = getGcHeap().bytes(address, size);
  let v = BigInt.asUintN(size * 8, bits);
  for (let k = 0; k < size; k++, v >>= 8n) bytes[k] = Number(v & 0xffn);
}

/** An address, or the trap a negative result names (a constant expression that traps stops instantiation). */
function checked(address: number): number {
  if (address < 0) throw new RuntimeError(trapMessage(-address));
  return address;
}

// #region gc-const-object
/** The address of the object `e` makes from `operands` (in stack order) for a module's instance. */
export function constObject(module: ModuleInfo, e: GcConstInstr, operands: readonly bigint[]): number {
  switch (e.op) {
    case 'struct.new': case 'struct.new_default': case 'struct.new_desc': case 'struct.new_default_desc': {
      const def = module.typeDefs[e.type]!;
      const layout = structLayoutOf(def);
      // Custom descriptors: the descriptor comes last, and must not be null.
      const withDesc = e.op === 'struct.new_desc' || e.op === 'struct.new_default_desc';
      const descriptor = withDesc ? operands[operands.length - 1]! : 0n;
      if (withDesc && descriptor === 0n) throw new RuntimeError(trapMessage(TrapCode.nullDescriptorReference));
      const address = checked(allocateStruct(module, e.type));
      if (e.op === 'struct.new' || e.op === 'struct.new_desc') {
        def.fields.forEach((f, k) => writeBits(address + layout.offsets[k]!, fieldSize(f.type), operands[k]!));
      }
      if (withDesc) writeBits(address + layout.descriptor, 8, descriptor);
      return address;
    }
    case 'array.new': case 'array.new_default': case 'array.new_fixed': {
      const size = fieldSize(module.typeDefs[e.type]!.fields[0]!.type);
      const length = e.op === 'array.new_fixed' ? e.count : Number(BigInt.asUintN(32, operands[operands.length - 1]!));
      const address = checked(allocateArray(module, e.type, length));
      for (let k = 0; k < length && e.op !== 'array.new_default'; k++) {
        writeBits(address + GC_HEADER.SIZE + k * size, size, e.op === 'array.new' ? operands[0]! : operands[k]!);
      }
      return address;
    }
    default: throw new Error(`${e.op} makes no object`);
  }
}
// #endregion gc-const-object
