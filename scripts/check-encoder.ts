// `npm run check:encoder`: the exhaustive check of compiler/x64 against iced-x86.
// Exit code 1 if any encoding decodes to something other than what was meant, or if
// iced-x86 finds a shorter encoding than ours.
import { checkEncoder, summarize } from '../compiler/x64/checkEncoder.ts';

const started = performance.now();
const result = await checkEncoder();
const lines = summarize(result);
const last = lines.pop()!;
for (const line of lines) console.log(line);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
console.log(last);
process.exitCode = result.mismatches.length > 0 || result.shorterInIced.length > 0 ? 1 : 0;
