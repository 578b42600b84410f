;; Grows the table by 10 and returns its new size as the status, so a size that carried over from
;; an earlier invocation shows.
(module
  (table 1 funcref)
  (func (export "run") (result i32)
    (drop (table.grow (ref.null func) (i32.const 10)))
    (table.size)))
