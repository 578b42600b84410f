;; Calls the cheapest host function forever.
(module
  (import "infrafabric" "input_size" (func $size (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (loop $again (drop (call $size)) (br $again))
    (i32.const 0)))
