// The operator table: the single source of truth for every opcode we decode.
// One aligned row per opcode (wasm3/QBE style), grouped by the proposal that added it.
// The decoder reads the immediates column, the validator the family and signature columns,
// disassembly notes the name column. Later proposals are listed only so that their encodings
// are rejected as "unsupported feature: <proposal>" rather than as malformed.
//
// Columns:
//   opcode     one byte, or (prefix << 12) | sub for the 0xfc/0xfd/0xfb/0xfe prefixes
//   name       the text-format name
//   immediate  what follows the opcode:  -  none          blocktype   block type
//              label  relative depth       labels   br_table vector + default
//              func / local / global / table / elem / data / mem        an index
//              type_table   call_indirect  reftype  ref.null's type   valtypes  select's type vector
//              i32 / i64 / f32 / f64  a constant   memarg:N  alignment+offset, natural alignment N bytes
//              "a b"  two indices in that order
//   family     how the validator checks it and which code-generator method it reaches:
//              unary binary compare (by signature) load store (memarg, by signature) const,
//              or an operator of its own ("special": checked by a rule in functionValidator.ts)
//   signature  operand types -> result types; for "special" operators, the rule in the spec's
//              notation (t1* t2*: any types, label*: the target label's types)

// #region operator-table
// #region operator-rows
export const PROPOSALS = {
  mvp: [
    // opcode  name                  immediate      family     signature
    [0x00, 'unreachable',            '-',           'special', 'rule: [t1*] -> [t2*], then unreachable'],
    [0x01, 'nop',                    '-',           'special', 'rule: [] -> []'],
    [0x02, 'block',                  'blocktype',   'special', 'rule: [t1*] -> [t2*] of the block type'],
    [0x03, 'loop',                   'blocktype',   'special', 'rule: [t1*] -> [t2*]; label takes t1*'],
    [0x04, 'if',                     'blocktype',   'special', 'rule: [t1* i32] -> [t2*]; no else: t1* = t2*'],
    [0x05, 'else',                   '-',           'special', 'rule: then-arm ends with t2*'],
    [0x0b, 'end',                    '-',           'special', 'rule: frame ends with t2*'],
    [0x0c, 'br',                     'label',       'special', 'rule: [t1* label*] -> [t2*], unreachable'],
    [0x0d, 'br_if',                  'label',       'special', 'rule: [label* i32] -> [label*]'],
    [0x0e, 'br_table',               'labels',      'special', 'rule: [t1* label* i32] -> [t2*], same arity'],
    [0x0f, 'return',                 '-',           'special', 'rule: [t1* results*] -> [t2*]'],
    [0x10, 'call',                   'func',        'special', 'rule: [params*] -> [results*] of func'],
    [0x11, 'call_indirect',          'type_table',  'special', 'rule: [params* i32] -> [results*]'],
    [0x1a, 'drop',                   '-',           'special', 'rule: [t] -> []'],
    [0x1b, 'select',                 '-',           'special', 'rule: [t t i32] -> [t], t numeric'],
    [0x20, 'local.get',              'local',       'special', 'rule: [] -> [local]'],
    [0x21, 'local.set',              'local',       'special', 'rule: [local] -> []'],
    [0x22, 'local.tee',              'local',       'special', 'rule: [local] -> [local]'],
    [0x23, 'global.get',             'global',      'special', 'rule: [] -> [global]'],
    [0x24, 'global.set',             'global',      'special', 'rule: [global] -> [], mutable only'],
    // #endregion operator-rows
    [0x28, 'i32.load',               'memarg:4',    'load',    'i32 -> i32'],
    [0x29, 'i64.load',               'memarg:8',    'load',    'i32 -> i64'],
    [0x2a, 'f32.load',               'memarg:4',    'load',    'i32 -> f32'],
    [0x2b, 'f64.load',               'memarg:8',    'load',    'i32 -> f64'],
    [0x2c, 'i32.load8_s',            'memarg:1',    'load',    'i32 -> i32'],
    [0x2d, 'i32.load8_u',            'memarg:1',    'load',    'i32 -> i32'],
    [0x2e, 'i32.load16_s',           'memarg:2',    'load',    'i32 -> i32'],
    [0x2f, 'i32.load16_u',           'memarg:2',    'load',    'i32 -> i32'],
    [0x30, 'i64.load8_s',            'memarg:1',    'load',    'i32 -> i64'],
    [0x31, 'i64.load8_u',            'memarg:1',    'load',    'i32 -> i64'],
    [0x32, 'i64.load16_s',           'memarg:2',    'load',    'i32 -> i64'],
    [0x33, 'i64.load16_u',           'memarg:2',    'load',    'i32 -> i64'],
    [0x34, 'i64.load32_s',           'memarg:4',    'load',    'i32 -> i64'],
    [0x35, 'i64.load32_u',           'memarg:4',    'load',    'i32 -> i64'],
    [0x36, 'i32.store',              'memarg:4',    'store',   'i32 i32 ->'],
    [0x37, 'i64.store',              'memarg:8',    'store',   'i32 i64 ->'],
    [0x38, 'f32.store',              'memarg:4',    'store',   'i32 f32 ->'],
    [0x39, 'f64.store',              'memarg:8',    'store',   'i32 f64 ->'],
    [0x3a, 'i32.store8',             'memarg:1',    'store',   'i32 i32 ->'],
    [0x3b, 'i32.store16',            'memarg:2',    'store',   'i32 i32 ->'],
    [0x3c, 'i64.store8',             'memarg:1',    'store',   'i32 i64 ->'],
    [0x3d, 'i64.store16',            'memarg:2',    'store',   'i32 i64 ->'],
    [0x3e, 'i64.store32',            'memarg:4',    'store',   'i32 i64 ->'],
    [0x3f, 'memory.size',            'mem',         'special', '-> i32'],
    [0x40, 'memory.grow',            'mem',         'special', 'i32 -> i32'],
    [0x41, 'i32.const',              'i32',         'const',   '-> i32'],
    [0x42, 'i64.const',              'i64',         'const',   '-> i64'],
    [0x43, 'f32.const',              'f32',         'const',   '-> f32'],
    [0x44, 'f64.const',              'f64',         'const',   '-> f64'],
    [0x45, 'i32.eqz',                '-',           'compare', 'i32 -> i32'],
    [0x46, 'i32.eq',                 '-',           'compare', 'i32 i32 -> i32'],
    [0x47, 'i32.ne',                 '-',           'compare', 'i32 i32 -> i32'],
    [0x48, 'i32.lt_s',               '-',           'compare', 'i32 i32 -> i32'],
    [0x49, 'i32.lt_u',               '-',           'compare', 'i32 i32 -> i32'],
    [0x4a, 'i32.gt_s',               '-',           'compare', 'i32 i32 -> i32'],
    [0x4b, 'i32.gt_u',               '-',           'compare', 'i32 i32 -> i32'],
    [0x4c, 'i32.le_s',               '-',           'compare', 'i32 i32 -> i32'],
    [0x4d, 'i32.le_u',               '-',           'compare', 'i32 i32 -> i32'],
    [0x4e, 'i32.ge_s',               '-',           'compare', 'i32 i32 -> i32'],
    [0x4f, 'i32.ge_u',               '-',           'compare', 'i32 i32 -> i32'],
    [0x50, 'i64.eqz',                '-',           'compare', 'i64 -> i32'],
    [0x51, 'i64.eq',                 '-',           'compare', 'i64 i64 -> i32'],
    [0x52, 'i64.ne',                 '-',           'compare', 'i64 i64 -> i32'],
    [0x53, 'i64.lt_s',               '-',           'compare', 'i64 i64 -> i32'],
    [0x54, 'i64.lt_u',               '-',           'compare', 'i64 i64 -> i32'],
    [0x55, 'i64.gt_s',               '-',           'compare', 'i64 i64 -> i32'],
    [0x56, 'i64.gt_u',               '-',           'compare', 'i64 i64 -> i32'],
    [0x57, 'i64.le_s',               '-',           'compare', 'i64 i64 -> i32'],
    [0x58, 'i64.le_u',               '-',           'compare', 'i64 i64 -> i32'],
    [0x59, 'i64.ge_s',               '-',           'compare', 'i64 i64 -> i32'],
    [0x5a, 'i64.ge_u',               '-',           'compare', 'i64 i64 -> i32'],
    [0x5b, 'f32.eq',                 '-',           'compare', 'f32 f32 -> i32'],
    [0x5c, 'f32.ne',                 '-',           'compare', 'f32 f32 -> i32'],
    [0x5d, 'f32.lt',                 '-',           'compare', 'f32 f32 -> i32'],
    [0x5e, 'f32.gt',                 '-',           'compare', 'f32 f32 -> i32'],
    [0x5f, 'f32.le',                 '-',           'compare', 'f32 f32 -> i32'],
    [0x60, 'f32.ge',                 '-',           'compare', 'f32 f32 -> i32'],
    [0x61, 'f64.eq',                 '-',           'compare', 'f64 f64 -> i32'],
    [0x62, 'f64.ne',                 '-',           'compare', 'f64 f64 -> i32'],
    [0x63, 'f64.lt',                 '-',           'compare', 'f64 f64 -> i32'],
    [0x64, 'f64.gt',                 '-',           'compare', 'f64 f64 -> i32'],
    [0x65, 'f64.le',                 '-',           'compare', 'f64 f64 -> i32'],
    [0x66, 'f64.ge',                 '-',           'compare', 'f64 f64 -> i32'],
    [0x67, 'i32.clz',                '-',           'unary',   'i32 -> i32'],
    [0x68, 'i32.ctz',                '-',           'unary',   'i32 -> i32'],
    [0x69, 'i32.popcnt',             '-',           'unary',   'i32 -> i32'],
    [0x6a, 'i32.add',                '-',           'binary',  'i32 i32 -> i32'],
    [0x6b, 'i32.sub',                '-',           'binary',  'i32 i32 -> i32'],
    [0x6c, 'i32.mul',                '-',           'binary',  'i32 i32 -> i32'],
    [0x6d, 'i32.div_s',              '-',           'binary',  'i32 i32 -> i32'],
    [0x6e, 'i32.div_u',              '-',           'binary',  'i32 i32 -> i32'],
    [0x6f, 'i32.rem_s',              '-',           'binary',  'i32 i32 -> i32'],
    [0x70, 'i32.rem_u',              '-',           'binary',  'i32 i32 -> i32'],
    [0x71, 'i32.and',                '-',           'binary',  'i32 i32 -> i32'],
    [0x72, 'i32.or',                 '-',           'binary',  'i32 i32 -> i32'],
    [0x73, 'i32.xor',                '-',           'binary',  'i32 i32 -> i32'],
    [0x74, 'i32.shl',                '-',           'binary',  'i32 i32 -> i32'],
    [0x75, 'i32.shr_s',              '-',           'binary',  'i32 i32 -> i32'],
    [0x76, 'i32.shr_u',              '-',           'binary',  'i32 i32 -> i32'],
    [0x77, 'i32.rotl',               '-',           'binary',  'i32 i32 -> i32'],
    [0x78, 'i32.rotr',               '-',           'binary',  'i32 i32 -> i32'],
    [0x79, 'i64.clz',                '-',           'unary',   'i64 -> i64'],
    [0x7a, 'i64.ctz',                '-',           'unary',   'i64 -> i64'],
    [0x7b, 'i64.popcnt',             '-',           'unary',   'i64 -> i64'],
    [0x7c, 'i64.add',                '-',           'binary',  'i64 i64 -> i64'],
    [0x7d, 'i64.sub',                '-',           'binary',  'i64 i64 -> i64'],
    [0x7e, 'i64.mul',                '-',           'binary',  'i64 i64 -> i64'],
    [0x7f, 'i64.div_s',              '-',           'binary',  'i64 i64 -> i64'],
    [0x80, 'i64.div_u',              '-',           'binary',  'i64 i64 -> i64'],
    [0x81, 'i64.rem_s',              '-',           'binary',  'i64 i64 -> i64'],
    [0x82, 'i64.rem_u',              '-',           'binary',  'i64 i64 -> i64'],
    [0x83, 'i64.and',                '-',           'binary',  'i64 i64 -> i64'],
    [0x84, 'i64.or',                 '-',           'binary',  'i64 i64 -> i64'],
    [0x85, 'i64.xor',                '-',           'binary',  'i64 i64 -> i64'],
    [0x86, 'i64.shl',                '-',           'binary',  'i64 i64 -> i64'],
    [0x87, 'i64.shr_s',              '-',           'binary',  'i64 i64 -> i64'],
    [0x88, 'i64.shr_u',              '-',           'binary',  'i64 i64 -> i64'],
    [0x89, 'i64.rotl',               '-',           'binary',  'i64 i64 -> i64'],
    [0x8a, 'i64.rotr',               '-',           'binary',  'i64 i64 -> i64'],
    [0x8b, 'f32.abs',                '-',           'unary',   'f32 -> f32'],
    [0x8c, 'f32.neg',                '-',           'unary',   'f32 -> f32'],
    [0x8d, 'f32.ceil',               '-',           'unary',   'f32 -> f32'],
    [0x8e, 'f32.floor',              '-',           'unary',   'f32 -> f32'],
    [0x8f, 'f32.trunc',              '-',           'unary',   'f32 -> f32'],
    [0x90, 'f32.nearest',            '-',           'unary',   'f32 -> f32'],
    [0x91, 'f32.sqrt',               '-',           'unary',   'f32 -> f32'],
    [0x92, 'f32.add',                '-',           'binary',  'f32 f32 -> f32'],
    [0x93, 'f32.sub',                '-',           'binary',  'f32 f32 -> f32'],
    [0x94, 'f32.mul',                '-',           'binary',  'f32 f32 -> f32'],
    [0x95, 'f32.div',                '-',           'binary',  'f32 f32 -> f32'],
    [0x96, 'f32.min',                '-',           'binary',  'f32 f32 -> f32'],
    [0x97, 'f32.max',                '-',           'binary',  'f32 f32 -> f32'],
    [0x98, 'f32.copysign',           '-',           'binary',  'f32 f32 -> f32'],
    [0x99, 'f64.abs',                '-',           'unary',   'f64 -> f64'],
    [0x9a, 'f64.neg',                '-',           'unary',   'f64 -> f64'],
    [0x9b, 'f64.ceil',               '-',           'unary',   'f64 -> f64'],
    [0x9c, 'f64.floor',              '-',           'unary',   'f64 -> f64'],
    [0x9d, 'f64.trunc',              '-',           'unary',   'f64 -> f64'],
    [0x9e, 'f64.nearest',            '-',           'unary',   'f64 -> f64'],
    [0x9f, 'f64.sqrt',               '-',           'unary',   'f64 -> f64'],
    [0xa0, 'f64.add',                '-',           'binary',  'f64 f64 -> f64'],
    [0xa1, 'f64.sub',                '-',           'binary',  'f64 f64 -> f64'],
    [0xa2, 'f64.mul',                '-',           'binary',  'f64 f64 -> f64'],
    [0xa3, 'f64.div',                '-',           'binary',  'f64 f64 -> f64'],
    [0xa4, 'f64.min',                '-',           'binary',  'f64 f64 -> f64'],
    [0xa5, 'f64.max',                '-',           'binary',  'f64 f64 -> f64'],
    [0xa6, 'f64.copysign',           '-',           'binary',  'f64 f64 -> f64'],
    [0xa7, 'i32.wrap_i64',           '-',           'unary',   'i64 -> i32'],
    [0xa8, 'i32.trunc_f32_s',        '-',           'unary',   'f32 -> i32'],
    [0xa9, 'i32.trunc_f32_u',        '-',           'unary',   'f32 -> i32'],
    [0xaa, 'i32.trunc_f64_s',        '-',           'unary',   'f64 -> i32'],
    [0xab, 'i32.trunc_f64_u',        '-',           'unary',   'f64 -> i32'],
    [0xac, 'i64.extend_i32_s',       '-',           'unary',   'i32 -> i64'],
    [0xad, 'i64.extend_i32_u',       '-',           'unary',   'i32 -> i64'],
    [0xae, 'i64.trunc_f32_s',        '-',           'unary',   'f32 -> i64'],
    [0xaf, 'i64.trunc_f32_u',        '-',           'unary',   'f32 -> i64'],
    [0xb0, 'i64.trunc_f64_s',        '-',           'unary',   'f64 -> i64'],
    [0xb1, 'i64.trunc_f64_u',        '-',           'unary',   'f64 -> i64'],
    [0xb2, 'f32.convert_i32_s',      '-',           'unary',   'i32 -> f32'],
    [0xb3, 'f32.convert_i32_u',      '-',           'unary',   'i32 -> f32'],
    [0xb4, 'f32.convert_i64_s',      '-',           'unary',   'i64 -> f32'],
    [0xb5, 'f32.convert_i64_u',      '-',           'unary',   'i64 -> f32'],
    [0xb6, 'f32.demote_f64',         '-',           'unary',   'f64 -> f32'],
    [0xb7, 'f64.convert_i32_s',      '-',           'unary',   'i32 -> f64'],
    [0xb8, 'f64.convert_i32_u',      '-',           'unary',   'i32 -> f64'],
    [0xb9, 'f64.convert_i64_s',      '-',           'unary',   'i64 -> f64'],
    [0xba, 'f64.convert_i64_u',      '-',           'unary',   'i64 -> f64'],
    [0xbb, 'f64.promote_f32',        '-',           'unary',   'f32 -> f64'],
    [0xbc, 'i32.reinterpret_f32',    '-',           'unary',   'f32 -> i32'],
    [0xbd, 'i64.reinterpret_f64',    '-',           'unary',   'f64 -> i64'],
    [0xbe, 'f32.reinterpret_i32',    '-',           'unary',   'i32 -> f32'],
    [0xbf, 'f64.reinterpret_i64',    '-',           'unary',   'i64 -> f64'],
  ],
  'sign-extension': [
    [0xc0, 'i32.extend8_s',          '-',           'unary',   'i32 -> i32'],
    [0xc1, 'i32.extend16_s',         '-',           'unary',   'i32 -> i32'],
    [0xc2, 'i64.extend8_s',          '-',           'unary',   'i64 -> i64'],
    [0xc3, 'i64.extend16_s',         '-',           'unary',   'i64 -> i64'],
    [0xc4, 'i64.extend32_s',         '-',           'unary',   'i64 -> i64'],
  ],
  'nontrapping-float-to-int': [
    [0xfc000, 'i32.trunc_sat_f32_s', '-',           'unary',   'f32 -> i32'],
    [0xfc001, 'i32.trunc_sat_f32_u', '-',           'unary',   'f32 -> i32'],
    [0xfc002, 'i32.trunc_sat_f64_s', '-',           'unary',   'f64 -> i32'],
    [0xfc003, 'i32.trunc_sat_f64_u', '-',           'unary',   'f64 -> i32'],
    [0xfc004, 'i64.trunc_sat_f32_s', '-',           'unary',   'f32 -> i64'],
    [0xfc005, 'i64.trunc_sat_f32_u', '-',           'unary',   'f32 -> i64'],
    [0xfc006, 'i64.trunc_sat_f64_s', '-',           'unary',   'f64 -> i64'],
    [0xfc007, 'i64.trunc_sat_f64_u', '-',           'unary',   'f64 -> i64'],
  ],
  // multi-value adds no opcode: it widens block types (blocktype immediates may be type indices).
  'multi-value': [],
  'bulk-memory': [
    [0xfc008, 'memory.init',         'data mem',    'special', 'i32 i32 i32 ->'],
    [0xfc009, 'data.drop',           'data',        'special', '->'],
    [0xfc00a, 'memory.copy',         'mem mem',     'special', 'i32 i32 i32 ->'],
    [0xfc00b, 'memory.fill',         'mem',         'special', 'i32 i32 i32 ->'],
    [0xfc00c, 'table.init',          'elem table',  'special', 'i32 i32 i32 ->'],
    [0xfc00d, 'elem.drop',           'elem',        'special', '->'],
    [0xfc00e, 'table.copy',          'table table', 'special', 'i32 i32 i32 ->'],
  ],
  'reference-types': [
    [0x1c, 'select',                 'valtypes',    'special', 'rule: [t t i32] -> [t]'],
    [0x25, 'table.get',              'table',       'special', 'rule: [i32] -> [elem]'],
    [0x26, 'table.set',              'table',       'special', 'rule: [i32 elem] -> []'],
    [0xd0, 'ref.null',               'reftype',     'special', 'rule: [] -> [reftype]'],
    [0xd1, 'ref.is_null',            '-',           'special', 'rule: [ref] -> [i32]'],
    [0xd2, 'ref.func',               'func',        'special', 'rule: [] -> [funcref], declared'],
    [0xfc00f, 'table.grow',          'table',       'special', 'rule: [elem i32] -> [i32]'],
    [0xfc010, 'table.size',          'table',       'special', '-> i32'],
    [0xfc011, 'table.fill',          'table',       'special', 'rule: [i32 elem i32] -> []'],
  ],

  // ---- later proposals: recognized, rejected as "unsupported feature: <proposal>" ----
  'exceptions': [
    [0x06, 'try',                    '-',           'unsupported', ''],
    [0x07, 'catch',                  '-',           'unsupported', ''],
    [0x08, 'throw',                  '-',           'unsupported', ''],
    [0x09, 'rethrow',                '-',           'unsupported', ''],
    [0x0a, 'throw_ref',              '-',           'unsupported', ''],
    [0x18, 'delegate',               '-',           'unsupported', ''],
    [0x19, 'catch_all',              '-',           'unsupported', ''],
    [0x1f, 'try_table',              '-',           'unsupported', ''],
  ],
  'tail-call': [
    [0x12, 'return_call',            '-',           'unsupported', ''],
    [0x13, 'return_call_indirect',   '-',           'unsupported', ''],
  ],
  'function-references': [
    [0x14, 'call_ref',               '-',           'unsupported', ''],
    [0x15, 'return_call_ref',        '-',           'unsupported', ''],
    [0xd4, 'ref.as_non_null',        '-',           'unsupported', ''],
    [0xd5, 'br_on_null',             '-',           'unsupported', ''],
    [0xd6, 'br_on_non_null',         '-',           'unsupported', ''],
  ],
  'gc': [
    [0xd3, 'ref.eq',                 '-',           'unsupported', ''],
  ],
  'wide-arithmetic': [
    [0xfc013, 'i64.add128',          '-',           'unsupported', ''],
    [0xfc014, 'i64.sub128',          '-',           'unsupported', ''],
    [0xfc015, 'i64.mul_wide_s',      '-',           'unsupported', ''],
    [0xfc016, 'i64.mul_wide_u',      '-',           'unsupported', ''],
  ],
} as const;

