// The validator's control stack as a struct of arrays: one typed array per field of a frame,
// indexed by depth (the function frame is 0). Entering a block stores a few numbers; nothing is
// allocated per frame and the garbage collector has no pointers to trace, so a million nested
// blocks cost per byte what ten do. The code generator sees a frame through a FrameView, a small
// object that reads these arrays (one per depth, reused).

import type { FuncType, ModuleInfo, ValType } from '../binary/types.ts';
import { shortBlockType, ValType as T } from '../binary/types.ts';
import { hasTypedRefs, storageFuncType } from '../binary/refTypes.ts';
import type { ControlFrame, FrameKind } from './codegenInterface.ts';

/** Block-type ids of the module's types start here; below, a one-byte block type is its own id. */
export const FIRST_TYPE_INDEX_ID = 256;
/** The block type `[] -> []` (byte 0x40). */
export const VOID_BLOCK_ID = 0x40;

/**
 * Every block type a module can use, by id: a one-byte form (0x40 or a value type) at its byte,
 * type index i at FIRST_TYPE_INDEX_ID + i. Frames store ids, not pointers.
 */
export function blockTypeTable(module: ModuleInfo): FuncType[] {
  return ONE_BYTE_BLOCK_TYPES.concat(module.types);
}
const ONE_BYTE_BLOCK_TYPES: FuncType[] = Array.from({ length: FIRST_TYPE_INDEX_ID }, () => shortBlockType(undefined));
for (const t of [T.i32, T.i64, T.f32, T.f64, T.v128, T.funcref, T.externref, T.exnref] as ValType[]) ONE_BYTE_BLOCK_TYPES[t] = shortBlockType(t);

// #region control-stack-arrays
export class ControlStack {
  /** Number of open frames. */
  size = 0;
  kind = new Uint8Array(16);
  /** The block type (function frame: the function's type), as an id into `blockTypes`. */
  typeId = new Uint32Array(16);
  /** Operand-stack height at entry, below the frame's parameters. */
  height = new Uint32Array(16);
  /** 1 once the rest of the frame is dead (after br, br_table, return or unreachable). */
  unreachable = new Uint8Array(16);
  /** 1 if the frame began in dead code: nothing in it is reported to the code generator. */
  deadAtEntry = new Uint8Array(16);
  /**
   * Byte offset of the block/loop/if opcode (function frame: the body's first byte). Only the
   * code generator reads it, so without one it is not kept (a third less memory per frame).
   */
  offset: Float64Array;

  /**
   * The block types as the code generator sees them, with storage types (binary/refTypes.ts): the
   * same array as blockTypes unless some type has a typed reference.
   */
  private storageTypes: FuncType[];
  /** Block-type ids of typed-reference block types `[] -> [t]`, made at first use, by t. */
  private readonly refIds = new Map<number, number>();

  constructor(
    readonly blockTypes: FuncType[],
    /** Whether `offset` is kept (only a code generator reads it). */
    readonly keepOffsets: boolean,
  ) {
    this.offset = new Float64Array(keepOffsets ? 16 : 0);
    this.storageTypes = blockTypes.some(hasTypedRefs) ? blockTypes.map(storageFuncType) : blockTypes;
  }

  type(depth: number): FuncType {
    return this.blockTypes[this.typeId[depth]!]!;
  }
  /** The code generator's block type of the frame at `depth`: storage types only. */
  storageType(depth: number): FuncType {
    return this.storageTypes[this.typeId[depth]!]!;
  }

  /** The block-type id of `[] -> [t]` for a typed reference t (ids after the module's types). */
  refBlockType(t: ValType): number {
    let id = this.refIds.get(t);
    if (id === undefined) {
      id = this.blockTypes.length;
      this.refIds.set(t, id);
      const type = shortBlockType(t);
      if (this.storageTypes === this.blockTypes) this.storageTypes = this.blockTypes.slice();
      this.blockTypes.push(type);
      this.storageTypes.push(storageFuncType(type));
    }
    return id;
  }

  /** Open a frame; returns its depth. */
  push(kind: FrameKind, typeId: number, height: number, offset: number, deadAtEntry: boolean): number {
    const d = this.size;
    if (d === this.kind.length) this.grow();
    this.kind[d] = kind;
    this.typeId[d] = typeId;
    this.height[d] = height;
    this.unreachable[d] = 0;
    this.deadAtEntry[d] = deadAtEntry ? 1 : 0;
    if (this.keepOffsets) this.offset[d] = offset;
    this.size = d + 1;
    return d;
  }

  /** Doubling: amortized constant time per frame. */
  private grow(): void {
    const n = this.kind.length * 2;
    const widen = <A extends Uint8Array | Uint32Array | Float64Array>(old: A, bigger: A): A => (bigger.set(old), bigger);
    this.kind = widen(this.kind, new Uint8Array(n));
    this.typeId = widen(this.typeId, new Uint32Array(n));
    this.height = widen(this.height, new Uint32Array(n));
    this.unreachable = widen(this.unreachable, new Uint8Array(n));
    this.deadAtEntry = widen(this.deadAtEntry, new Uint8Array(n));
    if (this.keepOffsets) this.offset = widen(this.offset, new Float64Array(n));
  }

  /**
   * The code generator's view of the frame at `depth` (reads the arrays: valid until that frame is
   * closed). One view per depth, made once: it serves every frame that will sit at that depth.
   */
  view(depth: number): ControlFrame {
    // At most 27 bytecodes, so that V8 inlines it wherever it is called (whatever budget is left).
    return this.views[depth] ?? this.newViews(depth);
  }
  private newViews(depth: number): ControlFrame {
    const views = this.views;
    while (views.length <= depth) views.push(new FrameView(this, views.length));
    return views[depth]!;
  }
  private readonly views: FrameView[] = [];
}
// #endregion control-stack-arrays

class FrameView implements ControlFrame {
  constructor(
    private readonly stack: ControlStack,
    readonly depth: number,
  ) {}
  get kind(): FrameKind {
    return this.stack.kind[this.depth] as FrameKind;
  }
  get type(): FuncType {
    return this.stack.storageType(this.depth);
  }
  get height(): number {
    return this.stack.height[this.depth]!;
  }
  get unreachable(): boolean {
    return this.stack.unreachable[this.depth] === 1;
  }
  get offset(): number {
    return this.stack.offset[this.depth]!;
  }
}
