// For tests of WebAssembly 3.0 text (which wabt cannot read): wasm-tools' parser, and the
// validator's verdict on what it assembles. Node only (the parser is loaded from npm).

import { CompileError } from '../../errors.ts';
import { validateModule } from '../../validate/index.ts';
import type { TextToBinary } from '../textFormatError.ts';
import { loadWasmToolsTextToBinary } from './wasmToolsText.ts';

export interface TextVerdicts {
  readonly parse: TextToBinary;
  /** The validator's complaint about a module (its CompileError's reason), or 'valid'. */
  verdict(text: string): string;
}

export async function textVerdicts(): Promise<TextVerdicts> {
  const parse = await loadWasmToolsTextToBinary();
  if (!parse) throw new Error('@bytecodealliance/jco-transpile is not installed (npm ci)');
  return {
    parse,
    verdict(text: string): string {
      try {
        validateModule(parse(text));
        return 'valid';
      } catch (e) {
        if (e instanceof CompileError) return e.reason;
        throw e;
      }
    },
  };
}
