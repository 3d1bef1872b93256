// Compiles the rows of the encoding table into `Form` records the engine can use without
// re-reading strings: operand shapes as small numbers, prefix and opcode bytes, where ModRM,
// the immediate and the register-in-opcode come from. Done once, when the module loads.

import { ENCODINGS, type EncodingRow } from './encodingTable.ts';

// #region shapes
/** Operand shapes, as the table spells them. */
export enum Shape {
  R8, R16, R32, R64,
  RM8, RM16, RM32, RM64,
  M,
  XMM, XMM_M16, XMM_M32, XMM_M64, XMM_M128,
  M32, M64, M128, M8, M16,
  R32_M8, R32_M16,
  AL, AX, EAX, RAX, CL,
  IMM8, IMM16, IMM32, IMM64, U8, ONE,
  REL8, REL32,
}
// #endregion shapes

const shapeNames: Record<string, Shape> = {
  r8: Shape.R8, r16: Shape.R16, r32: Shape.R32, r64: Shape.R64,
  'r/m8': Shape.RM8, 'r/m16': Shape.RM16, 'r/m32': Shape.RM32, 'r/m64': Shape.RM64,
  m: Shape.M, m8: Shape.M8, m16: Shape.M16, m32: Shape.M32, m64: Shape.M64, m128: Shape.M128, 'r32/m8': Shape.R32_M8, 'r32/m16': Shape.R32_M16,
  xmm: Shape.XMM, 'xmm/m16': Shape.XMM_M16, 'xmm/m32': Shape.XMM_M32, 'xmm/m64': Shape.XMM_M64, 'xmm/m128': Shape.XMM_M128,
  al: Shape.AL, ax: Shape.AX, eax: Shape.EAX, rax: Shape.RAX, cl: Shape.CL,
  imm8: Shape.IMM8, imm16: Shape.IMM16, imm32: Shape.IMM32, imm64: Shape.IMM64, u8: Shape.U8, '1': Shape.ONE,
  rel8: Shape.REL8, rel32: Shape.REL32,
};

/** Width in bits a shape fixes for its operand (0: none). */
export function shapeWidth(s: Shape): number {
  switch (s) {
    case Shape.R8: case Shape.RM8: case Shape.AL: case Shape.CL: return 8;
    case Shape.R16: case Shape.RM16: case Shape.AX: return 16;
    case Shape.R32: case Shape.RM32: case Shape.EAX: return 32;
    case Shape.R64: case Shape.RM64: case Shape.RAX: return 64;
    default: return 0;
  }
}
export const isRegisterShape = (s: Shape): boolean => s <= Shape.R64 || s === Shape.XMM || (s >= Shape.AL && s <= Shape.CL);
export const isRegOrMemShape = (s: Shape): boolean => (s >= Shape.RM8 && s <= Shape.M) || (s >= Shape.XMM_M16 && s <= Shape.R32_M16);
export const isImmediateShape = (s: Shape): boolean => s >= Shape.IMM8 && s <= Shape.ONE;
export const isGprShape = (s: Shape): boolean => s <= Shape.RM64 || (s >= Shape.AL && s <= Shape.CL);

// #region form
/** The VEX prefix fields a form fixes: pp (0 none, 1 66, 2 F3, 3 F2), the opcode map (1 0F, 2 0F38, 3 0F3A), W and L. */
export interface Vex {
  readonly pp: number;
  readonly map: number;
  readonly w: boolean;
  readonly l: number;
}

/** One encoding form, ready for the engine. */
export interface Form {
  readonly mnemonic: string;
  /** The row as written, e.g. ['add r/m64, imm8', 'REX.W 83 /0 ib']. */
  readonly row: EncodingRow;
  readonly shapes: readonly Shape[];
  /** 66/F2/F3/F0 (lock) bytes that precede REX. */
  readonly prefixes: readonly number[];
  /** For VEX-encoded forms (AVX, BMI): the fields of the VEX prefix; null for legacy forms. */
  readonly vex: Vex | null;
  /** Operand index in VEX.vvvv (the extra source register); -1 if none. */
  readonly vvvvOperand: number;
  readonly rexW: boolean;
  readonly opcode: readonly number[];
  /** What is added to the last opcode byte: a register number (+r) or a condition (+cc). */
  readonly plus: 'r' | 'cc' | null;
  /** ModRM: -1 none, 0..7 a /digit, 8 the /r register operand. */
  readonly modrm: number;
  /** Operand index in the ModRM.rm field, in the ModRM.reg field (/r), in the opcode (+r); -1 if none. */
  readonly rmOperand: number;
  readonly regOperand: number;
  readonly plusOperand: number;
  /** Immediate (ib/iw/id/io) or branch displacement (cb/cd) size in bytes, and its operand. */
  readonly immBytes: number;
  readonly immOperand: number;
  readonly isRel: boolean;
  /** Operand size in bits that immediates are sign-extended to (8/16/32/64). */
  readonly opSize: number;
  /**
   * May a memory operand without a size stand in the r/m position? Yes when its width is not in
   * doubt: another operand is a general register of the same width, or no other form of this
   * mnemonic has a general r/m operand of a different width in the same position.
   */
  unsizedMemOk: boolean;
  /** Encoded length when it does not depend on the operands (no ModRM); else -1. */
  readonly fixedLength: number;
}
// #endregion form

