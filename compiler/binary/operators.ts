// The operator table: the single source of truth for every opcode we decode.
// One aligned row per opcode (wasm3/QBE style), grouped by the proposal that added it.
// The decoder reads the immediates column, the validator the family and signature columns,
// disassembly notes the name column. It holds WebAssembly 2.0, fixed-width SIMD included, and
// relaxed SIMD, the tail calls, typed function references, exception handling and GC of WebAssembly 3.0, and threads' atomics; other later proposals are listed only so
// that their encodings are rejected as "unsupported feature: <proposal>" rather than as malformed.
//
// Columns:
//   opcode     one byte, or (prefix << 12) | sub for the 0xfb/0xfc/0xfd/0xfe prefixes
//   name       the text-format name
//   immediate  what follows the opcode:  -  none          blocktype   block type
//              label  relative depth       labels   br_table vector + default
//              func / local / global / table / elem / data / mem        an index
//              type_table   call_indirect  type  a type index (call_ref, GC's struct and array operators)
//              "type field"  "type count" etc.  a type index, then a field index, count or segment index
//              heaptype  a heap type (ref.test, ref.cast)   cast  br_on_cast's flags, label, two heap types
//              reftype  ref.null's type   valtypes  select's type vector
//              i32 / i64 / f32 / f64  a constant   memarg:N  alignment+offset, natural alignment N bytes
//              memarg_lane:N  a memarg, then a lane byte   lane  one lane byte
//              v128  16 bytes          shuffle  16 lane bytes           "a b"  two indices in that order
//              zero  one reserved 0x00 byte (atomic.fence)
//   family     how the validator checks it and which code-generator method it reaches:
//              unary binary compare ternary (by signature) load store (memarg, by signature) const,
//              the SIMD immediates' own: v128const, shuffle, lane (extract/replace_lane),
//              load_lane, store_lane (by signature, lane below the shape's lane count),
//              atomic (threads: memarg with exactly natural alignment, address operand by the memory),
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
  // Fixed-width SIMD, as WebAssembly 2.0 numbers it: the sub-opcode space has gaps (0x9a, 0xa2,
  // 0xa5-0xa6, ...), left by operators dropped or renumbered before the proposal was finished.
  simd: [
    // opcode  name                                    immediate         family        signature
    [0xfd000, 'v128.load',                            'memarg:16',      'load',       'i32 -> v128'],
    [0xfd001, 'v128.load8x8_s',                       'memarg:8',       'load',       'i32 -> v128'],
    [0xfd002, 'v128.load8x8_u',                       'memarg:8',       'load',       'i32 -> v128'],
    [0xfd003, 'v128.load16x4_s',                      'memarg:8',       'load',       'i32 -> v128'],
    [0xfd004, 'v128.load16x4_u',                      'memarg:8',       'load',       'i32 -> v128'],
    [0xfd005, 'v128.load32x2_s',                      'memarg:8',       'load',       'i32 -> v128'],
    [0xfd006, 'v128.load32x2_u',                      'memarg:8',       'load',       'i32 -> v128'],
    [0xfd007, 'v128.load8_splat',                     'memarg:1',       'load',       'i32 -> v128'],
    [0xfd008, 'v128.load16_splat',                    'memarg:2',       'load',       'i32 -> v128'],
    [0xfd009, 'v128.load32_splat',                    'memarg:4',       'load',       'i32 -> v128'],
    [0xfd00a, 'v128.load64_splat',                    'memarg:8',       'load',       'i32 -> v128'],
    [0xfd00b, 'v128.store',                           'memarg:16',      'store',      'i32 v128 ->'],
    [0xfd00c, 'v128.const',                           'v128',           'v128const',  '-> v128'],
    [0xfd00d, 'i8x16.shuffle',                        'shuffle',        'shuffle',    'v128 v128 -> v128'],
    [0xfd00e, 'i8x16.swizzle',                        '-',              'binary',     'v128 v128 -> v128'],
    [0xfd00f, 'i8x16.splat',                          '-',              'unary',      'i32 -> v128'],
    [0xfd010, 'i16x8.splat',                          '-',              'unary',      'i32 -> v128'],
    [0xfd011, 'i32x4.splat',                          '-',              'unary',      'i32 -> v128'],
    [0xfd012, 'i64x2.splat',                          '-',              'unary',      'i64 -> v128'],
    [0xfd013, 'f32x4.splat',                          '-',              'unary',      'f32 -> v128'],
    [0xfd014, 'f64x2.splat',                          '-',              'unary',      'f64 -> v128'],
    [0xfd015, 'i8x16.extract_lane_s',                 'lane',           'lane',       'v128 -> i32'],
    [0xfd016, 'i8x16.extract_lane_u',                 'lane',           'lane',       'v128 -> i32'],
    [0xfd017, 'i8x16.replace_lane',                   'lane',           'lane',       'v128 i32 -> v128'],
    [0xfd018, 'i16x8.extract_lane_s',                 'lane',           'lane',       'v128 -> i32'],
    [0xfd019, 'i16x8.extract_lane_u',                 'lane',           'lane',       'v128 -> i32'],
    [0xfd01a, 'i16x8.replace_lane',                   'lane',           'lane',       'v128 i32 -> v128'],
    [0xfd01b, 'i32x4.extract_lane',                   'lane',           'lane',       'v128 -> i32'],
    [0xfd01c, 'i32x4.replace_lane',                   'lane',           'lane',       'v128 i32 -> v128'],
    [0xfd01d, 'i64x2.extract_lane',                   'lane',           'lane',       'v128 -> i64'],
    [0xfd01e, 'i64x2.replace_lane',                   'lane',           'lane',       'v128 i64 -> v128'],
    [0xfd01f, 'f32x4.extract_lane',                   'lane',           'lane',       'v128 -> f32'],
    [0xfd020, 'f32x4.replace_lane',                   'lane',           'lane',       'v128 f32 -> v128'],
    [0xfd021, 'f64x2.extract_lane',                   'lane',           'lane',       'v128 -> f64'],
    [0xfd022, 'f64x2.replace_lane',                   'lane',           'lane',       'v128 f64 -> v128'],
    [0xfd023, 'i8x16.eq',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd024, 'i8x16.ne',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd025, 'i8x16.lt_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd026, 'i8x16.lt_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd027, 'i8x16.gt_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd028, 'i8x16.gt_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd029, 'i8x16.le_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd02a, 'i8x16.le_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd02b, 'i8x16.ge_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd02c, 'i8x16.ge_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd02d, 'i16x8.eq',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd02e, 'i16x8.ne',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd02f, 'i16x8.lt_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd030, 'i16x8.lt_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd031, 'i16x8.gt_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd032, 'i16x8.gt_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd033, 'i16x8.le_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd034, 'i16x8.le_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd035, 'i16x8.ge_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd036, 'i16x8.ge_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd037, 'i32x4.eq',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd038, 'i32x4.ne',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd039, 'i32x4.lt_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd03a, 'i32x4.lt_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd03b, 'i32x4.gt_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd03c, 'i32x4.gt_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd03d, 'i32x4.le_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd03e, 'i32x4.le_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd03f, 'i32x4.ge_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd040, 'i32x4.ge_u',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd041, 'f32x4.eq',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd042, 'f32x4.ne',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd043, 'f32x4.lt',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd044, 'f32x4.gt',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd045, 'f32x4.le',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd046, 'f32x4.ge',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd047, 'f64x2.eq',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd048, 'f64x2.ne',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd049, 'f64x2.lt',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd04a, 'f64x2.gt',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd04b, 'f64x2.le',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd04c, 'f64x2.ge',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd04d, 'v128.not',                             '-',              'unary',      'v128 -> v128'],
    [0xfd04e, 'v128.and',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd04f, 'v128.andnot',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd050, 'v128.or',                              '-',              'binary',     'v128 v128 -> v128'],
    [0xfd051, 'v128.xor',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd052, 'v128.bitselect',                       '-',              'ternary',    'v128 v128 v128 -> v128'],
    [0xfd053, 'v128.any_true',                        '-',              'unary',      'v128 -> i32'],
    [0xfd054, 'v128.load8_lane',                      'memarg_lane:1',  'load_lane',  'i32 v128 -> v128'],
    [0xfd055, 'v128.load16_lane',                     'memarg_lane:2',  'load_lane',  'i32 v128 -> v128'],
    [0xfd056, 'v128.load32_lane',                     'memarg_lane:4',  'load_lane',  'i32 v128 -> v128'],
    [0xfd057, 'v128.load64_lane',                     'memarg_lane:8',  'load_lane',  'i32 v128 -> v128'],
    [0xfd058, 'v128.store8_lane',                     'memarg_lane:1',  'store_lane', 'i32 v128 ->'],
    [0xfd059, 'v128.store16_lane',                    'memarg_lane:2',  'store_lane', 'i32 v128 ->'],
    [0xfd05a, 'v128.store32_lane',                    'memarg_lane:4',  'store_lane', 'i32 v128 ->'],
    [0xfd05b, 'v128.store64_lane',                    'memarg_lane:8',  'store_lane', 'i32 v128 ->'],
    [0xfd05c, 'v128.load32_zero',                     'memarg:4',       'load',       'i32 -> v128'],
    [0xfd05d, 'v128.load64_zero',                     'memarg:8',       'load',       'i32 -> v128'],
    [0xfd05e, 'f32x4.demote_f64x2_zero',              '-',              'unary',      'v128 -> v128'],
    [0xfd05f, 'f64x2.promote_low_f32x4',              '-',              'unary',      'v128 -> v128'],
    [0xfd060, 'i8x16.abs',                            '-',              'unary',      'v128 -> v128'],
    [0xfd061, 'i8x16.neg',                            '-',              'unary',      'v128 -> v128'],
    [0xfd062, 'i8x16.popcnt',                         '-',              'unary',      'v128 -> v128'],
    [0xfd063, 'i8x16.all_true',                       '-',              'unary',      'v128 -> i32'],
    [0xfd064, 'i8x16.bitmask',                        '-',              'unary',      'v128 -> i32'],
    [0xfd065, 'i8x16.narrow_i16x8_s',                 '-',              'binary',     'v128 v128 -> v128'],
    [0xfd066, 'i8x16.narrow_i16x8_u',                 '-',              'binary',     'v128 v128 -> v128'],
    [0xfd067, 'f32x4.ceil',                           '-',              'unary',      'v128 -> v128'],
    [0xfd068, 'f32x4.floor',                          '-',              'unary',      'v128 -> v128'],
    [0xfd069, 'f32x4.trunc',                          '-',              'unary',      'v128 -> v128'],
    [0xfd06a, 'f32x4.nearest',                        '-',              'unary',      'v128 -> v128'],
    [0xfd06b, 'i8x16.shl',                            '-',              'binary',     'v128 i32 -> v128'],
    [0xfd06c, 'i8x16.shr_s',                          '-',              'binary',     'v128 i32 -> v128'],
    [0xfd06d, 'i8x16.shr_u',                          '-',              'binary',     'v128 i32 -> v128'],
    [0xfd06e, 'i8x16.add',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd06f, 'i8x16.add_sat_s',                      '-',              'binary',     'v128 v128 -> v128'],
    [0xfd070, 'i8x16.add_sat_u',                      '-',              'binary',     'v128 v128 -> v128'],
    [0xfd071, 'i8x16.sub',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd072, 'i8x16.sub_sat_s',                      '-',              'binary',     'v128 v128 -> v128'],
    [0xfd073, 'i8x16.sub_sat_u',                      '-',              'binary',     'v128 v128 -> v128'],
    [0xfd074, 'f64x2.ceil',                           '-',              'unary',      'v128 -> v128'],
    [0xfd075, 'f64x2.floor',                          '-',              'unary',      'v128 -> v128'],
    [0xfd076, 'i8x16.min_s',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd077, 'i8x16.min_u',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd078, 'i8x16.max_s',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd079, 'i8x16.max_u',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd07a, 'f64x2.trunc',                          '-',              'unary',      'v128 -> v128'],
    [0xfd07b, 'i8x16.avgr_u',                         '-',              'binary',     'v128 v128 -> v128'],
    [0xfd07c, 'i16x8.extadd_pairwise_i8x16_s',        '-',              'unary',      'v128 -> v128'],
    [0xfd07d, 'i16x8.extadd_pairwise_i8x16_u',        '-',              'unary',      'v128 -> v128'],
    [0xfd07e, 'i32x4.extadd_pairwise_i16x8_s',        '-',              'unary',      'v128 -> v128'],
    [0xfd07f, 'i32x4.extadd_pairwise_i16x8_u',        '-',              'unary',      'v128 -> v128'],
    [0xfd080, 'i16x8.abs',                            '-',              'unary',      'v128 -> v128'],
    [0xfd081, 'i16x8.neg',                            '-',              'unary',      'v128 -> v128'],
    [0xfd082, 'i16x8.q15mulr_sat_s',                  '-',              'binary',     'v128 v128 -> v128'],
    [0xfd083, 'i16x8.all_true',                       '-',              'unary',      'v128 -> i32'],
    [0xfd084, 'i16x8.bitmask',                        '-',              'unary',      'v128 -> i32'],
    [0xfd085, 'i16x8.narrow_i32x4_s',                 '-',              'binary',     'v128 v128 -> v128'],
    [0xfd086, 'i16x8.narrow_i32x4_u',                 '-',              'binary',     'v128 v128 -> v128'],
    [0xfd087, 'i16x8.extend_low_i8x16_s',             '-',              'unary',      'v128 -> v128'],
    [0xfd088, 'i16x8.extend_high_i8x16_s',            '-',              'unary',      'v128 -> v128'],
    [0xfd089, 'i16x8.extend_low_i8x16_u',             '-',              'unary',      'v128 -> v128'],
    [0xfd08a, 'i16x8.extend_high_i8x16_u',            '-',              'unary',      'v128 -> v128'],
    [0xfd08b, 'i16x8.shl',                            '-',              'binary',     'v128 i32 -> v128'],
    [0xfd08c, 'i16x8.shr_s',                          '-',              'binary',     'v128 i32 -> v128'],
    [0xfd08d, 'i16x8.shr_u',                          '-',              'binary',     'v128 i32 -> v128'],
    [0xfd08e, 'i16x8.add',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd08f, 'i16x8.add_sat_s',                      '-',              'binary',     'v128 v128 -> v128'],
    [0xfd090, 'i16x8.add_sat_u',                      '-',              'binary',     'v128 v128 -> v128'],
    [0xfd091, 'i16x8.sub',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd092, 'i16x8.sub_sat_s',                      '-',              'binary',     'v128 v128 -> v128'],
    [0xfd093, 'i16x8.sub_sat_u',                      '-',              'binary',     'v128 v128 -> v128'],
    [0xfd094, 'f64x2.nearest',                        '-',              'unary',      'v128 -> v128'],
    [0xfd095, 'i16x8.mul',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd096, 'i16x8.min_s',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd097, 'i16x8.min_u',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd098, 'i16x8.max_s',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd099, 'i16x8.max_u',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd09b, 'i16x8.avgr_u',                         '-',              'binary',     'v128 v128 -> v128'],
    [0xfd09c, 'i16x8.extmul_low_i8x16_s',             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd09d, 'i16x8.extmul_high_i8x16_s',            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd09e, 'i16x8.extmul_low_i8x16_u',             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd09f, 'i16x8.extmul_high_i8x16_u',            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0a0, 'i32x4.abs',                            '-',              'unary',      'v128 -> v128'],
    [0xfd0a1, 'i32x4.neg',                            '-',              'unary',      'v128 -> v128'],
    [0xfd0a3, 'i32x4.all_true',                       '-',              'unary',      'v128 -> i32'],
    [0xfd0a4, 'i32x4.bitmask',                        '-',              'unary',      'v128 -> i32'],
    [0xfd0a7, 'i32x4.extend_low_i16x8_s',             '-',              'unary',      'v128 -> v128'],
    [0xfd0a8, 'i32x4.extend_high_i16x8_s',            '-',              'unary',      'v128 -> v128'],
    [0xfd0a9, 'i32x4.extend_low_i16x8_u',             '-',              'unary',      'v128 -> v128'],
    [0xfd0aa, 'i32x4.extend_high_i16x8_u',            '-',              'unary',      'v128 -> v128'],
    [0xfd0ab, 'i32x4.shl',                            '-',              'binary',     'v128 i32 -> v128'],
    [0xfd0ac, 'i32x4.shr_s',                          '-',              'binary',     'v128 i32 -> v128'],
    [0xfd0ad, 'i32x4.shr_u',                          '-',              'binary',     'v128 i32 -> v128'],
    [0xfd0ae, 'i32x4.add',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0b1, 'i32x4.sub',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0b5, 'i32x4.mul',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0b6, 'i32x4.min_s',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0b7, 'i32x4.min_u',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0b8, 'i32x4.max_s',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0b9, 'i32x4.max_u',                          '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0ba, 'i32x4.dot_i16x8_s',                    '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0bc, 'i32x4.extmul_low_i16x8_s',             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0bd, 'i32x4.extmul_high_i16x8_s',            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0be, 'i32x4.extmul_low_i16x8_u',             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0bf, 'i32x4.extmul_high_i16x8_u',            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0c0, 'i64x2.abs',                            '-',              'unary',      'v128 -> v128'],
    [0xfd0c1, 'i64x2.neg',                            '-',              'unary',      'v128 -> v128'],
    [0xfd0c3, 'i64x2.all_true',                       '-',              'unary',      'v128 -> i32'],
    [0xfd0c4, 'i64x2.bitmask',                        '-',              'unary',      'v128 -> i32'],
    [0xfd0c7, 'i64x2.extend_low_i32x4_s',             '-',              'unary',      'v128 -> v128'],
    [0xfd0c8, 'i64x2.extend_high_i32x4_s',            '-',              'unary',      'v128 -> v128'],
    [0xfd0c9, 'i64x2.extend_low_i32x4_u',             '-',              'unary',      'v128 -> v128'],
    [0xfd0ca, 'i64x2.extend_high_i32x4_u',            '-',              'unary',      'v128 -> v128'],
    [0xfd0cb, 'i64x2.shl',                            '-',              'binary',     'v128 i32 -> v128'],
    [0xfd0cc, 'i64x2.shr_s',                          '-',              'binary',     'v128 i32 -> v128'],
    [0xfd0cd, 'i64x2.shr_u',                          '-',              'binary',     'v128 i32 -> v128'],
    [0xfd0ce, 'i64x2.add',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0d1, 'i64x2.sub',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0d5, 'i64x2.mul',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0d6, 'i64x2.eq',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0d7, 'i64x2.ne',                             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0d8, 'i64x2.lt_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0d9, 'i64x2.gt_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0da, 'i64x2.le_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0db, 'i64x2.ge_s',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0dc, 'i64x2.extmul_low_i32x4_s',             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0dd, 'i64x2.extmul_high_i32x4_s',            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0de, 'i64x2.extmul_low_i32x4_u',             '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0df, 'i64x2.extmul_high_i32x4_u',            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0e0, 'f32x4.abs',                            '-',              'unary',      'v128 -> v128'],
    [0xfd0e1, 'f32x4.neg',                            '-',              'unary',      'v128 -> v128'],
    [0xfd0e3, 'f32x4.sqrt',                           '-',              'unary',      'v128 -> v128'],
    [0xfd0e4, 'f32x4.add',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0e5, 'f32x4.sub',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0e6, 'f32x4.mul',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0e7, 'f32x4.div',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0e8, 'f32x4.min',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0e9, 'f32x4.max',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0ea, 'f32x4.pmin',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0eb, 'f32x4.pmax',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0ec, 'f64x2.abs',                            '-',              'unary',      'v128 -> v128'],
    [0xfd0ed, 'f64x2.neg',                            '-',              'unary',      'v128 -> v128'],
    [0xfd0ef, 'f64x2.sqrt',                           '-',              'unary',      'v128 -> v128'],
    [0xfd0f0, 'f64x2.add',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0f1, 'f64x2.sub',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0f2, 'f64x2.mul',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0f3, 'f64x2.div',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0f4, 'f64x2.min',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0f5, 'f64x2.max',                            '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0f6, 'f64x2.pmin',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0f7, 'f64x2.pmax',                           '-',              'binary',     'v128 v128 -> v128'],
    [0xfd0f8, 'i32x4.trunc_sat_f32x4_s',              '-',              'unary',      'v128 -> v128'],
    [0xfd0f9, 'i32x4.trunc_sat_f32x4_u',              '-',              'unary',      'v128 -> v128'],
    [0xfd0fa, 'f32x4.convert_i32x4_s',                '-',              'unary',      'v128 -> v128'],
    [0xfd0fb, 'f32x4.convert_i32x4_u',                '-',              'unary',      'v128 -> v128'],
    [0xfd0fc, 'i32x4.trunc_sat_f64x2_s_zero',         '-',              'unary',      'v128 -> v128'],
    [0xfd0fd, 'i32x4.trunc_sat_f64x2_u_zero',         '-',              'unary',      'v128 -> v128'],
    [0xfd0fe, 'f64x2.convert_low_i32x4_s',            '-',              'unary',      'v128 -> v128'],
    [0xfd0ff, 'f64x2.convert_low_i32x4_u',            '-',              'unary',      'v128 -> v128'],
  ],

  // Relaxed SIMD (WebAssembly 3.0): results the spec lets each implementation choose, once and
  // for all (the choices are in compiler/codegen/ops/simdRelaxed.ts).
  'relaxed-simd': [
    [0xfd100, 'i8x16.relaxed_swizzle',                '-',              'binary',     'v128 v128 -> v128'],
    [0xfd101, 'i32x4.relaxed_trunc_f32x4_s',          '-',              'unary',      'v128 -> v128'],
    [0xfd102, 'i32x4.relaxed_trunc_f32x4_u',          '-',              'unary',      'v128 -> v128'],
    [0xfd103, 'i32x4.relaxed_trunc_f64x2_s_zero',     '-',              'unary',      'v128 -> v128'],
    [0xfd104, 'i32x4.relaxed_trunc_f64x2_u_zero',     '-',              'unary',      'v128 -> v128'],
    [0xfd105, 'f32x4.relaxed_madd',                   '-',              'ternary',    'v128 v128 v128 -> v128'],
    [0xfd106, 'f32x4.relaxed_nmadd',                  '-',              'ternary',    'v128 v128 v128 -> v128'],
    [0xfd107, 'f64x2.relaxed_madd',                   '-',              'ternary',    'v128 v128 v128 -> v128'],
    [0xfd108, 'f64x2.relaxed_nmadd',                  '-',              'ternary',    'v128 v128 v128 -> v128'],
    [0xfd109, 'i8x16.relaxed_laneselect',             '-',              'ternary',    'v128 v128 v128 -> v128'],
    [0xfd10a, 'i16x8.relaxed_laneselect',             '-',              'ternary',    'v128 v128 v128 -> v128'],
    [0xfd10b, 'i32x4.relaxed_laneselect',             '-',              'ternary',    'v128 v128 v128 -> v128'],
    [0xfd10c, 'i64x2.relaxed_laneselect',             '-',              'ternary',    'v128 v128 v128 -> v128'],
    [0xfd10d, 'f32x4.relaxed_min',                    '-',              'binary',     'v128 v128 -> v128'],
    [0xfd10e, 'f32x4.relaxed_max',                    '-',              'binary',     'v128 v128 -> v128'],
    [0xfd10f, 'f64x2.relaxed_min',                    '-',              'binary',     'v128 v128 -> v128'],
    [0xfd110, 'f64x2.relaxed_max',                    '-',              'binary',     'v128 v128 -> v128'],
    [0xfd111, 'i16x8.relaxed_q15mulr_s',              '-',              'binary',     'v128 v128 -> v128'],
    [0xfd112, 'i16x8.relaxed_dot_i8x16_i7x16_s',      '-',              'binary',     'v128 v128 -> v128'],
    [0xfd113, 'i32x4.relaxed_dot_i8x16_i7x16_add_s',  '-',              'ternary',    'v128 v128 v128 -> v128'],
  ],

  // ---- WebAssembly 3.0's tail calls: a call that replaces the caller's frame ----
  'tail-call': [
    [0x12, 'return_call',            'func',        'special', 'rule: [t1* params*] -> [t2*], its results* = ours'],
    [0x13, 'return_call_indirect',   'type_table',  'special', 'rule: [t1* params* i32] -> [t2*], its results* = ours'],
  ],

  // ---- WebAssembly 3.0's typed function references: calls through a reference, null tests ----
  'function-references': [
    [0x14, 'call_ref',               'type',        'special', 'rule: [params* (ref null $t)] -> [results*] of type $t'],
    [0x15, 'return_call_ref',        'type',        'special', 'rule: [t1* params* (ref null $t)] -> [t2*], its results* = ours'],
    [0xd4, 'ref.as_non_null',        '-',           'special', 'rule: [(ref null ht)] -> [(ref ht)], traps on null'],
    [0xd5, 'br_on_null',             'label',       'special', 'rule: [label* (ref null ht)] -> [label* (ref ht)]'],
    [0xd6, 'br_on_non_null',         'label',       'special', 'rule: [t* (ref null ht)] -> [t*], label* = t* (ref ht)'],
  ],

  // ---- WebAssembly 3.0's exception handling (exnref): throw a tag's payload, catch it at a try_table's clause ----
  'exceptions': [
    [0x08, 'throw',                  'tag',         'special', 'rule: [t*] -> [t2*], t* the tag\'s params'],
    [0x0a, 'throw_ref',              '-',           'special', 'rule: [exnref] -> [t2*]'],
    [0x1f, 'try_table',              'catches',     'special', 'rule: block type; catch clauses branch to outer labels'],
  ],

  // ---- threads: shared memories' atomic accesses, fence, wait and notify (0xfe prefix) ----
  // Every access must be naturally aligned in the memarg (validation) and at run time (a trap);
  // the narrow forms zero-extend. The family 'atomic' reaches one code-generator method.
  'threads': [
    [0xfe000, 'memory.atomic.notify',              'memarg:4',     'atomic',  'i32 i32 -> i32'],
    [0xfe001, 'memory.atomic.wait32',              'memarg:4',     'atomic',  'i32 i32 i64 -> i32'],
    [0xfe002, 'memory.atomic.wait64',              'memarg:8',     'atomic',  'i32 i64 i64 -> i32'],
    [0xfe003, 'atomic.fence',                      'zero',         'special', 'rule: [] -> []'],
    [0xfe010, 'i32.atomic.load',                   'memarg:4',     'atomic',  'i32 -> i32'],
    [0xfe011, 'i64.atomic.load',                   'memarg:8',     'atomic',  'i32 -> i64'],
    [0xfe012, 'i32.atomic.load8_u',                'memarg:1',     'atomic',  'i32 -> i32'],
    [0xfe013, 'i32.atomic.load16_u',               'memarg:2',     'atomic',  'i32 -> i32'],
    [0xfe014, 'i64.atomic.load8_u',                'memarg:1',     'atomic',  'i32 -> i64'],
    [0xfe015, 'i64.atomic.load16_u',               'memarg:2',     'atomic',  'i32 -> i64'],
    [0xfe016, 'i64.atomic.load32_u',               'memarg:4',     'atomic',  'i32 -> i64'],
    [0xfe017, 'i32.atomic.store',                  'memarg:4',     'atomic',  'i32 i32 ->'],
    [0xfe018, 'i64.atomic.store',                  'memarg:8',     'atomic',  'i32 i64 ->'],
    [0xfe019, 'i32.atomic.store8',                 'memarg:1',     'atomic',  'i32 i32 ->'],
    [0xfe01a, 'i32.atomic.store16',                'memarg:2',     'atomic',  'i32 i32 ->'],
    [0xfe01b, 'i64.atomic.store8',                 'memarg:1',     'atomic',  'i32 i64 ->'],
    [0xfe01c, 'i64.atomic.store16',                'memarg:2',     'atomic',  'i32 i64 ->'],
    [0xfe01d, 'i64.atomic.store32',                'memarg:4',     'atomic',  'i32 i64 ->'],
    [0xfe01e, 'i32.atomic.rmw.add',                'memarg:4',     'atomic',  'i32 i32 -> i32'],
    [0xfe01f, 'i64.atomic.rmw.add',                'memarg:8',     'atomic',  'i32 i64 -> i64'],
    [0xfe020, 'i32.atomic.rmw8.add_u',             'memarg:1',     'atomic',  'i32 i32 -> i32'],
    [0xfe021, 'i32.atomic.rmw16.add_u',            'memarg:2',     'atomic',  'i32 i32 -> i32'],
    [0xfe022, 'i64.atomic.rmw8.add_u',             'memarg:1',     'atomic',  'i32 i64 -> i64'],
    [0xfe023, 'i64.atomic.rmw16.add_u',            'memarg:2',     'atomic',  'i32 i64 -> i64'],
    [0xfe024, 'i64.atomic.rmw32.add_u',            'memarg:4',     'atomic',  'i32 i64 -> i64'],
    [0xfe025, 'i32.atomic.rmw.sub',                'memarg:4',     'atomic',  'i32 i32 -> i32'],
    [0xfe026, 'i64.atomic.rmw.sub',                'memarg:8',     'atomic',  'i32 i64 -> i64'],
    [0xfe027, 'i32.atomic.rmw8.sub_u',             'memarg:1',     'atomic',  'i32 i32 -> i32'],
    [0xfe028, 'i32.atomic.rmw16.sub_u',            'memarg:2',     'atomic',  'i32 i32 -> i32'],
    [0xfe029, 'i64.atomic.rmw8.sub_u',             'memarg:1',     'atomic',  'i32 i64 -> i64'],
    [0xfe02a, 'i64.atomic.rmw16.sub_u',            'memarg:2',     'atomic',  'i32 i64 -> i64'],
    [0xfe02b, 'i64.atomic.rmw32.sub_u',            'memarg:4',     'atomic',  'i32 i64 -> i64'],
    [0xfe02c, 'i32.atomic.rmw.and',                'memarg:4',     'atomic',  'i32 i32 -> i32'],
    [0xfe02d, 'i64.atomic.rmw.and',                'memarg:8',     'atomic',  'i32 i64 -> i64'],
    [0xfe02e, 'i32.atomic.rmw8.and_u',             'memarg:1',     'atomic',  'i32 i32 -> i32'],
    [0xfe02f, 'i32.atomic.rmw16.and_u',            'memarg:2',     'atomic',  'i32 i32 -> i32'],
    [0xfe030, 'i64.atomic.rmw8.and_u',             'memarg:1',     'atomic',  'i32 i64 -> i64'],
    [0xfe031, 'i64.atomic.rmw16.and_u',            'memarg:2',     'atomic',  'i32 i64 -> i64'],
    [0xfe032, 'i64.atomic.rmw32.and_u',            'memarg:4',     'atomic',  'i32 i64 -> i64'],
    [0xfe033, 'i32.atomic.rmw.or',                 'memarg:4',     'atomic',  'i32 i32 -> i32'],
    [0xfe034, 'i64.atomic.rmw.or',                 'memarg:8',     'atomic',  'i32 i64 -> i64'],
    [0xfe035, 'i32.atomic.rmw8.or_u',              'memarg:1',     'atomic',  'i32 i32 -> i32'],
    [0xfe036, 'i32.atomic.rmw16.or_u',             'memarg:2',     'atomic',  'i32 i32 -> i32'],
    [0xfe037, 'i64.atomic.rmw8.or_u',              'memarg:1',     'atomic',  'i32 i64 -> i64'],
    [0xfe038, 'i64.atomic.rmw16.or_u',             'memarg:2',     'atomic',  'i32 i64 -> i64'],
    [0xfe039, 'i64.atomic.rmw32.or_u',             'memarg:4',     'atomic',  'i32 i64 -> i64'],
    [0xfe03a, 'i32.atomic.rmw.xor',                'memarg:4',     'atomic',  'i32 i32 -> i32'],
    [0xfe03b, 'i64.atomic.rmw.xor',                'memarg:8',     'atomic',  'i32 i64 -> i64'],
    [0xfe03c, 'i32.atomic.rmw8.xor_u',             'memarg:1',     'atomic',  'i32 i32 -> i32'],
    [0xfe03d, 'i32.atomic.rmw16.xor_u',            'memarg:2',     'atomic',  'i32 i32 -> i32'],
    [0xfe03e, 'i64.atomic.rmw8.xor_u',             'memarg:1',     'atomic',  'i32 i64 -> i64'],
    [0xfe03f, 'i64.atomic.rmw16.xor_u',            'memarg:2',     'atomic',  'i32 i64 -> i64'],
    [0xfe040, 'i64.atomic.rmw32.xor_u',            'memarg:4',     'atomic',  'i32 i64 -> i64'],
    [0xfe041, 'i32.atomic.rmw.xchg',               'memarg:4',     'atomic',  'i32 i32 -> i32'],
    [0xfe042, 'i64.atomic.rmw.xchg',               'memarg:8',     'atomic',  'i32 i64 -> i64'],
    [0xfe043, 'i32.atomic.rmw8.xchg_u',            'memarg:1',     'atomic',  'i32 i32 -> i32'],
    [0xfe044, 'i32.atomic.rmw16.xchg_u',           'memarg:2',     'atomic',  'i32 i32 -> i32'],
    [0xfe045, 'i64.atomic.rmw8.xchg_u',            'memarg:1',     'atomic',  'i32 i64 -> i64'],
    [0xfe046, 'i64.atomic.rmw16.xchg_u',           'memarg:2',     'atomic',  'i32 i64 -> i64'],
    [0xfe047, 'i64.atomic.rmw32.xchg_u',           'memarg:4',     'atomic',  'i32 i64 -> i64'],
    [0xfe048, 'i32.atomic.rmw.cmpxchg',            'memarg:4',     'atomic',  'i32 i32 i32 -> i32'],
    [0xfe049, 'i64.atomic.rmw.cmpxchg',            'memarg:8',     'atomic',  'i32 i64 i64 -> i64'],
    [0xfe04a, 'i32.atomic.rmw8.cmpxchg_u',         'memarg:1',     'atomic',  'i32 i32 i32 -> i32'],
    [0xfe04b, 'i32.atomic.rmw16.cmpxchg_u',        'memarg:2',     'atomic',  'i32 i32 i32 -> i32'],
    [0xfe04c, 'i64.atomic.rmw8.cmpxchg_u',         'memarg:1',     'atomic',  'i32 i64 i64 -> i64'],
    [0xfe04d, 'i64.atomic.rmw16.cmpxchg_u',        'memarg:2',     'atomic',  'i32 i64 i64 -> i64'],
    [0xfe04e, 'i64.atomic.rmw32.cmpxchg_u',        'memarg:4',     'atomic',  'i32 i64 i64 -> i64'],
  ],

  // ---- WebAssembly 3.0's GC: structs, arrays, i31 references, casts (validated in validate/gcOperators.ts) ----
  'gc': [
    [0xd3, 'ref.eq',                 '-',           'special', 'rule: [eqref eqref] -> [i32]'],
    [0xfb000, 'struct.new',          'type',        'special', 'rule: [fields*] -> [(ref $t)]'],
    [0xfb001, 'struct.new_default',  'type',        'special', 'rule: [] -> [(ref $t)], fields defaultable'],
    [0xfb002, 'struct.get',          'type field',  'special', 'rule: [(ref null $t)] -> [t], t not packed'],
    [0xfb003, 'struct.get_s',        'type field',  'special', 'rule: [(ref null $t)] -> [i32], packed field'],
    [0xfb004, 'struct.get_u',        'type field',  'special', 'rule: [(ref null $t)] -> [i32], packed field'],
    [0xfb005, 'struct.set',          'type field',  'special', 'rule: [(ref null $t) t] -> [], mutable field'],
    [0xfb006, 'array.new',           'type',        'special', 'rule: [t i32] -> [(ref $t)]'],
    [0xfb007, 'array.new_default',   'type',        'special', 'rule: [i32] -> [(ref $t)], element defaultable'],
    [0xfb008, 'array.new_fixed',     'type count',  'special', 'rule: [t^n] -> [(ref $t)]'],
    [0xfb009, 'array.new_data',      'type data',   'special', 'rule: [i32 i32] -> [(ref $t)], numeric element'],
    [0xfb00a, 'array.new_elem',      'type elem',   'special', 'rule: [i32 i32] -> [(ref $t)], segment type fits'],
    [0xfb00b, 'array.get',           'type',        'special', 'rule: [(ref null $t) i32] -> [t], t not packed'],
    [0xfb00c, 'array.get_s',         'type',        'special', 'rule: [(ref null $t) i32] -> [i32], packed'],
    [0xfb00d, 'array.get_u',         'type',        'special', 'rule: [(ref null $t) i32] -> [i32], packed'],
    [0xfb00e, 'array.set',           'type',        'special', 'rule: [(ref null $t) i32 t] -> [], mutable'],
    [0xfb00f, 'array.len',           '-',           'special', 'rule: [(ref null array)] -> [i32]'],
    [0xfb010, 'array.fill',          'type',        'special', 'rule: [(ref null $t) i32 t i32] -> [], mutable'],
    [0xfb011, 'array.copy',          'type type',   'special', 'rule: [(ref null $t1) i32 (ref null $t2) i32 i32] -> []'],
    [0xfb012, 'array.init_data',     'type data',   'special', 'rule: [(ref null $t) i32 i32 i32] -> [], mutable'],
    [0xfb013, 'array.init_elem',     'type elem',   'special', 'rule: [(ref null $t) i32 i32 i32] -> [], mutable'],
    [0xfb014, 'ref.test',            'heaptype',    'special', 'rule: [rt\'] -> [i32], rt = (ref ht)'],
    [0xfb015, 'ref.test null',       'heaptype',    'special', 'rule: [rt\'] -> [i32], rt = (ref null ht)'],
    [0xfb016, 'ref.cast',            'heaptype',    'special', 'rule: [rt\'] -> [(ref ht)], traps if not'],
    [0xfb017, 'ref.cast null',       'heaptype',    'special', 'rule: [rt\'] -> [(ref null ht)], traps if not'],
    [0xfb018, 'br_on_cast',          'cast',        'special', 'rule: [t* rt1] -> [t* rt1\\rt2], label* = t* rt2'],
    [0xfb019, 'br_on_cast_fail',     'cast',        'special', 'rule: [t* rt1] -> [t* rt2], label* = t* rt1\\rt2'],
    [0xfb01a, 'any.convert_extern',  '-',           'special', 'rule: [(ref null? extern)] -> [(ref null? any)]'],
    [0xfb01b, 'extern.convert_any',  '-',           'special', 'rule: [(ref null? any)] -> [(ref null? extern)]'],
    [0xfb01c, 'ref.i31',             '-',           'special', 'rule: [i32] -> [(ref i31)]'],
    [0xfb01d, 'i31.get_s',           '-',           'special', 'rule: [(ref null i31)] -> [i32]'],
    [0xfb01e, 'i31.get_u',           '-',           'special', 'rule: [(ref null i31)] -> [i32]'],
  ],

  // ---- custom descriptors: a struct's descriptor (validated in validate/gcOperators.ts) ----
  'custom-descriptors': [
    [0xfb020, 'struct.new_desc',         'type',    'special', 'rule: [fields* (ref null exact $d)] -> [(ref exact $t)]'],
    [0xfb021, 'struct.new_default_desc', 'type',    'special', 'rule: [(ref null exact $d)] -> [(ref exact $t)]'],
    [0xfb022, 'ref.get_desc',            'type',    'special', 'rule: [(ref null exact? $t)] -> [(ref exact? $d)]'],
    [0xfb023, 'ref.cast_desc_eq',        'heaptype', 'special', 'rule: [rt\' (ref null exact? $d)] -> [(ref exact? $t)]'],
    [0xfb024, 'ref.cast_desc_eq null',   'heaptype', 'special', 'rule: [rt\' (ref null exact? $d)] -> [(ref null exact? $t)]'],
    [0xfb025, 'br_on_cast_desc_eq',      'cast',    'special', 'rule: [t* rt1 (ref null $d)] -> [t* rt1\\rt2], label* = t* rt2'],
    [0xfb026, 'br_on_cast_desc_eq_fail', 'cast',    'special', 'rule: [t* rt1 (ref null $d)] -> [t* rt2], label* = t* rt1\\rt2'],
  ],

  // ---- the legacy exception instructions (before exnref), still in the spec suite's legacy folder ----
  'legacy-exceptions': [
    [0x06, 'try',                    'blocktype',   'special', 'rule: block type; catch bodies follow the body'],
    [0x07, 'catch',                  'tag',         'special', 'rule: ends the body or a catch body; pushes the tag\'s params'],
    [0x09, 'rethrow',                'label',       'special', 'rule: [t1*] -> [t2*], the label a catch body'],
    [0x18, 'delegate',               'label',       'special', 'rule: ends the try; its exceptions go to the label\'s handlers'],
    [0x19, 'catch_all',              '-',           'special', 'rule: ends the body or a catch body'],
  ],

  // ---- wide arithmetic: 128-bit sums and 64x64->128 products as two i64 halves (low, then high) ----
  // Special only because they have two results (the validator's own case, codegen's wideArithmetic).
  'wide-arithmetic': [
    [0xfc013, 'i64.add128',          '-',           'special', 'i64 i64 i64 i64 -> i64 i64'],
    [0xfc014, 'i64.sub128',          '-',           'special', 'i64 i64 i64 i64 -> i64 i64'],
    [0xfc015, 'i64.mul_wide_s',      '-',           'special', 'i64 i64 -> i64 i64'],
    [0xfc016, 'i64.mul_wide_u',      '-',           'special', 'i64 i64 -> i64 i64'],
  ],
} as const;

/** Whole prefix spaces of later proposals: every opcode under these prefixes is unsupported (none today: 0xfb is GC, 0xfe threads). */
export const UNSUPPORTED_PREFIXES: Readonly<Record<number, string>> = {};
// #endregion operator-table

export type Proposal = keyof typeof PROPOSALS;
type Row = (typeof PROPOSALS)[Proposal][number];
/** A row's family; 'unsupported' marks a later proposal's operator, recognized and refused (none today but the prefixes below). */
export type Family = Row[3] | 'unsupported';
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

const TYPE_BYTES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };
/** A plain signature ("i32 i64 -> f32"), as opposed to a rule. */
const SIGNATURE = /^\s*((i32|i64|f32|f64|v128)\s*)*->(\s*(i32|i64|f32|f64|v128))*\s*$/;
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
// by 256 + sub for 0xfc-prefixed opcodes, by 320 + sub for 0xfd-prefixed ones, by ATOMIC_DISPATCH + sub
// for 0xfe-prefixed ones): no object
// lookups per operator. 0, the arrays' initial value, is no operator at all.
export const FAMILY_UNARY = 1, FAMILY_BINARY = 2, FAMILY_COMPARE = 3,
  FAMILY_LOAD = 4, FAMILY_STORE = 5, FAMILY_CONST = 6, FAMILY_SPECIAL = 7, FAMILY_UNSUPPORTED = 8,
  FAMILY_TERNARY = 9, FAMILY_V128CONST = 10, FAMILY_SHUFFLE = 11, FAMILY_LANE = 12,
  FAMILY_LOAD_LANE = 13, FAMILY_STORE_LANE = 14, FAMILY_ATOMIC = 15;
