/*
 * abi.h: Solidity ABI and storage helpers for Stylus programs written in C, over the vm_hooks
 * imports of stylus.h (beside it). Header-only and small on purpose: enough
 * for an ERC-20 and for calling other contracts, in a few hundred lines a reader can check.
 *
 *   - u256: 256-bit unsigned words as 32 big-endian bytes, the ABI's and storage's layout, with
 *     add and sub that report overflow, compare, and conversions from addresses and integers.
 *   - Calldata: abi_read_args reads it once; abi_selector, abi_arg_word and abi_arg_address
 *     decode the 4-byte selector and static arguments, refusing short calldata and addresses with
 *     dirty high bits, as Solidity does.
 *   - Results and reverts: abi_return_word/bool/string; abi_revert_error for custom errors
 *     (selector + static words), abi_revert_panic for Solidity's Panic(uint256).
 *   - Storage through the host's cache: sto_load/sto_store, and sto_mapping_slot for Solidity's
 *     mapping layout, keccak256(key ‖ slot). Nothing flushes for the program: call
 *     storage_flush_cache before returning success and before calling another contract.
 *   - Events: abi_emit with up to 4 topics and static data words.
 *   - Calls: abi_encode_call builds selector + words; abi_call/abi_static_call run it and keep
 *     the return data for abi_return_data_word, or abi_bubble_revert to pass a revert on.
 *   - ABI_ENTRYPOINT(dispatch): user_entrypoint around a dispatch function, with the flush.
 *
 * Every function that "returns a status" returns what user_entrypoint should return: 0 success,
 * 1 revert. Build with: clang --target=wasm32 -mcpu=mvp -Os -nostdlib -ffreestanding
 * -I sdk/c (see examples/wasm/erc20-c/README.md).
 */
#ifndef POLYVM_ABI_H
#define POLYVM_ABI_H

#include "stylus.h"

/* ------------------------------------------------------------------------------------------ */
/* 256-bit words                                                                               */

typedef struct {
  uint8_t bytes[32]; /* big-endian */
} u256;

typedef struct {
  uint8_t bytes[20];
} address_t;

static inline void u256_zero(u256 *out) {
  for (int i = 0; i < 32; i++) out->bytes[i] = 0;
}

static inline void u256_from_u64(u256 *out, uint64_t value) {
  u256_zero(out);
  for (int i = 31; i >= 24; i--, value >>= 8) out->bytes[i] = (uint8_t)value;
}

static inline void u256_max(u256 *out) {
  for (int i = 0; i < 32; i++) out->bytes[i] = 0xff;
}

static inline bool u256_is_zero(const u256 *a) {
  uint8_t any = 0;
  for (int i = 0; i < 32; i++) any |= a->bytes[i];
  return any == 0;
}

static inline bool u256_is_max(const u256 *a) {
  uint8_t all = 0xff;
  for (int i = 0; i < 32; i++) all &= a->bytes[i];
  return all == 0xff;
}

/* -1, 0 or 1 as a < b, a == b, a > b. */
static inline int u256_cmp(const u256 *a, const u256 *b) {
  for (int i = 0; i < 32; i++) {
    if (a->bytes[i] != b->bytes[i]) return a->bytes[i] < b->bytes[i] ? -1 : 1;
  }
  return 0;
}

/* out = a + b mod 2^256; true when the sum overflowed. out may alias a or b. */
static inline bool u256_add(u256 *out, const u256 *a, const u256 *b) {
  unsigned carry = 0;
  for (int i = 31; i >= 0; i--) {
    unsigned sum = (unsigned)a->bytes[i] + b->bytes[i] + carry;
    out->bytes[i] = (uint8_t)sum;
    carry = sum >> 8;
  }
  return carry != 0;
}

/* out = a - b mod 2^256; true when b > a (the difference borrowed). out may alias a or b. */
static inline bool u256_sub(u256 *out, const u256 *a, const u256 *b) {
  unsigned borrow = 0;
  for (int i = 31; i >= 0; i--) {
    unsigned diff = (unsigned)a->bytes[i] - b->bytes[i] - borrow;
    out->bytes[i] = (uint8_t)diff;
    borrow = (diff >> 8) & 1;
  }
  return borrow != 0;
}

/* The address as an ABI word: 12 zero bytes, then the 20 bytes. */
static inline void u256_from_address(u256 *out, const address_t *a) {
  for (int i = 0; i < 12; i++) out->bytes[i] = 0;
  for (int i = 0; i < 20; i++) out->bytes[12 + i] = a->bytes[i];
}

