;; A tool that imports kv while its contract grants only io: the chassis refuses to link it, so it
;; is never registered and none of its code ever runs.
(module
  (import "infrafabric" "kv_get" (func $get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) (call $get (i32.const 0) (i32.const 8))))
