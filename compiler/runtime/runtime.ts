// The runtime of one thread: the state block, the wasm stack and its limit, the routines that
// switch to it and back, the adapters cache, the call-out handlers. Everything that calls
// generated code goes through `invoke`.

import { type FuncType, ValType } from '../binary/types.ts';
import { storageFuncType } from '../binary/refTypes.ts';
import { slotBytes, TrapCode, trapMessage, type TrapSite, UNKNOWN_POSITION } from '../abi/index.ts';
import { RuntimeError } from '../errors.ts';
import { CodeMemory } from './codeMemory.ts';
import { getNative, PROT_NONE, PROT_READ, PROT_WRITE, STACK_RED_ZONE, WASM_STACK_SIZE, type Native } from './native.ts';
import { BUFFER_SLOTS, SlotViews, STATE } from './runtimeState.ts';
import { FlagTimer, InterruptFlag, watchWorkers } from './interruption.ts';
import { setReclaimGuard, setReclaimPrelude } from './reclaim.ts';
import { ledger, unmapAll } from './mappingLedger.ts';
import { externRefs } from './values.ts';
import { getGcHeap } from './gcHeap.ts';
import { GC_REGION } from '../abi/gcObjects.ts';
import { markWords } from './gcRoots.ts';
import { Assembler } from '../x64/index.ts';
import { chainLimit, dropDeadRecords, type ExceptionHooks, fromJsException, landException, type NativeReader, readPayload, makeException, tagType, toJsException, uncatchable } from './exceptions.ts';
import { EXCEPTION_AREA, EXCEPTION_STATE, SUPERTYPE_TABLE } from '../abi/index.ts';
import { emitCalloutStub, emitEntryAdapter, emitInstanceSwitchStub, emitReturnThunks, emitSharedMemoryRefresh, emitSwitchboard, load, STATUS_CALLOUT, STATUS_TRAP_SITE } from './stubs.ts';

/** The handler chain's head in the state block, as an index of its words. */
const HANDLERS_WORD = EXCEPTION_STATE.HANDLERS / 4;
/** The most records a walk of the handler chain visits (a broken chain ends the walk). */
const CHAIN_LIMIT = chainLimit(WASM_STACK_SIZE);

/** Do a type's parameters, and its results, each fit the runtime's buffers (8 bytes a value, 16 a v128)? */
function fitsBuffer(type: FuncType): boolean {
  const bytes = (types: readonly ValType[]) => types.reduce((n, t) => n + slotBytes(t), 0);
  return bytes(type.params) <= 8 * BUFFER_SLOTS && bytes(type.results) <= 8 * BUFFER_SLOTS;
}

/** A function implemented in JS that wasm calls: reads its arguments from `runtime.callout`, writes results there, returns 0 or a trap code. */
export type CalloutHandler = () => number;

export type StubRequest =
  | { readonly kind: 'callout'; readonly type: FuncType; readonly id: number }
  | { readonly kind: 'switch'; readonly type: FuncType; readonly calleeVmctx: number; readonly calleeCode: number };

export function signatureKey(type: FuncType): string {
  return `${type.params.join(',')}->${type.results.join(',')}`;
}

