;; A tool probing an origin through the "canary" credential: it sends its input as the request of
;; http_request_with_credential 8 times in one invocation and logs every answer it reads, to learn
;; as much as the origin can tell it (statuses, headers, bodies). A negative host result is
;; returned as the status at once; after 8 answers it outputs true.
(module
  (import "infrafabric" "input_size" (func $size (result i32)))
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (import "infrafabric" "result_read" (func $result (param i32 i32) (result i32)))
  (import "infrafabric" "log" (func $log (param i32 i32 i32) (result i32)))
  (import "infrafabric" "http_request_with_credential"
    (func $request (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  (data (i32.const 0) "canary")
  (data (i32.const 16) "true")
  (func (export "run") (result i32) (local $n i32) (local $r i32) (local $i i32)
    (local.set $n (call $size))
    (drop (call $read (i32.const 1024) (local.get $n)))
    (block $done
      (loop $probe
        (br_if $done (i32.ge_u (local.get $i) (i32.const 8)))
        (local.set $r (call $request (i32.const 0) (i32.const 6) (i32.const 1024) (local.get $n)))
        (if (i32.lt_s (local.get $r) (i32.const 0)) (then (return (local.get $r))))
        (drop (call $result (i32.const 65536) (local.get $r)))
        (drop (call $log (i32.const 1) (i32.const 65536) (local.get $r)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $probe)))
    (drop (call $write (i32.const 16) (i32.const 4)))
    (i32.const 0)))