const PREFIX_BYTES = new Set([0x66, 0xf2, 0xf3, 0xf0]);
/** Instructions whose operand size is 64 bits by default in long mode. */
const STACK_OR_BRANCH = new Set(['push', 'pop', 'jmp', 'jcc', 'call', 'ret']);

export function compileForm(row: EncodingRow): Form {
  const [form, opcodeText, operandEncoding] = row;
  // 'rep movsb', 'lock xadd': the rep or lock prefix is part of the mnemonic.
  const space = form.startsWith('rep ') || form.startsWith('lock ') ? form.indexOf(' ', form.indexOf(' ') + 1) : form.indexOf(' ');
  const mnemonic = space < 0 ? form : form.slice(0, space);
  const shapeText = space < 0 ? [] : form.slice(space + 1).split(',').map((s) => s.trim());
  const shapes = shapeText.map((s) => {
    const shape = shapeNames[s];
    if (shape === undefined) throw new Error(`encoding table: unknown operand shape '${s}' in '${form}'`);
    return shape;
  });

  // #region row-parser
  const prefixes: number[] = [];
  const opcode: number[] = [];
  let rexW = false;
  let plus: 'r' | 'cc' | null = null;
  let modrm = -1;
  let immBytes = 0;
  let isRel = false;
  let vex: Vex | null = null;
  for (const token of opcodeText.split(/\s+/)) {
    if (token.startsWith('VEX.')) vex = parseVex(token, form);
    else if (token === 'REX.W') rexW = true;
    else if (/^\/[0-7]$/.test(token)) modrm = Number(token[1]);
    else if (token === '/r') modrm = 8;
    else if (token === 'ib' || token === 'iw' || token === 'id' || token === 'io') immBytes = { ib: 1, iw: 2, id: 4, io: 8 }[token];
    else if (token === 'cb' || token === 'cd') (immBytes = token === 'cb' ? 1 : 4), (isRel = true);
    else {
      const m = /^([0-9A-F]{2})(\+r|\+cc)?$/.exec(token);
      if (!m) throw new Error(`encoding table: bad opcode token '${token}' in '${form}'`);
      const byte = parseInt(m[1]!, 16);
      if (opcode.length === 0 && !rexW && !vex && PREFIX_BYTES.has(byte) && m[2] === undefined) prefixes.push(byte);
      else opcode.push(byte);
      if (m[2]) plus = m[2] === '+r' ? 'r' : 'cc';
    }
  }
  // An opcode that is only a prefix byte (e.g. '66 99' is cwd: 66 is a prefix, 99 the opcode) is fine;
  // a row whose every byte looked like a prefix would be a table mistake.
  if (opcode.length === 0) throw new Error(`encoding table: no opcode in '${form}'`);
  // #endregion row-parser

  let rmOperand = -1;
  let regOperand = -1;
  let vvvvOperand = -1;
  if (operandEncoding !== undefined) {
    // An explicit operand encoding (the SDM's Op/En column: R reg, M rm, V vvvv, I immediate).
    if (operandEncoding.length !== shapes.length) throw new Error(`encoding table: operand encoding '${operandEncoding}' does not fit '${form}'`);
    rmOperand = operandEncoding.indexOf('M');
    regOperand = operandEncoding.indexOf('R');
    vvvvOperand = operandEncoding.indexOf('V');
  } else if (modrm >= 0) {
    // The r/m operand is the one that may be memory. In register-only forms it is the last
    // register for /r (movmskps r32, xmm: the SDM's "RM") and the only one for /digit (psllw xmm, 1).
    const registers = shapes.map((s, i) => (isRegisterShape(s) ? i : -1)).filter((i) => i >= 0);
    rmOperand = shapes.findIndex(isRegOrMemShape);
    if (rmOperand < 0) rmOperand = (modrm === 8 ? registers.at(-1) : registers[0]) ?? -1;
    if (modrm === 8) regOperand = shapes.findIndex((s, i) => i !== rmOperand && (isRegisterShape(s) || isRegOrMemShape(s)));
    // VEX.vvvv holds the one register operand that is neither ModRM.reg nor ModRM.rm.
    if (vex) vvvvOperand = shapes.findIndex((s, i) => i !== rmOperand && i !== regOperand && (isRegisterShape(s) || isRegOrMemShape(s)));
  }
  if (modrm >= 0 && rmOperand < 0) throw new Error(`encoding table: ModRM needs an r/m operand in '${form}'`);
  if (modrm === 8 && regOperand < 0) throw new Error(`encoding table: /r needs a register operand in '${form}'`);
  const plusOperand = plus === 'r' ? shapes.findIndex((s) => s <= Shape.R64) : -1;
  if (plus === 'r' && plusOperand < 0) throw new Error(`encoding table: +r needs a register operand in '${form}'`);
  const immOperand = shapes.findIndex((s) => isImmediateShape(s) || s === Shape.REL8 || s === Shape.REL32);
  const opSize = rexW || vex?.w ? 64 : Math.max(0, ...shapes.map(shapeWidth)) || (prefixes.includes(0x66) ? 16 : 32);
  const rmShape = rmOperand >= 0 ? shapes[rmOperand]! : undefined;
  const unsizedMemOk =
    rmShape !== undefined &&
    (!isGprShape(rmShape) || shapes.some((s, i) => i !== rmOperand && isGprShape(s) && shapeWidth(s) === shapeWidth(rmShape)));
  // +r forms (push/pop/xchg/mov) and plain opcodes have a length known from the row; REX for r8-r15 adds one.
  const fixedLength = modrm < 0 && plus !== 'r' ? prefixes.length + (rexW ? 1 : 0) + opcode.length + immBytes : -1;
  return {
    mnemonic, row, shapes, prefixes, vex, vvvvOperand, rexW, opcode, plus, modrm, rmOperand, regOperand, plusOperand,
    immBytes, immOperand, isRel, opSize: STACK_OR_BRANCH.has(mnemonic) ? 64 : opSize,
    unsizedMemOk, fixedLength,
  };
}