static inline bool address_is_zero(const address_t *a) {
  uint8_t any = 0;
  for (int i = 0; i < 20; i++) any |= a->bytes[i];
  return any == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Calldata                                                                                    */

#ifndef ABI_MAX_ARGS
#define ABI_MAX_ARGS 1024
#endif

static uint8_t abi_args[ABI_MAX_ARGS];
static size_t abi_args_len;

/* Reads the calldata into abi_args; false when it is longer than ABI_MAX_ARGS. */
static inline bool abi_read_args(int32_t len) {
  if (len < 0 || (size_t)len > sizeof abi_args) return false;
  abi_args_len = (size_t)len;
  read_args(abi_args);
  return true;
}

/* The 4-byte selector, or 0 when the calldata is shorter than 4 bytes. */
static inline uint32_t abi_selector(void) {
  if (abi_args_len < 4) return 0;
  return (uint32_t)abi_args[0] << 24 | (uint32_t)abi_args[1] << 16 | (uint32_t)abi_args[2] << 8 | abi_args[3];
}

/* Static argument `index` (0-based, after the selector); false when the calldata is too short. */
static inline bool abi_arg_word(size_t index, u256 *out) {
  size_t at = 4 + 32 * index;
  if (abi_args_len < at + 32) return false;
  for (int i = 0; i < 32; i++) out->bytes[i] = abi_args[at + i];
  return true;
}

/* An address argument; false when the calldata is too short or the high 12 bytes are not zero. */
static inline bool abi_arg_address(size_t index, address_t *out) {
  u256 word;
  if (!abi_arg_word(index, &word)) return false;
  for (int i = 0; i < 12; i++) {
    if (word.bytes[i] != 0) return false;
  }
  for (int i = 0; i < 20; i++) out->bytes[i] = word.bytes[12 + i];
  return true;
}

/* ------------------------------------------------------------------------------------------ */
/* Results and reverts                                                                         */

/* Scratch space for results, revert data, events and call data. */
static uint8_t abi_buffer[4 + 32 * 8];

static inline int32_t abi_return_word(const u256 *value) {
  write_result(value->bytes, 32);
  return 0;
}

static inline int32_t abi_return_bool(bool value) {
  u256 word;
  u256_from_u64(&word, value ? 1 : 0);
  return abi_return_word(&word);
}

/* A `string` return value: offset 0x20, length, then the bytes padded to a whole word (len ≤ 192). */
static inline int32_t abi_return_string(const char *text, size_t len) {
  size_t padded = (len + 31) / 32 * 32;
  if (64 + padded > sizeof abi_buffer) return 1;
  for (size_t i = 0; i < 64 + padded; i++) abi_buffer[i] = 0;
  abi_buffer[31] = 0x20;
  abi_buffer[63] = (uint8_t)len;
  for (size_t i = 0; i < len; i++) abi_buffer[64 + i] = (uint8_t)text[i];
  write_result(abi_buffer, 64 + padded);
  return 0;
}

/* Reverts with a custom error: the selector of its signature, then `count` static words (≤ 8). */
static inline int32_t abi_revert_error(uint32_t selector, const u256 *words, size_t count) {
  abi_buffer[0] = (uint8_t)(selector >> 24);
  abi_buffer[1] = (uint8_t)(selector >> 16);
  abi_buffer[2] = (uint8_t)(selector >> 8);
  abi_buffer[3] = (uint8_t)selector;
  for (size_t w = 0; w < count && w < 8; w++) {
    for (int i = 0; i < 32; i++) abi_buffer[4 + 32 * w + i] = words[w].bytes[i];
  }
  write_result(abi_buffer, 4 + 32 * (count < 8 ? count : 8));
  return 1;
}

/* Solidity's Panic(uint256): 0x11 is arithmetic overflow. */
#define ABI_PANIC_OVERFLOW 0x11
static inline int32_t abi_revert_panic(uint8_t code) {
  u256 word;
  u256_from_u64(&word, code);
  return abi_revert_error(0x4e487b71u, &word, 1);
}

/* A revert with no data, as Solidity's for an unknown selector, short calldata or sent value. */
static inline int32_t abi_revert_empty(void) {
  return 1;
}

/* Reverts unless the call carries no value (for functions that are not payable). */
static inline bool abi_no_value(void) {
  u256 value;
  msg_value(value.bytes);
  return u256_is_zero(&value);
}

/* ------------------------------------------------------------------------------------------ */
/* Storage, laid out as Solidity lays it out                                                   */

static inline void sto_load(const u256 *slot, u256 *out) {
  storage_load_bytes32(slot->bytes, out->bytes);
}

/* Writes the cache only: flush (storage_flush_cache) before returning and before calls. */
static inline void sto_store(const u256 *slot, const u256 *value) {
  storage_cache_bytes32(slot->bytes, value->bytes);
}

/* The slot of mapping[key] for a mapping declared at `slot`: keccak256(key ‖ slot). */
static inline void sto_mapping_slot(u256 *out, const u256 *key, const u256 *slot) {
  uint8_t preimage[64];
  for (int i = 0; i < 32; i++) {
    preimage[i] = key->bytes[i];
    preimage[32 + i] = slot->bytes[i];
  }
  native_keccak256(preimage, 64, out->bytes);
}

/* ------------------------------------------------------------------------------------------ */
/* Events                                                                                      */

/* Emits a log: `topic_count` topics (≤ 4; topics[0] is the event's keccak256 signature for a
   non-anonymous event), then `word_count` data words (≤ 4). */
static inline void abi_emit(const u256 *topics, size_t topic_count, const u256 *words, size_t word_count) {
  size_t at = 0;
  for (size_t t = 0; t < topic_count; t++, at += 32) {
    for (int i = 0; i < 32; i++) abi_buffer[at + i] = topics[t].bytes[i];
  }
  for (size_t w = 0; w < word_count; w++, at += 32) {
    for (int i = 0; i < 32; i++) abi_buffer[at + i] = words[w].bytes[i];
  }
  emit_log(abi_buffer, at, topic_count);
}

/* ------------------------------------------------------------------------------------------ */
/* Calls to other contracts (EVM or WebAssembly alike)                                         */

/* Writes selector + `count` static words (≤ 8) into abi_buffer; returns the length. */
static inline size_t abi_encode_call(uint32_t selector, const u256 *words, size_t count) {
  if (count > 8) count = 8;
  abi_buffer[0] = (uint8_t)(selector >> 24);
  abi_buffer[1] = (uint8_t)(selector >> 16);
  abi_buffer[2] = (uint8_t)(selector >> 8);
  abi_buffer[3] = (uint8_t)selector;
  for (size_t w = 0; w < count; w++) {
    for (int i = 0; i < 32; i++) abi_buffer[4 + 32 * w + i] = words[w].bytes[i];
  }
  return 4 + 32 * count;
}

/* CALL with no value and all the gas the 63/64 rule allows; true on success. The cache is flushed
   and cleared first, so the callee (and a re-entrant call back) sees this program's writes and the
   program reads state afresh afterwards. */
static inline bool abi_call(const address_t *to, uint32_t selector, const u256 *words, size_t count) {
  static const u256 zero;
  size_t len = abi_encode_call(selector, words, count);
  size_t return_len = 0;
  storage_flush_cache(true);
  return call_contract(to->bytes, abi_buffer, len, zero.bytes, UINT64_MAX, &return_len) == 0;
}

/* STATICCALL with all the gas the 63/64 rule allows; true on success. */
static inline bool abi_static_call(const address_t *to, uint32_t selector, const u256 *words, size_t count) {
  size_t len = abi_encode_call(selector, words, count);
  size_t return_len = 0;
  return static_call_contract(to->bytes, abi_buffer, len, UINT64_MAX, &return_len) == 0;
}

/* Word `index` of the last call's return data; false when the data is too short. */
static inline bool abi_return_data_word(size_t index, u256 *out) {
  if (return_data_size() < 32 * (index + 1)) return false;
  return read_return_data(out->bytes, 32 * index, 32) == 32;
}

/* Reverts with the last call's return data (its revert reason), up to 1 KiB. */
static inline int32_t abi_bubble_revert(void) {
  size_t len = read_return_data(abi_args, 0, sizeof abi_args);
  write_result(abi_args, len);
  return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* The entrypoint                                                                              */

/* Defines user_entrypoint around `dispatch` (int32_t dispatch(void), returning a status): it
   reads the calldata, runs dispatch, and flushes the storage cache when dispatch succeeded (a
   revert discards the writes anyway). pay_for_memory_grow(0) keeps the import that activation
   requires of a module whose memory can grow, as wasm-ld's can. */
#define ABI_ENTRYPOINT(dispatch)                                  \
  ENTRYPOINT {                                                    \
    pay_for_memory_grow(0);                                       \
    if (!abi_read_args(args_len)) return abi_revert_empty();      \
    int32_t status = dispatch();                                  \
    if (status == 0) storage_flush_cache(true);                   \
    return status;                                                \
  }

#endif
