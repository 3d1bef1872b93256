// The pictures are drawn from real compiler runs: these tests tie what they show to what the
// compiler does, so a picture cannot quietly drift from the code it claims to show.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../root.ts';
import { compileModule } from '../../../compiler/codegen/moduleCompiler.ts';
import { listFunctions } from '../../../compiler/codegen/listing.ts';
import { watToWasm } from '../../../compiler/text/watToWasm.ts';
import { loadIced, disassemble } from '../../../compiler/x64/index.ts';
import { drawCallStacks, drawEncoding, drawLeb128, drawLinearMemory, drawMerges, drawRegisters, drawValueStack, drawVMContext, traceOf } from './index.ts';
import { protectionOf } from './linearMemoryData.ts';
import { vmContextAreas } from './vmContextPicture.ts';
import { Builtin, VMCTX, vmContextLayoutOf } from '../../../compiler/abi/vmContext.ts';
import { validateModule } from '../../../compiler/validate/index.ts';
import { nativeUnavailable } from '../examples.ts';
import { mergeEdges } from './mergePicture.ts';
import { splitInstruction } from './encodingPicture.ts';
import { ENCODING_PRESETS, assemblePreset } from './encodingPresets.ts';
import { legibleMinWidth, svg, withLegibleLabels } from './svg.ts';

const file = 'book/examples/pictures.wat';

