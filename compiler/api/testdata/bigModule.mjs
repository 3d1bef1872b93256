// A module large enough for the compile cache to keep (about 80 KB at 200 functions) that
// compiles quickly: compiler/cli/node-programs/cached.mjs and compiler/api/package.test.ts use it.

/** An unsigned LEB128. */
const leb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const section = (id, body) => [id, ...leb(body.length), ...body];
const vector = (items) => [...leb(items.length), ...items.flat()];
const name = (s) => [...leb(s.length), ...Buffer.from(s)];

/** `functions` functions () -> i32; each drops 100 constants and returns its index plus `salt`; "f7" is exported. */
export function bigModule(salt, functions = 200) {
  const body = (i) => {
    const code = [0]; // no locals
    for (let k = 0; k < 100; k++) code.push(0x41, ...leb(1000 + k), 0x1a); // i32.const, drop
    code.push(0x41, ...leb(i + salt), 0x0b); // i32.const, end
    return [...leb(code.length), ...code];
  };
  return new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0,
    ...section(1, vector([[0x60, 0, 1, 0x7f]])),
    ...section(3, vector(Array.from({ length: functions }, () => [0]))),
    ...section(7, vector([[...name('f7'), 0, 7]])),
    ...section(10, vector(Array.from({ length: functions }, (_, i) => body(i)))),
  ]);
}
