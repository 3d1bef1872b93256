// The disassembly of compiled functions, each instruction annotated with the wasm operators
// it came from (iced-x86 must be loaded first: loadIced() in Node, loadIcedFromSources in a page).

import { disassemble } from '../x64/disassemble.ts';
import type { CompiledModuleWithNotes } from './moduleCompiler.ts';

// #region listing
export interface ListedInstruction {
  /** Offset in the module's code. */
  readonly offset: number;
  readonly bytes: string;
  readonly text: string;
  /** The wasm operators whose lowering starts at this instruction ("" when it continues the previous one). */
  readonly wasm: string;
}

export interface ListedFunction {
  readonly index: number;
  readonly name: string;
  readonly instructions: readonly ListedInstruction[];
}

/** The name a function is known by: its export name, else its name-section name, else `func[i]`. */
export function functionName(m: CompiledModuleWithNotes, index: number): string {
  const exp = m.info.exports.find((e) => e.kind === 'func' && e.index === index);
  if (exp) return exp.name;
  return m.info.names.functions.get(index) ?? `func[${index}]`;
}

export function listFunctions(m: CompiledModuleWithNotes): ListedFunction[] {
  return m.functions.map((f) => {
    // From the stack-overflow stub before the entry to the last trap stub.
    const from = f.offset - f.prefix, to = f.offset + f.size;
    const code = m.code.subarray(from, to);
    const notes = m.notes.filter(([at]) => at >= from && at < to).map(([at, t]) => [at - from, t] as [number, string]);
    const data = m.dataRanges.filter(([s]) => s >= from && s < to).map(([s, e]) => [s - from, e - from] as [number, number]);
    // Addresses are offsets in the module's code, so calls to other functions name their entry.
    const lines = disassemble(code, { notes, data, base: from });
    return {
      index: f.funcIndex,
      name: functionName(m, f.funcIndex),
      instructions: lines.map((l) => ({ offset: Number(l.address), bytes: l.hex, text: l.text, wasm: l.notes.join('; ') })),
    };
  });
}

/**
 * Index of the body's first instruction: the first whose notes name an operator, past the
 * stack-overflow stub and the prologue (in a leaf without a stack check, the entry's instruction
 * carries both the prologue's note and its operator's).
 */
export function firstBodyInstruction(f: ListedFunction): number {
  return f.instructions.findIndex((i) => i.wasm.split('; ').some((n) => n !== '' && n !== 'prologue' && n !== 'stack overflow stub'));
}

/** Text form: one instruction per line, the wasm operators after `;`. */
export function formatFunction(f: ListedFunction, showBytes = true): string {
  const textWidth = Math.max(0, ...f.instructions.map((i) => i.text.length));
  const hexWidth = showBytes ? Math.max(0, ...f.instructions.map((i) => i.bytes.length)) : 0;
  const lines = f.instructions.map((i) => {
    let s = i.offset.toString(16).padStart(4, '0') + '  ';
    if (showBytes) s += i.bytes.padEnd(hexWidth) + '  ';
    s += i.wasm ? i.text.padEnd(textWidth) + '  ; ' + i.wasm : i.text;
    return s.trimEnd();
  });
  return `;; function ${f.index} (${f.name})\n${lines.join('\n')}`;
}
// #endregion listing

/**
 * Just the body the wasm code asked for: the function's instructions without the prologue (stack
 * check, frame, parameter moves), the trap stubs after the return, and nop padding. For small
 * examples in the book and for exercises that count the instructions a reader's code produced.
 */
export function bodyOf(f: ListedFunction): { instructions: ListedInstruction[]; hidden: { prologue: number; stubs: number } } {
  const instructions: ListedInstruction[] = [];
  const hidden = { prologue: 0, stubs: 0 };
  let part: 'prologue' | 'body' | 'stubs' = 'body';
  for (const ins of f.instructions) {
    if (ins.wasm) {
      const notes = ins.wasm.split('; ');
      if (notes.includes('trap stubs')) part = 'stubs';
      else if (notes[0] === 'prologue' && notes.length === 1) part = 'prologue';
      else part = 'body';
    }
    if (part === 'prologue') hidden.prologue++;
    else if (part === 'stubs') hidden.stubs++;
    else if (!ins.text.startsWith('nop') && !ins.text.startsWith('int3')) instructions.push(ins);
  }
  return { instructions, hidden };
}
