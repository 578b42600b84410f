;; The trivial tool: copies its JSON input to its output (three host calls).
(module
  (import "infrafabric" "input_size" (func $size (result i32)))
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) (local $n i32)
    (local.set $n (call $size))
    (drop (call $read (i32.const 0) (local.get $n)))
    (drop (call $write (i32.const 0) (local.get $n)))
    (i32.const 0)))
