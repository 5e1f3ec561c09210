/*
 * A WebAssembly (C) program that calls ERC-20 tokens, whichever VM runs them: a Solidity token on
 * the EVM or another program.
 *
 *   balanceOf(address token, address account) returns (uint256)
 *       STATICCALLs token.balanceOf(account) and returns the answer.
 *   forward(address token, address to, uint256 amount) returns (bool)
 *       CALLs token.transfer(to, amount), paying from this program's own balance, and adds
 *       `amount` to forwarded() first (checks-effects-interactions: abi_call flushes the storage
 *       cache before the call). A token's revert is passed on unchanged; a call that succeeds
 *       without returning true reverts with TransferFailed(token).
 *   forwarded() returns (uint256)
 *       The total of all forwards (slot 0).
 */
#include "abi.h"

#define SEL_BALANCE_OF_AT 0xf7888aecu /* balanceOf(address,address) */
#define SEL_FORWARD 0xbd2530e5u       /* forward(address,address,uint256) */
#define SEL_FORWARDED 0xd5273e32u     /* forwarded() */
#define ERC20_BALANCE_OF 0x70a08231u  /* balanceOf(address) */
#define ERC20_TRANSFER 0xa9059cbbu    /* transfer(address,uint256) */
#define ERR_TRANSFER_FAILED 0x39f1c8d9u /* TransferFailed(address) */

static int32_t dispatch(void) {
  if (!abi_no_value()) return abi_revert_empty();
  address_t token;
  u256 words[2], value, slot;
  u256_zero(&slot);
  switch (abi_selector()) {
    case SEL_BALANCE_OF_AT: {
      address_t account;
      if (!abi_arg_address(0, &token) || !abi_arg_address(1, &account)) return abi_revert_empty();
      u256_from_address(&words[0], &account);
      if (!abi_static_call(&token, ERC20_BALANCE_OF, words, 1)) return abi_bubble_revert();
      if (!abi_return_data_word(0, &value)) return abi_revert_empty();
      return abi_return_word(&value);
    }
    case SEL_FORWARD: {
      address_t to;
      if (!abi_arg_address(0, &token) || !abi_arg_address(1, &to) || !abi_arg_word(2, &words[1])) return abi_revert_empty();
      u256 total;
      sto_load(&slot, &total);
      if (u256_add(&total, &total, &words[1])) return abi_revert_panic(ABI_PANIC_OVERFLOW);
      sto_store(&slot, &total);
      u256_from_address(&words[0], &to);
      if (!abi_call(&token, ERC20_TRANSFER, words, 2)) return abi_bubble_revert();
      u256 one;
      u256_from_u64(&one, 1);
      if (!abi_return_data_word(0, &value) || u256_cmp(&value, &one) != 0) {
        u256_from_address(&value, &token);
        return abi_revert_error(ERR_TRANSFER_FAILED, &value, 1);
      }
      return abi_return_bool(true);
    }
    case SEL_FORWARDED:
      sto_load(&slot, &value);
      return abi_return_word(&value);
    default:
      return abi_revert_empty();
  }
}

ABI_ENTRYPOINT(dispatch)
