// The encoding table: one row per encoding form, written the way the Intel SDM writes its
// "Instruction" and "Opcode" columns. The engine (encoder.ts) interprets these rows; the only
// other code that knows opcodes is the direct layer (directEncoder.ts), a shortcut for the
// hottest shapes, tested to write exactly what these rows say. Within one mnemonic, rows are
// ordered so that the first row whose operand shapes accept the operands is the shortest
// encoding (the encoder check verifies this against iced-x86).
//
// Operand shapes:
//   r8 r16 r32 r64        a general-purpose register of that width
//   r/m8 ... r/m64        that register, or memory of that width
//   m                     memory of any width (lea)
//   xmm                   an SSE register;  xmm/m32 xmm/m64 xmm/m128  or memory
//   al ax eax rax cl      exactly that register
//   imm8 imm16 imm32      an immediate that fits, sign-extended to the operand size
//   imm64                 any 64-bit immediate;  u8  an unsigned byte (shift count, rounding mode)
//   1                     the constant 1 (shift by one)
//   rel8 rel32            a branch target (label or external)
//   cc                    in a mnemonic: the condition (jcc, setcc, cmovcc), added to the opcode
//
// Opcode notation:
//   66 F2 F3              prefixes written before the REX byte (operand size or mandatory prefix)
//   REX.W                 a REX prefix with W=1 (64-bit operand size)
//   0F 3A ...             opcode bytes;  XX+r  register number in the low 3 bits;  XX+cc  condition
//   /0../7  /r            ModRM: the reg field holds a digit, or the register operand
//   ib iw id io           immediate of 1, 2, 4, 8 bytes;  cb cd  branch displacement of 1 or 4 bytes

// #region encoding-table
/**
 * [instruction form, opcode, operand encoding?]: one row per encoding form. The optional third
 * column is the SDM's Op/En (R ModRM.reg, M ModRM.rm, V VEX.vvvv, I immediate), needed only where
 * the operand roles cannot be read off the shapes.
 */
export type EncodingRow = readonly [form: string, opcode: string, operandEncoding?: string];

// #region alu-rows
const alu = (op: string, n: number): EncodingRow[] => {
  const h = (x: number): string => x.toString(16).toUpperCase().padStart(2, '0');
  return [
    [`${op} al, imm8`, `${h(n * 8 + 4)} ib`],
    [`${op} r/m8, imm8`, `80 /${n} ib`],
    [`${op} r/m8, r8`, `${h(n * 8)} /r`],
    [`${op} r8, r/m8`, `${h(n * 8 + 2)} /r`],
    [`${op} r/m16, imm8`, `66 83 /${n} ib`],
    [`${op} ax, imm16`, `66 ${h(n * 8 + 5)} iw`],
    [`${op} r/m16, imm16`, `66 81 /${n} iw`],
    [`${op} r/m16, r16`, `66 ${h(n * 8 + 1)} /r`],
    [`${op} r16, r/m16`, `66 ${h(n * 8 + 3)} /r`],
    [`${op} r/m32, imm8`, `83 /${n} ib`],
    [`${op} eax, imm32`, `${h(n * 8 + 5)} id`],
    [`${op} r/m32, imm32`, `81 /${n} id`],
    [`${op} r/m32, r32`, `${h(n * 8 + 1)} /r`],
    [`${op} r32, r/m32`, `${h(n * 8 + 3)} /r`],
    [`${op} r/m64, imm8`, `REX.W 83 /${n} ib`],
    [`${op} rax, imm32`, `REX.W ${h(n * 8 + 5)} id`],
    [`${op} r/m64, imm32`, `REX.W 81 /${n} id`],
    [`${op} r/m64, r64`, `REX.W ${h(n * 8 + 1)} /r`],
    [`${op} r64, r/m64`, `REX.W ${h(n * 8 + 3)} /r`],
  ];
};
// #endregion alu-rows