describe('pictures from compiler runs', () => {
  test('the trace has one step per operator, and its instructions are exactly the listing of the function', async () => {
    const trace = await traceOf({ file, fn: 'scale' });
    expect(trace.steps.map((s) => s.op)).toEqual([
      'local.get 0', 'i32.const 3', 'i32.add', 'local.get 1', 'i32.mul', 'i32.const 100', 'local.get 0', 'local.get 1', 'i32.lt_s', 'select', 'end (function)',
    ]);
    await loadIced();
    const listed = listFunctions(compileModule(await watToWasm(readFileSync(join(repoRoot(), file), 'utf8'), { names: true }), { notes: true })).find((f) => f.name === 'scale')!;
    const traced = [...trace.prologue, ...trace.steps.flatMap((s) => s.instructions), ...trace.stubs];
    expect(traced.map((i) => i.text)).toEqual(listed.instructions.map((i) => i.text));
    // The value stack after i32.lt_s: the product in a register, 100 a constant, the comparison in the flags.
    expect(trace.steps[8]!.stack.map((v) => v.kind)).toEqual(['reg', 'const', 'flags']);
    expect(trace.steps[9]!.instructions.some((i) => i.text.startsWith('cmov'))).toBe(true);
    const svg = await drawValueStack({ file, fn: 'scale' });
    for (const s of trace.steps) for (const i of s.instructions) expect(svg).toContain(i.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  test('the first edge into a block fixes its layout; later edges move into it', async () => {
    const trace = await traceOf({ file, fn: 'classify' });
    const merges = [...mergeEdges(trace).values()];
    expect(merges).toHaveLength(1);
    const edges = merges[0]!.edges;
    expect(edges.map((e) => e.step.op)).toEqual(['br_if 0', 'br_if 0', 'end']);
    expect(edges.map((e) => e.first)).toEqual([true, false, false]);
    expect(await drawMerges({ file, fn: 'classify' })).toContain('first edge: fixes it');
  });

  test('the register picture shows the registers used and the spills, deepest value first', async () => {
    const trace = await traceOf({ file, fn: 'pressure' });
    const svg = await drawRegisters({ file, fn: 'pressure' });
    const firstSpill = trace.steps.find((s) => s.stack.some((v) => v.kind === 'slot'))!;
    expect(firstSpill, 'pressure must run out of registers').toBeDefined();
    expect(firstSpill.stack.findIndex((v) => v.kind === 'slot')).toBe(0);
    expect(firstSpill.instructions[0]!.text).toMatch(/^mov \[rsp/);
    expect(svg).toContain('>rax<');
    expect(svg).toContain('>spill<');
  });

  test('the call-stack picture reads its frames off the real trampolines and prologue', async () => {
    const svg = await drawCallStacks({ file, fn: 'report' });
    for (const label of ['saved WASM_SP', 'saved ENTRY_RSP', 'return address into koffi', 'JS: the import runs here', 'saved r15']) expect(svg).toContain(label);
  });

  test('LEB128: the bytes wabt wrote, read back by the compiler', async () => {
    expect((await drawLeb128(624485, false)).bytes).toEqual([0xe5, 0x8e, 0x26]);
    expect((await drawLeb128(-123456, true)).bytes).toEqual([0xc0, 0xbb, 0x78]);
  });

  test('every encoding preset splits into fields that cover exactly the bytes iced-x86 decodes as one instruction', async () => {
    await loadIced();
    for (const name of Object.keys(ENCODING_PRESETS)) {
      const { code } = assemblePreset(name);
      const fields = splitInstruction(code);
      expect(fields.flatMap((f) => f.bytes), name).toEqual([...code]);
      const [decoded] = disassemble(code);
      expect(decoded!.hex.replace(/ /g, '').length / 2, name).toBe(code.length);
      expect(drawEncoding(name).svg).toContain('<svg');
    }
    const sib = splitInstruction(assemblePreset('add rax, [r12+rcx*8+16]').code);
    expect(sib.map((f) => f.name)).toEqual(['REX', 'opcode', 'ModRM', 'SIB', 'disp8']);
  });
});

describe('the linear memory and VMContext pictures (chapters 10 and 13)', () => {
  test.skipIf(nativeUnavailable())('memory-grow.wat: one page of four open, three after growing by two; the VMContext and the kernel agree', async () => {
    const { svg: drawn, snapshots } = await drawLinearMemory('book/examples/memory-grow.wat', [{ fn: 'growAndFill', args: [2, 171] }]);
    const page = 65536;
    expect(snapshots.map((s) => [s.bytes / page, s.maxBytes / page])).toEqual([[1, 4], [3, 4]]);
    expect(snapshots[1]!.when).toBe('after growAndFill(2, 171) returned 1');
    expect(snapshots[0]!.base).toBe(snapshots[1]!.base);
    expect(snapshots.map((s) => s.bound4)).toEqual([page - 4, 3 * page - 4]);
    for (const s of snapshots) expect(s.protection).toEqual({ accessible: 'rw-', reserved: '---', guard: '---' });
    expect(drawn).toContain(`[r15 + ${VMCTX.MEMORY_SIZE}] = 196,608`);
    expect(drawn).toContain('rw- 192 KiB');
  });

  test('protectionOf answers only for a range one kind of mapping covers whole', () => {
    const maps = '1000-3000 rw-p 00000000 00:00 0\n3000-8000 ---p 00000000 00:00 0 \n';
    expect(protectionOf(maps, 0x1000, 0x3000)).toBe('rw-');
    expect(protectionOf(maps, 0x4000, 0x8000)).toBe('---');
    expect(protectionOf(maps, 0x2000, 0x4000), 'two protections').toBeUndefined();
    expect(protectionOf(maps, 0x7000, 0x9000), 'not all mapped').toBeUndefined();
  });

  test('the VMContext picture has one row per field, at the offsets vmContextLayoutOf gives', async () => {
    const file = 'book/examples/importer.wat';
    const info = validateModule(await watToWasm(readFileSync(join(repoRoot(), file), 'utf8')));
    const layout = vmContextLayoutOf(info);
    const areas = vmContextAreas(info);
    const rows = areas.flatMap((a) => a.rows);
    // The rows tile the block: each starts where the one before ended, the last ends at its size.
    rows.forEach((r, i) => expect(r.offset, r.name).toBe(i === 0 ? 0 : rows[i - 1]!.offset + rows[i - 1]!.bytes));
    expect(rows[rows.length - 1]!.offset + rows[rows.length - 1]!.bytes).toBe(layout.size);
    expect(areas.find((a) => a.title === 'builtins')!.rows.map((r) => r.offset)).toEqual(Object.values(Builtin).map((b) => layout.builtin(b)));
    expect(areas.find((a) => a.title === 'imported functions')!.rows.map((r) => [r.offset, r.name])).toEqual([[layout.importedFunction(0), 'env.f']]);
    expect(areas.find((a) => a.title === 'globals')!.rows.map((r) => r.offset)).toEqual([layout.global(0)]);
    expect(areas.find((a) => a.title === 'tables')!.rows).toEqual([]);
    const drawn = await drawVMContext(file);
    for (const r of rows) expect(drawn).toContain(`>0x${r.offset.toString(16)}<`);
    expect(drawn).toContain(`layout.size = ${layout.size}`);
  });
});

describe('labels stay legible on a phone', () => {
  test('a drawing may not be shown narrower than keeps its smallest font at 10 px; an example figure gets that min-width', () => {
    const body = '<text font-size="11">a</text><text font-size="13">b</text>';
    expect(legibleMinWidth(550, body)).toBe(500);
    expect(legibleMinWidth(550, '<rect/>')).toBeUndefined();
    expect(svg(550, 40, 'two labels', body)).toContain('style="min-width:500px"');
    const drawn = '<svg viewBox="0 0 680 100" role="img"><text font-size="10">byte 0</text><text font-size="12">code</text></svg>';
    expect(withLegibleLabels(drawn)).toBe(drawn.replace('<svg ', '<svg style="min-width:680px" '));
    expect(withLegibleLabels('<svg style="width:1px" viewBox="0 0 9 9"><text font-size="1">x</text></svg>'), 'a style of its own is left alone').toMatch(/^<svg style="width:1px"/);
  });
});
