(module
  (import "env" "f" (func (param i32)))
  (import "env" "memory" (memory 2))
  (import "env" "counter" (global (mut i32))))
