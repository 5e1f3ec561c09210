/**
 * The `vm_hooks` host functions (docs/wasm.md, "Host functions"), declared for AssemblyScript.
 *
 * AssemblyScript imports a `declare function` from the module named after its file, so every
 * function here is imported as `vm_hooks.NAME`: the same effect as `@external("vm_hooks", "NAME")`,
 * in a form prettier can format. Pointers are offsets in the program's memory (`usize`); 32-byte
 * values are big-endian, addresses are 20 bytes. Only the functions a program uses are imported.
 */

/** Copies the calldata (its length is user_entrypoint's argument) to `dest`. */
export declare function read_args(dest: usize): void;
/** Sets the output (or revert data) to `len` bytes at `ptr`; does not stop the program. */
export declare function write_result(ptr: usize, len: usize): void;
/** Stops now: 0 is success, anything else reverts. */
export declare function exit_early(status: i32): void;

/** SLOAD through the call's storage cache: 32-byte key at `key`, 32-byte value to `dest`. */
export declare function storage_load_bytes32(key: usize, dest: usize): void;
/** Writes the storage cache only; `storage_flush_cache` makes it an SSTORE. */
export declare function storage_cache_bytes32(key: usize, value: usize): void;
/** Writes the dirty cached slots as SSTOREs; `clear` != 0 also forgets the cached reads. */
export declare function storage_flush_cache(clear: i32): void;
/** TLOAD / TSTORE (EIP-1153). */
export declare function transient_load_bytes32(key: usize, dest: usize): void;
export declare function transient_store_bytes32(key: usize, value: usize): void;

/** CALL: 20-byte address, calldata, 32-byte value; returns 0 on success, 2 on failure; the return data's length to `retLen`. */
export declare function call_contract(addr: usize, data: usize, len: usize, value: usize, gas: u64, retLen: usize): u8;
export declare function delegate_call_contract(addr: usize, data: usize, len: usize, gas: u64, retLen: usize): u8;
export declare function static_call_contract(addr: usize, data: usize, len: usize, gas: u64, retLen: usize): u8;
/** CREATE / CREATE2: the new address (zero on failure) to `addrOut`, the return data's length to `retLen`. */
export declare function create1(code: usize, len: usize, endowment: usize, addrOut: usize, retLen: usize): void;
export declare function create2(code: usize, len: usize, endowment: usize, salt: usize, addrOut: usize, retLen: usize): void;
/** Copies the last call's return data from `offset`, at most `size` bytes; returns the bytes written. */
export declare function read_return_data(dest: usize, offset: usize, size: usize): usize;
export declare function return_data_size(): usize;

/** LOG0-LOG4: the first 32 * topics bytes are the topics, the rest the data. */
export declare function emit_log(data: usize, len: usize, topics: usize): void;

export declare function account_balance(addr: usize, dest: usize): void;
export declare function account_code(addr: usize, offset: usize, size: usize, dest: usize): usize;
export declare function account_code_size(addr: usize): usize;
export declare function account_codehash(addr: usize, dest: usize): void;

export declare function block_basefee(dest: usize): void;
export declare function block_coinbase(dest: usize): void;
export declare function block_gas_limit(): u64;
export declare function block_number(): u64;
export declare function block_timestamp(): u64;
export declare function chainid(): u64;
export declare function contract_address(dest: usize): void;
export declare function evm_gas_left(): u64;
export declare function evm_ink_left(): u64;

/** 256-bit arithmetic on 32-byte big-endian values; the result replaces `*a`. */
export declare function math_div(a: usize, b: usize): void;
export declare function math_mod(a: usize, b: usize): void;
export declare function math_pow(a: usize, e: usize): void;
export declare function math_add_mod(a: usize, b: usize, m: usize): void;
export declare function math_mul_mod(a: usize, b: usize, m: usize): void;

export declare function msg_reentrant(): i32;
export declare function msg_sender(dest: usize): void;
export declare function msg_value(dest: usize): void;
export declare function native_keccak256(ptr: usize, len: usize, out: usize): void;
export declare function tx_gas_price(dest: usize): void;
export declare function tx_ink_price(): u32;
export declare function tx_origin(dest: usize): void;

/** Pays for `pages` of memory growth; polyvm inserts a call before every memory.grow. */
export declare function pay_for_memory_grow(pages: u16): void;
