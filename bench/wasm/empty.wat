;; The smallest program: one fixed page of memory and an entrypoint that succeeds with no output.
;; The callee of the cross-VM call benchmark (beside an EVM contract that is a single STOP).
(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32)
    i32.const 0))
