;; Repeats one kv call until the host answers it with an error, and returns that error as its
;; status. The input is a JSON string; its first character picks the call:
;;   "p" puts a 1000-byte value under "k", again and again,
;;   "g" puts it once, then gets "k" again and again,
;;   "l" puts it once, then lists every key again and again.
(module
  (import "infrafabric" "input_size" (func $size (result i32)))
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "kv_get" (func $get (param i32 i32) (result i32)))
  (import "infrafabric" "kv_put" (func $put (param i32 i32 i32 i32) (result i32)))
  (import "infrafabric" "kv_list" (func $list (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "k")
  (func $store (result i32) (call $put (i32.const 16) (i32.const 1) (i32.const 1024) (i32.const 1000)))
  (func (export "run") (result i32) (local $op i32) (local $r i32)
    (drop (call $read (i32.const 0) (call $size)))
    (local.set $op (i32.load8_u (i32.const 1)))
    (if (i32.ne (local.get $op) (i32.const 112))
      (then
        (local.set $r (call $store))
        (if (i32.lt_s (local.get $r) (i32.const 0)) (then (return (local.get $r))))))
    (loop $again
      (if (i32.eq (local.get $op) (i32.const 112)) (then (local.set $r (call $store))))
      (if (i32.eq (local.get $op) (i32.const 103))
        (then (local.set $r (call $get (i32.const 16) (i32.const 1)))))
      (if (i32.eq (local.get $op) (i32.const 108))
        (then (local.set $r (call $list (i32.const 0) (i32.const 0)))))
      (br_if $again (i32.ge_s (local.get $r) (i32.const 0))))
    (local.get $r)))
