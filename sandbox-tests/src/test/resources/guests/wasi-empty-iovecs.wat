;; One fd_write of 65,536 zero-length iovecs, to fd 1 (input "o") or fd 2 (otherwise), then
;; exits 0 if the host let it through.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 9)
  (func (export "_start") (local $fd i32) (local $i i32)
    (i32.store (i32.const 0) (i32.const 256))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (local.set $fd (select (i32.const 1) (i32.const 2) (i32.eq (i32.load8_u (i32.const 257)) (i32.const 111))))
    ;; 65,536 iovecs of 8 bytes at 1024: pointer 0, length 0 (memory is zero already)
    (drop (call $fd_write (local.get $fd) (i32.const 1024) (i32.const 65536) (i32.const 16)))))