/** F6/F7 group 3 (one operand) and the D0-D3/C0-C1 shift group. */
const unary = (op: string, digit: number): EncodingRow[] => [
  [`${op} r/m8`, `F6 /${digit}`],
  [`${op} r/m16`, `66 F7 /${digit}`],
  [`${op} r/m32`, `F7 /${digit}`],
  [`${op} r/m64`, `REX.W F7 /${digit}`],
];
const shift = (op: string, digit: number): EncodingRow[] =>
  (['8', '16', '32', '64'] as const).flatMap((w): EncodingRow[] => {
    const p = w === '16' ? '66 ' : w === '64' ? 'REX.W ' : '';
    const [one, bycl, byimm] = w === '8' ? ['D0', 'D2', 'C0'] : ['D1', 'D3', 'C1'];
    return [
      [`${op} r/m${w}, 1`, `${p}${one} /${digit}`],
      [`${op} r/m${w}, cl`, `${p}${bycl} /${digit}`],
      [`${op} r/m${w}, u8`, `${p}${byimm} /${digit} ib`],
    ];
  });
/** Two-operand r, r/m forms at 16/32/64 bits (bsf, popcnt, cmovcc, imul...). */
const rrm = (op: string, opcode: string, prefix = ''): EncodingRow[] => [
  [`${op} r16, r/m16`, `66 ${prefix}${opcode} /r`],
  [`${op} r32, r/m32`, `${prefix}${opcode} /r`],
  [`${op} r64, r/m64`, `${prefix}REX.W ${opcode} /r`],
];
/** Scalar SSE arithmetic: xmm, xmm/m32 with F3 (ss) and xmm, xmm/m64 with F2 (sd). */
const sse = (op: string, opcode: string): EncodingRow[] => [
  [`${op}ss xmm, xmm/m32`, `F3 0F ${opcode} /r`],
  [`${op}sd xmm, xmm/m64`, `F2 0F ${opcode} /r`],
];
/** Packed bitwise SSE: ps without prefix, pd with 66. */
const packed = (op: string, opcode: string): EncodingRow[] => [
  [`${op}ps xmm, xmm/m128`, `0F ${opcode} /r`],
  [`${op}pd xmm, xmm/m128`, `66 0F ${opcode} /r`],
];

/** Two-operand 128-bit vector instructions `op xmm, xmm/m128` sharing an opcode prefix. */
const vec = (prefix: string, ops: Record<string, string>): EncodingRow[] =>
  Object.entries(ops).map(([op, opcode]): EncodingRow => [`${op} xmm, xmm/m128`, `${prefix} ${opcode} /r`]);

/** AVX scalar arithmetic: three operands, the destination separate from both sources. */
const avx = (op: string, opcode: string): EncodingRow[] => [
  [`v${op}ss xmm, xmm, xmm/m32`, `VEX.LIG.F3.0F.WIG ${opcode} /r`],
  [`v${op}sd xmm, xmm, xmm/m64`, `VEX.LIG.F2.0F.WIG ${opcode} /r`],
];
const avxPacked = (op: string, opcode: string): EncodingRow[] => [
  [`v${op}ps xmm, xmm, xmm/m128`, `VEX.128.0F.WIG ${opcode} /r`],
  [`v${op}pd xmm, xmm, xmm/m128`, `VEX.128.66.0F.WIG ${opcode} /r`],
];
/** A 128-bit AVX move: load form and store form (either serves register to register). */
const avxMove = (name: string, pp: string, load: string, store: string): EncodingRow[] => [
  [`${name} xmm, xmm/m128`, `VEX.128.${pp}0F.WIG ${load} /r`],
  [`${name} xmm/m128, xmm`, `VEX.128.${pp}0F.WIG ${store} /r`],
];

