// Runs a parsed .wast script against an Engine and gives every command exactly one outcome:
// passed, failed (with the reason) or skipped (with the reason). Nothing counts as passed
// unless it was checked. Browser-safe: the text front-ends come in as functions.

import { CompileError, LinkError, RuntimeError, UNSUPPORTED_FEATURE } from '../errors.ts';
import { type Engine, type ImportObject, type Instance, type CompiledModule, type WasmValue, NotImplemented, WasmException } from './engine.ts';
import { importModuleNames, importsTableOrMemory } from './exportSignatures.ts';
import { formatExpected, formatValue, matches } from './results.ts';
import { type Action, type Command, type ModuleForm, type ParsedScript, commandKind } from './script.ts';
import { TextFormatError, type TextToBinary, type ReadsBack } from './textFormatError.ts';

export type Status = 'passed' | 'failed' | 'skipped';

export interface Outcome {
  line: number;
  kind: string;
  status: Status;
  /** Why it failed or was skipped. */
  reason?: string;
  /** For commands with an expected message: did the engine's message contain it? */
  messageMatch?: boolean;
  /** When the message did not match: what the script expected and what the engine said. */
  expectedMessage?: string;
  actualMessage?: string;
}

type Checked = Pick<Outcome, 'messageMatch' | 'expectedMessage' | 'actualMessage'>;

/** Does the engine's message contain the one the script expects (the spec's wording)? */
function checkMessage(expected: string, err: Error): Checked {
  const actual = reasonOf(err);
  return actual.includes(expected) ? { messageMatch: true } : { messageMatch: false, expectedMessage: expected, actualMessage: actual };
}

export const EXECUTION_NOT_IMPLEMENTED = 'execution not implemented yet';
/** The start of the skip reason for a text module that no text front-end here can read. */
export const TEXT_NOT_SUPPORTED = 'text format not supported';
/** How an engine words running out of stack (a RuntimeError with this message). */
export const STACK_EXHAUSTED = 'call stack exhausted';

/** A module the script defined: usable, or why not. */
interface ModuleEntry {
  line: number;
  compiled?: CompiledModule;
  /** Names of the modules it imports from (to tell a link failure caused by a skipped registration). */
  importsFrom?: string[];
  instance?: Instance;
  /** Set when the module cannot be used: commands that need it get this outcome. */
  unavailable?: { status: 'failed' | 'skipped'; reason: string };
}

/** An outcome decided early (a skip or a failure), carried up to the command. */
class Verdict extends Error {
  constructor(
    readonly status: 'failed' | 'skipped',
    readonly reason: string,
  ) {
    super(reason);
  }
}

