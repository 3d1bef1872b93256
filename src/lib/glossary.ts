// The glossary: words the book uses that a reader who knows TypeScript but not compilers or
// x86 may not. Each says where the book explains it (a chapter id from book/, or none).
export interface GlossaryEntry {
  term: string;
  text: string;
  /** The chapter (book/<id>.mdx) that explains it. */
  chapter?: string;
}

export const GLOSSARY: readonly GlossaryEntry[] = [
  { term: 'Activation', text: 'One run of wasm started from JS: the entry trampoline switches to the wasm stack and pushes an activation record (the previous wasm stack pointer and entry rsp), so activations can nest when wasm calls JS that calls wasm again.', chapter: '05-running-machine-code' },
  { term: 'Call-out stub', text: 'The machine code behind an imported JS function: it stores the arguments in a buffer and suspends the activation, so the JS loop can run the import and resume wasm with the result.', chapter: '05-running-machine-code' },
  { term: 'Condition codes (flags)', text: 'Bits the CPU sets after an arithmetic or compare instruction (zero, sign, carry, overflow). A comparison can stay "in the flags" until a branch or select uses it, without ever becoming a 0 or 1 in a register.', chapter: '06-the-value-stack' },
  { term: 'Control frame', text: "The validator's record of an open block, loop or if: its type, the operand-stack height at entry, and whether the rest of it is unreachable.", chapter: '03-validation-in-one-pass' },
  { term: 'Entry trampoline', text: 'The one routine JS calls (through koffi) to run any wasm function: it saves the registers the C calling convention needs kept, switches to the wasm stack and calls the per-signature entry adapter.', chapter: '05-running-machine-code' },
  { term: 'First-edge rule', text: 'Where a block\'s results live is fixed by the first branch (or fall-through) that reaches its end; every later edge moves its values into that layout. A loop fixes its layout when it is entered.' },
  { term: 'Frame slot', text: "A place in the function's stack frame, addressed from rsp, where a local or a spilled stack value lives when it has no register." },
  { term: 'LEB128', text: 'The variable-length integer encoding of the wasm binary format: seven bits of the number per byte, low bits first, with the top bit of each byte saying whether another byte follows.', chapter: '02-reading-the-binary-format' },
  { term: 'Materialize', text: 'Put a value that so far exists only as a description (a constant, a not-yet-read local, a comparison in the flags) into a register or a slot, because an instruction needs it there.', chapter: '06-the-value-stack' },
  { term: 'Merge layout', text: 'Where each value a branch carries must be when it arrives at its target label: a register or a frame slot per value, the same for every edge into that label.' },
  { term: 'ModRM', text: 'The byte after an x86 opcode that names its operands: mod (register or memory, and the displacement size), reg (a register or an opcode extension) and rm (the other register, or the base of the memory operand).', chapter: '04-encoding-x86-64' },
  { term: 'One-pass compiler', text: 'A compiler that reads each function body once, front to back, emitting machine code as it goes, with no intermediate representation and no second look (only forward jumps are patched at the end).', chapter: '01-introduction' },
  { term: 'Operand stack', text: 'The stack of values a WebAssembly instruction pops its inputs from and pushes its results on. The validator tracks the types on it; the code generator tracks where each value is (the value stack).', chapter: '03-validation-in-one-pass' },
  { term: 'Parallel move', text: 'A set of register and slot copies that must happen "at once" (some destinations are also sources), ordered, with a scratch register to break cycles.' },
  { term: 'Pinned register', text: 'A register reserved for one purpose throughout wasm code: r15 holds the VMContext and r14 the linear memory base.', chapter: '05-running-machine-code' },
  { term: 'Polymorphic stack', text: "The operand stack in code that can never run (after br, br_table, return or unreachable): the validator lets it supply values of any type, as values of the unknown (bottom) type, while types it can see must still be right.", chapter: '03-validation-in-one-pass' },
  { term: 'Prologue', text: "The instructions at the start of every function that check the stack limit and reserve the function's frame (sub rsp, N). Listings may hide them to show just the body." },
  { term: 'REX prefix', text: 'The byte 0100WRXB in front of an x86-64 instruction: W asks for 64-bit operands, and R, X and B supply the fourth bit of the register numbers in ModRM and SIB, reaching r8-r15.', chapter: '04-encoding-x86-64' },
  { term: 'SIB', text: 'The scale-index-base byte that follows ModRM when a memory operand has an index register or a base of rsp or r12: address = base + index × scale + displacement.', chapter: '04-encoding-x86-64' },
  { term: 'Spill', text: "Move a value from its register to its frame slot because a register is needed for something else; the deepest value on the stack is spilled first, since it will be needed last." },
  { term: 'Stack check', text: "The prologue's compare of rsp with a limit in the VMContext; past the limit the function traps with \"call stack exhausted\" instead of overrunning the wasm stack.", chapter: '05-running-machine-code' },
  { term: 'Trap', text: 'A WebAssembly runtime error (division by zero, out-of-bounds access, unreachable, ...). The code jumps to an out-of-line trap stub, which records the trap code and wasm offset and unwinds to the entry frame; JS sees a RuntimeError.', chapter: '05-running-machine-code' },
  { term: 'Trap stub', text: 'A few instructions at the end of a function, one per trap site, that load the trap code and the wasm byte offset and jump to the runtime\'s trap handler. Listings may hide them.' },
  { term: 'Validation', text: 'Checking that a module is well-formed and well-typed before running it: every instruction finds operands of the right types, every branch targets an open block, every function returns what its type says.', chapter: '03-validation-in-one-pass' },
  { term: 'Value stack', text: "The code generator's mirror of the operand stack: for each value, where it is right now (a constant, a register, a frame slot, a local not yet copied, or the flags).", chapter: '06-the-value-stack' },
  { term: 'VMContext', text: 'The block of memory an instance\'s code reaches through r15: the stack limit, the linear memory base and size, globals, tables, and pointers to the runtime\'s builtins.', chapter: '05-running-machine-code' },
  { term: 'W^X', text: 'Write xor execute: code memory is mapped writable, filled, then made executable, never both at once.', chapter: '05-running-machine-code' },
];