export const ENCODINGS: readonly EncodingRow[] = [
  // --- data movement
  // #region mov-rows
  ['mov r/m8, r8', '88 /r'],
  ['mov r8, r/m8', '8A /r'],
  ['mov r8, imm8', 'B0+r ib'],
  ['mov r/m8, imm8', 'C6 /0 ib'],
  ['mov r/m16, r16', '66 89 /r'],
  ['mov r16, r/m16', '66 8B /r'],
  ['mov r16, imm16', '66 B8+r iw'],
  ['mov r/m16, imm16', '66 C7 /0 iw'],
  ['mov r/m32, r32', '89 /r'],
  ['mov r32, r/m32', '8B /r'],
  ['mov r32, imm32', 'B8+r id'],
  ['mov r/m32, imm32', 'C7 /0 id'],
  ['mov r/m64, r64', 'REX.W 89 /r'],
  ['mov r64, r/m64', 'REX.W 8B /r'],
  ['mov r/m64, imm32', 'REX.W C7 /0 id'],
  ['mov r64, imm64', 'REX.W B8+r io'],
  // #endregion mov-rows
  ['movzx r16, r/m8', '66 0F B6 /r'],
  ['movzx r32, r/m8', '0F B6 /r'],
  ['movzx r64, r/m8', 'REX.W 0F B6 /r'],
  ['movzx r32, r/m16', '0F B7 /r'],
  ['movzx r64, r/m16', 'REX.W 0F B7 /r'],
  ['movsx r16, r/m8', '66 0F BE /r'],
  ['movsx r32, r/m8', '0F BE /r'],
  ['movsx r64, r/m8', 'REX.W 0F BE /r'],
  ['movsx r32, r/m16', '0F BF /r'],
  ['movsx r64, r/m16', 'REX.W 0F BF /r'],
  ['movsxd r64, r/m32', 'REX.W 63 /r'],
  ['lea r16, m', '66 8D /r'],
  ['lea r32, m', '8D /r'],
  ['lea r64, m', 'REX.W 8D /r'],
  ['xchg r16, ax', '66 90+r'],
  ['xchg ax, r16', '66 90+r'],
  ['xchg r/m16, r16', '66 87 /r'],
  ['xchg r16, r/m16', '66 87 /r'],
  ['xchg r32, eax', '90+r'],
  ['xchg eax, r32', '90+r'],
  ['xchg r/m32, r32', '87 /r'],
  ['xchg r32, r/m32', '87 /r'],
  ['xchg r64, rax', 'REX.W 90+r'],
  ['xchg rax, r64', 'REX.W 90+r'],
  ['xchg r/m64, r64', 'REX.W 87 /r'],
  ['xchg r64, r/m64', 'REX.W 87 /r'],
  ['xchg r/m8, r8', '86 /r'],
  ['xchg r8, r/m8', '86 /r'],
  // Atomic read-modify-writes (threads): lock on a memory operand only (with a register it is #UD).
  ...(['xadd', 'cmpxchg'] as const).flatMap((op): EncodingRow[] => {
    const [byte, word] = op === 'xadd' ? ['C0', 'C1'] : ['B0', 'B1'];
    return [
      [`lock ${op} m8, r8`, `F0 0F ${byte} /r`],
      [`lock ${op} m16, r16`, `F0 66 0F ${word} /r`],
      [`lock ${op} m32, r32`, `F0 0F ${word} /r`],
      [`lock ${op} m64, r64`, `F0 REX.W 0F ${word} /r`],
    ];
  }),
  ['mfence', '0F AE F0'],
  ['push r64', '50+r'],
  ['push r/m64', 'FF /6'],
  ['push imm8', '6A ib'],
  ['push imm32', '68 id'],
  ['pop r64', '58+r'],
  ['pop r/m64', '8F /0'],

  // --- integer arithmetic and logic
  ...alu('add', 0),
  ...alu('or', 1),
  ...alu('adc', 2),
  ...alu('sbb', 3),
  ...alu('and', 4),
  ...alu('sub', 5),
  ...alu('xor', 6),
  ...alu('cmp', 7),
  ['test al, imm8', 'A8 ib'],
  ['test r/m8, imm8', 'F6 /0 ib'],
  ['test r/m8, r8', '84 /r'],
  ['test ax, imm16', '66 A9 iw'],
  ['test r/m16, imm16', '66 F7 /0 iw'],
  ['test r/m16, r16', '66 85 /r'],
  ['test eax, imm32', 'A9 id'],
  ['test r/m32, imm32', 'F7 /0 id'],
  ['test r/m32, r32', '85 /r'],
  ['test rax, imm32', 'REX.W A9 id'],
  ['test r/m64, imm32', 'REX.W F7 /0 id'],
  ['test r/m64, r64', 'REX.W 85 /r'],
  // test is symmetric; these accept the register first and memory second.
  ['test r8, r/m8', '84 /r'],
  ['test r16, r/m16', '66 85 /r'],
  ['test r32, r/m32', '85 /r'],
  ['test r64, r/m64', 'REX.W 85 /r'],
  ...unary('not', 2),
  ...unary('neg', 3),
  ...unary('mul', 4),
  ...unary('imul', 5),
  ...unary('div', 6),
  ...unary('idiv', 7),
  ...rrm('imul', '0F AF'),
  ['imul r16, r/m16, imm8', '66 6B /r ib'],
  ['imul r16, r/m16, imm16', '66 69 /r iw'],
  ['imul r32, r/m32, imm8', '6B /r ib'],
  ['imul r32, r/m32, imm32', '69 /r id'],
  ['imul r64, r/m64, imm8', 'REX.W 6B /r ib'],
  ['imul r64, r/m64, imm32', 'REX.W 69 /r id'],
  ['inc r/m8', 'FE /0'],
  ['inc r/m16', '66 FF /0'],
  ['inc r/m32', 'FF /0'],
  ['inc r/m64', 'REX.W FF /0'],
  ['dec r/m8', 'FE /1'],
  ['dec r/m16', '66 FF /1'],
  ['dec r/m32', 'FF /1'],
  ['dec r/m64', 'REX.W FF /1'],
  ['cwd', '66 99'],
  ['cdq', '99'],
  ['cqo', 'REX.W 99'],
  ['cbw', '66 98'],
  ['cwde', '98'],
  ['cdqe', 'REX.W 98'],
  ...shift('rol', 0),
  ...shift('ror', 1),
  ...shift('shl', 4),
  ...shift('shr', 5),
  ...shift('sar', 7),
  ...rrm('bsf', '0F BC'),
  ...rrm('bsr', '0F BD'),
  ...rrm('tzcnt', '0F BC', 'F3 '),
  ...rrm('lzcnt', '0F BD', 'F3 '),
  ...rrm('popcnt', '0F B8', 'F3 '),
  // Set a bit of a bit string (GC's object-start bitmap): with memory, the register's value may
  // address any bit, not only the operand's own 64.
  ['bts r/m64, r64', 'REX.W 0F AB /r'],
  ['setcc r/m8', '0F 90+cc /0'],
  ...rrm('cmovcc', '0F 40+cc'),

  // --- control flow
  ['jmp rel8', 'EB cb'],
  ['jmp rel32', 'E9 cd'],
  ['jmp r/m64', 'FF /4'],
  ['jcc rel8', '70+cc cb'],
  ['jcc rel32', '0F 80+cc cd'],
  ['call rel32', 'E8 cd'],
  ['call r/m64', 'FF /2'],
  ['ret', 'C3'],
  ['ret imm16', 'C2 iw'],
  ['ud2', '0F 0B'],
  ['int3', 'CC'],
  ['leave', 'C9'],
  // String moves for bulk memory: rcx bytes/qwords from [rsi] to [rdi] (movs) or of al/rax (stos).
  ['rep movsb', 'F3 A4'],
  ['rep movsq', 'F3 REX.W A5'],
  ['rep stosb', 'F3 AA'],
  ['rep stosq', 'F3 REX.W AB'],
  ['cpuid', '0F A2'],
  ['xgetbv', '0F 01 D0'],
  ['nop', '90'],
  ['nop r/m16', '66 0F 1F /0'],
  ['nop r/m32', '0F 1F /0'],

  // --- SSE2 / SSE4.1 scalar floating point
  ['movss xmm, xmm/m32', 'F3 0F 10 /r'],
  ['movss xmm/m32, xmm', 'F3 0F 11 /r'],
  ['movsd xmm, xmm/m64', 'F2 0F 10 /r'],
  ['movsd xmm/m64, xmm', 'F2 0F 11 /r'],
  ['movd xmm, r/m32', '66 0F 6E /r'],
  ['movd r/m32, xmm', '66 0F 7E /r'],
  ['movq xmm, xmm/m64', 'F3 0F 7E /r'],
  ['movq xmm/m64, xmm', '66 0F D6 /r'],
  ['movq xmm, r/m64', '66 REX.W 0F 6E /r'],
  ['movq r/m64, xmm', '66 REX.W 0F 7E /r'],
  ...sse('add', '58'),
  ...sse('sub', '5C'),
  ...sse('mul', '59'),
  ...sse('div', '5E'),
  ...sse('sqrt', '51'),
  ...sse('min', '5D'),
  ...sse('max', '5F'),
  ...packed('and', '54'),
  ...packed('andn', '55'),
  ...packed('or', '56'),
  ...packed('xor', '57'),
  ['ucomiss xmm, xmm/m32', '0F 2E /r'],
  ['ucomisd xmm, xmm/m64', '66 0F 2E /r'],
  ['comiss xmm, xmm/m32', '0F 2F /r'],
  ['comisd xmm, xmm/m64', '66 0F 2F /r'],
  ['cvtsi2ss xmm, r/m32', 'F3 0F 2A /r'],
  ['cvtsi2ss xmm, r/m64', 'F3 REX.W 0F 2A /r'],
  ['cvtsi2sd xmm, r/m32', 'F2 0F 2A /r'],
  ['cvtsi2sd xmm, r/m64', 'F2 REX.W 0F 2A /r'],
  ['cvttss2si r32, xmm/m32', 'F3 0F 2C /r'],
  ['cvttss2si r64, xmm/m32', 'F3 REX.W 0F 2C /r'],
  ['cvttsd2si r32, xmm/m64', 'F2 0F 2C /r'],
  ['cvttsd2si r64, xmm/m64', 'F2 REX.W 0F 2C /r'],
  ['cvtss2sd xmm, xmm/m32', 'F3 0F 5A /r'],
  ['cvtsd2ss xmm, xmm/m64', 'F2 0F 5A /r'],
  ['cmpss xmm, xmm/m32, u8', 'F3 0F C2 /r ib'],
  ['cmpsd xmm, xmm/m64, u8', 'F2 0F C2 /r ib'],
  ['movmskps r32, xmm', '0F 50 /r'],
  ['movmskpd r32, xmm', '66 0F 50 /r'],
  ['roundss xmm, xmm/m32, u8', '66 0F 3A 0A /r ib'],
  ['roundsd xmm, xmm/m64, u8', '66 0F 3A 0B /r ib'],
  ['roundps xmm, xmm/m128, u8', '66 0F 3A 08 /r ib'],
  ['roundpd xmm, xmm/m128, u8', '66 0F 3A 09 /r ib'],

  // --- 128-bit moves and integer vector basics
  ['movaps xmm, xmm/m128', '0F 28 /r'],
  ['movaps xmm/m128, xmm', '0F 29 /r'],
  ['movups xmm, xmm/m128', '0F 10 /r'],
  ['movups xmm/m128, xmm', '0F 11 /r'],
  ['movapd xmm, xmm/m128', '66 0F 28 /r'],
  ['movapd xmm/m128, xmm', '66 0F 29 /r'],
  ['movdqa xmm, xmm/m128', '66 0F 6F /r'],
  ['movdqa xmm/m128, xmm', '66 0F 7F /r'],
  ['movdqu xmm, xmm/m128', 'F3 0F 6F /r'],
  ['movdqu xmm/m128, xmm', 'F3 0F 7F /r'],
  ['pxor xmm, xmm/m128', '66 0F EF /r'],
  ['pand xmm, xmm/m128', '66 0F DB /r'],
  ['por xmm, xmm/m128', '66 0F EB /r'],

  // --- 128-bit vectors (SSE2, SSSE3, SSE4.1): what wasm SIMD lowers to
  ...vec('66 0F', {
    paddb: 'FC', paddw: 'FD', paddd: 'FE', paddq: 'D4', psubb: 'F8', psubw: 'F9', psubd: 'FA', psubq: 'FB',
    paddsb: 'EC', paddsw: 'ED', paddusb: 'DC', paddusw: 'DD', psubsb: 'E8', psubsw: 'E9', psubusb: 'D8', psubusw: 'D9',
    pmullw: 'D5', pmulhw: 'E5', pmulhuw: 'E4', pmuludq: 'F4', pmaddwd: 'F5', pavgb: 'E0', pavgw: 'E3',
    pminub: 'DA', pmaxub: 'DE', pminsw: 'EA', pmaxsw: 'EE', pandn: 'DF',
    pcmpeqb: '74', pcmpeqw: '75', pcmpeqd: '76', pcmpgtb: '64', pcmpgtw: '65', pcmpgtd: '66',
    punpcklbw: '60', punpcklwd: '61', punpckldq: '62', punpcklqdq: '6C',
    punpckhbw: '68', punpckhwd: '69', punpckhdq: '6A', punpckhqdq: '6D',
    packsswb: '63', packssdw: '6B', packuswb: '67',
    psllw: 'F1', pslld: 'F2', psllq: 'F3', psrlw: 'D1', psrld: 'D2', psrlq: 'D3', psraw: 'E1', psrad: 'E2',
  }),
  ...vec('66 0F 38', {
    pshufb: '00', pmaddubsw: '04', pmulhrsw: '0B', pmuldq: '28', pabsb: '1C', pabsw: '1D', pabsd: '1E',
    pmulld: '40', pminsb: '38', pminsd: '39', pminuw: '3A', pminud: '3B', pmaxsb: '3C', pmaxsd: '3D', pmaxuw: '3E', pmaxud: '3F',
    pcmpeqq: '29', pcmpgtq: '37', packusdw: '2B', ptest: '17',
  }),
  ...(['bw', 'bd', 'bq', 'wd', 'wq', 'dq'] as const).flatMap((k, i): EncodingRow[] => {
    const width = [64, 32, 16, 64, 32, 64][i];
    return [
      [`pmovsx${k} xmm, xmm/m${width}`, `66 0F 38 ${(0x20 + i).toString(16).toUpperCase()} /r`],
      [`pmovzx${k} xmm, xmm/m${width}`, `66 0F 38 ${(0x30 + i).toString(16).toUpperCase()} /r`],
    ];
  }),
  ...vec('0F', { addps: '58', subps: '5C', mulps: '59', divps: '5E', minps: '5D', maxps: '5F', sqrtps: '51', unpcklps: '14', unpckhps: '15', cvtdq2ps: '5B' }),
  ['cvtps2pd xmm, xmm/m64', '0F 5A /r'],
  ['cvtdq2pd xmm, xmm/m64', 'F3 0F E6 /r'],
  ...vec('66 0F', { addpd: '58', subpd: '5C', mulpd: '59', divpd: '5E', minpd: '5D', maxpd: '5F', sqrtpd: '51', cvtpd2ps: '5A', cvttpd2dq: 'E6' }),
  ...vec('F3 0F', { cvttps2dq: '5B' }),
  ['psllw xmm, u8', '66 0F 71 /6 ib'],
  ['psrlw xmm, u8', '66 0F 71 /2 ib'],
  ['psraw xmm, u8', '66 0F 71 /4 ib'],
  ['pslld xmm, u8', '66 0F 72 /6 ib'],
  ['psrld xmm, u8', '66 0F 72 /2 ib'],
  ['psrad xmm, u8', '66 0F 72 /4 ib'],
  ['psllq xmm, u8', '66 0F 73 /6 ib'],
  ['psrlq xmm, u8', '66 0F 73 /2 ib'],
  ['pslldq xmm, u8', '66 0F 73 /7 ib'],
  ['psrldq xmm, u8', '66 0F 73 /3 ib'],
  ['pshufd xmm, xmm/m128, u8', '66 0F 70 /r ib'],
  ['pshuflw xmm, xmm/m128, u8', 'F2 0F 70 /r ib'],
  ['pshufhw xmm, xmm/m128, u8', 'F3 0F 70 /r ib'],
  ['shufps xmm, xmm/m128, u8', '0F C6 /r ib'],
  ['shufpd xmm, xmm/m128, u8', '66 0F C6 /r ib'],
  ['cmpps xmm, xmm/m128, u8', '0F C2 /r ib'],
  ['cmppd xmm, xmm/m128, u8', '66 0F C2 /r ib'],
  ['blendps xmm, xmm/m128, u8', '66 0F 3A 0C /r ib'],
  ['blendpd xmm, xmm/m128, u8', '66 0F 3A 0D /r ib'],
  ['pblendw xmm, xmm/m128, u8', '66 0F 3A 0E /r ib'],
  ['palignr xmm, xmm/m128, u8', '66 0F 3A 0F /r ib'],
  ['insertps xmm, xmm/m32, u8', '66 0F 3A 21 /r ib'],
  ['pinsrb xmm, r32/m8, u8', '66 0F 3A 20 /r ib'],
  ['pinsrw xmm, r32/m16, u8', '66 0F C4 /r ib'],
  ['pinsrd xmm, r/m32, u8', '66 0F 3A 22 /r ib'],
  ['pinsrq xmm, r/m64, u8', '66 REX.W 0F 3A 22 /r ib'],
  ['pextrb r32/m8, xmm, u8', '66 0F 3A 14 /r ib'],
  ['pextrw r32, xmm, u8', '66 0F C5 /r ib', 'RMI'],
  ['pextrw r32/m16, xmm, u8', '66 0F 3A 15 /r ib'],
  ['pextrd r/m32, xmm, u8', '66 0F 3A 16 /r ib'],
  ['pextrq r/m64, xmm, u8', '66 REX.W 0F 3A 16 /r ib'],
  ['extractps r/m32, xmm, u8', '66 0F 3A 17 /r ib'],
  ['pmovmskb r32, xmm', '66 0F D7 /r'],
  ['movhlps xmm, xmm', '0F 12 /r'],
  ['movlhps xmm, xmm', '0F 16 /r'],

  // --- AVX (VEX-encoded, non-destructive three-operand) scalar float and 128-bit moves
  ...avx('add', '58'),
  ...avx('sub', '5C'),
  ...avx('mul', '59'),
  ...avx('div', '5E'),
  ...avx('sqrt', '51'),
  ...avx('min', '5D'),
  ...avx('max', '5F'),
  ...avxPacked('and', '54'),
  ...avxPacked('andn', '55'),
  ...avxPacked('or', '56'),
  ...avxPacked('xor', '57'),
  ['vpxor xmm, xmm, xmm/m128', 'VEX.128.66.0F.WIG EF /r'],
  ['vucomiss xmm, xmm/m32', 'VEX.LIG.0F.WIG 2E /r'],
  ['vucomisd xmm, xmm/m64', 'VEX.LIG.66.0F.WIG 2E /r'],
  ['vcvtsi2ss xmm, xmm, r/m32', 'VEX.LIG.F3.0F.W0 2A /r'],
  ['vcvtsi2ss xmm, xmm, r/m64', 'VEX.LIG.F3.0F.W1 2A /r'],
  ['vcvtsi2sd xmm, xmm, r/m32', 'VEX.LIG.F2.0F.W0 2A /r'],
  ['vcvtsi2sd xmm, xmm, r/m64', 'VEX.LIG.F2.0F.W1 2A /r'],
  ['vcvttss2si r32, xmm/m32', 'VEX.LIG.F3.0F.W0 2C /r'],
  ['vcvttss2si r64, xmm/m32', 'VEX.LIG.F3.0F.W1 2C /r'],
  ['vcvttsd2si r32, xmm/m64', 'VEX.LIG.F2.0F.W0 2C /r'],
  ['vcvttsd2si r64, xmm/m64', 'VEX.LIG.F2.0F.W1 2C /r'],
  ['vcvtss2sd xmm, xmm, xmm/m32', 'VEX.LIG.F3.0F.WIG 5A /r'],
  ['vcvtsd2ss xmm, xmm, xmm/m64', 'VEX.LIG.F2.0F.WIG 5A /r'],
  ['vcmpss xmm, xmm, xmm/m32, u8', 'VEX.LIG.F3.0F.WIG C2 /r ib'],
  ['vcmpsd xmm, xmm, xmm/m64, u8', 'VEX.LIG.F2.0F.WIG C2 /r ib'],
  ['vroundss xmm, xmm, xmm/m32, u8', 'VEX.LIG.66.0F3A.WIG 0A /r ib'],
  ['vroundsd xmm, xmm, xmm/m64, u8', 'VEX.LIG.66.0F3A.WIG 0B /r ib'],
  ['vmovss xmm, m32', 'VEX.LIG.F3.0F.WIG 10 /r'],
  ['vmovss m32, xmm', 'VEX.LIG.F3.0F.WIG 11 /r'],
  ['vmovss xmm, xmm, xmm', 'VEX.LIG.F3.0F.WIG 10 /r', 'RVM'],
  ['vmovss xmm, xmm, xmm', 'VEX.LIG.F3.0F.WIG 11 /r', 'MVR'],
  ['vmovsd xmm, m64', 'VEX.LIG.F2.0F.WIG 10 /r'],
  ['vmovsd m64, xmm', 'VEX.LIG.F2.0F.WIG 11 /r'],
  ['vmovsd xmm, xmm, xmm', 'VEX.LIG.F2.0F.WIG 10 /r', 'RVM'],
  ['vmovsd xmm, xmm, xmm', 'VEX.LIG.F2.0F.WIG 11 /r', 'MVR'],
  ['vmovd xmm, r/m32', 'VEX.128.66.0F.W0 6E /r'],
  ['vmovd r/m32, xmm', 'VEX.128.66.0F.W0 7E /r'],
  ['vmovq xmm, xmm/m64', 'VEX.128.F3.0F.WIG 7E /r'],
  ['vmovq xmm/m64, xmm', 'VEX.128.66.0F.WIG D6 /r'],
  ['vmovq xmm, r/m64', 'VEX.128.66.0F.W1 6E /r'],
  ['vmovq r/m64, xmm', 'VEX.128.66.0F.W1 7E /r'],
  ...avxMove('vmovaps', '', '28', '29'),
  ...avxMove('vmovups', '', '10', '11'),
  ...avxMove('vmovapd', '66.', '28', '29'),
  ...avxMove('vmovdqa', '66.', '6F', '7F'),
  ...avxMove('vmovdqu', 'F3.', '6F', '7F'),

  // --- BMI1 / BMI2 (VEX-encoded general-purpose instructions)
  ['andn r32, r32, r/m32', 'VEX.LZ.0F38.W0 F2 /r'],
  ['andn r64, r64, r/m64', 'VEX.LZ.0F38.W1 F2 /r'],
  ['blsr r32, r/m32', 'VEX.LZ.0F38.W0 F3 /1'],
  ['blsr r64, r/m64', 'VEX.LZ.0F38.W1 F3 /1'],
  ['blsmsk r32, r/m32', 'VEX.LZ.0F38.W0 F3 /2'],
  ['blsmsk r64, r/m64', 'VEX.LZ.0F38.W1 F3 /2'],
  ['blsi r32, r/m32', 'VEX.LZ.0F38.W0 F3 /3'],
  ['blsi r64, r/m64', 'VEX.LZ.0F38.W1 F3 /3'],
  ['shlx r32, r/m32, r32', 'VEX.LZ.66.0F38.W0 F7 /r'],
  ['shlx r64, r/m64, r64', 'VEX.LZ.66.0F38.W1 F7 /r'],
  ['shrx r32, r/m32, r32', 'VEX.LZ.F2.0F38.W0 F7 /r'],
  ['shrx r64, r/m64, r64', 'VEX.LZ.F2.0F38.W1 F7 /r'],
  ['sarx r32, r/m32, r32', 'VEX.LZ.F3.0F38.W0 F7 /r'],
  ['sarx r64, r/m64, r64', 'VEX.LZ.F3.0F38.W1 F7 /r'],
  ['rorx r32, r/m32, u8', 'VEX.LZ.F2.0F3A.W0 F0 /r ib'],
  ['rorx r64, r/m64, u8', 'VEX.LZ.F2.0F3A.W1 F0 /r ib'],
];
// #endregion encoding-table
