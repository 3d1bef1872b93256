// Running a WASI preview1 command (a module exporting `_start`) for `lightbeam run`: the WASI
// shim of @tybys/wasm-util, adapted to Lightbeam's memory, confined to the --dir roots and given
// the process's own stdio by ../api/wasiHost.ts.
import fs from 'node:fs';
import { WASI } from '@tybys/wasm-util';
import { asWebAssemblyMemory, confinedFs, type HostMemory, realStdio } from '../api/wasiHost.ts';
import { Instance } from '../runtime/instance.ts';
type CompiledModule = ConstructorParameters<typeof Instance>[0];
import { LinearMemory } from '../runtime/linearMemory.ts';

export interface Preopen {
  /** The directory on this machine. */
  host: string;
  /** The name the program sees it under. */
  guest: string;
}

export interface CommandOptions {
  /** argv, argv[0] included. */
  args: string[];
  env: Record<string, string>;
  preopens: Preopen[];
}

/** Instantiate `compiled` against WASI preview1 and run its `_start`: the exit code. */
export function runCommand(compiled: CompiledModule, options: CommandOptions): number {
  const roots = options.preopens.map((p) => {
    let real: string;
    try {
      real = fs.realpathSync(p.host);
    } catch {
      throw new CommandError(`--dir ${p.host}: no such directory`, 2);
    }
    if (!fs.statSync(real).isDirectory()) throw new CommandError(`--dir ${p.host}: not a directory`, 2);
    return real;
  });
  // The shim warns on the console for every errno it returns unless told it is in production
  // (wasi-libc's start-up probes fd 3, 4... until EBADF, so every run would warn).
  process.env.NODE_ENV ??= 'production';
  const wasi = new WASI({
    version: 'preview1',
    args: options.args,
    env: options.env,
    preopens: Object.fromEntries(options.preopens.map((p, i) => [p.guest, roots[i]!])),
    returnOnExit: true,
    fs: confinedFs(roots) as never, // Node's fs is what the shim's IFs describes, up to typing details
  });
  let memory: LinearMemory | undefined;
  const host: HostMemory = { get buffer() { return memory!.arrayBuffer; }, grow: (d) => memory!.grow(d) };
  const imports = wasi.getImportObject() as Record<string, Record<string, (...a: never[]) => unknown>>;
  const preview1 = imports['wasi_snapshot_preview1']!;
  const io = realStdio(() => host, preview1);
  preview1['fd_write'] = io.fd_write;
  preview1['fd_read'] = io.fd_read;

  // Name the import that cannot be given (the runtime's LinkError names only a missing module).
  for (const imp of compiled.info.imports) {
    if (imp.module !== 'wasi_snapshot_preview1' || !(imp.name in preview1)) {
      throw new CommandError(`unknown import: "${imp.module}" "${imp.name}" (a WASI command gets only wasi_snapshot_preview1 functions)`);
    }
  }
  const instance = new Instance(compiled, imports as never);
  const exported = instance.exports['memory'];
  if (!(exported instanceof LinearMemory)) throw new CommandError('a WASI command must export its memory as "memory"');
  memory = exported;
  const start = instance.exports['_start'];
  if (typeof start !== 'function') throw new CommandError('the module exports no _start function');
  // The shim finds `_start` and `memory` on `exports`; the rest of our exports are not its business.
  const code = wasi.start({ exports: { _start: start, memory: asWebAssemblyMemory(host) } } as never);
  return typeof code === 'number' ? code : 0;
}

/** The command cannot run: shown as a message, and the process exits with `exitCode`. */
export class CommandError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}
