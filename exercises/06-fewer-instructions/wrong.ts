// Plausible wrong solutions; the checks must catch each one.
const module = (body: string, locals = '') =>
  `(module (func (export "clamp") (param $x i32) (param $lo i32) (param $hi i32) (result i32) ${locals} ${body}))`;

export const wrongSolutions = {
  'correct, but compares comparisons with 0 and 1 and copies through locals': {
    clampWat: () =>
      module(
        `(local.set $r (local.get $x))
         (local.set $c (i32.lt_s (local.get $r) (local.get $lo)))
         (if (i32.ne (local.get $c) (i32.const 0)) (then (local.set $r (local.get $lo))))
         (local.set $c (i32.gt_s (local.get $r) (local.get $hi)))
         (if (i32.eq (local.get $c) (i32.const 1)) (then (local.set $r (local.get $hi))))
         (local.get $r)`,
        '(local $r i32) (local $c i32)',
      ),
  },
  'unsigned comparisons': {
    clampWat: () =>
      module(`(local.set $x (select (local.get $lo) (local.get $x) (i32.lt_u (local.get $x) (local.get $lo))))
              (select (local.get $hi) (local.get $x) (i32.gt_u (local.get $x) (local.get $hi)))`),
  },
  'the bounds applied the wrong way round': {
    clampWat: () =>
      module(`(local.set $x (select (local.get $hi) (local.get $x) (i32.lt_s (local.get $x) (local.get $lo))))
              (select (local.get $lo) (local.get $x) (i32.gt_s (local.get $x) (local.get $hi)))`),
  },
  'not a module with the right export': { clampWat: () => '(module (func (export "clamp") (param i32) (result i32) (local.get 0)))' },
};