/** 'VEX.LIG.F3.0F.WIG' -> the fields it fixes (the SDM's notation; only 128-bit and scalar forms). */
function parseVex(token: string, form: string): Vex {
  let pp = 0, map = 0, w = false, l = -1;
  for (const part of token.split('.').slice(1)) {
    if (part === 'LIG' || part === 'LZ' || part === 'L0' || part === '128') l = 0;
    else if (part === '66') pp = 1;
    else if (part === 'F3') pp = 2;
    else if (part === 'F2') pp = 3;
    else if (part === '0F') map = 1;
    else if (part === '0F38') map = 2;
    else if (part === '0F3A') map = 3;
    else if (part === 'W0' || part === 'WIG') w = false;
    else if (part === 'W1') w = true;
    else throw new Error(`encoding table: unsupported VEX field '${part}' in '${form}'`);
  }
  if (map === 0 || l < 0) throw new Error(`encoding table: VEX needs an opcode map and a length in '${form}'`);
  return { pp, map, w, l };
}

/** Every form of the table, in table order. */
export const FORMS: readonly Form[] = ENCODINGS.map(compileForm);
/** Each form's place in FORMS. */
const FORM_NUMBER = new Map(FORMS.map((f, i) => [f, i]));

/** Forms grouped by mnemonic, in table order (so the first that fits is the shortest). */
export const FORMS_BY_MNEMONIC: ReadonlyMap<string, readonly Form[]> = (() => {
  const map = new Map<string, Form[]>();
  for (const f of FORMS) {
    let list = map.get(f.mnemonic);
    if (!list) map.set(f.mnemonic, (list = []));
    list.push(f);
  }
  // A form whose width comes only from its r/m operand admits unsized memory only if no sibling
  // form would read the same memory operand at another width.
  for (const list of map.values()) {
    for (const f of list) {
      if (f.unsizedMemOk || f.rmOperand < 0) continue;
      const width = shapeWidth(f.shapes[f.rmOperand]!);
      f.unsizedMemOk = !list.some(
        (g) => g !== f && g.rmOperand === f.rmOperand && isGprShape(g.shapes[g.rmOperand]!) && shapeWidth(g.shapes[g.rmOperand]!) !== width,
      );
    }
  }
  return map;
})();

