;; Grows memory one page at a time until refused, then traps: a guest failing at its limit.
(module
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable))