const FAMILY_CODES: Record<Family, number> = {
  unary: FAMILY_UNARY, binary: FAMILY_BINARY, compare: FAMILY_COMPARE, load: FAMILY_LOAD,
  store: FAMILY_STORE, const: FAMILY_CONST, special: FAMILY_SPECIAL, unsupported: FAMILY_UNSUPPORTED,
  ternary: FAMILY_TERNARY, v128const: FAMILY_V128CONST, shuffle: FAMILY_SHUFFLE, lane: FAMILY_LANE,
  load_lane: FAMILY_LOAD_LANE, store_lane: FAMILY_STORE_LANE, atomic: FAMILY_ATOMIC,
};
/** Where the 0xfd sub-opcodes start in the dispatch arrays. */
export const SIMD_DISPATCH = 256 + 64;
/** The 0xfd sub-opcodes the arrays cover: fixed-width SIMD (0x00-0xff) and relaxed SIMD (0x100-0x113). */
export const SIMD_SUB_LIMIT = 0x114;
/** Where the 0xfe (threads) sub-opcodes start, and how many there are (0x00-0x4e). */
export const ATOMIC_DISPATCH = SIMD_DISPATCH + SIMD_SUB_LIMIT;
export const ATOMIC_SUB_LIMIT = 0x4f;
export const DISPATCH_SIZE = ATOMIC_DISPATCH + ATOMIC_SUB_LIMIT;
/**
 * Index into the dispatch arrays: the byte itself, 256 + sub for 0xfc sub < 64, 320 + sub for
 * 0xfd sub < SIMD_SUB_LIMIT, ATOMIC_DISPATCH + sub for 0xfe sub < ATOMIC_SUB_LIMIT (else -1).
 */
