;; Passes hostile pointer/length pairs to the host. The input is a JSON string whose first
;; character picks the attack; the status returned is what the host answered when it did not trap.
(module
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (import "infrafabric" "result_read" (func $result (param i32 i32) (result i32)))
  (import "infrafabric" "log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) (local $op i32)
    (drop (call $read (i32.const 0) (i32.const 64)))
    (local.set $op (i32.load8_u (i32.const 1)))
    ;; "w": output range that wraps around 2^32
    (if (i32.eq (local.get $op) (i32.const 119))
      (then (return (call $write (i32.const -16) (i32.const 32)))))
    ;; "n": negative length
    (if (i32.eq (local.get $op) (i32.const 110))
      (then (return (call $write (i32.const 0) (i32.const -1)))))
    ;; "e": one byte past the end of memory
    (if (i32.eq (local.get $op) (i32.const 101))
      (then (return (call $write (i32.const 65536) (i32.const 1)))))
    ;; "b": input buffer that runs past the end of memory
    (if (i32.eq (local.get $op) (i32.const 98))
      (then (return (call $read (i32.const 65530) (i32.const 100)))))
    ;; "s": input buffer too small
    (if (i32.eq (local.get $op) (i32.const 115))
      (then (return (call $read (i32.const 0) (i32.const 2)))))
    ;; "o": input buffer too small and outside memory
    (if (i32.eq (local.get $op) (i32.const 111))
      (then (return (call $read (i32.const -1) (i32.const 2)))))
    ;; "r": result_read with no pending result
    (if (i32.eq (local.get $op) (i32.const 114))
      (then (return (call $result (i32.const 0) (i32.const 16)))))
    ;; "l": log level that does not exist
    (if (i32.eq (local.get $op) (i32.const 108))
      (then (return (call $log (i32.const 9) (i32.const 0) (i32.const 4)))))
    ;; "m": log message far outside memory
    (if (i32.eq (local.get $op) (i32.const 109))
      (then (return (call $log (i32.const 1) (i32.const 2147483647) (i32.const 2147483647)))))
    (i32.const 0)))