/** Whole prefix spaces of later proposals: every opcode under these prefixes is unsupported. */
export const UNSUPPORTED_PREFIXES = {
  0xfb: 'gc',
  0xfd: 'simd',
  0xfe: 'threads',
} as const;
// #endregion operator-table

export type Proposal = keyof typeof PROPOSALS;
type Row = (typeof PROPOSALS)[Proposal][number];
export type Family = Row[3];
export type Immediate = Row[2];

export interface OperatorInfo {
  readonly opcode: number;
  readonly name: string;
  readonly immediate: Immediate;
  readonly family: Family;
  /** Operand and result types (value-type bytes), empty for operators checked by a rule. */
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly proposal: Proposal;
}

const TYPE_BYTES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };
/** A plain signature ("i32 i64 -> f32"), as opposed to a rule. */
const SIGNATURE = /^\s*((i32|i64|f32|f64)\s*)*->(\s*(i32|i64|f32|f64))*\s*$/;
function parseTypes(s: string): number[] {
  return s.split(' ').filter((w) => w !== '').map((w) => {
    const t = TYPE_BYTES[w];
    if (t === undefined) throw new Error(`operator table: bad type '${w}'`);
    return t;
  });
}

const BY_OPCODE = new Map<number, OperatorInfo>();
for (const [proposal, rows] of Object.entries(PROPOSALS) as [Proposal, readonly Row[]][]) {
  for (const [opcode, name, immediate, family, signature] of rows) {
    const [params = '', results = ''] = SIGNATURE.test(signature) ? signature.split('->') : [];
    if (BY_OPCODE.has(opcode)) throw new Error(`operator table: opcode 0x${opcode.toString(16)} twice`);
    BY_OPCODE.set(opcode, {
      opcode, name, immediate, family, proposal,
      params: parseTypes(params), results: parseTypes(results),
    });
  }
}

