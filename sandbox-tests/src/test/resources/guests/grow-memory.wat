;; Asks for 100 more pages; writes "refused" if memory.grow says no, "granted" otherwise.
(module
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\"refused\"\"granted\"")
  (func (export "run") (result i32)
    (if (i32.eq (memory.grow (i32.const 100)) (i32.const -1))
      (then (drop (call $write (i32.const 0) (i32.const 9))))
      (else (drop (call $write (i32.const 9) (i32.const 9)))))
    (i32.const 0)))
