// From S-expressions to .wast commands. Every top-level form becomes exactly one Command;
// a form this parser does not understand becomes an `unparsed` command that the runner
// reports as a failure, so nothing is dropped silently. Browser-safe.

import { LiteralError, parseF32Bits, parseF64Bits, parseI32, parseI64, parseIntBits } from './numbers.ts';
import { type SExpr, type SList, ReadError, Reader, decodeUtf8, headOf, isAtom, isList, stringText } from './sexpr.ts';
import type { WasmValue } from './engine.ts';

// #region script-commands
export type ModuleSource =
  /** A `(module ...)` in the text format, ready for the text-to-binary compiler. */
  | { format: 'text'; text: string }
  | { format: 'binary'; bytes: Uint8Array }
  /** `(module quote ...)`: text that may be malformed, as a whole `(module ...)`. */
  | { format: 'quote'; text: string };

export interface ModuleForm {
  line: number;
  /** `$name` if the module names itself. */
  name?: string;
  /** `(module definition ...)`: compiled but not instantiated. */
  definition: boolean;
  source: ModuleSource;
}

export type Action =
  | { type: 'invoke'; line: number; module?: string; name: string; args: WasmValue[] }
  | { type: 'get'; line: number; module?: string; name: string };

/** A NaN pattern or exact bits, for one float (or float lane). */
export type FloatPattern =
  | { nan: 'canonical' | 'arithmetic' }
  | { bits: bigint };

/** What assert_return expects of one result. */
export type Expected =
  | { kind: 'i32'; value: number }
  | { kind: 'i64'; value: bigint }
  | { kind: 'f32'; pattern: FloatPattern }
  | { kind: 'f64'; pattern: FloatPattern }
  /** v128: lanes of the given shape; float lanes may be NaN patterns. */
  | { kind: 'v128'; shape: string; lanes: (bigint | FloatPattern)[] }
  /** `(ref.null)` matches any null; `(ref.null func)` a null of that heap type. */
  | { kind: 'ref.null'; heap?: string }
  /** `(ref.extern n)` / `(ref.host n)`: the host reference n; without n, any non-null externref. */
  | { kind: 'ref.extern'; host?: number }
  /** `(ref.func)`, `(ref.struct)`, `(ref.array)`, `(ref.i31)`, `(ref.eq)`, `(ref.any)`, `(ref.exn)`: any non-null of that kind. */
  | { kind: 'ref.category'; category: string }
  | { kind: 'either'; options: Expected[] };

interface Base {
  line: number;
}
export type Command =
  | (Base & { kind: 'module'; module: ModuleForm })
  | (Base & { kind: 'module instance'; instance?: string; module?: string })
  | (Base & { kind: 'register'; as: string; module?: string })
  | (Base & { kind: 'action'; action: Action })
  | (Base & { kind: 'assert_return'; action: Action; expected: Expected[] })
  | (Base & { kind: 'assert_trap'; action?: Action; module?: ModuleForm; message: string })
  | (Base & { kind: 'assert_exhaustion'; action: Action; message: string })
  | (Base & { kind: 'assert_exception'; action: Action })
  | (Base & {
      kind: 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable' | 'assert_uninstantiable' | 'assert_malformed_custom' | 'assert_invalid_custom';
      module: ModuleForm;
      message: string;
    })
  | (Base & { kind: 'thread'; name?: string; shared: string[]; commands: Command[] })
  | (Base & { kind: 'wait'; thread?: string })
  /** A form the parser could not understand: reported as a failure. */
  | (Base & { kind: 'unparsed'; head: string; error: string });
// #endregion script-commands

class ScriptError extends Error {}

function fail(e: SExpr, message: string): never {
  throw new ScriptError(`line ${e.line}: ${message}`);
}

function atomText(e: SExpr | undefined, what: string, context: SExpr): string {
  if (!isAtom(e)) fail(context, `expected ${what}`);
  return e.text;
}

function stringOf(e: SExpr | undefined, what: string, context: SExpr): string {
  if (e?.type !== 'string') fail(context, `expected ${what} (a string)`);
  return stringText(e);
}

function isName(e: SExpr | undefined): boolean {
  return isAtom(e) && e.text.startsWith('$');
}

/** Parses a numeric literal, turning literal errors into script errors at this place. */
function literal<T>(e: SExpr, parse: (s: string) => T, text: string): T {
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof LiteralError) fail(e, err.message);
    throw err;
  }
}

