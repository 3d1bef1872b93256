// The reference solution is the chapter's own version 3 (book/examples/parallel-moves.ts), so
// these tests also test the code the chapter shows; compiler/codegen/parallelMove.ts is the same
// algorithm on real operands, tested in compiler/codegen/parallelMove.test.ts.
export { parallelMove } from '../../book/examples/parallel-moves.ts';
