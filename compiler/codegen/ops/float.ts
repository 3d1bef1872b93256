import type { OperatorInfo } from '../../binary/operators.ts';
import type { FunctionCompiler } from '../functionCompiler.ts';
export function floatLowering(_info: OperatorInfo): ((fc: FunctionCompiler) => void) | undefined {
  return undefined;
}
