// The code generator the validator drives: one Assembler for the whole module, one
// FunctionCompiler per body, each operator lowered as soon as it has been validated.
// `compileModule(bytes)` is the entry point: bytes in, a CompiledModule (compiler/abi) out.

import type { FuncType, GlobalType, ModuleInfo, RefType, ValType } from '../binary/types.ts';
import { opcodeName } from '../binary/operators.ts';
import { type CompiledFunction, type CompiledModule, type TrapSite, vmContextLayoutOf, type VMContextLayout } from '../abi/index.ts';
import { CompileError } from '../errors.ts';
import { StreamingValidator } from '../validate/index.ts';
import { type CodeGenerator, type ControlFrame, type FunctionContext, FrameKind } from '../validate/codegenInterface.ts';
import { Assembler, type Label } from '../x64/index.ts';
import { call } from './calls.ts';
import * as control from './controlFlow.ts';
import { FunctionCompiler, notImplemented } from './functionCompiler.ts';
import * as ops from './integerOps.ts';

/** A compiled module plus what the disassembler shows: which wasm operator each byte came from. */
export interface CompiledModuleWithNotes extends CompiledModule {
  /** [code offset, wasm operator text] in code order. */
  readonly notes: readonly (readonly [number, string])[];
  /** Code ranges [start, end) holding data (jump tables). */
  readonly dataRanges: readonly (readonly [number, number])[];
}

// #region code-generator
export class X64CodeGenerator implements CodeGenerator {
  readonly asm = new Assembler(1 << 16);
  readonly notes: [number, string][] = [];
  readonly dataRanges: [number, number][] = [];
  readonly functions: CompiledFunction[] = [];
  readonly trapSites: TrapSite[] = [];
  private funcLabels: Label[] = [];
  private vmctx!: VMContextLayout;
  private fc: FunctionCompiler | null = null;
  private start = 0;
  result: CompiledModuleWithNotes | null = null;

  private get f(): FunctionCompiler {
    return this.fc!;
  }

  /** Record the operator for the disassembly and start it with no registers held. */
  private op(offset: number, text: string): FunctionCompiler {
    const fc = this.fc!;
    fc.opOffset = offset;
    fc.held = 0;
    this.notes.push([this.asm.offset, text]);
    return fc;
  }

  private todo(what: string, offset: number): never {
    throw notImplemented(what, offset, this.fc?.funcIndex);
  }

  beginModule(module: ModuleInfo): void {
    this.vmctx = vmContextLayoutOf(module);
    this.funcLabels = module.functions.map(() => this.asm.newLabel());
  }

  endModule(module: ModuleInfo): void {
    if (!this.vmctx) this.beginModule(module);
    const out = this.asm.finish();
    if (out.fixups.length > 0) throw new CompileError('codegen: unexpected fix-ups in module code');
    this.result = { info: module, code: out.code, functions: this.functions, relocations: [], trapSites: this.trapSites, notes: this.notes, dataRanges: this.dataRanges };
  }

  beginFunction(ctx: FunctionContext, offset: number): void {
    this.asm.align(16, 'int3');
    this.start = this.asm.offset;
    this.asm.bind(this.funcLabels[ctx.funcIndex]!);
    this.notes.push([this.asm.offset, 'prologue']);
    const env = { asm: this.asm, module: ctx.module, vmctx: this.vmctx, funcLabels: this.funcLabels, notes: this.notes, dataRanges: this.dataRanges };
    const fc = new FunctionCompiler(env, ctx.funcIndex, ctx.type, ctx.locals, offset);
    fc.control = new control.ControlState();
    this.fc = fc;
    control.beginFunctionFrame(fc, ctx.frame(0));
  }

  endFunction(funcIndex: number, _offset: number): void {
    const fc = this.f;
    this.notes.push([this.asm.offset, 'trap stubs']);
    fc.finish();
    this.functions.push({ funcIndex, offset: this.start, size: this.asm.offset - this.start });
    for (const t of [fc.stackTrap, ...fc.traps]) {
      this.trapSites.push({ codeOffset: t.label.offset, trap: t.code, funcIndex, wasmOffset: t.wasmOffset });
    }
    this.fc = null;
  }

