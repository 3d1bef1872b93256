// The options the test-suite runners share (`lightbeam wast`, `lightbeam jsapi`): paths, then
// --json, --jobs N, --timeout S, --failures N, --engine NAME and, where a runner searches
// folders, --recursive.

export interface RunnerOptions {
  paths: string[];
  json: boolean;
  recursive: boolean;
  jobs: number;
  timeout: number;
  engine: string;
  failures: number;
}

/** The parsed options, or the message of what is wrong with them. */
export function parseRunnerArgs(
  args: readonly string[],
  { engines, failures, recursive }: { engines: readonly string[]; failures: number; recursive: boolean },
): RunnerOptions | string {
  const o: RunnerOptions = { paths: [], json: false, recursive: false, jobs: 2, timeout: 60, engine: 'lightbeam', failures };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') o.json = true;
    else if (recursive && (a === '--recursive' || a === '-r')) o.recursive = true;
    else if (a === '--jobs' || a === '--timeout' || a === '--failures') {
      const v = Number(args[++i]);
      if (!Number.isInteger(v) || v <= 0) return `${a} needs a positive whole number`;
      o[a.slice(2) as 'jobs' | 'timeout' | 'failures'] = v;
    } else if (a === '--engine') {
      o.engine = args[++i] ?? '';
      if (!engines.includes(o.engine)) return `unknown engine '${o.engine}' (have: ${engines.join(', ')})`;
    } else if (a.startsWith('-')) return `unknown option ${a}`;
    else o.paths.push(a);
  }
  return o;
}
