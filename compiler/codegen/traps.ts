// Traps: a trap is a `call qword [r15 + TRAP_SITE_HANDLER]` (4 bytes). The call's return address
// names the trap site: the runtime looks it up in the module's trapSites (trap code, function,
// wasm offset), so the call needs no arguments. Inside loops a check branches to such a call at
// the end of the function (a branch not taken on the hot path); elsewhere the call sits inline,
// behind a short branch over it. Also here: the stub of a whole function that cannot be compiled
// (a stub raising "not implemented yet"), which passes its position in registers.

import { Reg, TrapCode, VMCTX, VMCTX_REG, encodingOf } from '../abi/index.ts';
import { type Assembler, GPR32, GPR64, type Label, qword, withRoom } from '../x64/index.ts';

/**
 * Trap sites of the function being compiled, as flat numbers: for each, the trap call's return
 * address in the code as emitted (branch relaxation maps it at the end), the trap code, and the
 * wasm offset of the operator that traps. A Label and a record object per site had been a
 * twelfth of what compiling a module allocated. Emptied by its count for the next function.
 */
export class TrapSiteList {
  /** Three numbers per site (return address, trap code, wasm offset), the first 3 * length of them. */
  data = new Int32Array(3 * 64);
  length = 0;

  add(returnAddress: number, code: TrapCode, wasmOffset: number): void {
    const i = 3 * this.length++;
    const d = (this.data = withRoom(this.data, i + 3));
    d[i] = returnAddress;
    d[i + 1] = code;
    d[i + 2] = wasmOffset;
  }
}

/** A module's trap sites, growing, as CompiledModule.trapSites has them: four numbers each (see TrapSite). */
export class ModuleTrapSites {
  private data: Int32Array<ArrayBuffer>;
  private end = 0;

  /**
   * Room for the sites of `codeBytes` bytes of wasm code without growing (which copies): modules
   * measured have 0.07 (onig.wasm) to 0.15 numbers per byte, so 1 in 8 rarely grows.
   */
  constructor(codeBytes: number) {
    this.data = new Int32Array(Math.max(4 * 1024, (codeBytes >> 5) << 2));
  }

  add(codeOffset: number, code: TrapCode, funcIndex: number, wasmOffset: number): void {
    const i = this.end;
    const d = (this.data = withRoom(this.data, i + 4));
    d[i] = codeOffset;
    d[i + 1] = code;
    d[i + 2] = funcIndex;
    d[i + 3] = wasmOffset;
    this.end = i + 4;
  }

  /**
   * The sites of function funcIndex, its body placed at `bodyStart` in the module's code (the
   * return addresses already where branch relaxation moved them): room made once, for all.
   */
  addFunction(sites: TrapSiteList, funcIndex: number, bodyStart: number): void {
    const from = sites.data;
    let i = this.end;
    const d = (this.data = withRoom(this.data, i + 4 * sites.length));
    for (let k = 0; k < 3 * sites.length; k += 3, i += 4) {
      d[i] = bodyStart + from[k]!;
      d[i + 1] = from[k + 1]!;
      d[i + 2] = funcIndex;
      d[i + 3] = from[k + 2]!;
    }
    this.end = i;
  }

  /**
   * The sites added so far, as CompiledModule.trapSites: a view of the array when it is at least
   * half full (this object is not used again), else a copy that does not keep the rest alive.
   */
  take(): Int32Array {
    const d = this.data;
    return 2 * this.end >= d.length ? d.subarray(0, this.end) : d.slice(0, this.end);
  }
}

/** Bytes of `call qword [r15 + TRAP_SITE_HANDLER]` (REX.B, FF /2, disp8): a stub's return address is its label + this. */
export const TRAP_CALL_SIZE = 4;

// #region trap-stub-with-registers
/** `mov edi, code; mov esi, wasm offset; mov edx, function index; jmp [r15 + TRAP_HANDLER]` (the handler's arguments, see compiler/abi). */
export function emitTrapStub(asm: Assembler, code: TrapCode, wasmOffset: number, funcIndex: number): void {
  asm.mov(GPR32[encodingOf(Reg.rdi)]!, code);
  asm.mov(GPR32[encodingOf(Reg.rsi)]!, wasmOffset);
  asm.mov(GPR32[encodingOf(Reg.rdx)]!, funcIndex);
  asm.jmp(qword(GPR64[encodingOf(VMCTX_REG)]!, VMCTX.TRAP_HANDLER));
}
// #endregion trap-stub-with-registers

// #region trap-stub
/** `call qword [r15 + TRAP_SITE_HANDLER]`: trap; the return address says which trap and where. */
export function emitTrapCall(asm: Assembler): void {
  asm.call(TRAP_SITE_HANDLER_SLOT);
}
/** The handler's slot in the VMContext, as a memory operand (made once: operands are immutable). */
const TRAP_SITE_HANDLER_SLOT = qword(GPR64[encodingOf(VMCTX_REG)]!, VMCTX.TRAP_SITE_HANDLER);
// #endregion trap-stub

/**
 * `j!cc over; call qword [r15 + TRAP_SITE_HANDLER]`: trap when condition `cc` (its x86 number)
 * holds, the call inline. The jump's displacement is the call's size, so all six bytes are known
 * and written at once, with no label (a bounds check's usual tail, outside loops).
 */
export function emitTrapCallIf(asm: Assembler, cc: number): void {
  const buf = asm.buf;
  buf.reserve(2 + TRAP_CALL_SIZE);
  const bytes = buf.bytes;
  const p = buf.length;
  bytes[p] = 0x70 + (cc ^ 1); // jcc rel8 on the opposite condition
  bytes[p + 1] = TRAP_CALL_SIZE;
  writeTrapCall(bytes, p + 2);
  buf.length = p + 2 + TRAP_CALL_SIZE;
}
/** emitTrapCall's bytes after FF: REX.B for r15, then ModRM `[r15 + disp8]` with /2 (call), then the disp8. */
const TRAP_CALL_REX = 0x40 | (encodingOf(VMCTX_REG) >> 3);
const TRAP_CALL_MODRM = 0x40 | (2 << 3) | (encodingOf(VMCTX_REG) & 7);

/** emitTrapCall's four bytes at `at` (room reserved), written directly. */
function writeTrapCall(bytes: Uint8Array, at: number): void {
  bytes[at] = TRAP_CALL_REX;
  bytes[at + 1] = 0xff;
  bytes[at + 2] = TRAP_CALL_MODRM;
  bytes[at + 3] = VMCTX.TRAP_SITE_HANDLER;
}

// #region trap-stubs
/**
 * A function's out-of-line trap stubs: one trap call each, at `labels` (the first stubs.length).
 * The runtime finds a stub's trap code and wasm offset by its return address, which is written
 * into `stubs` here; a stub is 4 bytes where one that set its arguments itself took 19.
 */
export function emitTrapStubs(asm: Assembler, labels: readonly Label[], stubs: TrapSiteList): void {
  const buf = asm.buf;
  buf.reserve(TRAP_CALL_SIZE * stubs.length);
  for (let i = 0; i < stubs.length; i++) {
    asm.bind(labels[i]!);
    writeTrapCall(buf.bytes, buf.length); // emitTrapCall's bytes (room made above)
    stubs.data[3 * i] = buf.length += TRAP_CALL_SIZE;
  }
}
// #endregion trap-stubs