export function dispatchIndex(opcode: number): number {
  if (opcode < 256) return opcode;
  const prefix = opcode >>> 12, sub = opcode & 0xfff;
  if (prefix === 0xfc && sub < 64) return 256 + sub;
  if (prefix === 0xfd && sub < SIMD_SUB_LIMIT) return SIMD_DISPATCH + sub;
  if (prefix === 0xfe && sub < ATOMIC_SUB_LIMIT) return ATOMIC_DISPATCH + sub;
  return -1;
}
export const opFamily = new Uint8Array(DISPATCH_SIZE);
/** First, second and third operand types (0 when absent) and the result type (0 when none). */
export const opParam0 = new Uint8Array(DISPATCH_SIZE);
export const opParam1 = new Uint8Array(DISPATCH_SIZE);
export const opParam2 = new Uint8Array(DISPATCH_SIZE);
export const opResult = new Uint8Array(DISPATCH_SIZE);
/** log2 of the natural alignment of loads, stores and atomic accesses (an atomic one's memarg must equal it). */
export const opNaturalAlign = new Uint8Array(DISPATCH_SIZE);
/** Lanes a lane immediate may name: the shape's lane count (i8x16: 16), or 16 / N for memarg_lane:N. */
export const opLaneCount = new Uint8Array(DISPATCH_SIZE);
/** Proposal name of each unsupported opcode. */
export const opProposal: (string | undefined)[] = new Array(DISPATCH_SIZE);
for (const info of BY_OPCODE.values()) {
  const i = dispatchIndex(info.opcode);
  if (i < 0) continue;
  opFamily[i] = FAMILY_CODES[info.family];
  opParam0[i] = info.params[0] ?? 0;
  opParam1[i] = info.params[1] ?? 0;
  opParam2[i] = info.params[2] ?? 0;
  opResult[i] = info.results[0] ?? 0;
  const imm: string = info.immediate;
  const natural = imm.startsWith('memarg') ? Number(imm.slice(imm.indexOf(':') + 1)) : 0;
  if (natural) opNaturalAlign[i] = Math.log2(natural);
  if (imm.startsWith('memarg_lane:')) opLaneCount[i] = 16 / natural;
  if (imm === 'lane') opLaneCount[i] = Number(/^[if](?:8|16|32|64)x(\d+)\./.exec(info.name)![1]);
  if (info.family === 'unsupported') opProposal[i] = info.proposal;
}
// #endregion dispatch-arrays