  // --- control
  unreachable(offset: number): void {
    const fc = this.op(offset, 'unreachable');
    fc.asm.jmp(fc.trap(1));
  }
  block(frame: ControlFrame, offset: number): void {
    control.block(this.op(offset, 'block'), frame);
  }
  loop(frame: ControlFrame, offset: number): void {
    control.loop(this.op(offset, 'loop'), frame);
  }
  if(frame: ControlFrame, offset: number): void {
    const fc = this.op(offset, 'if');
    const cond = fc.pop();
    control.ifBlock(fc, frame, cond);
  }
  else(frame: ControlFrame, offset: number): void {
    control.elseArm(this.op(offset, 'else'), !frame.unreachable);
  }
  end(frame: ControlFrame, offset: number): void {
    control.end(this.op(offset, frame.kind === FrameKind.function ? 'end (function)' : 'end'), !frame.unreachable);
  }
  br(depth: number, _target: ControlFrame, offset: number): void {
    const fc = this.op(offset, `br ${depth}`);
    control.branchTo(fc, fc.control.target(depth));
  }
  brIf(depth: number, _target: ControlFrame, offset: number): void {
    const fc = this.op(offset, `br_if ${depth}`);
    const cond = fc.pop();
    control.brIf(fc, fc.control.target(depth), cond);
  }
  brTable(targets: Uint32Array, targetCount: number, defaultDepth: number, offset: number): void {
    const fc = this.op(offset, 'br_table');
    const index = fc.pop();
    control.brTable(fc, Array.from(targets.subarray(0, targetCount)), defaultDepth, index);
  }
  return(offset: number): void {
    control.emitReturn(this.op(offset, 'return'));
  }
  call(funcIndex: number, type: FuncType, offset: number): void {
    call(this.op(offset, `call ${funcIndex}`), funcIndex, type);
  }
  callIndirect(_typeIndex: number, _type: FuncType, _tableIndex: number, offset: number): void {
    this.todo('call_indirect', offset);
  }

  // --- parametric and variables
  drop(_type: ValType, offset: number): void {
    ops.drop(this.op(offset, 'drop'));
  }
  select(type: ValType, offset: number): void {
    ops.select(this.op(offset, 'select'), type);
  }
  localGet(index: number, _type: ValType, offset: number): void {
    ops.localGet(this.op(offset, `local.get ${index}`), index);
  }
  localSet(index: number, _type: ValType, offset: number): void {
    ops.localSet(this.op(offset, `local.set ${index}`), index, false);
  }
  localTee(index: number, _type: ValType, offset: number): void {
    ops.localSet(this.op(offset, `local.tee ${index}`), index, true);
  }
  globalGet(index: number, type: GlobalType, offset: number): void {
    ops.globalGet(this.op(offset, `global.get ${index}`), index, type);
  }
  globalSet(index: number, type: GlobalType, offset: number): void {
    ops.globalSet(this.op(offset, `global.set ${index}`), index, type);
  }

  // --- constants and numeric
  i32Const(value: number, offset: number): void {
    ops.pushConst(this.op(offset, `i32.const ${value | 0}`), 0x7f, BigInt(value));
  }
  i64Const(low: number, high: number, offset: number): void {
    const v = BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low >>> 0));
    ops.pushConst(this.op(offset, `i64.const ${v}`), 0x7e, v);
  }
  f32Const(_bits: number, offset: number): void {
    this.todo('floats', offset);
  }
  f64Const(_lo: number, _hi: number, offset: number): void {
    this.todo('floats', offset);
  }
  unary(opcode: number, offset: number): void {
    ops.unary(this.op(offset, opcodeName(opcode)), opcode);
  }
  binary(opcode: number, offset: number): void {
    ops.binary(this.op(offset, opcodeName(opcode)), opcode);
  }
  compare(opcode: number, offset: number): void {
    ops.compare(this.op(offset, opcodeName(opcode)), opcode);
  }

  // --- part 2
  load(_o: number, _m: number, _a: number, _mo: number, offset: number): void { this.todo('memory', offset); }
  store(_o: number, _m: number, _a: number, _mo: number, offset: number): void { this.todo('memory', offset); }
  memorySize(_m: number, offset: number): void { this.todo('memory', offset); }
  memoryGrow(_m: number, offset: number): void { this.todo('memory', offset); }
  memoryInit(_d: number, _m: number, offset: number): void { this.todo('bulk memory', offset); }
  dataDrop(_d: number, offset: number): void { this.todo('bulk memory', offset); }
  memoryCopy(_d: number, _s: number, offset: number): void { this.todo('bulk memory', offset); }
  memoryFill(_m: number, offset: number): void { this.todo('bulk memory', offset); }
  refNull(_t: RefType, offset: number): void { this.todo('references', offset); }
  refIsNull(offset: number): void { this.todo('references', offset); }
  refFunc(_f: number, offset: number): void { this.todo('references', offset); }
  tableGet(_t: number, offset: number): void { this.todo('tables', offset); }
  tableSet(_t: number, offset: number): void { this.todo('tables', offset); }
  tableSize(_t: number, offset: number): void { this.todo('tables', offset); }
  tableGrow(_t: number, offset: number): void { this.todo('tables', offset); }
  tableFill(_t: number, offset: number): void { this.todo('tables', offset); }
  tableCopy(_d: number, _s: number, offset: number): void { this.todo('tables', offset); }
  tableInit(_e: number, _t: number, offset: number): void { this.todo('tables', offset); }
  elemDrop(_e: number, offset: number): void { this.todo('tables', offset); }
}
// #endregion code-generator

// #region compile-module
/** Validate and compile a module in one pass. Throws CompileError. */
export function compileModule(bytes: Uint8Array): CompiledModuleWithNotes {
  const gen = new X64CodeGenerator();
  const v = new StreamingValidator(gen);
  v.push(bytes);
  v.finish();
  if (!gen.result) throw new CompileError('codegen: the module was not finished');
  return gen.result;
}
// #endregion compile-module
