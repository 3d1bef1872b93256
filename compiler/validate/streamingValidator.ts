// The push interface: bytes arrive in chunks of any size (one at a time works); each section is
// decoded and checked as soon as all its bytes are here, and each function body is validated
// (and handed to the code generator) as soon as it is complete, then dropped. Only the bytes of
// the unfinished section or body are buffered, so memory is bounded by the largest of those.

import { CompileError } from '../errors.ts';
import { Reader } from '../binary/reader.ts';
import {
  readDataCountSection, readDataSection, readElementSection, readExportSection, readFunctionSection,
  readGlobalSection, readImportSection, readMemorySection, readTagSection, readNameSection, readStartSection,
  readTableSection, readTypeSection, SECTION_ORDER, SectionId,
} from '../binary/sections.ts';
import { emptyModuleInfo, type ModuleInfo } from '../binary/types.ts';
import { checkSubtypes } from './gcTypes.ts';
import type { CodeGenerator } from './codegenInterface.ts';
import { FunctionValidator } from './functionValidator.ts';
import {
  checkConstExpr, checkData, checkElement, checkExports, checkFunctions, checkImports, checkMemories, checkTags,
  checkStart, checkTables,
} from './moduleChecks.ts';
import { checkJsApiLimits, checkModuleSize, checkSignatureLimits } from './jsApiLimits.ts';

// #region decoder-states
const enum State {
  Header,
  SectionStart,
  SectionBody,
  CustomName,
  NameSection,
  SkipCustom,
  CodeCount,
  CodeBodySize,
  CodeBody,
  Failed,
  Finished,
}
// #endregion decoder-states

const EMPTY = new Uint8Array(0);

/**
 * Largest function body accepted, V8's limit: an implementation limit that bounds the memory a
 * hostile body can make the validator use (control frames, operand stack, br_table targets).
 */
export const MAX_FUNCTION_SIZE = 7_654_321;

export interface ValidateOptions {
  /**
   * Step over function bodies by their sizes instead of validating them (nor are they reported to
   * a code generator): for bytes known to be valid, when only the declarations are wanted (a
   * compile cache's hit re-derives them from a module it compiled before). The sections, and the
   * bodies' count and sizes, are still checked.
   */
  readonly skipBodies?: boolean;
}

export class StreamingValidator {
  readonly module: ModuleInfo = emptyModuleInfo();
  private readonly cg: CodeGenerator | null;

  // Unconsumed input: buf[start, end); `base` is the module offset of buf[0].
  private buf: Uint8Array = EMPTY;
  private start = 0;
  private end = 0;
  private base = 0;
  private owned = false;

  private state = State.Header;
  private error: unknown;
  private lastOrder = 0;
  private sectionId = 0;
  /** Module offsets of the current section's contents. */
  private sectionStart = 0;
  private sectionEnd = 0;
  private codeCount = 0;
  private codeIndex = 0;
  private bodySize = 0;
  private sawCode = false;
  private sawData = false;
  private begun = false;
  private functions: FunctionValidator | undefined;

  /** Function bodies are stepped over, not validated (see ValidateOptions). */
  private readonly skipBodies: boolean;
  /** The current body is stepped over (skipBodies, or the code generator leaves it to another). */
  private steppingOver = false;
  /** Set by validateModule: the one chunk is the whole module and stays unchanged, so data segments may view it. */
  private retainInput = false;

  constructor(codegen?: CodeGenerator, options: ValidateOptions = {}) {
    this.cg = codegen ?? null;
    this.skipBodies = options.skipBodies ?? false;
  }

  /** Validate a whole module given at once; data segments in the result are views of `bytes`. */
  static validateWhole(bytes: Uint8Array, codegen?: CodeGenerator, options?: ValidateOptions): ModuleInfo {
    const v = new StreamingValidator(codegen, options);
    v.retainInput = true;
    v.push(bytes);
    return v.finish();
  }

  // #region push-chunk
  /** Feed the next bytes; throws CompileError as soon as a problem is seen. */
  push(chunk: Uint8Array): void {
    this.checkUsable();
    if (chunk.length === 0) return;
    try {
      checkModuleSize(this.base + this.end + chunk.length);
      this.append(chunk);
      this.pump();
    } catch (e) {
      this.state = State.Failed;
      this.error = e;
      throw e;
    }
    // Never keep a view of the caller's chunk: it may be reused after push returns.
    if (!this.owned && this.start < this.end) this.copyPending(this.end - this.start);
  }
  // #endregion push-chunk

