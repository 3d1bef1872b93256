// An instance's VMContext, byte by byte: the fixed header (VMCTX), then the areas whose size the
// module decides (builtins, imported functions, FuncRef records, type ids, tables, globals), each
// row at the offset vmContextLayoutOf gives the code generator. Drawn from a decoded module, so the
// picture follows the layout when the layout changes.
import { Builtin, fixedTableLength, TABLE, VMCTX, vmContextLayoutOf, type VMContextLayout } from '../../../compiler/abi/vmContext.ts';
import { valTypeName, type ExternKind, type ModuleInfo } from '../../../compiler/binary/types.ts';
import { box, codeWidth, line, svg, text } from './svg.ts';

interface Row {
  offset: number;
  bytes: number;
  name: string;
  what: string;
}

interface Area {
  title: string;
  /** How generated code names an entry, e.g. "layout.global(g)". */
  access: string;
  colour: string;
  rows: Row[];
}

/** What each header field holds, in a few words; a field added to VMCTX later still gets a row, with its name only. */
const HEADER_WHAT: Record<string, string> = {
  MEMORY_BASE: "memory 0's base (r14 is loaded from it)",
  MEMORY_SIZE: "memory 0's size in bytes",
  STACK_LIMIT: 'the lowest rsp wasm may run at',
  TRAP_HANDLER: 'where runtime stubs jump to trap',
  RUNTIME_STATE: "the runtime's per-thread state",
  TRAP_SITE_HANDLER: 'what trap calls call',
  MEMORY_BOUND_4: 'size - 4 (bounds checks)',
  MEMORY_BOUND_8: 'size - 8 (bounds checks)',
  INTERRUPT_FLAG: "the interrupt flag's address",
};

/** A name for index i of a kind: its import's module.name, else its export name, else the index. */
function nameOf(info: ModuleInfo, kind: ExternKind, i: number): string {
  const imp = info.imports.find((m) => m.desc.kind === kind && m.index === i);
  if (imp) return `${imp.module}.${imp.name}`;
  const exp = info.exports.find((e) => e.kind === kind && e.index === i);
  return exp ? `"${exp.name}"` : `${kind} ${i}`;
}

export function vmContextAreas(info: ModuleInfo, layout: VMContextLayout = vmContextLayoutOf(info)): Area[] {
  const header = Object.entries(VMCTX)
    .filter(([name]) => name !== 'HEADER_SIZE')
    .sort((a, b) => a[1] - b[1])
    .map(([name, offset], k, all) => ({ offset, bytes: (all[k + 1]?.[1] ?? VMCTX.HEADER_SIZE) - offset, name, what: HEADER_WHAT[name] ?? '' }));
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const c = layout.counts;
  const typeRows: Row[] = range(c.types).map((t) => {
    const ty = info.types[t]!;
    return { offset: layout.typeId(t), bytes: 4, name: `type ${t}`, what: `[${ty.params.map(valTypeName).join(' ')}] -> [${ty.results.map(valTypeName).join(' ')}]: its u32 id` };
  });
  const typeEnd = c.tables ? layout.table(0) : c.globals ? layout.global(0) : layout.returnThunks;
  const lastType = typeRows[typeRows.length - 1];
  if (lastType && lastType.offset + 4 < typeEnd) typeRows.push({ offset: lastType.offset + 4, bytes: typeEnd - lastType.offset - 4, name: '', what: `${typeEnd - lastType.offset - 4} bytes of padding` });
  return [
    { title: 'fixed header', access: 'VMCTX.*', colour: 'var(--pic-g0)', rows: header },
    {
      title: 'builtins', access: 'layout.builtin(b)', colour: 'var(--pic-g3)',
      rows: Object.entries(Builtin).map(([name, b]) => ({ offset: layout.builtin(b), bytes: 8, name, what: 'its code address' })),
    },
    {
      title: 'imported functions', access: 'layout.importedFunction(i)', colour: 'var(--pic-g1)',
      rows: range(c.importedFunctions).map((i) => ({ offset: layout.importedFunction(i), bytes: 8, name: nameOf(info, 'func', i), what: "its stub's entry address" })),
    },
    {
      title: 'function references', access: 'layout.funcRef(i)', colour: 'var(--pic-g2)',
      rows: range(c.functions).map((i) => ({ offset: layout.funcRef(i), bytes: 8, name: `function ${i}`, what: `${nameOf(info, 'func', i)}: FuncRef record address` })),
    },
    { title: 'type ids', access: 'layout.typeId(t)', colour: 'var(--pic-flags)', rows: typeRows },
    {
      title: 'tables', access: 'layout.table(t)', colour: 'var(--pic-slot)',
      rows: range(c.tables).flatMap((t) => {
        const fixed = fixedTableLength(info.tables[t]!.limits);
        return [
          { offset: layout.table(t) + TABLE.BASE, bytes: 8, name: `table ${t}`, what: `${nameOf(info, 'table', t)}: BASE, its elements' address` },
          { offset: layout.table(t) + TABLE.LENGTH, bytes: 8, name: '', what: fixed >= 0 ? `LENGTH (fixed: ${fixed})` : 'LENGTH, rewritten as it grows' },
        ];
      }),
    },
    {
      title: 'globals', access: 'layout.global(g)', colour: 'var(--pic-local)',
      rows: range(c.globals).map((g) => {
        const t = info.globals[g]!.type;
        return { offset: layout.global(g), bytes: 8, name: `global ${g}`, what: `${nameOf(info, 'global', g)} (${t.mutable ? 'mut ' : ''}${valTypeName(t.type)}): cell address` };
      }),
    },
    {
      title: 'return thunks', access: 'layout.returnThunks', colour: 'var(--pic-g3)',
      rows: [{ offset: layout.returnThunks, bytes: 8, name: 'returnThunks', what: "the thread's return thunks (tail calls, chapter 9)" }],
    },
  ];
}

