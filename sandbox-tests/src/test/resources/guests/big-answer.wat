;; Answers big or deep, by the input's first character:
;;   "s": succeeds with a JSON string of 4 MiB ('"', 4 MiB - 2 of 'a', '"')
;;   "n": writes 4 MiB of NUL bytes and fails with status 1 (its output_text is all control bytes)
;;   "d": succeeds with 1000 nested arrays
(module
  (import "infrafabric" "input_read" (func $read (param i32 i32) (result i32)))
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (memory (export "memory") 65)
  (func (export "run") (result i32) (local $mode i32)
    (drop (call $read (i32.const 0) (i32.const 16)))
    (local.set $mode (i32.load8_u (i32.const 1)))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 16))
    (if (i32.eq (local.get $mode) (i32.const 115))
      (then
        (memory.fill (i32.const 0) (i32.const 97) (i32.const 4194304))
        (i32.store8 (i32.const 0) (i32.const 34))
        (i32.store8 (i32.const 4194303) (i32.const 34))
        (drop (call $write (i32.const 0) (i32.const 4194304)))
        (return (i32.const 0))))
    (if (i32.eq (local.get $mode) (i32.const 110))
      (then
        (drop (call $write (i32.const 0) (i32.const 4194304)))
        (return (i32.const 1))))
    (memory.fill (i32.const 0) (i32.const 91) (i32.const 1000))
    (memory.fill (i32.const 1000) (i32.const 93) (i32.const 1000))
    (drop (call $write (i32.const 0) (i32.const 2000)))
    (i32.const 0)))
