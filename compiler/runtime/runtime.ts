// The runtime of one thread: the state block, the entry trampoline, the adapters cache, the
// call-out callback, the stack limit. Everything that calls generated code goes through `call`.

import { readFileSync } from 'node:fs';
import type { FuncType } from '../binary/types.ts';
import { TrapCode, trapMessage, UNKNOWN_POSITION } from '../abi/index.ts';
import { RuntimeError } from '../errors.ts';
import { CodeMemory } from './codeMemory.ts';
import { getNative, PROT_READ, PROT_WRITE, STACK_RED_ZONE, type Native } from './native.ts';
import { BUFFER_SLOTS, SlotViews, STATE } from './runtimeState.ts';
import { CALLOUT_OK, emitCalloutStub, emitEntryAdapter, emitEntryAndTrapHandler, emitInstanceSwitchStub, emitStackProbe, load } from './stubs.ts';

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
  /** The lowest rsp wasm may use: every VMContext's STACK_LIMIT. */
  readonly stackLimit: number;
  /** Where koffi's stack was when first probed, and the bytes wasm may use below it. */
  readonly stackTop: number;
  private readonly entry: () => number;
  private readonly stateWords: Uint32Array;
  private readonly adapters = new Map<string, number>();
  private readonly adapterOfType = new WeakMap<FuncType, number>();
  private readonly handlers: (CalloutHandler | undefined)[] = [];
  private readonly freeIds: number[] = [];
  private readonly callbackAddress: number;
  private readonly stateView: DataView;
  /** Keeps every piece of runtime code alive (adapters and the trampoline are never freed). */
  private readonly code: CodeMemory[] = [];
  /** The JS exception that is unwinding the wasm frames, until the JS caller of the export rethrows it. */
  private pendingException: { value: unknown } | undefined;

  constructor() {
    const native = (this.native = getNative());
    const { koffi } = native;
    this.state = native.mmap(STATE.SIZE, PROT_READ | PROT_WRITE);
    const stateBuffer = native.view(this.state, STATE.SIZE);
    this.stateView = new DataView(stateBuffer);
    this.stateWords = new Uint32Array(stateBuffer, 0, STATE.ENTRY_BUFFER / 4);
    this.entryArgs = new SlotViews(stateBuffer, STATE.ENTRY_BUFFER);
    this.callout = new SlotViews(stateBuffer, STATE.CALLOUT_BUFFER);

    const calloutType = koffi.pointer(koffi.proto('int32_t', ['int32_t']));
    const callback = koffi.register((id: number) => this.dispatch(id), calloutType);
    this.callbackAddress = Number(koffi.address(callback));

    let entryLabel = 0, trapLabel = 0, probeLabel = 0;
    const { code, addresses } = load((asm) => {
      const { entry, trap } = emitEntryAndTrapHandler(asm, this.state);
      const probe = emitStackProbe(asm);
      return [entry, trap, probe];
    });
    this.code.push(code);
    [entryLabel, trapLabel, probeLabel] = addresses as [number, number, number];
    this.trapHandler = trapLabel;
    this.entry = koffi.decode(native.pointer(entryLabel), koffi.proto('int32_t', []));
    const probe = koffi.decode(native.pointer(probeLabel), koffi.proto('uintptr_t', []));
    // #region stack-limit
    // Wasm runs on koffi's stack. Probed from here (no koffi call in progress), rsp is at its top;
    // wasm may use all of it but a red zone at the bottom.
    this.stackTop = Number(probe());
    this.stackLimit = this.stackTop - native.stackSize + STACK_RED_ZONE;
    checkStackMapping(this.stackTop, this.stackLimit - STACK_RED_ZONE + native.pageSize);
    // #endregion stack-limit
    this.stateView.setBigUint64(STATE.STACK_LIMIT, BigInt(this.stackLimit), true);
  }

  // #region call-into-wasm
  /**
   * Call generated code: `func` under the internal convention, with r15 = `vmctx`. The arguments
   * must already be in `entryArgs` (slot i = param i); results are there afterwards. `adapter`
   * comes from adapterFor(type). Throws the trap as a RuntimeError, or rethrows the JS exception
   * that unwound the call.
   */
  invoke(vmctx: number, adapter: number, func: number): void {
    const w = this.stateWords;
    w[STATE.CALL_VMCTX / 4] = vmctx >>> 0;
    w[STATE.CALL_VMCTX / 4 + 1] = (vmctx / 0x100000000) >>> 0;
    w[STATE.CALL_ADAPTER / 4] = adapter >>> 0;
    w[STATE.CALL_ADAPTER / 4 + 1] = (adapter / 0x100000000) >>> 0;
    w[STATE.CALL_FUNC / 4] = func >>> 0;
    w[STATE.CALL_FUNC / 4 + 1] = (func / 0x100000000) >>> 0;
    // Called without a receiver: koffi functions called as methods cost ~40 ns more.
    const entry = this.entry;
    const status = entry();
    if (status !== 0) throw this.failure(status);
  }
  // #endregion call-into-wasm

  private failure(status: number): unknown {
    if (status === TrapCode.jsException) {
      const pending = this.pendingException;
      this.pendingException = undefined;
      return pending ? pending.value : new RuntimeError('JS exception lost while unwinding');
    }
    const offset = this.stateView.getUint32(STATE.TRAP_OFFSET, true);
    const func = this.stateView.getUint32(STATE.TRAP_FUNC, true);
    return new RuntimeError(
      trapMessage(status),
      func === UNKNOWN_POSITION ? undefined : func,
      offset === UNKNOWN_POSITION ? undefined : offset,
    );
  }

  adapterFor(type: FuncType): number {
    const cached = this.adapterOfType.get(type);
    if (cached !== undefined) return cached;
    const key = signatureKey(type);
    let adapter = this.adapters.get(key);
    if (adapter === undefined) {
      if (type.params.length > BUFFER_SLOTS || type.results.length > BUFFER_SLOTS) {
        throw new RangeError('too many parameters or results');
      }
      const { code, addresses } = load((asm) => [emitEntryAdapter(asm, type, this.state + STATE.ENTRY_BUFFER)]);
      this.code.push(code);
      adapter = addresses[0]!;
      this.adapters.set(key, adapter);
    }
    this.adapterOfType.set(type, adapter);
    return adapter;
  }

  // #region call-out-of-wasm
  /** Give `handler` an id for call-out stubs. */
  registerCallout(handler: CalloutHandler): number {
    const id = this.freeIds.pop() ?? this.handlers.length;
    this.handlers[id] = handler;
    return id;
  }
  unregisterCallout(id: number): void {
    if (this.handlers[id] === undefined) return;
    this.handlers[id] = undefined;
    this.freeIds.push(id);
  }

  /** A stub with the internal convention for `type` that calls `handler` (loaded in its own code memory). */
  calloutStub(type: FuncType, id: number): { code: CodeMemory; address: number } {
    const { code, addresses } = load((asm) => [emitCalloutStub(asm, type, id, this.state, this.callbackAddress, this.trapHandler)]);
    return { code, address: addresses[0]! };
  }

  /** A stub with the internal convention for `type` that calls `calleeCode` in the instance of `calleeVmctx`. */
  switchStub(type: FuncType, calleeVmctx: number, calleeCode: number): { code: CodeMemory; address: number } {
    const { code, addresses } = load((asm) => [emitInstanceSwitchStub(asm, type, calleeVmctx, calleeCode)]);
    return { code, address: addresses[0]! };
  }

  /**
   * Several stubs in one piece of code memory (one mapping instead of one per stub: processes
   * have a limited number of mappings). Addresses in the order of `requests`.
   */
  loadStubs(requests: readonly StubRequest[]): { code: CodeMemory | undefined; addresses: number[] } {
    if (requests.length === 0) return { code: undefined, addresses: [] };
    return load((asm) => requests.map((r) => r.kind === 'callout'
      ? emitCalloutStub(asm, r.type, r.id, this.state, this.callbackAddress, this.trapHandler)
      : emitInstanceSwitchStub(asm, r.type, r.calleeVmctx, r.calleeCode)));
  }

  /** Finds the wasm position of a call (its return address) in the instance of `vmctx`; installed by instance.ts. */
  trapPositionOf: ((vmctx: number, returnAddress: number) => { func: number; offset: number } | undefined) | undefined;

  /** r15 of the wasm code that is calling out right now. */
  get calloutVmctx(): number {
    return Number(this.stateView.getBigUint64(STATE.CALLOUT_VMCTX, true));
  }

  /** Runs on every call from wasm to JS. Never throws: an exception becomes the jsException status. */
  private dispatch(id: number): number {
    try {
      const handler = this.handlers[id];
      if (!handler) throw new RuntimeError(`call to a released import (${id})`);
      const status = handler();
      if (status === 0) return CALLOUT_OK;
      if (status !== TrapCode.jsException) {
        // A builtin trapped: tell the stub where (the wasm call that called it), if we can.
        const returnAddress = Number(this.stateView.getBigUint64(STATE.CALLOUT_RETURN, true));
        const at = this.trapPositionOf?.(this.calloutVmctx, returnAddress);
        this.callout.u32[0] = at?.offset ?? UNKNOWN_POSITION;
        this.callout.u32[1] = at?.func ?? UNKNOWN_POSITION;
      }
      return status;
    } catch (e) {
      this.pendingException = { value: e };
      return TrapCode.jsException;
    }
  }
  // #endregion call-out-of-wasm
}
// #endregion runtime

/**
 * Make sure the stack we computed a limit for is one mapping, readable and writable down to
 * `lowest`: a wrong guess would let wasm write past koffi's stack.
 */
function checkStackMapping(top: number, lowest: number): void {
  let maps: string;
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return;
  }
  for (const line of maps.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4})/.exec(line);
    if (!m) continue;
    const start = parseInt(m[1]!, 16), end = parseInt(m[2]!, 16);
    if (start <= top && top < end) {
      if (start > lowest || !m[3]!.startsWith('rw')) {
        throw new Error(`the native stack at 0x${top.toString(16)} is not where koffi's stack should be`);
      }
      return;
    }
  }
}

let runtime: Runtime | undefined;

/** The runtime of this thread, created on first use (throws off x86-64 Linux). */
export function getRuntime(): Runtime {
  return (runtime ??= new Runtime());
}
