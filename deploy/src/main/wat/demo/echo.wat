;; echo: answers its input unchanged; the demo lists and calls it through the MCP endpoint.
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