const ROW_H = 18;
const OFF_X = 52;
const BOX_X = 60;
const BOX_W = 150;
const WHAT_X = BOX_X + BOX_W + 10;

export function vmContextPicture(info: ModuleInfo, moduleName: string): string {
  const layout = vmContextLayoutOf(info);
  const areas = vmContextAreas(info, layout);
  const widest = Math.max(...areas.flatMap((a) => [WHAT_X + codeWidth(a.access, 12), ...a.rows.map((r) => WHAT_X + codeWidth(r.what, 12))]));
  const width = Math.max(480, widest + 10);
  const parts: string[] = [];
  let y = 18;
  parts.push(text(4, y, `${moduleName}: VMContext of ${layout.size} bytes, r15 at offset 0`, { size: 13, bold: true, ui: true }));
  y += 10;
  for (const area of areas) {
    y += 20;
    parts.push(text(BOX_X, y, area.title, { size: 12, bold: true, ui: true }));
    parts.push(text(WHAT_X, y, area.access, { size: 12, soft: true }));
    y += 6;
    if (area.rows.length === 0) {
      parts.push(line(BOX_X, y + 6, BOX_X + BOX_W, y + 6, { dashed: true }), text(WHAT_X, y + 12, 'none in this module: 0 bytes', { size: 11, ui: true, soft: true }));
      y += 14;
      continue;
    }
    for (const r of area.rows) {
      // Every row as tall, whatever its size (a type id is 4 bytes): the offsets say where it lies.
      const h = ROW_H;
      parts.push(box(BOX_X, y, BOX_W, h, area.colour, { opacity: r.name ? 0.3 : 0.06 }));
      parts.push(text(OFF_X, y + h / 2 + 4, `0x${r.offset.toString(16)}`, { size: 11, anchor: 'end', soft: true }));
      if (r.name) parts.push(text(BOX_X + 6, y + h / 2 + 4, r.name, { size: 11 }));
      parts.push(text(WHAT_X, y + h / 2 + 4, r.what, { size: 11, ui: true, soft: !r.name }));
      y += h;
    }
  }
  y += 14;
  parts.push(text(OFF_X, y, `0x${layout.size.toString(16)}`, { size: 11, anchor: 'end', soft: true }), text(BOX_X, y, `end: layout.size = ${layout.size}`, { size: 11, soft: true }));
  return svg(width, y + 8, `The VMContext layout of ${moduleName}: the fixed header, then builtins, imported functions, function references, type ids, tables and globals, and last the return thunks' address, with their offsets from r15`, parts.join(''));
}
