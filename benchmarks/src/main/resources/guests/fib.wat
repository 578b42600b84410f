;; The CPU-bound tool: naive recursive fib(27), about 300,000 calls, then outputs {}.
(module
  (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "{}")
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "run") (result i32)
    (i32.store (i32.const 0) (call $fib (i32.const 27)))
    (drop (call $write (i32.const 16) (i32.const 2)))
    (i32.const 0)))