// #region runtime
export class Runtime {
  readonly native: Native;
  /** Address of the state block (see STATE). */
  readonly state: number;
  readonly entryArgs: SlotViews;
  readonly callout: SlotViews;
  /** Address of the trap handler: every VMContext's TRAP_HANDLER. */
  readonly trapHandler: number;
  /** Address of the trap-site handler: every VMContext's TRAP_SITE_HANDLER. */
  readonly trapSiteHandler: number;
  /** Address of the routine a failed bounds check calls in a module with a shared memory (stubs.ts emitSharedMemoryRefresh). */
  readonly sharedMemoryRefresh: number;
  /** The lowest rsp wasm may use: every VMContext's STACK_LIMIT. */
  readonly stackLimit: number;
  /** The top of the wasm stack (where the outermost activation starts). */
  readonly stackTop: number;
  /** Address of the routine call-out stubs call to suspend the activation. */
  readonly suspend: number;
  /** Address of the return thunks' table (compiler/abi/returnThunks.ts): every VMContext's. */
  readonly returnThunks: number;
  private entry: () => number;
  private readonly resume: (status: number) => number;
  private readonly stateWords: Uint32Array;
  private readonly adapters = new Map<string, number>();
  private readonly adapterOfType = new WeakMap<FuncType, number>();
  /** By id: a handler the runtime keeps, or a WeakRef to one its owner keeps (registerCallout). */
  private readonly handlers: (CalloutHandler | WeakRef<CalloutHandler> | undefined)[] = [];
  /**
   * The handler called last, by id: a call-out to the same import again (a loop's) goes without
   * the WeakRef's deref, which cost a fifth of a call-out (26 ns of 155). It keeps at most one
   * instance alive past its time, until another import is called or reclaim() forgets it.
   */
  private lastCalloutId = -1;
  private lastCallout: CalloutHandler | undefined;
  private readonly freeIds: number[] = [];
  private readonly stateView: DataView;
  /** GC's supertype table (SUPERTYPE_TABLE): at each type id, the id of its declared supertype, 0 for none. */
  private readonly supertypeIds: Uint32Array;
  /** The thread's interrupt flag (interruption.ts): every VMContext's INTERRUPT_FLAG points to it. */
  readonly interruptFlag: InterruptFlag;
  private timer: FlagTimer | undefined;
  /** Keeps every piece of runtime code alive (adapters and the trampoline are never freed). */
  private readonly code: CodeMemory[] = [];

  /** Record type id `id`'s declared supertype (0: none) where generated code looks it up (SUPERTYPE_TABLE). */
  setSupertype(id: number, superId: number): void {
    this.supertypeIds[id] = superId;
  }

