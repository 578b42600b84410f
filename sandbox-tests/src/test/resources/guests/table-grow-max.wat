;; Grows a one-entry table by 2^31 - 1, whose sum with the size overflows a Java int; writes
;; "refused" if table.grow says no.
(module
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\"refused\"\"granted\"")
  (table 1 funcref)
  (func (export "run") (result i32)
    (if (i32.eq (table.grow (ref.null func) (i32.const 0x7fffffff)) (i32.const -1))
      (then (drop (call $write (i32.const 0) (i32.const 9))))
      (else (drop (call $write (i32.const 9) (i32.const 9)))))
    (i32.const 0)))