// #region dispatch
/**
 * Coarse operand classes for fast form selection: the forms of a mnemonic are pre-sorted into
 * buckets by the classes of the first two operands, so `emit` tries only the forms that could fit.
 */
const CLASS_COUNT = 9;

/** 0 none, 1-4 gpr8/16/32/64, 5 xmm, 6 memory, 7 immediate, 8 label or external. */
export function operandClass(op: unknown): number {
  if (op === undefined) return 0;
  if (typeof op === 'number' || typeof op === 'bigint') return 7;
  switch ((op as { kind: string }).kind) {
    case 'gpr': {
      const size = (op as { size: number }).size;
      return size === 64 ? 4 : size === 32 ? 3 : size === 16 ? 2 : 1;
    }
    case 'xmm': return 5;
    case 'mem': return 6;
    default: return 8;
  }
}

function shapeTakesClass(s: Shape | undefined, cls: number): boolean {
  if (s === undefined) return cls === 0;
  switch (cls) {
    case 1: case 2: case 3: case 4: {
      const width = 8 << (cls - 1);
      return (isGprShape(s) && shapeWidth(s) === width) || (width === 32 && (s === Shape.R32_M8 || s === Shape.R32_M16));
    }
    case 5: return s === Shape.XMM || (s >= Shape.XMM_M16 && s <= Shape.XMM_M128);
    case 6: return isRegOrMemShape(s);
    case 7: return isImmediateShape(s);
    case 8: return s === Shape.REL8 || s === Shape.REL32;
    default: return false;
  }
}

// #region selection-cache
/**
 * Exact operand classes for the selection cache: classes within which every operand is accepted
 * by exactly the same forms, so the first form that fits is a function of the classes alone.
 * -1: the choice may depend on the value itself (a non-integer or a bigint), never cached.
 *   0        no operand
 *   1..12    a general register, by width (8, 16, 32, 64) and number: 0 (al, ax, eax, rax have
 *            forms of their own, and xchg's 90+r means nop with it), 1 (cl: shift counts), or any other
 *   13       an xmm register
 *   14..19   memory, by access width (0 unsized, 8, 16, 32, 64, 128)
 *   20..25   an immediate: 1 | 0..127 | -128..-1 | 128..255 | the rest of int16 | the rest of int32
 *            outside 32768..65535
 *   26       a label not bound yet (only rel32 forms take it), 27 an external target
 *   28, 29   a bound label within rel8 reach of the end of a rel8 form placed here, or beyond it
 *   30..34   an immediate: 0xFFFFFF80..0xFFFFFFFF (imm8 as a 32-bit operation) | the rest of
 *            2^31..2^32-1 | 0xFF80..0xFFFF (imm8 as a 16-bit operation) | the rest of 32768..65535 |
 *            any other safe integer (only 64-bit immediates hold it)
 * Which immediates an instruction takes depends on its operand size (immediates.ts), hence the
 * ranges: in each, every value fits the same fields at every operand size. Few classes keep the
 * cache small: a lookup then stays in the processor's cache.
 */
export const EXACT_CLASSES = 35;

/** The length of every rel8 form of the table (they all have one: opcode and displacement), else 0. */
const REL8_LENGTH = ((): number => {
  const lengths = new Set(FORMS.filter((f) => f.shapes.includes(Shape.REL8)).map((f) => f.fixedLength));
  return lengths.size === 1 ? Math.max(0, [...lengths][0]!) : 0;
})();

/** `here`: the offset the instruction will start at (a bound label's reach depends on it). */
export function exactClass(op: unknown, here: number): number {
  if (op === undefined) return 0;
  if (typeof op === 'number') {
    if ((op | 0) === op) {
      if (op >= -128) {
        if (op <= 127) return op === 1 ? 20 : op >= 0 ? 21 : 22;
        if (op <= 255) return 23;
      }
      if (op >= -0x8000 && op <= 0x7fff) return 24;
      if (op < 0x8000 || op > 0xffff) return 25;
      return op >= 0xff80 ? 32 : 33;
    }
    if ((op >>> 0) === op) return op >= 0xffffff80 ? 30 : 31;
    return Number.isSafeInteger(op) ? 34 : -1;
  }
  if (typeof op !== 'object') return -1;
  const o = op as { kind: string; size: number; num: number; offset: number };
  switch (o.kind) {
    case 'gpr': return (28 - Math.clz32(o.size)) * 3 + (o.num < 2 ? o.num : 2) + 1;
    case 'xmm': return 13;
    case 'mem': return o.size === 0 ? 14 : 14 + 29 - Math.clz32(o.size);
    case 'label': {
      if (o.offset < 0) return 26;
      if (REL8_LENGTH === 0) return -1;
      const d = o.offset - (here + REL8_LENGTH);
      return d >= -128 && d <= 127 ? 28 : 29;
    }
    case 'external': return 27;
    default: return -1;
  }
}
// #endregion selection-cache

