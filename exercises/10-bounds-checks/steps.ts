// The input of exercise 10: a straight-line function as the steps that matter to bounds checks.

/** i32.load/store (of `size` bytes) offset=`offset` at the address in local `local`. */
export interface LocalAccess {
  kind: 'access';
  local: number;
  offset: number;
  size: 1 | 2 | 4 | 8;
}

/** The same at a constant address. */
export interface ConstantAccess {
  kind: 'constant';
  address: number;
  offset: number;
  size: 1 | 2 | 4 | 8;
}

/** local.set of local `local` (to anything). */
export interface LocalWrite {
  kind: 'write';
  local: number;
}

export type Step = LocalAccess | ConstantAccess | LocalWrite;
