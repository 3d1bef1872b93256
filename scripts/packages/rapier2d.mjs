// @dimforge/rapier2d-compat: Rust + wasm-bindgen (web target, wasm inlined as base64), float-heavy.
import RAPIER from '@dimforge/rapier2d-compat';

await RAPIER.init();
const world = new RAPIER.World({ x: 0.0, y: -9.81 });
world.createCollider(RAPIER.ColliderDesc.cuboid(10.0, 0.1));
const bodies = [];
for (let i = 0; i < 20; i++) {
  const body = world.createRigidBody(RAPIER.RigidBodyDesc.dynamic().setTranslation((i % 5) * 0.7 - 1.4, 1 + i * 0.6).setRotation(i * 0.1));
  world.createCollider(RAPIER.ColliderDesc.ball(0.25).setRestitution(0.3), body);
  bodies.push(body);
}
for (let step = 0; step < 300; step++) world.step();
for (const b of bodies.slice(0, 6)) {
  const t = b.translation();
  console.log(t.x.toFixed(6), t.y.toFixed(6), b.rotation().toFixed(6));
}
