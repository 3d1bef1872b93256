import { describe, expect, test } from 'vitest';
import { ReadError, readAll } from './sexpr.ts';
import { type Command, commandKind, parseScript } from './script.ts';

function only(src: string): Command {
  const { commands } = parseScript(src);
  expect(commands).toHaveLength(1);
  return commands[0]!;
}

describe('reader', () => {
  test('keeps line numbers across comments, nested block comments and strings', () => {
    const forms = readAll(';; a\n(a (; x (; nested ;) y\n ;) b)\n\n  "s\\n"\n(c)');
    expect(forms.map((f) => f.line)).toEqual([2, 5, 6]);
  });
  test('decodes string escapes to bytes', () => {
    const [s] = readAll('"a\\00\\ff\\t\\n\\"\\\\\\u{1F600}é"');
    expect(s?.type).toBe('string');
    expect(Array.from((s as { bytes: Uint8Array }).bytes)).toEqual([0x61, 0, 0xff, 9, 10, 0x22, 0x5c, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9]);
  });
  test('keeps a name that starts with U+FEFF (it is no byte-order mark)', () => {
    const c = only('(assert_return (invoke "\ufeff") (i32.const 15))');
    expect(c.kind === 'assert_return' && c.action.name).toBe('\ufeff');
    const q = only('(assert_malformed (module quote "\ufeff(func)") "unexpected character")');
    expect(q.kind === 'assert_malformed' && q.module.source).toEqual({ format: 'quote', text: '(module \ufeff(func))' });
  });
  test('drops annotations, even at the head of a list', () => {
    const [l] = readAll('((@a) module (@b x (y)) $m (@c))');
    expect(l?.type === 'list' && l.items.map((i) => (i.type === 'atom' ? i.text : i.type))).toEqual(['module', '$m']);
  });
  test('a lone semicolon is an ordinary character', () => {
    const [l] = readAll('(a ; b)');
    expect(l?.type === 'list' && l.items.map((i) => (i.type === 'atom' ? i.text : '?'))).toEqual(['a', ';', 'b']);
  });
  test('syntax errors name the line', () => {
    expect(() => readAll('(a\n(b')).toThrow(ReadError);
    expect(() => readAll('\n\n)')).toThrow('line 3');
    expect(() => readAll('"abc')).toThrow('unterminated string');
    expect(() => readAll('(; never closed')).toThrow('unterminated block comment');
  });
});

