// Workload: yoga-layout building and laying out a 2,000-node tree (boundary-bound: every setter
// and getter is a call into wasm through emscripten's embind). Best of 5 after a warm-up, ms.
import Yoga from 'yoga-layout';

function once() {
  const root = Yoga.Node.create();
  root.setWidth(1000);
  root.setFlexDirection(Yoga.FLEX_DIRECTION_ROW);
  root.setFlexWrap(Yoga.WRAP_WRAP);
  for (let i = 0; i < 2000; i++) {
    const c = Yoga.Node.create();
    c.setWidth(10 + (i % 17));
    c.setHeight(5 + (i % 11));
    c.setMargin(Yoga.EDGE_ALL, i % 3);
    root.insertChild(c, i);
  }
  root.calculateLayout(1000, undefined, Yoga.DIRECTION_LTR);
  let sum = 0;
  for (let i = 0; i < 2000; i++) sum += root.getChild(i).getComputedTop();
  root.freeRecursive();
  return sum;
}
once();
let best = Infinity;
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  once();
  best = Math.min(best, performance.now() - t);
}
console.log(best.toFixed(2));
