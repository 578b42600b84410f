;; Logs "line" 200 times, then succeeds with {}.
(module
  (import "infrafabric" "log" (func $log (param i32 i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "line{}")
  (func (export "run") (result i32) (local $n i32)
    (local.set $n (i32.const 200))
    (loop $again
      (drop (call $log (i32.const 1) (i32.const 64) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $n) (i32.const 0))))
    (drop (call $write (i32.const 68) (i32.const 2)))
    (i32.const 0)))
