;; The demo's useful tool: one search through an operator credential it never sees, then one
;; chat completion charged to the task's budget.
;; Input: a JSON array of two requests, [<http request>, <llm_complete request>], written without
;; spaces between elements (the demo encodes it).
;; Output: {"search": <http response>, "answer": <completion>}; a negative status when a call failed.
(module
  (import "infrafabric" "input_size" (func $size (result i32)))
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (import "infrafabric" "result_read" (func $result (param i32 i32) (result i32)))
  (import "infrafabric" "http_request_with_credential"
    (func $fetch (param i32 i32 i32 i32) (result i32)))
  (import "infrafabric" "llm_complete" (func $complete (param i32 i32) (result i32)))
  (memory (export "memory") 4)
  (data (i32.const 196608) "search-api-key")
  (data (i32.const 196640) "{\"search\":")
  (data (i32.const 196660) ",\"answer\":")
  (data (i32.const 196680) "}")

  ;; Index just past the JSON value that starts at $i (an object or array), skipping strings.
  (func $value_end (param $i i32) (result i32)
    (local $depth i32) (local $quoted i32) (local $c i32)
    (loop $scan
      (local.set $c (i32.load8_u (local.get $i)))
      (if (local.get $quoted)
        (then
          (if (i32.eq (local.get $c) (i32.const 92)) ;; backslash: skip the escaped byte
            (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
          (if (i32.eq (local.get $c) (i32.const 34))
            (then (local.set $quoted (i32.const 0)))))
        (else
          (if (i32.eq (local.get $c) (i32.const 34)) (then (local.set $quoted (i32.const 1))))
          (if (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91)))
            (then (local.set $depth (i32.add (local.get $depth) (i32.const 1)))))
          (if (i32.or (i32.eq (local.get $c) (i32.const 125)) (i32.eq (local.get $c) (i32.const 93)))
            (then
              (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
              (if (i32.eqz (local.get $depth))
                (then (return (i32.add (local.get $i) (i32.const 1)))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $scan))
    (unreachable))

  (func (export "run") (result i32)
    (local $n i32) (local $end1 i32) (local $end2 i32)
    (local $searched i32) (local $answered i32) (local $len1 i32) (local $len2 i32)
    (local.set $n (call $size))
    (if (i32.gt_u (local.get $n) (i32.const 65535)) (then (return (i32.const -1))))
    (drop (call $read (i32.const 0) (local.get $n)))
    (local.set $end1 (call $value_end (i32.const 1)))
    (local.set $end2 (call $value_end (i32.add (local.get $end1) (i32.const 1))))
    (local.set $searched
      (call $fetch (i32.const 196608) (i32.const 14)
        (i32.const 1) (i32.sub (local.get $end1) (i32.const 1))))
    (if (i32.lt_s (local.get $searched) (i32.const 0)) (then (return (local.get $searched))))
    (local.set $len1 (call $result (i32.const 65536) (i32.const 65536)))
    (local.set $answered
      (call $complete (i32.add (local.get $end1) (i32.const 1))
        (i32.sub (i32.sub (local.get $end2) (local.get $end1)) (i32.const 1))))
    (local.set $len2 (call $result (i32.const 131072) (i32.const 65536)))
    (drop (call $write (i32.const 196640) (i32.const 10)))
    (drop (call $write (i32.const 65536) (local.get $len1)))
    (drop (call $write (i32.const 196660) (i32.const 10)))
    (drop (call $write (i32.const 131072) (local.get $len2)))
    (drop (call $write (i32.const 196680) (i32.const 1)))
    (if (i32.lt_s (local.get $answered) (i32.const 0)) (then (return (local.get $answered))))
    (i32.const 0)))