  constructor() {
    const native = (this.native = getNative());
    const { koffi } = native;
    this.state = native.mmap(STATE.SIZE, PROT_READ | PROT_WRITE);
    const stateBuffer = native.view(this.state, STATE.SIZE);
    this.stateView = new DataView(stateBuffer);
    this.stateWords = new Uint32Array(stateBuffer, 0, STATE.ENTRY_BUFFER / 4);
    this.entryArgs = new SlotViews(stateBuffer, STATE.ENTRY_BUFFER);
    this.callout = new SlotViews(stateBuffer, STATE.CALLOUT_BUFFER);

    // #region stack-limit
    // Wasm runs on a stack of its own: WASM_STACK_SIZE bytes above an inaccessible guard page.
    // The limit leaves STACK_RED_ZONE above the guard for a frame that passed its check (up to
    // MAX_UNCHECKED_FRAME) and the runtime's stubs.
    const stackBase = native.mmap(WASM_STACK_SIZE + native.pageSize, PROT_READ | PROT_WRITE);
    native.mprotect(stackBase, native.pageSize, PROT_NONE);
    this.stackTop = stackBase + native.pageSize + WASM_STACK_SIZE;
    this.stackLimit = stackBase + native.pageSize + STACK_RED_ZONE;
    // #endregion stack-limit
    this.stateView.setBigUint64(STATE.STACK_LIMIT, BigInt(this.stackLimit), true);
    this.stateView.setBigUint64(STATE.WASM_SP, BigInt(this.stackTop), true);
    // GC's supertype table (a MiB reserved; the system commits only the pages that ids reach).
    const supertypes = native.mmap(SUPERTYPE_TABLE.ENTRIES * SUPERTYPE_TABLE.ENTRY_SIZE, PROT_READ | PROT_WRITE);
    this.supertypeIds = new Uint32Array(native.view(supertypes, SUPERTYPE_TABLE.ENTRIES * SUPERTYPE_TABLE.ENTRY_SIZE));
    this.stateView.setBigUint64(SUPERTYPE_TABLE.STATE_OFFSET, BigInt(supertypes), true);
    // Generated code bumps GC's allocation region where the heap keeps it (abi GC_REGION).
    getGcHeap().useRegion(new Uint32Array(stateBuffer, GC_REGION.TOP, GC_REGION.SIZE / 4));

    const { code, addresses } = load((asm) => {
      const { entry, resume, suspend, trap, trapSite } = emitSwitchboard(asm, this.state);
      return [entry, resume, suspend, trap, trapSite, emitSharedMemoryRefresh(asm)];
    });
    this.code.push(code);
    const [entryAt, resumeAt, suspendAt, trapAt, trapSiteAt, refreshAt] = addresses as [number, number, number, number, number, number];
    this.sharedMemoryRefresh = refreshAt;
    this.trapHandler = trapAt;
    this.trapSiteHandler = trapSiteAt;
    this.suspend = suspendAt;
    const thunks = load((asm) => [emitReturnThunks(asm)]);
    this.code.push(thunks.code);
    this.returnThunks = thunks.addresses[0]!;
    this.entry = koffi.decode(native.pointer(entryAt), koffi.proto('int32_t', []));
    this.resume = koffi.decode(native.pointer(resumeAt), koffi.proto('int32_t', ['int32_t']));
    this.interruptFlag = new InterruptFlag(native);
    watchWorkers(this.interruptFlag, ledger?.entries);
    const own = ledger;
    if (own) {
      // A worker ending (naturally or by process.exit()) unmaps its runtime and instances; anything
      // that calls wasm after that gets an error, not a jump into unmapped code.
      process.on('exit', () => {
        this.entry = () => {
          throw new Error('Lightbeam: this thread is exiting; its runtime has been unmapped');
        };
        unmapAll(own.entries, (address, length) => native.rawMunmap(address, length));
      });
    }
    // Dead objects may be unmapped early (reclaim.ts) only while no wasm activation is suspended.
    const idle = () => this.stateView.getBigUint64(STATE.WASM_SP, true) === BigInt(this.stackTop);
    setReclaimGuard(idle);
    setReclaimPrelude(() => {
      this.forgetLastCallout();
      // Leave to closed instances the objects only they hold, so that a cycle through one is garbage.
      if (idle()) externRefs.collect();
    });
    externRefs.canCollect = idle;

    // Exception handling: the routines `throw` and `throw_ref` call (call-outs of their own).
    // The state block and the wasm stack (where handler records live) through views made once:
    // the reads after every trapped or interrupted call must not call into koffi (in a worker
    // being terminated such a call is fatal), and a view per read cost one FFI call each.
    // Anything else (a try_table's clauses, in code memory) gets a view of its own.
    const native2 = this.native;
    const stackLow = stackBase + native.pageSize;
    const stackView = new DataView(native.view(stackLow, WASM_STACK_SIZE));
    // #region gc-stack-roots
    // GC roots: every wasm activation's words, from where the innermost suspended one stopped to
    // the stack's top (activations nest downwards), a call-out's arguments and results (a builtin
    // reads its arguments after it allocates), and an exception's payload. (The entry buffer's
    // words are there only while JS holds them in its own variables.)
    const stackWords = new Uint32Array(stackView.buffer);
    // (Not GC's allocation region after them: its LIMIT may be a live object's address.)
    const bufferWords = new Uint32Array(stateBuffer, STATE.CALLOUT_BUFFER, Math.floor((GC_REGION.TOP - STATE.CALLOUT_BUFFER) / 8) * 2);
    getGcHeap().markers.push((mark) => {
      const sp = Number(this.stateView.getBigUint64(STATE.WASM_SP, true));
      markWords(stackWords, (sp - stackLow) / 4, stackWords.length, mark);
      markWords(bufferWords, 0, bufferWords.length, mark);
    });
    // #endregion gc-stack-roots
    const stateLow = this.state;
    const stateView = this.stateView;
    const at = (a: number, bytes: number): [DataView, number] => {
      if (a >= stateLow && a + bytes <= stateLow + STATE.SIZE) return [stateView, a - stateLow];
      if (a >= stackLow && a + bytes <= this.stackTop) return [stackView, a - stackLow];
      return [new DataView(native2.view(a, bytes)), 0];
    };
    this.reader = {
      u64: (a) => { const [v, o] = at(a, 8); return Number(v.getBigUint64(o, true)); },
      u32: (a) => { const [v, o] = at(a, 4); return v.getUint32(o, true); },
      i32: (a) => { const [v, o] = at(a, 4); return v.getInt32(o, true); },
      setU64: (a, value) => { const [v, o] = at(a, 8); v.setBigUint64(o, BigInt(value), true); },
    };
    this.exceptionArea = new SlotViews(stateBuffer, EXCEPTION_STATE.AREA + EXCEPTION_AREA.PAYLOAD, 2 * BUFFER_SLOTS);
    const throwId = this.registerCallout(() => this.thrown());
    const throwRefId = this.registerCallout(() => this.thrownRef());
    const routines = this.loadStubs([
      { kind: 'callout', type: { params: [ValType.i32], results: [] }, id: throwId },
      { kind: 'callout', type: { params: [ValType.exnref], results: [] }, id: throwRefId },
    ]);
    this.code.push(routines.code!);
    this.stateView.setBigUint64(EXCEPTION_STATE.THROW, BigInt(routines.addresses[0]!), true);
    this.stateView.setBigUint64(EXCEPTION_STATE.THROW_REF, BigInt(routines.addresses[1]!), true);
  }

