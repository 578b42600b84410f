;; Calls host functions with whatever arguments its input says. The input is a JSON string of
;; letters 'a'..'p', two per byte (high nibble first); the bytes are a program of 17-byte steps:
;; one byte choosing the function (modulo 13), then four little-endian i32 arguments (a function
;; uses as many as it takes). The decoded program lives at 32768, so arguments can point at bytes
;; the fuzzer chose (JSON requests, keys, messages) as well as anywhere else.
(module
  (import "infrafabric" "input_size" (func $input_size (result i32)))
  (import "infrafabric" "input_read" (func $input_read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $output_write (param i32 i32) (result i32)))
  (import "infrafabric" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "infrafabric" "log" (func $log (param i32 i32 i32) (result i32)))
  (import "infrafabric" "kv_get" (func $kv_get (param i32 i32) (result i32)))
  (import "infrafabric" "kv_put" (func $kv_put (param i32 i32 i32 i32) (result i32)))
  (import "infrafabric" "kv_delete" (func $kv_delete (param i32 i32) (result i32)))
  (import "infrafabric" "kv_list" (func $kv_list (param i32 i32) (result i32)))
  (import "infrafabric" "http_request" (func $http (param i32 i32) (result i32)))
  (import "infrafabric" "http_request_with_credential" (func $http_cred (param i32 i32 i32 i32) (result i32)))
  (import "infrafabric" "llm_complete" (func $llm (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func $arg (param $pc i32) (param $n i32) (result i32)
    (i32.load (i32.add (local.get $pc) (i32.add (i32.const 1) (i32.mul (local.get $n) (i32.const 4))))))
  (func $step (param $pc i32)
    (local $op i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local.set $op (i32.rem_u (i32.load8_u (local.get $pc)) (i32.const 13)))
    (local.set $a (call $arg (local.get $pc) (i32.const 0)))
    (local.set $b (call $arg (local.get $pc) (i32.const 1)))
    (local.set $c (call $arg (local.get $pc) (i32.const 2)))
    (local.set $d (call $arg (local.get $pc) (i32.const 3)))
    (block $done
      (block $b12 (block $b11 (block $b10 (block $b9 (block $b8 (block $b7 (block $b6
      (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
        (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 $b8 $b9 $b10 $b11 $b12 (local.get $op)))
        (drop (call $input_size)) (br $done))
        (drop (call $input_read (local.get $a) (local.get $b))) (br $done))
        (drop (call $output_write (local.get $a) (local.get $b))) (br $done))
        (drop (call $result_read (local.get $a) (local.get $b))) (br $done))
        (drop (call $log (local.get $a) (local.get $b) (local.get $c))) (br $done))
        (drop (call $kv_get (local.get $a) (local.get $b))) (br $done))
        (drop (call $kv_put (local.get $a) (local.get $b) (local.get $c) (local.get $d))) (br $done))
        (drop (call $kv_delete (local.get $a) (local.get $b))) (br $done))
        (drop (call $kv_list (local.get $a) (local.get $b))) (br $done))
        (drop (call $http (local.get $a) (local.get $b))) (br $done))
        (drop (call $http_cred (local.get $a) (local.get $b) (local.get $c) (local.get $d))) (br $done))
        (drop (call $llm (local.get $a) (local.get $b))) (br $done))
      (drop (call $input_size))))
  (func (export "run") (result i32) (local $n i32) (local $i i32) (local $pc i32) (local $end i32)
    (local.set $n (call $input_size))
    (if (i32.gt_u (local.get $n) (i32.const 32768)) (then (return (i32.const 1))))
    (drop (call $input_read (i32.const 0) (local.get $n)))
    ;; decode the letters after the opening quote into bytes at 32768
    (local.set $i (i32.const 1))
    (local.set $end (i32.const 32768))
    (block $decoded
      (loop $decode
        (br_if $decoded (i32.ge_u (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (i32.store8 (local.get $end)
          (i32.or
            (i32.shl (i32.sub (i32.load8_u (local.get $i)) (i32.const 97)) (i32.const 4))
            (i32.and (i32.sub (i32.load8_u (i32.add (local.get $i) (i32.const 1))) (i32.const 97)) (i32.const 15))))
        (local.set $end (i32.add (local.get $end) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $decode)))
    (local.set $pc (i32.const 32768))
    (block $finished
      (loop $run
        (br_if $finished (i32.gt_u (i32.add (local.get $pc) (i32.const 17)) (local.get $end)))
        (call $step (local.get $pc))
        (local.set $pc (i32.add (local.get $pc) (i32.const 17)))
        (br $run)))
    (drop (call $output_write (i32.const 65000) (i32.const 0)))
    (i32.const 0)))
