;; Sends its input as the http_request JSON and outputs the response JSON; a negative host result
;; is returned as the status.
(module
  (import "infrafabric" "input_size" (func $size (result i32)))
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (import "infrafabric" "result_read" (func $result (param i32 i32) (result i32)))
  (import "infrafabric" "http_request" (func $http (param i32 i32) (result i32)))
  (memory (export "memory") 4)
  (func (export "run") (result i32) (local $n i32) (local $r i32)
    (local.set $n (call $size))
    (drop (call $read (i32.const 0) (local.get $n)))
    (local.set $r (call $http (i32.const 0) (local.get $n)))
    (if (i32.lt_s (local.get $r) (i32.const 0)) (then (return (local.get $r))))
    (drop (call $result (i32.const 65536) (local.get $r)))
    (drop (call $write (i32.const 65536) (local.get $r)))
    (i32.const 0)))