  // #region throw-routines
  /** Reads and writes native memory for the handler search (exceptions.ts). */
  private readonly reader: NativeReader;
  /** The exception area's payload (EXCEPTION_AREA.PAYLOAD). */
  readonly exceptionArea: SlotViews;
  /** Tags and instances by VMContext: installed by instance.ts. */
  exceptionHooks: ExceptionHooks | undefined;

  /** `throw`: edi = the tag index, the payload in the exception area. Throws it; invoke's catch lands it. */
  private thrown(): number {
    const vmctx = this.calloutVmctx;
    const tag = this.exceptionHooks?.tagOf(vmctx, this.callout.u32[0]!);
    if (!tag) throw new RuntimeError('throw of an unknown tag');
    throw makeException(tag, readPayload(this.exceptionArea, tagType(tag)));
  }

  /** `throw_ref`: rdi = the exnref. */
  private thrownRef(): number {
    const handle = this.callout.getAddress(0);
    if (handle === 0) return TrapCode.nullExceptionReference;
    throw externRefs.fromHandle(handle);
  }
  // #endregion throw-routines

  // #region interrupt
  /** Stop the Lightbeam code running on this thread (compiled interruptible) with RuntimeError "interrupted". */
  interrupt(): void {
    this.interruptFlag.set();
  }

  /**
   * Run `fn`; if it is still running after `ms` milliseconds, interrupt the code compiled
   * interruptible it runs (RuntimeError "interrupted"). A timeout inside another one is ignored
   * (the outer one still holds).
   */
  withTimeout<T>(ms: number, fn: () => T): T {
    if (this.timerArmed) return fn();
    this.timer ??= new FlagTimer(this.interruptFlag);
    this.timerArmed = true;
    this.timer.arm(ms);
    try {
      return fn();
    } finally {
      this.timer.arm(0);
      this.timerArmed = false;
      // It may have fired after fn returned: do not let it stop the next call.
      this.interruptFlag.clear();
    }
  }
  private timerArmed = false;
  // #endregion interrupt

  /**
   * How many calls into wasm returned normally with a handler record still linked (each one a
   * code-generator bug, repaired as the call returned): 0 unless something is wrong. Tests and
   * the fuzzers read it.
   */
  staleHandlerChains = 0;

