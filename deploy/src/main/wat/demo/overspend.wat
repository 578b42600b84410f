;; The demo's greedy tool: asks for the same large completion again and again until the host
;; refuses, then reports the refusal it got.
;; Input: one llm_complete request.
;; Output: the last result JSON (the refusal, with the remaining budget); status its error code.
(module
  (import "infrafabric" "input_size" (func $size (result i32)))
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (import "infrafabric" "result_read" (func $result (param i32 i32) (result i32)))
  (import "infrafabric" "llm_complete" (func $complete (param i32 i32) (result i32)))
  (memory (export "memory") 4)
  (func (export "run") (result i32)
    (local $n i32) (local $status i32) (local $len i32)
    (local.set $n (call $size))
    (if (i32.gt_u (local.get $n) (i32.const 131072)) (then (return (i32.const -1))))
    (drop (call $read (i32.const 0) (local.get $n)))
    (loop $again
      (local.set $status (call $complete (i32.const 0) (local.get $n)))
      (br_if $again (i32.ge_s (local.get $status) (i32.const 0))))
    (local.set $len (call $result (i32.const 131072) (i32.const 65536)))
    (drop (call $write (i32.const 131072) (local.get $len)))
    (local.get $status)))
