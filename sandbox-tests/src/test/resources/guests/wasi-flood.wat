;; A WASI command writing 1 KiB to fd 1 (input "o") or fd 2 (otherwise) forever.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $fd i32)
    (i32.store (i32.const 0) (i32.const 256))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (local.set $fd (select (i32.const 1) (i32.const 2) (i32.eq (i32.load8_u (i32.const 257)) (i32.const 111))))
    (i32.store (i32.const 16) (i32.const 1024))
    (i32.store (i32.const 20) (i32.const 1024))
    (loop $again
      (drop (call $fd_write (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24)))
      (br $again))))