/** The forms of one mnemonic bucketed by operand classes; `bucket(a, b)` lists those that may fit. */
export class Dispatch {
  /**
   * The form chosen for one- and two-operand class pairs (index a*EXACT_CLASSES+b), as 1 + its
   * place in FORMS (0: not chosen yet); made on first use.
   */
  private pairs: Uint16Array | null = null;
  /** The same for three and four operands. */
  private readonly longer = new Map<number, Form>();
  /**
   * Made on the first bucket() call: instructions.ts makes a Dispatch for every mnemonic when it
   * loads, and bucketing them all there cost about 45 ms of CPU at the start of every process.
   */
  private buckets: (readonly Form[])[] | null = null;
  /** Register-only operands may fit two VEX forms of different lengths (vmovaps load vs store form). */
  readonly hasAlternatives: boolean;
  constructor(readonly mnemonic: string, private readonly forms: readonly Form[]) {
    this.hasAlternatives = forms.filter((f) => f.vex !== null && f.shapes.every((s) => s === Shape.XMM || isRegOrMemShape(s))).length > 1;
  }
  bucket(a: unknown, b: unknown): readonly Form[] {
    return (this.buckets ??= this.bucketForms())[operandClass(a) * CLASS_COUNT + operandClass(b)]!;
  }
  private bucketForms(): (readonly Form[])[] {
    const buckets: (readonly Form[])[] = [];
    for (let a = 0; a < CLASS_COUNT; a++) {
      for (let b = 0; b < CLASS_COUNT; b++) {
        buckets.push(this.forms.filter((f) => shapeTakesClass(f.shapes[0], a) && shapeTakesClass(f.shapes[1], b)));
      }
    }
    return buckets;
  }

  /** The form chosen before for operands of these exact classes, if any (`here`: see exactClass). */
  cached(a: unknown, b: unknown, c: unknown, d: unknown, here: number): Form | undefined {
    const ka = exactClass(a, here);
    const kb = exactClass(b, here);
    if (ka < 0 || kb < 0) return undefined;
    if (c === undefined && d === undefined) {
      const pairs = this.pairs;
      if (pairs === null) return undefined;
      const chosen = pairs[ka * EXACT_CLASSES + kb]!;
      return chosen === 0 ? undefined : FORMS[chosen - 1];
    }
    const kc = exactClass(c, here);
    const kd = exactClass(d, here);
    if (kc < 0 || kd < 0) return undefined;
    return this.longer.get(((ka * EXACT_CLASSES + kb) * EXACT_CLASSES + kc) * EXACT_CLASSES + kd);
  }

  /** Remember `f` as the choice for operands of these classes (when they are exact classes). */
  remember(a: unknown, b: unknown, c: unknown, d: unknown, here: number, f: Form): void {
    const ka = exactClass(a, here);
    const kb = exactClass(b, here);
    const kc = exactClass(c, here);
    const kd = exactClass(d, here);
    if (ka < 0 || kb < 0 || kc < 0 || kd < 0) return;
    if (c === undefined && d === undefined) {
      (this.pairs ??= new Uint16Array(EXACT_CLASSES * EXACT_CLASSES))[ka * EXACT_CLASSES + kb] = FORM_NUMBER.get(f)! + 1;
    } else this.longer.set(((ka * EXACT_CLASSES + kb) * EXACT_CLASSES + kc) * EXACT_CLASSES + kd, f);
  }
}

const dispatchCache = new Map<string, Dispatch>();
/** The dispatch of a mnemonic of the table (throws for unknown mnemonics). */
export function dispatchOf(mnemonic: string): Dispatch {
  let d = dispatchCache.get(mnemonic);
  if (!d) {
    const forms = FORMS_BY_MNEMONIC.get(mnemonic);
    if (!forms) throw new Error(`x64: unknown mnemonic '${mnemonic}'`);
    dispatchCache.set(mnemonic, (d = new Dispatch(mnemonic, forms)));
  }
  return d;
}
// #endregion dispatch
