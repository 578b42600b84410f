;; Puts 256 KiB values under the keys "k!", "k\"", ... (94 keys) until a put is refused, then
;; succeeds with a JSON string holding one "y" per value stored.
(module
  (import "infrafabric" "kv_put" (func $put (param i32 i32 i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (memory (export "memory") 5)
  (func (export "run") (result i32) (local $i i32)
    (memory.fill (i32.const 65536) (i32.const 120) (i32.const 262144))
    (i32.store8 (i32.const 0) (i32.const 107))
    (i32.store8 (i32.const 1024) (i32.const 34))
    (block $full
      (loop $again
        (br_if $full (i32.ge_u (local.get $i) (i32.const 94)))
        (i32.store8 (i32.const 1) (i32.add (i32.const 33) (local.get $i)))
        (br_if $full
          (i32.ne
            (call $put (i32.const 0) (i32.const 2) (i32.const 65536) (i32.const 262144))
            (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (i32.store8 (i32.add (i32.const 1024) (local.get $i)) (i32.const 121))
        (br $again)))
    (i32.store8 (i32.add (i32.const 1025) (local.get $i)) (i32.const 34))
    (drop (call $write (i32.const 1024) (i32.add (local.get $i) (i32.const 2))))
    (i32.const 0)))
