;; Spins in the start function, which runs while the instance is being created.
(module
  (func $spin (loop $forever (br $forever)))
  (start $spin)
  (func (export "run") (result i32) (i32.const 0)))
