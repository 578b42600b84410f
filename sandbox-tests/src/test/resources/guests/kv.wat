;; A key-value tool. The input is a JSON string; its first character picks the operation:
;;   "w..." stores the whole input under the key "secret" and echoes it,
;;   "r"    reads "secret" and outputs it,
;;   "k..." stores the whole input under the key equal to the input itself,
;;   "o..." stores the whole input under the key inside its quotes (ranges overlap), reads it back,
;;   "l"    outputs the list of all keys.
;; A negative host result is returned as the status.
(module
  (import "infrafabric" "input_size" (func $size (result i32)))
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (import "infrafabric" "result_read" (func $result (param i32 i32) (result i32)))
  (import "infrafabric" "kv_get" (func $get (param i32 i32) (result i32)))
  (import "infrafabric" "kv_put" (func $put (param i32 i32 i32 i32) (result i32)))
  (import "infrafabric" "kv_list" (func $list (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 60000) "secret")
  (func $emit_result (param $n i32) (result i32)
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (local.get $n))))
    (drop (call $result (i32.const 65536) (local.get $n)))
    (drop (call $write (i32.const 65536) (local.get $n)))
    (i32.const 0))
  (func (export "run") (result i32) (local $n i32) (local $op i32) (local $r i32)
    (local.set $n (call $size))
    (drop (call $read (i32.const 0) (local.get $n)))
    (local.set $op (i32.load8_u (i32.const 1)))
    (if (i32.eq (local.get $op) (i32.const 119))
      (then
        (local.set $r (call $put (i32.const 60000) (i32.const 6) (i32.const 0) (local.get $n)))
        (if (i32.lt_s (local.get $r) (i32.const 0)) (then (return (local.get $r))))
        (drop (call $write (i32.const 0) (local.get $n)))
        (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 114))
      (then (return (call $emit_result (call $get (i32.const 60000) (i32.const 6))))))
    (if (i32.eq (local.get $op) (i32.const 107))
      (then
        (local.set $r (call $put (i32.const 0) (local.get $n) (i32.const 0) (local.get $n)))
        (if (i32.lt_s (local.get $r) (i32.const 0)) (then (return (local.get $r))))
        (drop (call $write (i32.const 0) (local.get $n)))
        (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 111))
      (then
        (local.set $r (call $put (i32.const 1) (i32.sub (local.get $n) (i32.const 2)) (i32.const 0) (local.get $n)))
        (if (i32.lt_s (local.get $r) (i32.const 0)) (then (return (local.get $r))))
        (return (call $emit_result (call $get (i32.const 1) (i32.sub (local.get $n) (i32.const 2)))))))
    (call $emit_result (call $list (i32.const 0) (i32.const 0)))))