  /** The input has ended: check the module is complete and return what it declares. */
  finish(): ModuleInfo {
    this.checkUsable();
    try {
      return this.finishModule();
    } catch (e) {
      this.state = State.Failed;
      this.error = e;
      throw e;
    }
  }

  /** After an error, every call repeats it; after finish(), every call is a mistake. */
  private checkUsable(): void {
    if (this.state === State.Failed) throw this.error;
    // Made only when needed: an Error captures a stack trace, which costs more than validating a small module.
    if (this.state === State.Finished) throw new Error('StreamingValidator: finish() was already called');
  }

  /** Bytes the validator holds on to between pushes (for tests of bounded memory). */
  get retainedBytes(): number {
    return this.owned ? this.buf.length : 0;
  }

  private get offset(): number {
    return this.base + this.start;
  }

  private append(chunk: Uint8Array): void {
    const pending = this.end - this.start;
    if (pending === 0) {
      this.base += this.end;
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    const needed = pending + chunk.length;
    // Grow (doubling) rather than compact when the pending bytes fill half the buffer, so each
    // compaction frees at least as much room as it copies: linear time for any chunking.
    if (!this.owned || this.buf.length < needed || (this.buf.length - this.end < chunk.length && pending * 2 > this.buf.length)) {
      this.copyPending(Math.max(needed * 2, 4096));
    } else if (this.buf.length - this.end < chunk.length) {
      this.buf.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end = pending;
      this.start = 0;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  private copyPending(capacity: number): void {
    const pending = this.end - this.start;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(this.start, this.end));
    this.base += this.start;
    this.buf = next;
    this.start = 0;
    this.end = pending;
    this.owned = true;
  }

  /**
   * A LEB128 u32 at buf[pos], if complete before `limit` (absolute module offset):
   * returns the value and leaves the position after it in this.lebEnd, or -1 to wait for input.
   */
  private lebEnd = 0;
  private tryU32(pos: number, limit: number, endMessage: string): number {
    const stop = Math.min(this.end, limit - this.base);
    const buf = this.buf;
    if (pos < stop && buf[pos]! < 0x80) {
      this.lebEnd = pos + 1;
      return buf[pos]!;
    }
    let i = pos;
    while (i < stop && i - pos < 5 && buf[i]! & 0x80) i++;
    if (i >= stop) {
      if (stop === limit - this.base) throw new CompileError(endMessage, this.base + stop);
      return -1;
    }
    if (i - pos < 4) {
      // Up to four bytes (below 2^28): nothing to check, decoded without a Reader.
      let v = 0;
      for (let k = i; k >= pos; k--) v = v * 128 + (buf[k]! & 0x7f);
      this.lebEnd = i + 1;
      return v;
    }
    const r = new Reader(buf, pos, stop, this.base, endMessage);
    const v = r.u32();
    this.lebEnd = r.pos;
    return v;
  }

  // #region pump-sections
  private pump(): void {
    for (;;) {
      const avail = this.end - this.start;
      switch (this.state) {
        case State.Header: {
          if (avail < 4) return;
          const b = this.buf;
          const s = this.start;
          if (b[s] !== 0 || b[s + 1] !== 0x61 || b[s + 2] !== 0x73 || b[s + 3] !== 0x6d) {
            throw new CompileError('magic header not detected', 0);
          }
          if (avail < 8) return;
          if (b[s + 4] !== 1 || b[s + 5] !== 0 || b[s + 6] !== 0 || b[s + 7] !== 0) {
            throw new CompileError('unknown binary version', 4);
          }
          this.start += 8;
          this.state = State.SectionStart;
          break;
        }
        case State.SectionStart: {
          if (avail === 0) return;
          const at = this.offset;
          const id = this.buf[this.start]!;
          if (id > SectionId.tag) throw new CompileError('malformed section id', at);
          const order = id === SectionId.custom ? this.lastOrder : SECTION_ORDER[id]!;
          if (id !== SectionId.custom && order <= this.lastOrder) {
            throw new CompileError('unexpected content after last section', at);
          }
          const size = this.tryU32(this.start + 1, Infinity, 'unexpected end');
          if (size < 0) return;
          this.lastOrder = order;
          this.sectionId = id;
          this.sectionStart = this.base + this.lebEnd;
          this.sectionEnd = this.sectionStart + size;
          this.start = this.lebEnd;
          this.state = id === SectionId.code ? State.CodeCount : id === SectionId.custom ? State.CustomName : State.SectionBody;
          break;
        }
        // #endregion pump-sections
        // Custom sections other than "name" are skipped as their bytes arrive, never buffered
        // whole (debug sections can dwarf the code).
        case State.CustomName: {
          const lengthAt = this.offset;
          const n = this.tryU32(this.start, this.sectionEnd, 'unexpected end of section or function');
          if (n < 0) return;
          const nameStart = this.lebEnd;
          if (this.base + nameStart + n > this.sectionEnd) throw new CompileError('length out of bounds', lengthAt);
          if (this.end - nameStart < n) return;
          const name = new Reader(this.buf, this.start, nameStart + n, this.base).name();
          this.start = nameStart + n;
          this.module.customSections.push({ name, offset: this.offset, size: this.sectionEnd - this.offset });
          this.state = name === 'name' ? State.NameSection : State.SkipCustom;
          break;
        }
        case State.NameSection: {
          const size = this.sectionEnd - this.offset;
          if (avail < size) return;
          readNameSection(new Reader(this.buf, this.start, this.start + size, this.base), this.module, !(this.retainInput && !this.owned));
          this.start += size;
          this.state = State.SectionStart;
          break;
        }
        case State.SkipCustom: {
          const remaining = this.sectionEnd - this.offset;
          const n = Math.min(avail, remaining);
          this.start += n;
          if (n < remaining) return;
          this.state = State.SectionStart;
          break;
        }
        case State.SectionBody: {
          const size = this.sectionEnd - this.sectionStart;
          if (avail < size) return;
          this.readSection(this.sectionId, new Reader(this.buf, this.start, this.start + size, this.base));
          this.start += size;
          this.state = State.SectionStart;
          break;
        }
        case State.CodeCount: {
          const count = this.tryU32(this.start, this.sectionEnd, 'unexpected end of section or function');
          if (count < 0) return;
          const m = this.module;
          const at = this.offset;
          this.start = this.lebEnd;
          // Too many bodies fails now (they have no types); too few is reported at the end, as
          // the reference interpreter does, so errors in later sections come first.
          if (count > m.functions.length - m.importedFunctionCount) {
            throw new CompileError('function and code section have inconsistent lengths', at);
          }
          this.sawCode = true;
          this.codeCount = count;
          this.codeIndex = 0;
          this.beginModule();
          this.functions = new FunctionValidator(m, this.cg);
          this.state = State.CodeBodySize;
          break;
        }
        // #region code-body-states
        case State.CodeBodySize: {
          if (this.codeIndex === this.codeCount) {
            if (this.offset !== this.sectionEnd) throw new CompileError('section size mismatch', this.offset);
            this.state = State.SectionStart;
            break;
          }
          const size = this.tryU32(this.start, this.sectionEnd, 'unexpected end of section or function');
          if (size < 0) return;
          this.start = this.lebEnd;
          if (this.offset + size > this.sectionEnd) {
            throw new CompileError('unexpected end of section or function', this.offset);
          }
          if (size > MAX_FUNCTION_SIZE) throw new CompileError(`function body too large (limit ${MAX_FUNCTION_SIZE} bytes)`, this.offset);
          this.bodySize = size;
          this.steppingOver = this.skipBodies || this.cg?.leavesBody?.(this.module.importedFunctionCount + this.codeIndex, size) === true;
          this.state = State.CodeBody;
          break;
        }
        case State.CodeBody: {
          const size = this.bodySize;
          if (this.steppingOver) {
            // Validated before, or by someone else: stepped over as its bytes arrive, never buffered.
            const n = Math.min(avail, size);
            this.start += n;
            this.bodySize = size - n;
            if (n < size) return;
          } else {
            if (avail < size) return;
            this.validateBody(this.start + size);
            this.start += size;
          }
          this.codeIndex++;
          this.state = State.CodeBodySize;
          break;
        }
        // #endregion code-body-states
        case State.Failed:
        case State.Finished:
          return;
      }
    }
  }

  /** Validate the body in buf[start, bodyEnd), driving the code generator. */
  private validateBody(bodyEnd: number): void {
    const m = this.module;
    const more = this.base + bodyEnd < this.sectionEnd;
    const next = bodyEnd < this.end ? this.buf[bodyEnd]! : -1;
    const funcIndex = m.importedFunctionCount + this.codeIndex;
    try {
      this.functions!.validate(this.buf, this.start, bodyEnd, this.base, funcIndex, next, more);
    } catch (e) {
      // Errors from shared decoding helpers (value types, unsupported features) learn the function here.
      if (e instanceof CompileError && e.funcIndex === undefined) throw new CompileError(e.reason, e.offset, funcIndex);
      throw e;
    }
  }

  private beginModule(): void {
    if (this.begun) return;
    this.begun = true;
    this.cg?.beginModule(this.module);
  }
  private readSection(id: number, r: Reader): void {
    this.readSectionContents(id, r);
  }

  private readSectionContents(id: number, r: Reader): void {
    const m = this.module;
    const at = r.offset;
    switch (id) {
      case SectionId.type: {
        const first = m.types.length;
        readTypeSection(r, m);
        for (let i = first; i < m.types.length; i++) checkSignatureLimits(m.types[i]!.params.length, m.types[i]!.results.length, at);
        checkSubtypes(m, first, at);
        break;
      }
      case SectionId.import: readImportSection(r, m); checkImports(m, at); break;
      case SectionId.function: readFunctionSection(r, m); checkFunctions(m, at); break;
      case SectionId.table:
        readTableSection(r, m, (init, type, offset) => checkConstExpr(m, init, type, offset));
        checkTables(m, at);
        break;
      case SectionId.memory: readMemorySection(r, m); checkMemories(m, at); break;
      case SectionId.tag: readTagSection(r, m); checkTags(m, at); break;
      case SectionId.global:
        readGlobalSection(r, m, (init, type, index, offset) => checkConstExpr(m, init, type, offset, index));
        break;
      case SectionId.export: readExportSection(r, m); checkExports(m, at); break;
      case SectionId.start: readStartSection(r, m); checkStart(m, at); break;
      case SectionId.element: {
        const offsets: number[] = [];
        const first = m.elements.length;
        readElementSection(r, m, offsets);
        for (let i = first; i < m.elements.length; i++) checkElement(m, m.elements[i]!, offsets[i - first]!);
        break;
      }
      case SectionId.dataCount: readDataCountSection(r, m); break;
      case SectionId.data: {
        // Each segment is checked as it is read, but the first failure is reported only once the
        // whole section has decoded: as in the reference interpreter, malformed beats invalid.
        let invalid: unknown;
        readDataSection(r, m, (segment, offsetExpr, offset) => {
          if (invalid !== undefined) return;
          try {
            checkData(m, segment, offsetExpr, offset);
          } catch (e) {
            invalid = e;
          }
        }, !(this.retainInput && !this.owned));
        this.sawData = true;
        if (m.dataCount !== undefined && m.dataCount !== m.data.length) {
          throw new CompileError('data count and data section have inconsistent lengths', at);
        }
        if (invalid !== undefined) throw invalid;
        break;
      }
    }
    checkJsApiLimits(m, at);
    if (r.pos !== r.end) throw new CompileError('section size mismatch', r.offset);
  }

  private finishModule(): ModuleInfo {
    const m = this.module;
    if (this.state === State.Header) throw new CompileError('unexpected end', this.offset);
    if (this.state !== State.SectionStart || this.end > this.start) {
      const total = this.base + this.end;
      throw new CompileError(total < this.sectionEnd ? 'length out of bounds' : 'unexpected end', total);
    }
    if ((this.sawCode ? this.codeCount : 0) !== m.functions.length - m.importedFunctionCount) {
      throw new CompileError('function and code section have inconsistent lengths', this.offset);
    }
    if (!this.sawData && m.dataCount !== undefined && m.dataCount !== 0) {
      throw new CompileError('data count and data section have inconsistent lengths', this.offset);
    }
    this.beginModule();
    this.cg?.endModule(m);
    this.state = State.Finished;
    return m;
  }
}