  // #region call-into-wasm
  /**
   * Call generated code: `func` under the internal convention, with r15 = `vmctx`. The arguments
   * must already be in `entryArgs` (slot i = param i); results are there afterwards. `adapter`
   * comes from adapterFor(type). Throws the trap as a RuntimeError, or rethrows the JS exception
   * that unwound the call.
   *
   * While the activation runs, each call out to JS suspends it: entry()/resume() return
   * STATUS_CALLOUT, the handler runs here (and may call into wasm again: a new activation below
   * this one on the wasm stack), and resume() continues the activation with the handler's status.
   */
  invoke(vmctx: number, adapter: number, func: number): void {
    const w = this.stateWords;
    w[STATE.CALL_VMCTX / 4] = vmctx >>> 0;
    w[STATE.CALL_VMCTX / 4 + 1] = (vmctx / 0x100000000) >>> 0;
    w[STATE.CALL_ADAPTER / 4] = adapter >>> 0;
    w[STATE.CALL_ADAPTER / 4 + 1] = (adapter / 0x100000000) >>> 0;
    w[STATE.CALL_FUNC / 4] = func >>> 0;
    w[STATE.CALL_FUNC / 4 + 1] = (func / 0x100000000) >>> 0;
    // The handler chain's head: an activation leaves the chain as it found it, however it ends.
    const h0 = w[HANDLERS_WORD]!, h1 = w[HANDLERS_WORD + 1]!;
    // Called without a receiver: koffi functions called as methods cost ~40 ns more.
    const entry = this.entry;
    let status = entry();
    let thrown: { value: unknown } | undefined;
    while (status === STATUS_CALLOUT) {
      // Where this activation is suspended: a nested activation restores these when it ends,
      // but one abandoned half-way (its resume() threw) would not; so set them back ourselves.
      const sp0 = w[STATE.WASM_SP / 4]!, sp1 = w[STATE.WASM_SP / 4 + 1]!;
      const er0 = w[STATE.ENTRY_RSP / 4]!, er1 = w[STATE.ENTRY_RSP / 4 + 1]!;
      let result: number;
      try {
        result = this.runCallout(w[STATE.CALLOUT_ID / 4]!);
      } catch (e) {
        // An exception: caught by a handler of this activation, or it unwinds the activation.
        // Records below where this activation is suspended belong to activations nested in the
        // call-out, all ended (one abandoned half-way may have left some): never land there.
        dropDeadRecords(this.state, this.reader, sp0 + sp1 * 0x100000000, CHAIN_LIMIT);
        const exception = fromJsException(e);
        const hooks = this.exceptionHooks;
        const landed = exception && hooks && landException(this.state, this.exceptionArea, this.reader, hooks, er0 + er1 * 0x100000000, exception, CHAIN_LIMIT);
        if (landed) result = landed;
        else {
          thrown = { value: exception ? toJsException(exception) : e };
          result = TrapCode.jsException;
        }
      }
      w[STATE.WASM_SP / 4] = sp0;
      w[STATE.WASM_SP / 4 + 1] = sp1;
      w[STATE.ENTRY_RSP / 4] = er0;
      w[STATE.ENTRY_RSP / 4 + 1] = er1;
      const resume = this.resume;
      status = resume(result);
    }
    // The activation's handler records, if any, died with it: the head is the one it found. A
    // normal return that left one linked is a code-generator bug, counted (staleHandlerChains):
    // the record's frame is gone, and a throw would land in whatever is there now.
    if (w[HANDLERS_WORD] !== h0 || w[HANDLERS_WORD + 1] !== h1) {
      if (status === 0) this.staleHandlerChains++;
      w[HANDLERS_WORD] = h0;
      w[HANDLERS_WORD + 1] = h1;
    }
    if (status !== 0) {
      if (status === TrapCode.jsException && thrown) throw thrown.value;
      const error = this.failure(status);
      uncatchable.add(error);
      throw error;
    }
  }
  // #endregion call-into-wasm

  // #region trap-failure
  /** The RuntimeError of a trap: from the handler's registers, or looked up by its trap site. */
  private failure(status: number): RuntimeError {
    let code = status;
    let offset = this.stateView.getUint32(STATE.TRAP_OFFSET, true);
    let func = this.stateView.getUint32(STATE.TRAP_FUNC, true);
    if (status === STATUS_TRAP_SITE) {
      const vmctx = Number(this.stateView.getBigUint64(STATE.TRAP_VMCTX, true));
      const returnAddress = Number(this.stateView.getBigUint64(STATE.TRAP_RETURN, true));
      const site = this.trapSiteOf?.(vmctx, returnAddress);
      if (!site) return new RuntimeError(`trap at an unknown trap site (0x${returnAddress.toString(16)})`);
      ({ trap: code, funcIndex: func, wasmOffset: offset } = site);
    }
    if (code === TrapCode.interrupted) this.interruptFlag.clear();
    return new RuntimeError(
      trapMessage(code),
      func === UNKNOWN_POSITION ? undefined : func,
      offset === UNKNOWN_POSITION ? undefined : offset,
    );
  }
  // #endregion trap-failure

