// Test-only: checking a layering rule ("files here never reach that") over an import graph,
// and saying why it fails as chains of imports a reader can follow. Browser-safe.

import { chainTo, formatChain, type ImportEdge, type ImportGraph } from './importGraph.ts';

export interface LayerRule {
  name: string;
  /** The files the rule holds for. */
  appliesTo: (file: string) => boolean;
  /** What those files must not reach, through any chain of imports. */
  mustNotReach: (node: string) => boolean;
  /** Only the files' own imports count (for "only X may import Y"). */
  directly?: boolean;
}

export interface Violation {
  file: string;
  /** The shortest chain of imports from `file` to something it must not reach. */
  chain: ImportEdge[];
}

export function violationsOf(graph: ImportGraph, rule: LayerRule): Violation[] {
  const found: Violation[] = [];
  for (const file of [...graph.files].sort()) {
    if (!rule.appliesTo(file)) continue;
    const direct = rule.directly ? graph.edges.get(file)?.find((e) => rule.mustNotReach(e.to)) : undefined;
    const chain = rule.directly ? (direct && [direct]) : chainTo(graph, file, rule.mustNotReach);
    if (chain) found.push({ file, chain });
  }
  return found;
}

/**
 * The violations as text, one chain per cause: a file whose chain passes through another
 * offending file is listed under that file ("also reached from") instead of repeating its chain.
 */
export function describeViolations(rule: LayerRule, violations: readonly Violation[]): string {
  const offending = new Set(violations.map((v) => v.file));
  // The first other offending file on each chain; following these ends at a file that is its own cause.
  const through = new Map<string, string>();
  for (const v of violations) {
    const next = v.chain.slice(0, -1).map((e) => e.to).find((node) => offending.has(node) && node !== v.file);
    if (next !== undefined) through.set(v.file, next);
  }
  const causeOf = (file: string): string => {
    const seen = new Set<string>();
    while (through.has(file) && !seen.has(file)) (seen.add(file), (file = through.get(file)!));
    return file;
  };
  const causes = new Map<string, { violation: Violation; via: string[] }>();
  for (const v of violations) if (causeOf(v.file) === v.file) causes.set(v.file, { violation: v, via: [] });
  for (const v of violations) if (causeOf(v.file) !== v.file) causes.get(causeOf(v.file))?.via.push(v.file);
  const lines = [`${rule.name}: ${violations.length} file(s) break it`];
  for (const { violation, via } of causes.values()) {
    lines.push(`  ${formatChain(violation.chain)}`);
    if (via.length > 0) lines.push(`    (also reached from ${via.join(', ')})`);
  }
  return lines.join('\n');
}
