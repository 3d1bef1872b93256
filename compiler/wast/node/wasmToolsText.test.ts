import { describe, expect, it } from 'vitest';
import { TextFormatError } from '../textFormatError.ts';
import { loadWasmToolsTextToBinary, wasmToolsInstalled, wasmToolsMessage } from './wasmToolsText.ts';

describe("wasm-tools' parser", () => {
  it('is installed (a development dependency) and turns text into a binary', async () => {
    expect(wasmToolsInstalled()).toBe(true);
    const parse = (await loadWasmToolsTextToBinary())!;
    const bytes = parse('(module (func (export "f") (result i32) (i32.const 42)))');
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
    expect((instance.exports.f as () => number)()).toBe(42);
  });

  it('throws TextFormatError with a readable message and position', async () => {
    const parse = (await loadWasmToolsTextToBinary())!;
    expect(() => parse('(module\n  (func unknown))')).toThrow(TextFormatError);
    expect(() => parse('(module\n  (func unknown))')).toThrow(/^unknown operator or unexpected token \(2:9\)$/);
  });

  it("words the component's debug form of an error", () => {
    const custom = 'Error { kind: Wast(Error { inner: ErrorInner { text: Some(Text { line: 0, col: 14, snippet: "(module (func \\"x\\"))" }), ' +
      'file: None, span: Span { offset: 14 }, kind: Custom("expected \\"x\\"") } }) }';
    expect(wasmToolsMessage(custom)).toBe('expected "x" (1:15)');
    const lex = 'Error { kind: Wast(Error { inner: ErrorInner { text: Some(Text { line: 2, col: 9, snippet: "(@)" }), file: None, ' +
      'span: Span { offset: 9 }, kind: Lex(EmptyAnnotation) } }) }';
    expect(wasmToolsMessage(lex)).toBe('Lex(EmptyAnnotation) (3:10)');
    expect(wasmToolsMessage('something else')).toBe('something else');
  });
});
