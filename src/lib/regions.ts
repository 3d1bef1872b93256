// Listings quote the compiler by region name. A region is the text between
//   // #region name      and      // #endregion name   (or a bare // #endregion)
// in any source file (`;;` comments work too, for .wat files). Quoting by name instead of by
// line number means a listing survives edits around it, and a renamed region fails loudly.

export interface Region {
  /** The region's lines, markers of nested regions removed, common indentation stripped. */
  code: string;
  /** 1-based line number of the region's first line of code in the file. */
  firstLine: number;
  /** 1-based line number of its last line. */
  lastLine: number;
  /** The file's line number of each line of `code` (they skip where nested markers were removed). */
  lineNumbers: number[];
}

export class RegionError extends Error {
  override name = 'RegionError';
}

const MARKER = /^\s*(?:\/\/|;;|#)\s*#(region|endregion)\b\s*(\S*)\s*$/;

// #region extractRegion
/** Finds region `name` in `source`; throws RegionError if it is missing or unterminated. */
export function extractRegion(source: string, name: string, file = '<source>'): Region {
  const lines = source.split(/\r?\n/);
  const start = lines.findIndex((line) => {
    const m = MARKER.exec(line);
    return m?.[1] === 'region' && m[2] === name;
  });
  if (start < 0) {
    const known = listRegions(source);
    throw new RegionError(
      `${file}: no region '${name}'` + (known.length ? ` (regions here: ${known.join(', ')})` : ' (the file has no regions)'),
    );
  }
  // Nested regions are allowed, so a bare #endregion closes the innermost open one.
  let depth = 0;
  const body: string[] = [];
  const numbers: number[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const m = MARKER.exec(line);
    if (m?.[1] === 'region') {
      depth++;
      continue;
    }
    if (m?.[1] === 'endregion') {
      if (m[2] === name || (m[2] === '' && depth === 0)) {
        const [a, b] = nonBlankSpan(body);
        const lineNumbers = numbers.slice(a, b);
        return { code: dedent(body.slice(a, b)), firstLine: lineNumbers[0] ?? start + 2, lastLine: lineNumbers.at(-1) ?? i, lineNumbers };
      }
      depth = Math.max(0, depth - 1);
      continue;
    }
    body.push(line);
    numbers.push(i + 1);
  }
  throw new RegionError(`${file}: region '${name}' starts on line ${start + 1} but never ends`);
}
// #endregion extractRegion

/** Names of all regions in `source`, in order. */
export function listRegions(source: string): string[] {
  const names: string[] = [];
  for (const line of source.split(/\r?\n/)) {
    const m = MARKER.exec(line);
    if (m?.[1] === 'region' && m[2]) names.push(m[2]);
  }
  return names;
}

/** The range [a, b) of `lines` without blank lines at either end. */
function nonBlankSpan(lines: string[]): [number, number] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return [a, b];
}

function dedent(lines: string[]): string {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

/** One `<Listing file="..." region="..." />` found in a chapter's source. */
export interface ListingUse {
  file: string;
  region: string;
  /** 1-based line in the chapter. */
  line: number;
}

/** Finds every Listing use in an MDX chapter. Attributes may come in either order and span lines. */
export function findListingUses(mdx: string): ListingUse[] {
  const uses: ListingUse[] = [];
  const tag = /<Listing\b([^>]*?)\/?>/gs;
  for (const m of mdx.matchAll(tag)) {
    const attrs = m[1] ?? '';
    const file = /\bfile\s*=\s*["']([^"']+)["']/.exec(attrs)?.[1];
    const region = /\bregion\s*=\s*["']([^"']+)["']/.exec(attrs)?.[1];
    const line = mdx.slice(0, m.index).split('\n').length;
    if (!file || !region) throw new RegionError(`line ${line}: <Listing> needs literal file="..." and region="..." attributes`);
    uses.push({ file, region, line });
  }
  return uses;
}