function skip(reason: string): never {
  throw new Verdict('skipped', reason);
}
function failWith(reason: string): never {
  throw new Verdict('failed', reason);
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** The message an engine error carries without its position suffix. */
function reasonOf(err: Error): string {
  return (err as { reason?: unknown }).reason !== undefined ? String((err as { reason?: unknown }).reason) : err.message;
}

function isUnsupported(err: unknown): err is CompileError {
  return err instanceof CompileError && reasonOf(err).startsWith(UNSUPPORTED_FEATURE);
}

export interface RunOptions {
  engine: Engine;
  /** wabt, the project's text front-end. */
  textToBinary: TextToBinary;
  /**
   * A parser that follows the spec's text grammar (wasm-tools'; Node only): it reads the text
   * wabt cannot, and judges the malformed text wabt accepts. Without it those are skipped.
   */
  specTextToBinary?: TextToBinary;
  /** When given: a valid text module that we reject is skipped if wabt cannot read its own binary back. */
  readsBack?: ReadsBack;
  /** Called with each outcome as soon as it is known (for streaming progress out of a worker). */
  onOutcome?: (o: Outcome) => void;
}

// #region script-runner
export class ScriptRunner {
  private readonly modules = new Map<string, ModuleEntry>();
  private current: ModuleEntry | undefined;
  private readonly registered: ImportObject = {};
  /** Registrations that did not happen, and why: modules importing from them get the same outcome. */
  private readonly missingRegistrations = new Map<string, { status: 'failed' | 'skipped'; reason: string }>();
  /** The module entry each registration name exports (to taint its state, see taintImports). */
  private readonly registeredEntries = new Map<string, ModuleEntry>();
  private readonly canRun: boolean;

  constructor(private readonly options: RunOptions) {
    const e = options.engine;
    this.canRun = !!(e.instantiate && e.invoke && e.get && e.exports && e.spectest);
    if (this.canRun) this.registered.spectest = e.spectest!() as unknown as Record<string, unknown>;
  }

  run(script: ParsedScript): Outcome[] {
    return script.commands.map((c) => this.runCommand(c));
  }

  runCommand(c: Command): Outcome {
    const kind = commandKind(c);
    let outcome: Outcome;
    try {
      const result = this.execute(c);
      outcome = { line: c.line, kind, status: 'passed', ...result };
    } catch (err) {
      if (err instanceof Verdict) outcome = { line: c.line, kind, status: err.status, reason: err.reason };
      else outcome = { line: c.line, kind, status: 'failed', reason: `harness or engine crashed: ${describe(err)}` };
    }
    this.options.onOutcome?.(outcome);
    return outcome;
  }

  /** Runs one command; returns on a pass, throws a Verdict otherwise. */
  private execute(c: Command): Checked {
    switch (c.kind) {
      case 'unparsed':
        failWith(`cannot parse this command: ${c.error}`);
      case 'module':
        return this.defineModule(c.module);
      case 'module instance': {
        // Defined first, so that later commands naming it get this command's outcome.
        const entry: ModuleEntry = { line: c.line };
        const previous = this.current;
        this.define(c.instance, entry);
        try {
          const def = c.module === undefined ? this.usable(previous, c.line) : this.lookup(c.module, c.line);
          entry.compiled = def.compiled;
          entry.importsFrom = def.importsFrom;
          this.needExecution();
          entry.instance = this.instantiate(entry, 'module instance');
          return {};
        } catch (err) {
          if (err instanceof Verdict) entry.unavailable = { status: err.status, reason: err.reason };
          throw err;
        }
      }
      case 'register':
        try {
          const entry = this.lookup(c.module, c.line);
          this.needExecution();
          this.registered[c.as] = this.options.engine.exports!(entry.instance);
          this.registeredEntries.set(c.as, entry);
          this.missingRegistrations.delete(c.as);
          return {};
        } catch (err) {
          if (err instanceof Verdict) this.missingRegistrations.set(c.as, { status: err.status, reason: err.reason });
          throw err;
        }
      case 'action':
        this.perform(c.action);
        return {};
      case 'assert_return': {
        const results = this.perform(c.action);
        if (results.length !== c.expected.length || !c.expected.every((e, k) => matches(results[k], e))) {
          failWith(`expected ${c.expected.map(formatExpected).join(' ') || '(nothing)'}, got ${results.map(formatValue).join(' ') || '(nothing)'}`);
        }
        return {};
      }
      case 'assert_trap':
        if (c.module) return this.expectInstantiationError(c.module, c.message, RuntimeError, 'trap');
        return this.expectActionError(c.action!, c.message, RuntimeError, 'trap');
      case 'assert_exhaustion':
        return this.expectActionError(c.action, c.message, RuntimeError, 'stack exhaustion');
      case 'assert_exception':
        return this.expectActionError(c.action, undefined, WasmException, 'exception');
      case 'assert_invalid':
      case 'assert_malformed':
        return this.expectCompileError(c.module, c.message, c.kind === 'assert_invalid' ? 'invalid' : 'malformed');
      case 'assert_unlinkable':
        return this.expectInstantiationError(c.module, c.message, LinkError, 'link error');
      case 'assert_uninstantiable':
        return this.expectInstantiationError(c.module, c.message, RuntimeError, 'trap');
      case 'assert_malformed_custom':
      case 'assert_invalid_custom':
        skip('custom-section annotations are not checked');
      case 'thread':
      case 'wait':
        skip('threads (thread and wait commands) not supported');
    }
  }
  // #endregion script-runner

  private needExecution(): void {
    if (!this.canRun) skip(EXECUTION_NOT_IMPLEMENTED);
  }

  private define(name: string | undefined, entry: ModuleEntry): void {
    this.current = entry;
    if (name !== undefined) this.modules.set(name, entry);
  }

  /** The named (or current) module, if usable; otherwise the outcome its failure dictates. */
  private lookup(name: string | undefined, line: number): ModuleEntry & { compiled: CompiledModule } {
    const entry = name === undefined ? this.current : this.modules.get(name);
    if (!entry && name !== undefined) failWith(`unknown module ${name}`);
    return this.usable(entry, line);
  }

  private usable(entry: ModuleEntry | undefined, line: number): ModuleEntry & { compiled: CompiledModule } {
    if (!entry) failWith(`no module defined before line ${line}`);
    if (entry.unavailable) {
      if (entry.unavailable.status === 'skipped') skip(entry.unavailable.reason);
      failWith(`the module at line ${entry.line} is unusable: ${entry.unavailable.reason}`);
    }
    return entry as ModuleEntry & { compiled: CompiledModule };
  }

  // #region module-bytes
  /** The module's binary (see binaryOf). */
  private bytesOf(m: ModuleForm): Uint8Array {
    return this.binaryOf(m).bytes;
  }

  /**
   * The module's binary and who made it. Text goes through the spec-exact parser when one is
   * loaded, and what it rejects through wabt (names.wast's characters, once); without one, through
   * wabt alone, and what wabt rejects is skipped. wabt is not first because it writes some valid
   * modules wrongly without a word: wabt 1.0.39 drops the memory index of `(data (memory $m) ...)`
   * (flags 2 with no index), which our decoder then reads as a malformed offset. Throws
   * TextFormatError, with both messages, when neither reads the text.
   */
  private binaryOf(m: ModuleForm): { bytes: Uint8Array; by: 'script' | 'wabt' | 'wasm-tools' } {
    if (m.source.format === 'binary') return { bytes: m.source.bytes, by: 'script' };
    const spec = this.options.specTextToBinary;
    if (spec) {
      try {
        return { bytes: spec(m.source.text), by: 'wasm-tools' };
      } catch (err) {
        if (!(err instanceof TextFormatError)) throw err;
        try {
          return { bytes: this.options.textToBinary(m.source.text), by: 'wabt' };
        } catch (wabtErr) {
          if (wabtErr instanceof TextFormatError) throw new TextFormatError(`wasm-tools: ${err.message}; wabt: ${wabtErr.message}`);
          throw wabtErr;
        }
      }
    }
    try {
      return { bytes: this.options.textToBinary(m.source.text), by: 'wabt' };
    } catch (err) {
      if (!(err instanceof TextFormatError)) throw err;
      return { bytes: this.specBinaryOf(m.source.text, `wabt: ${err.message}`), by: 'wasm-tools' };
    }
  }

  /** The spec-exact parser's binary; throws TextFormatError saying why there is none. */
  private specBinaryOf(text: string, whyNotWabt: string): Uint8Array {
    const spec = this.options.specTextToBinary;
    if (!spec) throw new TextFormatError(`${whyNotWabt} (no spec-exact parser loaded)`);
    try {
      return spec(text);
    } catch (err) {
      if (err instanceof TextFormatError) throw new TextFormatError(`${whyNotWabt}; wasm-tools: ${err.message}`);
      throw err;
    }
  }

  /** Compiles a module the script says is valid; unsupported features and missing stages are skips. */
  private compileValid(m: ModuleForm): { compiled: CompiledModule; importsFrom: string[] } {
    let binary: ReturnType<ScriptRunner['binaryOf']>;
    try {
      binary = this.binaryOf(m);
    } catch (err) {
      if (err instanceof TextFormatError) skip(`${TEXT_NOT_SUPPORTED}: ${err.message}`);
      throw err;
    }
    try {
      return { compiled: this.options.engine.compile(binary.bytes), importsFrom: importModuleNames(binary.bytes) };
    } catch (err) {
      if (isUnsupported(err)) skip(reasonOf(err));
      if (err instanceof NotImplemented) skip(err.reason);
      if (!(err instanceof CompileError)) failWith(`compiler crashed: ${describe(err)}`);
      // (by 'wabt' implies text; the format test is for the type checker)
      if (binary.by === 'wabt' && m.source.format !== 'binary' && this.options.readsBack?.(binary.bytes) === false) {
        // wabt's binary is unsound by wabt's own reading: the spec-exact parser's decides.
        const bytes = this.readableSpecBinaryOf(m.source.text, 'wabt cannot read back its own binary of this module');
        return this.compileValid({ ...m, source: { format: 'binary', bytes } });
      }
      failWith(`valid module rejected: ${err.message}`);
    }
  }

  private readableSpecBinaryOf(text: string, whyNotWabt: string): Uint8Array {
    try {
      return this.specBinaryOf(text, whyNotWabt);
    } catch (err) {
      if (err instanceof TextFormatError) skip(`${TEXT_NOT_SUPPORTED}: ${err.message}`);
      throw err;
    }
  }
  // #endregion module-bytes

  private defineModule(m: ModuleForm): Checked {
    const entry: ModuleEntry = { line: m.line };
    this.define(m.name, entry);
    try {
      Object.assign(entry, this.compileValid(m));
      if (!m.definition && this.canRun) entry.instance = this.instantiate(entry, 'module');
      return {};
    } catch (err) {
      if (err instanceof Verdict) entry.unavailable = { status: err.status, reason: err.reason };
      else entry.unavailable = { status: 'failed', reason: describe(err) };
      // A skipped instantiation would have run its segments (and start function), which may
      // write the tables and memories it imports: their owners' state is unknown from here on.
      if (err instanceof Verdict && err.status === 'skipped' && !m.definition && this.importsWritableState(m)) {
        this.taintImports(m, err.reason);
      }
      throw err;
    }
  }

  private importsWritableState(m: ModuleForm): boolean {
    try {
      return importsTableOrMemory(this.bytesOf(m));
    } catch {
      return false;
    }
  }

  /** A module importing from a registration that did not happen shares that registration's outcome. */
  private checkImports(importsFrom: string[] | undefined): void {
    for (const name of importsFrom ?? []) {
      const missing = this.missingRegistrations.get(name);
      if (missing?.status === 'skipped') skip(missing.reason);
      if (missing) failWith(`imports from "${name}", which was not registered: ${missing.reason}`);
    }
  }

  private instantiate(entry: ModuleEntry, what: string): Instance {
    this.checkImports(entry.importsFrom);
    try {
      return this.options.engine.instantiate!(entry.compiled, this.registered);
    } catch (err) {
      if (err instanceof NotImplemented) skip(err.reason);
      if (isUnsupported(err)) skip(reasonOf(err));
      failWith(`${what} failed to instantiate: ${describe(err)}`);
    }
  }

  /** Runs an action; engine errors come out as they are. */
  private call(a: Action): WasmValue[] {
    const entry = this.lookup(a.module, a.line);
    this.needExecution();
    const engine = this.options.engine;
    return a.type === 'invoke' ? engine.invoke!(entry.instance, a.name, a.args) : [engine.get!(entry.instance, a.name)];
  }

  /** Runs an action that should return normally. */
  private perform(a: Action): WasmValue[] {
    try {
      return this.call(a);
    } catch (err) {
      if (err instanceof Verdict) throw err;
      if (err instanceof NotImplemented) skip(err.reason);
      if (isUnsupported(err)) skip(reasonOf(err));
      failWith(`${a.type} "${a.name}" failed: ${describe(err)}`);
    }
  }

  // #region expected-errors
  private expectCompileError(m: ModuleForm, message: string, what: 'invalid' | 'malformed'): Checked {
    if (what === 'malformed' && m.source.format !== 'binary') return this.expectMalformedText(m.source.text);
    let bytes: Uint8Array;
    try {
      bytes = this.bytesOf(m);
    } catch (err) {
      if (err instanceof TextFormatError) skip(`${TEXT_NOT_SUPPORTED}: ${err.message}`);
      throw err;
    }
    try {
      this.options.engine.compile(bytes);
    } catch (err) {
      if (isUnsupported(err)) skip(reasonOf(err));
      if (err instanceof NotImplemented) skip(err.reason);
      if (err instanceof CompileError) return checkMessage(message, err);
      failWith(`compiler crashed: ${describe(err)}`);
    }
    failWith(`${what} module accepted (expected "${message}")`);
  }

  /**
   * Malformed text is the text front-end's to reject, not the compiler's: wabt rejecting it is
   * the expected outcome, and where wabt accepts it, the spec-exact parser must reject it.
   * (The message is not checked: each parser words its own.)
   */
  private expectMalformedText(text: string): Checked {
    const rejects = (parse: TextToBinary): boolean => {
      try {
        parse(text);
        return false;
      } catch (err) {
        if (err instanceof TextFormatError) return true;
        throw err;
      }
    };
    if (rejects(this.options.textToBinary)) return {};
    const spec = this.options.specTextToBinary;
    if (!spec) skip('wabt accepts this malformed text, and no spec-exact parser is loaded');
    if (rejects(spec)) return {};
    skip('wabt and wasm-tools both accept this malformed text (a text front-end\'s deviation, not the compiler\'s)');
  }

  private expectInstantiationError(
    m: ModuleForm,
    message: string,
    errorClass: typeof LinkError | typeof RuntimeError,
    what: string,
  ): Checked {
    let compiled: CompiledModule, importsFrom: string[];
    try {
      ({ compiled, importsFrom } = this.compileValid(m));
    } catch (err) {
      if (errorClass === RuntimeError && err instanceof Verdict && err.status === 'skipped') this.taintImports(m, err.reason);
      throw err;
    }
    this.needExecution();
    this.checkImports(importsFrom);
    try {
      this.options.engine.instantiate!(compiled, this.registered);
    } catch (err) {
      if (err instanceof NotImplemented) {
        if (errorClass === RuntimeError) this.taintImports(m, err.reason);
        skip(err.reason);
      }
      if (err instanceof errorClass) return checkMessage(message, err);
      failWith(`expected a ${what} ("${message}"), got ${describe(err)}`);
    }
    failWith(`expected a ${what} ("${message}"), but instantiation succeeded`);
  }

  /**
   * A module expected to trap during instantiation was skipped: its element and data segments
   * may have written into the tables and memories it imports before the trap. The state of the
   * modules it imports from is unknown from here on, so what uses them is skipped too.
   */
  private taintImports(m: ModuleForm, reason: string): void {
    let names: string[];
    try {
      names = importModuleNames(this.bytesOf(m));
    } catch {
      return; // unreadable text: nothing was compiled from it by anyone
    }
    const why = { status: 'skipped' as const, reason: reason.includes('(state after') ? reason : `${reason} (state after a skipped instantiation)` };
    for (const name of names) {
      const entry = this.registeredEntries.get(name);
      if (!entry || entry.unavailable) continue;
      entry.unavailable = why;
      this.missingRegistrations.set(name, why);
    }
  }

  private expectActionError(
    a: Action,
    message: string | undefined,
    errorClass: typeof RuntimeError | typeof WasmException,
    what: string,
  ): Checked {
    let results: WasmValue[];
    try {
      results = this.call(a);
    } catch (err) {
      if (err instanceof Verdict) throw err;
      if (err instanceof NotImplemented) skip(err.reason);
      // Running out of stack and trapping are different outcomes (the spec's Exhaustion and Trap).
      const exhausted = err instanceof RuntimeError && reasonOf(err).includes(STACK_EXHAUSTED);
      const rightKind = errorClass !== RuntimeError || exhausted === (what === 'stack exhaustion');
      if (err instanceof errorClass && rightKind) return message === undefined ? {} : checkMessage(message, err);
      failWith(`expected a ${what}${message ? ` ("${message}")` : ''}, got ${describe(err)}`);
    }
    failWith(`expected a ${what}${message ? ` ("${message}")` : ''}, got ${results.map(formatValue).join(' ') || 'a normal return'}`);
  }
  // #endregion expected-errors
}

/** Runs a whole parsed script. */
export function runScript(script: ParsedScript, options: RunOptions): Outcome[] {
  return new ScriptRunner(options).run(script);
}
