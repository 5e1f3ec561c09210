/**
 * The `console` host functions: printing for debugging, free, printed by the node as
 * `program: ...`. Linked on polyvm chains (and Arbitrum's debug chains), refused on Arbitrum One.
 * Imported from module `console` because that is this file's name.
 */
export declare function log_txt(ptr: usize, len: usize): void;
export declare function log_i32(value: i32): void;
export declare function log_i64(value: i64): void;
