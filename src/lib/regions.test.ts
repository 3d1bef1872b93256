import { describe, expect, test } from 'vitest';
import { extractRegion, findListingUses, listRegions, RegionError } from './regions.ts';

const source = [
  'const before = 1;',
  '// #region outer',
  '  function a() {',
  '    // #region inner',
  '    return 1;',
  '    // #endregion inner',
  '  }',
  '// #endregion outer',
  ';; #region wat',
  '(module)',
  ';; #endregion',
].join('\n');

describe('extractRegion', () => {
  test('returns the lines between the markers, dedented, without nested markers', () => {
    const r = extractRegion(source, 'outer');
    expect(r.code).toBe('function a() {\n  return 1;\n}');
    expect(r.firstLine).toBe(3);
    expect(r.lastLine).toBe(7);
    // The nested markers' lines (4 and 6) are skipped in the numbering, not renumbered.
    expect(r.lineNumbers).toEqual([3, 5, 7]);
  });

  test('finds a nested region by its own name', () => {
    expect(extractRegion(source, 'inner').code).toBe('return 1;');
  });

  test('understands ;; comments and a bare #endregion', () => {
    expect(extractRegion(source, 'wat').code).toBe('(module)');
  });

  test('a missing region names the ones that exist', () => {
    expect(() => extractRegion(source, 'nope', 'x.ts')).toThrow(RegionError);
    expect(() => extractRegion(source, 'nope', 'x.ts')).toThrow(/outer, inner, wat/);
  });

  test('an unterminated region is an error', () => {
    expect(() => extractRegion('// #region open\nx', 'open')).toThrow(/never ends/);
  });

  test('a region name is matched whole, not as a prefix', () => {
    expect(() => extractRegion('// #region encodeModRM\nx\n// #endregion', 'encode')).toThrow(RegionError);
  });

  test('listRegions', () => {
    expect(listRegions(source)).toEqual(['outer', 'inner', 'wat']);
  });
});

describe('findListingUses', () => {
  test('finds attributes in any order, across lines, with line numbers', () => {
    const mdx = 'text\n<Listing file="a.ts" region="r1" />\n\n<Listing\n  region=\'r2\'\n  file="b/c.ts"\n/>';
    expect(findListingUses(mdx)).toEqual([
      { file: 'a.ts', region: 'r1', line: 2 },
      { file: 'b/c.ts', region: 'r2', line: 4 },
    ]);
  });

  test('a Listing without literal attributes is an error, so the check cannot be dodged', () => {
    expect(() => findListingUses('<Listing file={x} region="r" />')).toThrow(RegionError);
  });
});

describe('listing drift', async () => {
  const { drifted } = await import('./listingDrift.ts');
  const q = (key: string, hash: string) => ({ key, chapter: 'book/x.mdx', line: 1, hash });
  test('reports regions whose hash changed or that the lock does not know', () => {
    const lock = { 'a.ts#one': 'h1', 'a.ts#two': 'h2' };
    expect(drifted(lock, [q('a.ts#one', 'h1'), q('a.ts#two', 'CHANGED'), q('b.ts#new', 'h3')]).map((d) => d.key)).toEqual(['a.ts#two', 'b.ts#new']);
  });
});
