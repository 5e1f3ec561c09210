/*
 * The Stylus host interface (module "vm_hooks") for C programs built by polyvm's tests with
 * `clang --target=wasm32`. Names and WebAssembly types match src/wasm/hostio.ts, which follows
 * OffchainLabs/nitro crates/stylus/src/native.rs: pointers and lengths are i32, u64 is i64,
 * u8/u16/u32/bool are i32. Byte arrays are big-endian: addresses 20 bytes, words 32 bytes.
 *
 * Differences from the C SDK's default branch (stylus-sdk-c `stylus`), which nitro no longer
 * links: storage is written through storage_cache_bytes32 and storage_flush_cache (not
 * storage_store_bytes32), memory growth is paid with pay_for_memory_grow (not memory_grow), and
 * tx_ink_price returns uint32_t (i32), not uint64_t.
 *
 * A program exports `int32_t user_entrypoint(int32_t args_len)`: 0 for success, 1 for revert.
 */
#ifndef POLYVM_STYLUS_H
#define POLYVM_STYLUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_HOOK(name) __attribute__((import_module("vm_hooks"), import_name(#name)))
#define ENTRYPOINT __attribute__((export_name("user_entrypoint"))) int32_t user_entrypoint(int32_t args_len)

/* Calldata, results, exit */
VM_HOOK(read_args) void read_args(uint8_t *dest);
VM_HOOK(write_result) void write_result(const uint8_t *data, size_t len);
VM_HOOK(exit_early) void exit_early(int32_t status);

/* Storage (through the per-call cache; flush to make writes stick) and transient storage */
VM_HOOK(storage_load_bytes32) void storage_load_bytes32(const uint8_t *key, uint8_t *dest);
VM_HOOK(storage_cache_bytes32) void storage_cache_bytes32(const uint8_t *key, const uint8_t *value);
VM_HOOK(storage_flush_cache) void storage_flush_cache(bool clear);
VM_HOOK(transient_load_bytes32) void transient_load_bytes32(const uint8_t *key, uint8_t *dest);
VM_HOOK(transient_store_bytes32) void transient_store_bytes32(const uint8_t *key, const uint8_t *value);

/* Calls and creates: status 0 = success; return/revert data length written to *return_data_len */
VM_HOOK(call_contract)
uint8_t call_contract(const uint8_t *contract, const uint8_t *calldata, size_t calldata_len, const uint8_t *value, uint64_t gas,
                      size_t *return_data_len);
VM_HOOK(delegate_call_contract)
uint8_t delegate_call_contract(const uint8_t *contract, const uint8_t *calldata, size_t calldata_len, uint64_t gas, size_t *return_data_len);
VM_HOOK(static_call_contract)
uint8_t static_call_contract(const uint8_t *contract, const uint8_t *calldata, size_t calldata_len, uint64_t gas, size_t *return_data_len);
VM_HOOK(create1)
void create1(const uint8_t *code, size_t code_len, const uint8_t *endowment, uint8_t *contract, size_t *revert_data_len);
VM_HOOK(create2)
void create2(const uint8_t *code, size_t code_len, const uint8_t *endowment, const uint8_t *salt, uint8_t *contract,
             size_t *revert_data_len);
VM_HOOK(read_return_data) size_t read_return_data(uint8_t *dest, size_t offset, size_t size);
VM_HOOK(return_data_size) size_t return_data_size(void);

/* Logs: the first 32 * topics bytes of data are the topics */
VM_HOOK(emit_log) void emit_log(const uint8_t *data, size_t len, size_t topics);

/* Accounts */
VM_HOOK(account_balance) void account_balance(const uint8_t *address, uint8_t *dest);
VM_HOOK(account_code) size_t account_code(const uint8_t *address, size_t offset, size_t size, uint8_t *dest);
VM_HOOK(account_code_size) size_t account_code_size(const uint8_t *address);
VM_HOOK(account_codehash) void account_codehash(const uint8_t *address, uint8_t *dest);

/* Block, transaction and message */
VM_HOOK(block_basefee) void block_basefee(uint8_t *basefee);
VM_HOOK(block_coinbase) void block_coinbase(uint8_t *coinbase);
VM_HOOK(block_gas_limit) uint64_t block_gas_limit(void);
VM_HOOK(block_number) uint64_t block_number(void);
VM_HOOK(block_timestamp) uint64_t block_timestamp(void);
VM_HOOK(chainid) uint64_t chainid(void);
VM_HOOK(contract_address) void contract_address(uint8_t *address);
VM_HOOK(evm_gas_left) uint64_t evm_gas_left(void);
VM_HOOK(evm_ink_left) uint64_t evm_ink_left(void);
VM_HOOK(msg_reentrant) bool msg_reentrant(void);
VM_HOOK(msg_sender) void msg_sender(uint8_t *sender);
VM_HOOK(msg_value) void msg_value(uint8_t *value);
VM_HOOK(tx_gas_price) void tx_gas_price(uint8_t *gas_price);
VM_HOOK(tx_ink_price) uint32_t tx_ink_price(void);
VM_HOOK(tx_origin) void tx_origin(uint8_t *origin);

/* 256-bit arithmetic in place on 32-byte big-endian words: *value = value op ... */
VM_HOOK(math_div) void math_div(uint8_t *value, const uint8_t *divisor);
VM_HOOK(math_mod) void math_mod(uint8_t *value, const uint8_t *modulus);
VM_HOOK(math_pow) void math_pow(uint8_t *value, const uint8_t *exponent);
VM_HOOK(math_add_mod) void math_add_mod(uint8_t *value, const uint8_t *addend, const uint8_t *modulus);
VM_HOOK(math_mul_mod) void math_mul_mod(uint8_t *value, const uint8_t *multiplier, const uint8_t *modulus);

/* Hashing and memory */
VM_HOOK(native_keccak256) void native_keccak256(const uint8_t *bytes, size_t len, uint8_t *output);
VM_HOOK(pay_for_memory_grow) void pay_for_memory_grow(uint16_t pages);

#endif
