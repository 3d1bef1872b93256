import { describe, expect, it } from 'vitest';
import { highlightLine } from './disasmHighlight.ts';

describe('disassembly highlighting', () => {
  it('colours every hex number alike, whether or not it has the digits a-f', () => {
    const html = highlightLine('0044  48 81 c4 18 00 00 00  add rsp, 0x18             ; end (function)');
    const html2 = highlightLine('0011  0f 83 08 00 00 00     jae 0x1f                  ; if');
    expect(html).toContain('<span class="d-num">0x18</span>');
    expect(html2).toContain('<span class="d-num">0x1f</span>');
    expect(html).toContain('<span class="d-off">0044</span>');
    expect(html2).toContain('<span class="d-off">0011</span>');
    expect(html).toContain('<span class="d-bytes">48 81 c4 18 00 00 00</span>');
  });
  it('marks mnemonic, registers and the wasm note', () => {
    const html = highlightLine('000e  83 ff 02              cmp edi, 2                ; local.get 0; i32.const 2; i32.lt_u');
    expect(html).toContain('<span class="d-mn">cmp</span>');
    expect(html).toContain('<span class="d-reg">edi</span>');
    expect(html).toContain('<span class="d-cmt">; local.get 0; i32.const 2; i32.lt_u</span>');
  });
  it('keeps the text: stripping the tags gives the line back', () => {
    const line = '005b  41 ff 67 18           jmp qword ptr [r15+0x18]';
    expect(highlightLine(line).replace(/<[^>]+>/g, '').replace(/&amp;/g, '&')).toBe(line);
  });
});