  adapterFor(typeAsGiven: FuncType): number {
    const cached = this.adapterOfType.get(typeAsGiven);
    if (cached !== undefined) return cached;
    const type = storageFuncType(typeAsGiven); // typed references are passed as funcref/externref
    const key = signatureKey(type);
    let adapter = this.adapters.get(key);
    if (adapter === undefined) {
      if (!fitsBuffer(type)) throw new RangeError('too many parameters or results');
      const { code, addresses } = load((asm) => [emitEntryAdapter(asm, type, this.state + STATE.ENTRY_BUFFER)]);
      this.code.push(code);
      adapter = addresses[0]!;
      this.adapters.set(key, adapter);
    }
    this.adapterOfType.set(typeAsGiven, adapter);
    return adapter;
  }

  // #region call-out-of-wasm
  /**
   * Give `handler` an id for call-out stubs. With an `owner` (an instance's list of its handlers),
   * the owner keeps the handler and the runtime only refers to it: an instance whose imports refer
   * back to it (WASI shims and Emscripten's glue do) is then garbage once nothing else holds it,
   * where a table of handlers held by the runtime would keep it, and its mappings, for ever.
   * Without one, the runtime keeps the handler until unregisterCallout.
   */
  registerCallout(handler: CalloutHandler, owner?: CalloutHandler[]): number {
    const id = this.freeIds.pop() ?? this.handlers.length;
    if (owner) {
      owner.push(handler);
      this.handlers[id] = new WeakRef(handler);
    } else this.handlers[id] = handler;
    return id;
  }
  unregisterCallout(id: number): void {
    if (this.handlers[id] === undefined) return;
    this.handlers[id] = undefined;
    if (id === this.lastCalloutId) this.forgetLastCallout();
    this.freeIds.push(id);
  }

  /** A stub with the internal convention for `type` that calls `handler` (loaded in its own code memory). */
  calloutStub(type: FuncType, id: number): { code: CodeMemory; address: number } {
    const { code, addresses } = this.loadStubs([{ kind: 'callout', type, id }]);
    return { code: code!, address: addresses[0]! };
  }

  /** A stub with the internal convention for `type` that calls `calleeCode` in the instance of `calleeVmctx`. */
  switchStub(type: FuncType, calleeVmctx: number, calleeCode: number): { code: CodeMemory; address: number } {
    const { code, addresses } = this.loadStubs([{ kind: 'switch', type, calleeVmctx, calleeCode }]);
    return { code: code!, address: addresses[0]! };
  }

  // #region stub-templates
  /**
   * Several stubs in one piece of code memory (one mapping instead of one per stub: processes
   * have a limited number of mappings). Addresses in the order of `requests`.
   * Each stub is a copy of a template assembled once per kind and signature, with its own
   * values patched in: instantiation does not run the assembler.
   */
  loadStubs(requests: readonly StubRequest[]): { code: CodeMemory | undefined; addresses: number[] } {
    if (requests.length === 0) return { code: undefined, addresses: [] };
    const templates = requests.map((r) => this.template(r.kind, r.type));
    const offsets: number[] = [];
    let size = 0;
    for (const t of templates) {
      offsets.push(size);
      size += Math.ceil(t.bytes.length / 16) * 16;
    }
    const bytes = new Uint8Array(size).fill(0xcc);
    const view = new DataView(bytes.buffer);
    requests.forEach((r, i) => {
      const t = templates[i]!, at = offsets[i]!;
      bytes.set(t.bytes, at);
      if (r.kind === 'callout') view.setUint32(at + t.holes[0]!, r.id, true);
      else {
        view.setBigUint64(at + t.holes[0]!, BigInt(r.calleeVmctx), true);
        view.setBigUint64(at + t.holes[1]!, BigInt(r.calleeCode), true);
      }
    });
    const code = new CodeMemory(bytes);
    return { code, addresses: offsets.map((o) => code.address + o) };
  }

  private readonly templates = new Map<string, { bytes: Uint8Array; holes: number[] }>();

