// yoga-layout: C++ compiled by emscripten (wasm inlined), float layout arithmetic.
import Yoga from 'yoga-layout';

const root = Yoga.Node.create();
root.setWidth(500);
root.setHeight(300);
root.setFlexDirection(Yoga.FLEX_DIRECTION_ROW);
root.setPadding(Yoga.EDGE_ALL, 7.5);
const children = [];
for (let i = 0; i < 7; i++) {
  const child = Yoga.Node.create();
  child.setFlexGrow(1 + (i % 3) * 0.37);
  child.setMargin(Yoga.EDGE_ALL, 2.25 * i);
  child.setHeight(50 + i * 13.3);
  root.insertChild(child, i);
  children.push(child);
}
root.calculateLayout(500, 300, Yoga.DIRECTION_LTR);
for (const c of children) {
  const l = c.getComputedLayout();
  console.log(l.left, l.top, l.width, l.height);
}
root.freeRecursive();
