// `lightbeam disasm <file.wat|file.wasm> [--func NAME] [--json]`: the generated machine code,
// each instruction annotated with the wasm operators it came from.
import { compileModule } from '../codegen/moduleCompiler.ts';
import { formatFunction, listFunctions } from '../codegen/listing.ts';
import { loadIced } from '../x64/disassemble.ts';
import { CompileError } from '../errors.ts';
import { readModuleFile } from './loadWasm.ts';

export async function main(args: string[]): Promise<number> {
  let file: string | undefined;
  let func: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') json = true;
    else if (a === '--func' || a.startsWith('--func=')) {
      func = a === '--func' ? args[++i] : a.slice(7);
      if (!func) {
        console.error('disasm: --func needs a function name or index');
        return 2;
      }
    } else if (a.startsWith('-') && a !== '-') {
      console.error(`disasm: unknown option '${a}'`);
      return 2;
    } else if (!file) file = a;
    else {
      console.error(`disasm: unexpected argument '${a}'`);
      return 2;
    }
  }
  if (!file) {
    console.error('usage: lightbeam disasm <file.wat|file.wasm> [--func NAME] [--json]');
    return 2;
  }
  const bytes = await readModuleFile('disasm', file);
  if (!bytes) return 1;
  let compiled;
  try {
    compiled = compileModule(bytes, { notes: true });
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    console.error(`disasm: CompileError: ${e.message}`);
    return 1;
  }
  await loadIced();
  let functions = listFunctions(compiled);
  if (func !== undefined) {
    functions = functions.filter((f) => f.name === func || String(f.index) === func || f.name === `$${func}` || `$${f.name}` === func);
    if (functions.length === 0) {
      console.error(`disasm: no function '${func}'`);
      return 1;
    }
  }
  if (json) console.log(JSON.stringify({ functions }, null, 2));
  else console.log(functions.map((f) => formatFunction(f)).join('\n\n'));
  return 0;
}
