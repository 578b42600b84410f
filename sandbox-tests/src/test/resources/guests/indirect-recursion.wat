;; Two functions recursing into each other through call_indirect.
(module
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $ping $pong)
  (func $ping (type $t) (call_indirect (type $t) (local.get 0) (i32.const 1)))
  (func $pong (type $t) (call_indirect (type $t) (local.get 0) (i32.const 0)))
  (func (export "run") (result i32) (call $ping (i32.const 0))))