  /** The stub of `kind` for `type`, assembled with placeholder values, and where they are. */
  private template(kind: StubRequest['kind'], typeAsGiven: FuncType): { bytes: Uint8Array; holes: number[] } {
    const type = storageFuncType(typeAsGiven);
    const key = `${kind} ${signatureKey(type)}`;
    let t = this.templates.get(key);
    if (!t) {
      // Validation caps signatures at the JS API's 1,000 params and results; a CompiledModule made
      // some other way must not write past the call-out buffer either.
      if (!fitsBuffer(type)) throw new RangeError('too many parameters or results');
      const asm = new Assembler();
      const placeholders = kind === 'callout' ? [ID_HOLE] : [VMCTX_HOLE, CODE_HOLE];
      if (kind === 'callout') emitCalloutStub(asm, type, ID_HOLE, this.state, this.suspend, this.trapHandler);
      else emitInstanceSwitchStub(asm, type, Number(VMCTX_HOLE), Number(CODE_HOLE));
      const out = asm.finish();
      if (out.fixups.length) throw new Error('runtime stubs must not need fix-ups');
      const holes = placeholders.map((p) => findOnce(out.code, p));
      t = { bytes: out.code.slice(), holes };
      this.templates.set(key, t);
    }
    return t;
  }
  // #endregion stub-templates

  /** Finds the wasm position of a call (its return address) in the instance of `vmctx`; installed by instance.ts. */
  trapPositionOf: ((vmctx: number, returnAddress: number) => { func: number; offset: number } | undefined) | undefined;
  /** Finds the trap site a trap-site call returns to in the instance of `vmctx`; installed by instance.ts. */
  trapSiteOf: ((vmctx: number, returnAddress: number) => TrapSite | undefined) | undefined;

  /** r15 of the wasm code that is calling out right now. */
  get calloutVmctx(): number {
    return Number(this.stateView.getBigUint64(STATE.CALLOUT_VMCTX, true));
  }

  private forgetLastCallout(): void {
    this.lastCalloutId = -1;
    this.lastCallout = undefined;
  }

  /** Runs a call-out handler: 0 or a trap code (exceptions propagate to invoke). */
  private runCallout(id: number): number {
    let handler = this.lastCallout;
    if (id !== this.lastCalloutId) {
      const entry = this.handlers[id];
      // (An owner's handler is alive while its code runs: the instance keeps it, and is being called.)
      handler = typeof entry === 'function' ? entry : entry?.deref();
      this.lastCalloutId = id;
      this.lastCallout = handler;
    }
    if (!handler) throw new RuntimeError(`call to a released import (${id})`);
    const status = handler();
    if (status !== 0 && status !== TrapCode.jsException) {
      // A builtin trapped: tell the stub where (the wasm call that called it), if we can.
      const returnAddress = Number(this.stateView.getBigUint64(STATE.CALLOUT_RETURN, true));
      const at = this.trapPositionOf?.(this.calloutVmctx, returnAddress);
      this.callout.u32[0] = at?.offset ?? UNKNOWN_POSITION;
      this.callout.u32[1] = at?.func ?? UNKNOWN_POSITION;
    }
    return status;
  }
  // #endregion call-out-of-wasm
}
// #endregion runtime

// Placeholder immediates in stub templates: values no real stub has (an id far above any
// handler count; addresses above the 47-bit user space).
const ID_HOLE = 0x7e5ab1e5;
const VMCTX_HOLE = 0x7ffe_5ab1_e5aa_aa11n & 0x1f_ffff_ffff_ffffn;
const CODE_HOLE = 0x7ffe_5ab1_e5bb_bb22n & 0x1f_ffff_ffff_ffffn;

/** The offset of the only occurrence of `value` (as a 4- or 8-byte little-endian immediate) in `code`. */
function findOnce(code: Uint8Array, value: number | bigint): number {
  const size = typeof value === 'number' ? 4 : 8;
  const pattern = new Uint8Array(size);
  const dv = new DataView(pattern.buffer);
  if (typeof value === 'number') dv.setUint32(0, value, true);
  else dv.setBigUint64(0, value, true);
  let found = -1;
  for (let i = 0; i + size <= code.length; i++) {
    let k = 0;
    while (k < size && code[i + k] === pattern[k]) k++;
    if (k === size) {
      if (found >= 0) throw new Error('stub template: placeholder found twice');
      found = i;
    }
  }
  if (found < 0) throw new Error('stub template: placeholder not found');
  return found;
}

let runtime: Runtime | undefined;

/** The runtime of this thread, created on first use (throws off x86-64 Linux). */
export function getRuntime(): Runtime {
  return (runtime ??= new Runtime());
}
