;; Asks a model for one chat completion (capability llm, invoked under a grant).
;; Input: the llm_complete request, e.g.
;;   {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":64}
;; Output: the completion JSON {"model","content","finish_reason","usage","cost_micros",
;; "remaining_micros"}; on a refusal, the error JSON the host left pending
;; ({"error":"BUDGET_DENIED","message":...,"remaining_micros":...}) with the error code as status.
(module
  (import "infrafabric" "input_size" (func $size (result i32)))
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (import "infrafabric" "result_read" (func $result (param i32 i32) (result i32)))
  (import "infrafabric" "llm_complete" (func $complete (param i32 i32) (result i32)))
  (memory (export "memory") 4)
  (func (export "run") (result i32) (local $n i32) (local $status i32) (local $len i32)
    (local.set $n (call $size))
    (drop (call $read (i32.const 0) (local.get $n)))
    (local.set $status (call $complete (i32.const 0) (local.get $n)))
    ;; Success or not, the result slot holds JSON: copy it out whole.
    (local.set $len (call $result (i32.const 65536) (i32.const 131072)))
    (drop (call $write (i32.const 65536) (local.get $len)))
    (if (i32.lt_s (local.get $status) (i32.const 0)) (then (return (local.get $status))))
    (i32.const 0)))
