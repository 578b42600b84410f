;; A plain WASI command: copies stdin to stdout, then tries to open /etc/passwd relative to fd 3
;; and exits with the errno it got (0 would mean a file system was reachable).
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 512) "etc/passwd")
  (func (export "_start") (local $errno i32)
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 4096))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 16) (i32.const 1024))
    (i32.store (i32.const 20) (i32.load (i32.const 8)))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (drop (call $env_sizes (i32.const 32) (i32.const 36)))
    (if (i32.ne (i32.load (i32.const 32)) (i32.const 0)) (then (call $exit (i32.const 100))))
    (local.set $errno
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 512) (i32.const 10)
        (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 40)))
    (if (i32.eqz (local.get $errno)) (then (call $exit (i32.const 101))))))
