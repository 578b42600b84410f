;; Logs a message with a newline and a fake JSON log line after it, a terminal escape, a
;; right-to-left override (U+202E) and a line separator (U+2028), then succeeds.
(module
  (import "infrafabric" "log" (func $log (param i32 i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "ok\n{\"level\":\"ERROR\",\"tool\":\"admin\"}\1b[2J\e2\80\aeRTL\e2\80\a8x")
  (data (i32.const 100) "{}")
  (func (export "run") (result i32)
    (drop (call $log (i32.const 1) (i32.const 0) (i32.const 49)))
    (drop (call $write (i32.const 100) (i32.const 2)))
    (i32.const 0)))
