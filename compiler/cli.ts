// The `lightbeam` command line: a thin dispatcher; each subcommand lives in compiler/cli/.
// Node only (it reads files and prints), unlike the compiler itself.

interface Command {
  summary: string;
  usage: string;
  load: () => Promise<{ main: (args: string[]) => Promise<number> }>;
}

const commands: Record<string, Command> = {
  wast: {
    summary: 'run .wast spec scripts and report per-file outcomes',
    usage: 'lightbeam wast <files or folders...> [--json]',
    load: () => import('./cli/wast.ts'),
  },
  jsapi: {
    summary: 'run the WebAssembly JS API tests (testharness.js) against Lightbeam\'s API, or V8\'s',
    usage: 'lightbeam jsapi [files...] [--engine v8] [--json]',
    load: () => import('./cli/jsapi.ts'),
  },
  disasm: {
    summary: 'compile a module and print its machine code, annotated with the wasm operators',
    usage: 'lightbeam disasm <file.wat|file.wasm> [--func NAME] [--json]',
    load: () => import('./cli/disasm.ts'),
  },
  compile: {
    summary: 'compile a module as `run` does and print the time the first compile in a fresh process takes',
    usage: 'lightbeam compile <file.wat|file.wasm> [--json]',
    load: () => import('./cli/compile.ts'),
  },
  run: {
    summary: 'run a WASI command (_start), or invoke an export and print its results',
    usage: 'lightbeam run [--dir D[::G]] [--env N=V] [--invoke NAME] <file> [args...]',
    load: () => import('./cli/run.ts'),
  },
  node: {
    summary: 'run a Node program with Lightbeam as globalThis.WebAssembly',
    usage: 'lightbeam node [node options] <script> [args...]',
    load: () => import('./cli/node.ts'),
  },
};

function help(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  const lines = [
    'lightbeam: a one-pass streaming WebAssembly to x86-64 compiler',
    '',
    'Usage:',
    ...Object.values(commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '  lightbeam --help' + ' '.repeat(Math.max(0, width - 16)) + '  show this help',
  ];
  return lines.join('\n');
}

/** Runs one command; bin/lightbeam.js sets process.exitCode to what it returns. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`lightbeam: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  // `lightbeam node script --help` is the script's own option.
  const ours = name === 'node' ? rest.slice(0, 1) : rest;
  if (ours.includes('--help') || ours.includes('-h')) {
    console.log(`Usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  const module = await command.load();
  return module.main(rest);
}

