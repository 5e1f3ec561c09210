/*
 * Calls every vm_hooks function once, picked by the first byte of calldata, so the linked module
 * imports all of them at the types stylus.h declares: the test compares those with hostio.ts.
 */
#include "stylus.h"

static uint8_t args[256];
static uint8_t a[32], b[32], c[32], out[64];
static size_t len;

ENTRYPOINT {
  read_args(args);
  uint64_t word = 0;
  switch (args[0]) {
    case 0: write_result(args, (size_t)args_len); break;
    case 1: exit_early(1); break;
    case 2: storage_load_bytes32(a, out); break;
    case 3: storage_cache_bytes32(a, b); break;
    case 4: storage_flush_cache(args[1] != 0); break;
    case 5: transient_load_bytes32(a, out); break;
    case 6: transient_store_bytes32(a, b); break;
    case 7: out[0] = call_contract(a, args, 4, b, 100000, &len); break;
    case 8: out[0] = delegate_call_contract(a, args, 4, 100000, &len); break;
    case 9: out[0] = static_call_contract(a, args, 4, 100000, &len); break;
    case 10: create1(args, 4, b, out, &len); break;
    case 11: create2(args, 4, b, c, out, &len); break;
    case 12: len = read_return_data(out, 0, 32); break;
    case 13: len = return_data_size(); break;
    case 14: emit_log(args, 64, 1); break;
    case 15: account_balance(a, out); break;
    case 16: len = account_code(a, 0, 32, out); break;
    case 17: len = account_code_size(a); break;
    case 18: account_codehash(a, out); break;
    case 19: block_basefee(out); break;
    case 20: block_coinbase(out); break;
    case 21: word = block_gas_limit(); break;
    case 22: word = block_number(); break;
    case 23: word = block_timestamp(); break;
    case 24: word = chainid(); break;
    case 25: contract_address(out); break;
    case 26: word = evm_gas_left(); break;
    case 27: word = evm_ink_left(); break;
    case 28: math_div(a, b); break;
    case 29: math_mod(a, b); break;
    case 30: math_pow(a, b); break;
    case 31: math_add_mod(a, b, c); break;
    case 32: math_mul_mod(a, b, c); break;
    case 33: out[0] = msg_reentrant(); break;
    case 34: msg_sender(out); break;
    case 35: msg_value(out); break;
    case 36: native_keccak256(args, 32, out); break;
    case 37: tx_gas_price(out); break;
    case 38: word = tx_ink_price(); break;
    case 39: tx_origin(out); break;
    case 40: pay_for_memory_grow(1); break;
  }
  for (int i = 0; i < 8; i++) out[32 + i] = (uint8_t)(word >> (56 - 8 * i));
  out[40] = (uint8_t)len;
  write_result(out, sizeof out);
  return 0;
}