describe('script commands', () => {
  test('text module: its fields are cut out of the source unchanged', () => {
    const c = only('(module $m (func (export "f") (result i32) (i32.const 1)))');
    expect(c.kind === 'module' && c.module).toMatchObject({ name: '$m', definition: false, source: { format: 'text', text: '(module (func (export "f") (result i32) (i32.const 1)))' } });
  });
  test('binary module strings concatenate to bytes', () => {
    const c = only('(module binary "\\00asm" "\\01\\00\\00\\00")');
    expect(c.kind === 'module' && c.module.source.format === 'binary' && Array.from(c.module.source.bytes)).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  });
  test('quote: fields are wrapped in (module ...), a whole module is kept', () => {
    const fields = only('(assert_malformed (module quote "(func)" "(memory 1)") "x")');
    expect(fields.kind === 'assert_malformed' && fields.module.source).toEqual({ format: 'quote', text: '(module (func) (memory 1))' });
    expect(commandKind(fields)).toBe('assert_malformed(text)');
    const whole = only('(module quote "(module (func))")');
    expect(whole.kind === 'module' && whole.module.source).toEqual({ format: 'quote', text: '(module (func))' });
  });
  test('module definition and instance', () => {
    const { commands } = parseScript('(module definition $M (func))\n(module instance $I $M)\n(module instance $M)');
    expect(commands.map(commandKind)).toEqual(['module definition', 'module instance', 'module instance']);
    expect(commands[1]).toMatchObject({ instance: '$I', module: '$M' });
    expect(commands[2]).toEqual({ kind: 'module instance', line: 3, module: '$M' });
  });
  test('assert_return with every result form', () => {
    const c = only(`(assert_return (invoke $m "f" (i32.const -1) (i64.const 0xffffffffffffffff) (f32.const -0) (f64.const nan:0x1)
        (v128.const i16x8 1 2 3 4 5 6 7 -1) (ref.null func) (ref.extern 7))
      (i32.const 1) (f32.const nan:canonical) (f64.const nan:arithmetic)
      (v128.const f32x4 1 nan:canonical -inf 0x1p-149) (ref.null) (ref.func) (ref.extern) (ref.host 3)
      (either (i32.const 1) (i32.const 2)) (ref.struct) (ref.i31))`);
    if (c.kind !== 'assert_return') throw new Error(c.kind);
    expect(c.action).toMatchObject({ type: 'invoke', module: '$m', name: 'f' });
    const args = c.action.type === 'invoke' ? c.action.args : [];
    expect(args.slice(0, 4)).toEqual([
      { type: 'i32', value: -1 },
      { type: 'i64', value: -1n },
      { type: 'f32', bits: 0x80000000 },
      { type: 'f64', bits: 0x7ff0000000000001n },
    ]);
    expect(args[4]).toEqual({ type: 'v128', bytes: Uint8Array.from([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xff, 0xff]) });
    expect(args.slice(5)).toEqual([
      { type: 'ref', ref: { kind: 'null', heap: 'func' } },
      { type: 'ref', ref: { kind: 'extern', host: 7 } },
    ]);
    expect(c.expected).toEqual([
      { kind: 'i32', value: 1 },
      { kind: 'f32', pattern: { nan: 'canonical' } },
      { kind: 'f64', pattern: { nan: 'arithmetic' } },
      { kind: 'v128', shape: 'f32x4', lanes: [{ bits: 0x3f800000n }, { nan: 'canonical' }, { bits: 0xff800000n }, { bits: 1n }] },
      { kind: 'ref.null', heap: undefined },
      { kind: 'ref.category', category: 'func' },
      { kind: 'ref.extern', host: undefined },
      { kind: 'ref.extern', host: 3 },
      { kind: 'either', options: [{ kind: 'i32', value: 1 }, { kind: 'i32', value: 2 }] },
      { kind: 'ref.category', category: 'struct' },
      { kind: 'ref.category', category: 'i31' },
    ]);
  });
  test('the assertion forms', () => {
    const { commands } = parseScript(`
      (assert_trap (invoke "f") "unreachable")
      (assert_trap (module (start 0)) "out of bounds")
      (assert_exhaustion (invoke "g") "call stack exhausted")
      (assert_exception (invoke "h"))
      (assert_invalid (module (func (result i32))) "type mismatch")
      (assert_unlinkable (module (import "m" "f" (func))) "unknown import")
      (assert_uninstantiable (module binary "") "x")
      (register "M" $m)
      (get $m "g")`);
    expect(commands.map(commandKind)).toEqual([
      'assert_trap', 'assert_trap', 'assert_exhaustion', 'assert_exception', 'assert_invalid',
      'assert_unlinkable', 'assert_uninstantiable', 'register', 'get',
    ]);
    expect(commands[0]).toMatchObject({ message: 'unreachable', action: { type: 'invoke', name: 'f' } });
    expect(commands[1]).toMatchObject({ message: 'out of bounds', module: { source: { format: 'text' } } });
    expect(commands[7]).toMatchObject({ as: 'M', module: '$m' });
    expect(commands.map((c) => c.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
  test('a form that cannot be understood is an unparsed command, not dropped', () => {
    const { commands } = parseScript('(module)\n(frobnicate 1)\n(assert_return (invoke "f") (i32.const 0x1_0000_0000))\n(module)');
    expect(commands.map((c) => c.kind)).toEqual(['module', 'unparsed', 'unparsed', 'module']);
    expect(commands[2]).toMatchObject({ line: 3, error: expect.stringContaining('constant out of range') });
  });
  test('a syntax error keeps what came before and ends with one unparsed command', () => {
    const r = parseScript('(module)\n(invoke "f"\n');
    expect(r.commands.map((c) => c.kind)).toEqual(['module', 'unparsed']);
    expect(r.readError).toBeInstanceOf(ReadError);
  });
  test('a script of bare module fields is one inline module', () => {
    const c = only('(func) (memory 0) (func (export "f"))');
    expect(c.kind === 'module' && c.module.source).toEqual({ format: 'text', text: '(module (func) (memory 0) (func (export "f")))' });
  });
  test('threads and wait', () => {
    const { commands } = parseScript('(thread $T1 (shared (module $Mem)) (register "mem" $Mem) (module (func)))\n(wait $T1)');
    expect(commands[0]).toMatchObject({ kind: 'thread', name: '$T1', shared: ['$Mem'] });
    expect(commands[0]!.kind === 'thread' && commands[0]!.commands.map(commandKind)).toEqual(['register', 'module']);
    expect(commands[1]).toMatchObject({ kind: 'wait', thread: '$T1' });
  });
});
