import { readFileSync } from 'node:fs';
import { compileModule } from '../compiler/codegen/moduleCompiler.ts';
import { disassemble, loadIced } from '../compiler/x64/disassemble.ts';
async function main() {
await loadIced();
for (const file of process.argv.slice(2)) {
  const m = compileModule(new Uint8Array(readFileSync(file)));
  let nopBytes = 0, nops = 0, total = 0, jmpNext = 0; const hist = new Array(16).fill(0);
  for (const f of m.functions) {
    const from = f.offset - f.prefix;
    const lines = disassemble(m.code.subarray(from, f.offset + f.size), { base: from });
    total += f.prefix + f.size;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (/^nop/.test(l.text)) { nopBytes += l.length; nops++; hist[l.length]++; }
      const j = /^jmp 0x([0-9a-f]+)$/.exec(l.text);
      if (j && i + 1 < lines.length && parseInt(j[1]!, 16) === Number(lines[i + 1]!.address)) jmpNext += l.length;
    }
  }
  console.log(file.split('/').pop(), { total, nops, nopBytes, jmpNext, hist: hist.join(',') });
}
}
void main();
