;; Hands host functions a 64 MiB range of its own memory, 40 times. The input is a JSON string whose
;; first character picks the function: "h" http_request, "k" kv_get's key, "p" kv_put's value,
;; "l" log, anything else output_write. Returns the last status the host answered.
(module
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (import "infrafabric" "log" (func $log (param i32 i32 i32) (result i32)))
  (import "infrafabric" "kv_get" (func $get (param i32 i32) (result i32)))
  (import "infrafabric" "kv_put" (func $put (param i32 i32 i32 i32) (result i32)))
  (import "infrafabric" "http_request" (func $http (param i32 i32) (result i32)))
  (memory (export "memory") 1024)
  (func $once (param $op i32) (result i32)
    (if (i32.eq (local.get $op) (i32.const 104))
      (then (return (call $http (i32.const 0) (i32.const 67108864)))))
    (if (i32.eq (local.get $op) (i32.const 107))
      (then (return (call $get (i32.const 0) (i32.const 67108864)))))
    (if (i32.eq (local.get $op) (i32.const 112))
      (then (return (call $put (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 67108864)))))
    (if (i32.eq (local.get $op) (i32.const 108))
      (then (return (call $log (i32.const 2) (i32.const 0) (i32.const 67108864)))))
    (call $write (i32.const 0) (i32.const 67108864)))
  (func (export "run") (result i32) (local $op i32) (local $i i32) (local $status i32)
    (drop (call $read (i32.const 0) (i32.const 8)))
    (local.set $op (i32.load8_u (i32.const 1)))
    (loop $again
      (local.set $status (call $once (local.get $op)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 40))))
    (local.get $status)))