/** The table row of an opcode (one byte, or (prefix << 12) | sub), or undefined. */
export function operatorInfo(opcode: number): OperatorInfo | undefined {
  return BY_OPCODE.get(opcode);
}
export function allOperators(): IterableIterator<OperatorInfo> {
  return BY_OPCODE.values();
}
export function opcodeName(opcode: number): string {
  return BY_OPCODE.get(opcode)?.name ?? `0x${opcode.toString(16)}`;
}

// #region dispatch-arrays
// Flat arrays derived from the table for the validator's hot loop (indexed by the opcode byte,
// or by 256 + sub for 0xfc-prefixed opcodes): no object lookups per operator.
// 0, the arrays' initial value, is no operator at all.
export const FAMILY_UNARY = 1, FAMILY_BINARY = 2, FAMILY_COMPARE = 3,
  FAMILY_LOAD = 4, FAMILY_STORE = 5, FAMILY_CONST = 6, FAMILY_SPECIAL = 7, FAMILY_UNSUPPORTED = 8;
const FAMILY_CODES: Record<Family, number> = {
  unary: FAMILY_UNARY, binary: FAMILY_BINARY, compare: FAMILY_COMPARE, load: FAMILY_LOAD,
  store: FAMILY_STORE, const: FAMILY_CONST, special: FAMILY_SPECIAL, unsupported: FAMILY_UNSUPPORTED,
};
export const DISPATCH_SIZE = 256 + 64;
/** Index into the dispatch arrays: the byte itself, or 256 + sub for 0xfc sub < 64 (else -1). */
export function dispatchIndex(opcode: number): number {
  if (opcode < 256) return opcode;
  if (opcode >>> 12 === 0xfc && (opcode & 0xfff) < 64) return 256 + (opcode & 0xfff);
  return -1;
}
export const opFamily = new Uint8Array(DISPATCH_SIZE);
/** First and second operand types (0 when absent) and the result type (0 when none). */
export const opParam0 = new Uint8Array(DISPATCH_SIZE);
export const opParam1 = new Uint8Array(DISPATCH_SIZE);
export const opResult = new Uint8Array(DISPATCH_SIZE);
/** log2 of the natural alignment of loads and stores. */
export const opNaturalAlign = new Uint8Array(DISPATCH_SIZE);
/** Proposal name of each unsupported opcode. */
export const opProposal: (string | undefined)[] = new Array(DISPATCH_SIZE);
for (const info of BY_OPCODE.values()) {
  const i = dispatchIndex(info.opcode);
  if (i < 0) continue;
  opFamily[i] = FAMILY_CODES[info.family];
  opParam0[i] = info.params[0] ?? 0;
  opParam1[i] = info.params[1] ?? 0;
  opResult[i] = info.results[0] ?? 0;
  if (info.immediate.startsWith('memarg:')) opNaturalAlign[i] = Math.log2(Number(info.immediate.slice(7)));
  if (info.family === 'unsupported') opProposal[i] = info.proposal;
}
// #endregion dispatch-arrays