// #region module-forms
/** `(module $id? ...)`, `(module definition $id? ...)`, binary and quote forms. */
function parseModule(list: SList, source: string): ModuleForm {
  const items = list.items;
  let i = 1;
  let definition = false;
  if (isAtom(items[i], 'definition')) {
    definition = true;
    i++;
  }
  let name: string | undefined;
  if (isName(items[i])) name = (items[i++] as { text: string }).text;
  const form = (source: ModuleSource): ModuleForm => ({ line: list.line, name, definition, source });
  if (isAtom(items[i], 'binary') || isAtom(items[i], 'quote')) {
    const kind = (items[i] as { text: string }).text;
    const parts: Uint8Array[] = [];
    for (const s of items.slice(i + 1)) {
      if (s.type !== 'string') fail(s, `module ${kind}: expected strings`);
      parts.push(s.bytes);
    }
    if (kind === 'binary') {
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        bytes.set(p, at);
        at += p.length;
      }
      return form({ format: 'binary', bytes });
    }
    const text = parts.map(decodeUtf8).join(' ');
    // The quoted text is either a whole module or just its fields.
    const whole = /^\s*\(module(?=[\s()";]|$)/.test(text);
    return form({ format: 'quote', text: whole ? text : `(module ${text})` });
  }
  // A text module: cut its fields out of the script unchanged (line numbers of errors
  // then count from the module's first line).
  const fieldsStart = items[i]?.start ?? list.end - 1;
  return form({ format: 'text', text: '(module ' + source.slice(fieldsStart, list.end) });
}
// #endregion module-forms

function parseAction(e: SExpr | undefined, context: SExpr): Action {
  if (!isList(e)) fail(context, 'expected an action (invoke or get)');
  const head = headOf(e);
  const items = e.items;
  let i = 1;
  const module = isName(items[i]) ? (items[i++] as { text: string }).text : undefined;
  const name = stringOf(items[i++], 'an export name', e);
  if (head === 'invoke') {
    const args = items.slice(i).map(parseConst);
    return { type: 'invoke', line: e.line, module, name, args };
  }
  if (head === 'get') {
    if (items.length > i) fail(e, 'get: unexpected arguments');
    return { type: 'get', line: e.line, module, name };
  }
  fail(e, `unknown action '${head ?? '?'}'`);
}

const LANES: Record<string, { count: number; bits: number; float?: 'f32' | 'f64' }> = {
  i8x16: { count: 16, bits: 8 },
  i16x8: { count: 8, bits: 16 },
  i32x4: { count: 4, bits: 32 },
  i64x2: { count: 2, bits: 64 },
  f32x4: { count: 4, bits: 32, float: 'f32' },
  f64x2: { count: 2, bits: 64, float: 'f64' },
};

function floatBits(e: SExpr, type: 'f32' | 'f64', text: string): bigint {
  return type === 'f32' ? BigInt(literal(e, parseF32Bits, text)) : literal(e, parseF64Bits, text);
}

/** `(v128.const shape lane*)` lanes: exact values, or NaN patterns when allowed. */
function parseLanes(list: SList, allowPatterns: boolean): { shape: string; lanes: (bigint | FloatPattern)[] } {
  const shape = atomText(list.items[1], 'a v128 shape', list);
  const spec = LANES[shape];
  if (!spec) fail(list, `unknown v128 shape '${shape}'`);
  const lanes = list.items.slice(2).map((lane): bigint | FloatPattern => {
    const text = atomText(lane, 'a lane literal', list);
    if (spec.float) {
      if (text === 'nan:canonical' || text === 'nan:arithmetic') {
        if (!allowPatterns) fail(lane, 'NaN pattern is not allowed in an argument');
        return { nan: text === 'nan:canonical' ? 'canonical' : 'arithmetic' };
      }
      return allowPatterns ? { bits: floatBits(lane, spec.float, text) } : floatBits(lane, spec.float, text);
    }
    return literal(lane, (s) => parseIntBits(s, spec.bits), text);
  });
  if (lanes.length !== spec.count) fail(list, `v128.const ${shape} needs ${spec.count} lanes, got ${lanes.length}`);
  return { shape, lanes };
}

/** The 16 little-endian bytes of exact lanes. */
export function laneBytes(shape: string, lanes: bigint[]): Uint8Array {
  const spec = LANES[shape]!;
  const bytes = new Uint8Array(16);
  const width = spec.bits / 8;
  lanes.forEach((lane, k) => {
    for (let b = 0; b < width; b++) bytes[k * width + b] = Number((lane >> BigInt(8 * b)) & 0xffn);
  });
  return bytes;
}

// #region const-values
/** An argument: `(i32.const 1)`, `(f32.const nan:0x200000)`, `(ref.null func)`, `(ref.extern 1)`, ... */
export function parseConst(e: SExpr): WasmValue {
  if (!isList(e)) fail(e, 'expected a constant');
  const head = headOf(e);
  const arg = e.items[1];
  switch (head) {
    case 'i32.const':
      return { type: 'i32', value: literal(e, parseI32, atomText(arg, 'an i32 literal', e)) };
    case 'i64.const':
      return { type: 'i64', value: literal(e, parseI64, atomText(arg, 'an i64 literal', e)) };
    case 'f32.const':
      return { type: 'f32', bits: literal(e, parseF32Bits, atomText(arg, 'an f32 literal', e)) };
    case 'f64.const':
      return { type: 'f64', bits: literal(e, parseF64Bits, atomText(arg, 'an f64 literal', e)) };
    case 'v128.const': {
      const { shape, lanes } = parseLanes(e, false);
      return { type: 'v128', bytes: laneBytes(shape, lanes as bigint[]) };
    }
    case 'ref.null':
      return { type: 'ref', ref: { kind: 'null', heap: isAtom(arg) ? arg.text : undefined } };
    case 'ref.extern':
    case 'ref.host':
      return { type: 'ref', ref: { kind: 'extern', host: hostNumber(e) } };
    default:
      fail(e, `unknown constant '${head ?? '?'}'`);
  }
}
// #endregion const-values

function hostNumber(e: SList): number {
  return Number(literal(e, (s) => parseIntBits(s, 32), atomText(e.items[1], 'a host reference number', e)));
}

function floatPattern(e: SExpr, type: 'f32' | 'f64', text: string): FloatPattern {
  if (text === 'nan:canonical') return { nan: 'canonical' };
  if (text === 'nan:arithmetic') return { nan: 'arithmetic' };
  return { bits: floatBits(e, type, text) };
}

const REF_CATEGORIES = new Set(['ref.func', 'ref.struct', 'ref.array', 'ref.i31', 'ref.eq', 'ref.any', 'ref.exn']);

// #region expected-results
/** A result pattern of assert_return. */
export function parseExpected(e: SExpr): Expected {
  if (!isList(e)) fail(e, 'expected a result');
  const head = headOf(e) ?? '';
  const arg = e.items[1];
  switch (head) {
    case 'i32.const':
      return { kind: 'i32', value: literal(e, parseI32, atomText(arg, 'an i32 literal', e)) };
    case 'i64.const':
      return { kind: 'i64', value: literal(e, parseI64, atomText(arg, 'an i64 literal', e)) };
    case 'f32.const':
    case 'f64.const': {
      const type = head === 'f32.const' ? 'f32' : 'f64';
      return { kind: type, pattern: floatPattern(e, type, atomText(arg, `an ${type} literal`, e)) };
    }
    case 'v128.const':
      return { kind: 'v128', ...parseLanes(e, true) };
    case 'ref.null':
      return { kind: 'ref.null', heap: isAtom(arg) ? arg.text : undefined };
    case 'ref.extern':
    case 'ref.host':
      return { kind: 'ref.extern', host: arg === undefined ? undefined : hostNumber(e) };
    case 'either':
      return { kind: 'either', options: e.items.slice(1).map(parseExpected) };
    default:
      // `(ref.func)` may name a function (`(ref.func $f)`); any non-null funcref matches.
      if (REF_CATEGORIES.has(head)) return { kind: 'ref.category', category: head.slice(4) };
      fail(e, `unknown result '${head}'`);
  }
}
// #endregion expected-results

function moduleArg(list: SList, source: string): ModuleForm {
  const m = list.items[1];
  if (!isList(m, 'module')) fail(list, 'expected a module');
  return parseModule(m, source);
}

function messageArg(list: SList, index: number): string {
  return stringOf(list.items[index], 'the expected message', list);
}

// #region parse-command
/** One top-level form as a command (throws ScriptError when it is not understood). */
function parseCommand(e: SExpr, source: string): Command {
  if (!isList(e)) fail(e, `expected a command, got ${e.type === 'string' ? 'a string' : `'${e.text}'`}`);
  const head = headOf(e);
  const line = e.line;
  const items = e.items;
  switch (head) {
    case 'module':
      if (isAtom(items[1], 'instance')) {
        const names = items.slice(2).map((n) => atomText(n, 'a $name', e));
        if (names.length > 2 || names.some((n) => !n.startsWith('$'))) fail(e, 'module instance: expected $instance? $module');
        return names.length === 2
          ? { kind: 'module instance', line, instance: names[0], module: names[1] }
          : { kind: 'module instance', line, module: names[0] };
      }
      return { kind: 'module', line, module: parseModule(e, source) };
    case 'register': {
      const as = stringOf(items[1], 'a registration name', e);
      const module = isName(items[2]) ? (items[2] as { text: string }).text : undefined;
      return { kind: 'register', line, as, module };
    }
    case 'invoke':
    case 'get':
      return { kind: 'action', line, action: parseAction(e, e) };
    case 'assert_return':
      return { kind: 'assert_return', line, action: parseAction(items[1], e), expected: items.slice(2).map(parseExpected) };
    case 'assert_trap':
      if (isList(items[1], 'module')) return { kind: 'assert_trap', line, module: moduleArg(e, source), message: messageArg(e, 2) };
      return { kind: 'assert_trap', line, action: parseAction(items[1], e), message: messageArg(e, 2) };
    case 'assert_exhaustion':
      return { kind: 'assert_exhaustion', line, action: parseAction(items[1], e), message: messageArg(e, 2) };
    case 'assert_exception':
      return { kind: 'assert_exception', line, action: parseAction(items[1], e) };
    case 'assert_invalid':
    case 'assert_malformed':
    case 'assert_unlinkable':
    case 'assert_uninstantiable':
    case 'assert_malformed_custom':
    case 'assert_invalid_custom':
      return { kind: head, line, module: moduleArg(e, source), message: messageArg(e, 2) };
    case 'thread': {
      let i = 1;
      const name = isName(items[i]) ? (items[i++] as { text: string }).text : undefined;
      const shared: string[] = [];
      while (isList(items[i], 'shared')) {
        for (const m of (items[i] as SList).items.slice(1)) {
          if (isList(m, 'module')) shared.push(atomText(m.items[1], 'a $module', m));
          else fail(m, 'shared: expected (module $name)');
        }
        i++;
      }
      const commands = items.slice(i).map((c) => parseOne(c, source));
      return { kind: 'thread', line, name, shared, commands };
    }
    case 'wait':
      return { kind: 'wait', line, thread: isName(items[1]) ? (items[1] as { text: string }).text : undefined };
    default:
      fail(e, `unknown command '${head ?? '?'}'`);
  }
}
// #endregion parse-command

/** One form as a command, or an `unparsed` command saying why not. */
function parseOne(e: SExpr, source: string): Command {
  try {
    return parseCommand(e, source);
  } catch (err) {
    if (!(err instanceof ScriptError)) throw err;
    return { kind: 'unparsed', line: e.line, head: headOf(e) ?? '?', error: err.message };
  }
}

export interface ParsedScript {
  commands: Command[];
  /** Set when the reader hit a syntax error; the commands before it are kept. */
  readError?: ReadError;
}

/** Heads of module fields: a script made only of these is one inline module. */
const MODULE_FIELDS = new Set(['type', 'rec', 'import', 'func', 'table', 'memory', 'global', 'tag', 'export', 'start', 'elem', 'data']);

/** Parses a whole script. A syntax error ends it with one `unparsed` command naming the line. */
export function parseScript(source: string): ParsedScript {
  const inline = inlineModule(source);
  if (inline) return { commands: [inline] };
  const reader = new Reader(source);
  const commands: Command[] = [];
  for (;;) {
    let e: SExpr | undefined;
    try {
      e = reader.next();
    } catch (err) {
      if (!(err instanceof ReadError)) throw err;
      commands.push({ kind: 'unparsed', line: err.line, head: '?', error: err.message });
      return { commands, readError: err };
    }
    if (!e) return { commands };
    commands.push(parseOne(e, source));
  }
}

/** The key a command's outcome is counted under in reports. */
export function commandKind(c: Command): string {
  switch (c.kind) {
    case 'module':
      return c.module.definition ? 'module definition' : c.module.source.format === 'text' ? 'module' : `module(${c.module.source.format})`;
    case 'action':
      return c.action.type;
    case 'assert_malformed':
      return c.module.source.format === 'quote' ? 'assert_malformed(text)' : 'assert_malformed';
    default:
      return c.kind;
  }
}

/** A script whose forms are all module fields is a single module (the spec's inline module). */
function inlineModule(source: string): Command | undefined {
  let forms: SExpr[];
  try {
    forms = new Reader(source).readAll();
  } catch {
    return undefined;
  }
  if (forms.length === 0 || !forms.every((f) => MODULE_FIELDS.has(headOf(f) ?? ''))) return undefined;
  const line = forms[0]!.line;
  return { kind: 'module', line, module: { line, definition: false, source: { format: 'text', text: `(module ${source})` } } };
}
