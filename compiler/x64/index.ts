// compiler/x64: a small x86-64 assembler. It knows nothing of WebAssembly.
//
// Public API (stable; everything below is re-exported from here):
//
//   Registers   rax..r15, eax..r15d, ax..r15w, al..dil/r8b..r15b (ah..bh are not modelled),
//               xmm0..xmm15; GPR64/GPR32/GPR16/GPR8/XMM arrays by number; resize(reg, bits);
//               registerByName('r9d').
//   Memory      mem(base, disp?, index?, scale?, size?)  [base + index*scale + disp], size taken
//               from the other operand; byte/word/dword/qword/xmmword(...) give it a width
//               (needed when nothing else does, e.g. `add qword [rax], 1`); base may be null.
//               ripLabel(label, disp?) and ripExternal(external(x), disp?) are RIP-relative.
//   Immediates  JS numbers (safe integers) or bigints. The shortest form is chosen: imm8 when the
//               value sign-extends, `mov r32, imm32` for a 64-bit register and a value < 2^32, etc.
//   Conditions  'o' 'no' 'b' 'ae' 'e' 'ne' 'be' 'a' 's' 'ns' 'p' 'np' 'l' 'ge' 'le' 'g' (and the
//               usual aliases 'z', 'nz', 'c', ...); invertCond(c).
//   Assembler   const asm = new Assembler();
//               asm.mov(rax, qword(rdi, 8)); asm.add(eax, 1); asm.imul(rcx, rdx, 10); ...
//               one method per mnemonic (see instructions.ts), or asm.emit('add', a, b) generically.
//               Labels: const l = asm.newLabel('name'); asm.jcc('ne', l); ... asm.bind(l).
//               Backward jumps are short when they fit; forward jumps are near (rel32) unless
//               `short` is passed (then finish() throws if the target is out of range).
//               asm.cpuid(), asm.xgetbv(), asm.repMovs('b'|'q'), asm.repStos('b'|'q') exist too.
//               asm.call(external({ func: 3 })) records a rel32 fix-up; asm.movAbs(reg, external(x))
//               an abs64 one. asm.jumpTable(labels, 'rel32' | 'offset32' | 'abs64') lays a table
//               out here and returns its label. asm.constF64(1.5) / constF32 / const128 / constant(bytes)
//               return RIP-relative operands into a deduplicated pool placed after the code.
//               asm.offset is the current code offset; asm.nop(n), asm.align(n) pad;
//               asm.reset() starts over keeping the buffer (one Assembler per module).
//               asm.finish() -> { code, fixups, labels (named), constantPoolOffset, dataRanges,
//               mapOffset, relaxedBytes }. dataRanges lists jump tables and the pool (pass them to
//               disassemble). finish({ relaxBranches: true }) shrinks forward jmp/jcc whose target
//               ended up within rel8 reach, and drops those to the next instruction; labels move with the code, but offsets you saved from
//               asm.offset must go through mapOffset, and align() padding inside the code is not
//               preserved (the code moves). Bytes you patch before finish() move with the code.
//               asm.relaxBranches() then asm.finishInto(buffer) does the same into the end of
//               another CodeBuffer (a module's code: one copy); then read asm.finishedFixups,
//               asm.addDataRanges(list, at) and asm.mapOffset, valid until reset().
//               Only jumps to labels bound with bind() shrink; a label whose offset you set by
//               hand moves if it lies inside this code and stays put if it lies beyond it.
//               Generic: asm.emit('vaddss', a, b, c, d?) and asm.emitCc('jcc', condCode('e'), label).
//   Vectors     SSE2/SSSE3/SSE4.1 128-bit integer and float forms (paddd, pshufb, pmovzxbw, pshufd,
//               pinsrq, ptest, ...) through asm.emit(mnemonic, ...): ready for wasm SIMD.
//   VEX         AVX scalar/128-bit forms (vaddss, vmovaps, vcvtsi2sd, vroundsd, vcmpss, ...) and BMI1/BMI2
//               (andn, blsr, blsi, blsmsk, shlx, shrx, sarx, rorx): check CPUID before using them.
//               The scalar float ones have methods of their own (asm.vaddsd(dst, src1, src2),
//               asm.vcmpss(dst, src1, src2, predicate), asm.vcvtsi2sd(dst, src1, r/m), ...).
//   Fix-ups     { kind: 'rel32' | 'abs64', offset, target, addend } for the runtime: rel32 writes
//               address(target) + addend - (codeBase + offset) as int32; abs64 writes
//               address(target) + addend. target is the value given to external(), or CODE_START.
//   Table       ENCODINGS (the rows, [form, opcode, op/en?] as in the Intel SDM), FORMS (compiled).
//               The first form that fits is found by searching the mnemonic's forms once per exact
//               operand class signature (register, memory width, immediate range, label reach:
//               exactClass in forms.ts) and then looked up; the table stays the only source.
//   Direct      The hottest shapes (mov/alu/test/lea/movzx/shifts/setcc/cmovcc/jumps/calls/push/pop/ret
//               on registers, memory and int32 immediates; SSE moves and scalar ops) skip the search (directEncoder.ts): same
//               bytes, checked by directEncoder.test.ts; `asm.direct = false` sends all through the table.
//   Check       `npm run check:encoder` (checkEncoder.ts) decodes every form with iced-x86.
//   Disassembly disassemble(code, options) in ./disassemble.ts (iced-x86; see that file for loading).

export * from './registers.ts';
export * from './operands.ts';
export { Assembler, type AssembledCode, type FinishOptions } from './assembler.ts';
export { BranchRelaxation } from './branchRelaxation.ts';
export { CODE_START, Encoder, type Fixup } from './encoder.ts';
export { ENCODINGS, type EncodingRow } from './encodingTable.ts';
export { FORMS, FORMS_BY_MNEMONIC, type Form, Shape } from './forms.ts';
export { CodeBuffer } from './codeBuffer.ts';
export { withRoom } from './int32Rows.ts';
export { disassemble, formatListing, type DisassemblyLine, type DisassembleOptions } from './disassemble.ts';
export { loadIced, loadIcedFromSources, isIcedLoaded, type Iced } from './iced.ts';
export { Instructions } from './instructions.ts';
export { DirectEncoder } from './directEncoder.ts';
