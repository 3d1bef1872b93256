// What an example program in book/examples/*.ts returns. The page renders it; nothing in it is
// written by hand. An example runs once per build, in Node, with the real compiler.

export type Output =
  /** Machine code, shown as a disassembly (formatListing of compiler/x64). */
  | { kind: 'asm'; title?: string; listing: string }
  /** Bytes as a hex dump. */
  | { kind: 'bytes'; title?: string; bytes: Uint8Array }
  /** A table of facts. */
  | { kind: 'table'; title?: string; columns: string[]; rows: (string | number)[][]; nowrap?: number[] }
  /** Lines of plain text (results, messages). */
  | { kind: 'text'; title?: string; text: string }
  /** Results and timings from running code natively: differ between builds and machines. */
  | { kind: 'measured'; title?: string; columns: string[]; rows: (string | number)[][]; machine: string }
  /** A picture drawn from the example's results (SVG markup; colours via currentColor and CSS variables). */
  | { kind: 'figure'; title?: string; svg: string; caption: string }
  /** Something that could not run here, and why (e.g. native execution on a non-x86-64 machine). */
  | { kind: 'unavailable'; title?: string; reason: string };

export type ExampleProgram = () => Output[] | Promise<Output[]>;

/** One line about the machine that built the page, for measured output. */
export async function describeMachine(): Promise<string> {
  const os = await import('node:os');
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return `${cpu}, ${os.platform()}/${os.arch()}, Node ${process.versions.node}`;
}
