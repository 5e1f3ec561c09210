/*
 * An ERC-20 token in C for polyvm's (Arbitrum Stylus-format) WebAssembly programs. It behaves as
 * OpenZeppelin's ERC20 (v5) does, so wallets, viem's erc20Abi and Uniswap V2 use it unchanged:
 *
 *   name() "C Token", symbol() "CTK", decimals() 18, totalSupply(), balanceOf(address),
 *   transfer(address,uint256), approve(address,uint256), allowance(address,address),
 *   transferFrom(address,address,uint256), and init(uint256).
 *
 * Supply: a program has no constructor, so the deployer calls init(supply) once, which mints
 * `supply` to the caller (a Transfer from address 0). A second init reverts with
 * AlreadyInitialized(). Deploy and init from one script: until init runs anyone could call it.
 *
 * Storage is laid out as OpenZeppelin's ERC20 compiled by solc:
 *   slot 0  mapping(address => uint256) balances        balance of a: keccak256(a ‖ 0)
 *   slot 1  mapping(address => mapping(address => uint256)) allowances
 *                                                       allowance of o for s: keccak256(s ‖ keccak256(o ‖ 1))
 *   slot 2  uint256 totalSupply
 *   slot 3  bool initialized (this program's own)
 * Writes go through the host's storage cache and are flushed once, before a successful return.
 *
 * Errors are OpenZeppelin v5's custom errors: ERC20InsufficientBalance(sender, balance, needed),
 * ERC20InsufficientAllowance(spender, allowance, needed), ERC20InvalidSender/Receiver/Spender
 * (address(0)). An allowance of 2^256 - 1 is infinite: transferFrom does not lower it. Unknown
 * selectors, short calldata, dirty address bits and sent value revert with no data, as solc's
 * dispatcher does; an overflowing supply reverts with Panic(0x11).
 */
#include "abi.h"

#define SEL_NAME 0x06fdde03u
#define SEL_SYMBOL 0x95d89b41u
#define SEL_DECIMALS 0x313ce567u
#define SEL_TOTAL_SUPPLY 0x18160dddu
#define SEL_BALANCE_OF 0x70a08231u
#define SEL_TRANSFER 0xa9059cbbu
#define SEL_APPROVE 0x095ea7b3u
#define SEL_ALLOWANCE 0xdd62ed3eu
#define SEL_TRANSFER_FROM 0x23b872ddu
#define SEL_INIT 0xb7b0422du

#define ERR_INSUFFICIENT_BALANCE 0xe450d38cu   /* ERC20InsufficientBalance(address,uint256,uint256) */
#define ERR_INVALID_SENDER 0x96c6fd1eu         /* ERC20InvalidSender(address) */
#define ERR_INVALID_RECEIVER 0xec442f05u       /* ERC20InvalidReceiver(address) */
#define ERR_INSUFFICIENT_ALLOWANCE 0xfb8f41b2u /* ERC20InsufficientAllowance(address,uint256,uint256) */
#define ERR_INVALID_APPROVER 0xe602df05u       /* ERC20InvalidApprover(address) */
#define ERR_INVALID_SPENDER 0x94280d62u        /* ERC20InvalidSpender(address) */
#define ERR_ALREADY_INITIALIZED 0x0dc149f0u    /* AlreadyInitialized() */

/* keccak256("Transfer(address,address,uint256)") and keccak256("Approval(address,address,uint256)") */
static const u256 TRANSFER_EVENT = {{0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0,
                                     0x68, 0xfc, 0x37, 0x8d, 0xaa, 0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4,
                                     0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef}};
static const u256 APPROVAL_EVENT = {{0x8c, 0x5b, 0xe1, 0xe5, 0xeb, 0xec, 0x7d, 0x5b, 0xd1, 0x4f, 0x71,
                                     0x42, 0x7d, 0x1e, 0x84, 0xf3, 0xdd, 0x03, 0x14, 0xc0, 0xf7, 0xb2,
                                     0x29, 0x1e, 0x5b, 0x20, 0x0a, 0xc8, 0xc7, 0xc3, 0xb9, 0x25}};

static const char NAME[] = "C Token";
static const char SYMBOL[] = "CTK";
#define DECIMALS 18

enum { SLOT_BALANCES, SLOT_ALLOWANCES, SLOT_TOTAL_SUPPLY, SLOT_INITIALIZED };

static void slot_of(u256 *out, uint64_t slot) {
  u256_from_u64(out, slot);
}

static void balance_slot(u256 *out, const address_t *owner) {
  u256 key, slot;
  u256_from_address(&key, owner);
  slot_of(&slot, SLOT_BALANCES);
  sto_mapping_slot(out, &key, &slot);
}

static void allowance_slot(u256 *out, const address_t *owner, const address_t *spender) {
  u256 key, slot, inner;
  u256_from_address(&key, owner);
  slot_of(&slot, SLOT_ALLOWANCES);
  sto_mapping_slot(&inner, &key, &slot);
  u256_from_address(&key, spender);
  sto_mapping_slot(out, &key, &inner);
}

static int32_t revert_with_address(uint32_t error, const address_t *who) {
  u256 word;
  u256_from_address(&word, who);
  return abi_revert_error(error, &word, 1);
}

/* An error(address who, uint256 have, uint256 needed), as OpenZeppelin's Insufficient... errors. */
static int32_t revert_insufficient(uint32_t error, const address_t *who, const u256 *have, const u256 *needed) {
  u256 words[3];
  u256_from_address(&words[0], who);
  words[1] = *have;
  words[2] = *needed;
  return abi_revert_error(error, words, 3);
}

static void emit_pair_event(const u256 *signature, const address_t *a, const address_t *b, const u256 *value) {
  u256 topics[3];
  topics[0] = *signature;
  u256_from_address(&topics[1], a);
  u256_from_address(&topics[2], b);
  abi_emit(topics, 3, value, 1);
}

/* OpenZeppelin's _update: moves `value` from `from` to `to`; address 0 on either side mints or burns. */
static int32_t update(const address_t *from, const address_t *to, const u256 *value) {
  u256 slot, balance;
  if (address_is_zero(from)) {
    slot_of(&slot, SLOT_TOTAL_SUPPLY);
    sto_load(&slot, &balance);
    if (u256_add(&balance, &balance, value)) return abi_revert_panic(ABI_PANIC_OVERFLOW);
    sto_store(&slot, &balance);
  } else {
    balance_slot(&slot, from);
    sto_load(&slot, &balance);
    u256 remaining;
    if (u256_sub(&remaining, &balance, value)) return revert_insufficient(ERR_INSUFFICIENT_BALANCE, from, &balance, value);
    sto_store(&slot, &remaining);
  }
  if (address_is_zero(to)) {
    slot_of(&slot, SLOT_TOTAL_SUPPLY);
    sto_load(&slot, &balance);
    u256_sub(&balance, &balance, value); /* cannot borrow: value ≤ a balance ≤ the supply */
    sto_store(&slot, &balance);
  } else {
    /* Read after the debit, so a transfer to oneself leaves the balance as it was. */
    balance_slot(&slot, to);
    sto_load(&slot, &balance);
    if (u256_add(&balance, &balance, value)) return abi_revert_panic(ABI_PANIC_OVERFLOW);
    sto_store(&slot, &balance);
  }
  emit_pair_event(&TRANSFER_EVENT, from, to, value);
  return 0;
}

static int32_t transfer(const address_t *from, const address_t *to, const u256 *value) {
  static const address_t zero;
  if (address_is_zero(from)) return revert_with_address(ERR_INVALID_SENDER, &zero);
  if (address_is_zero(to)) return revert_with_address(ERR_INVALID_RECEIVER, &zero);
  return update(from, to, value);
}

static int32_t approve(const address_t *owner, const address_t *spender, const u256 *value, bool emit) {
  static const address_t zero;
  if (address_is_zero(owner)) return revert_with_address(ERR_INVALID_APPROVER, &zero);
  if (address_is_zero(spender)) return revert_with_address(ERR_INVALID_SPENDER, &zero);
  u256 slot;
  allowance_slot(&slot, owner, spender);
  sto_store(&slot, value);
  if (emit) emit_pair_event(&APPROVAL_EVENT, owner, spender, value);
  return 0;
}

/* OpenZeppelin's _spendAllowance: an infinite allowance stays; a spend emits no Approval. */
static int32_t spend_allowance(const address_t *owner, const address_t *spender, const u256 *value) {
  u256 slot, allowance;
  allowance_slot(&slot, owner, spender);
  sto_load(&slot, &allowance);
  if (u256_is_max(&allowance)) return 0;
  u256 remaining;
  if (u256_sub(&remaining, &allowance, value)) return revert_insufficient(ERR_INSUFFICIENT_ALLOWANCE, spender, &allowance, value);
  return approve(owner, spender, &remaining, false);
}

static int32_t dispatch(void) {
  uint32_t selector = abi_selector();
  if (!abi_no_value()) return abi_revert_empty();
  address_t sender, a, b;
  u256 value, slot;
  msg_sender(sender.bytes);
  switch (selector) {
    case SEL_NAME:
      return abi_return_string(NAME, sizeof NAME - 1);
    case SEL_SYMBOL:
      return abi_return_string(SYMBOL, sizeof SYMBOL - 1);
    case SEL_DECIMALS:
      u256_from_u64(&value, DECIMALS);
      return abi_return_word(&value);
    case SEL_TOTAL_SUPPLY:
      slot_of(&slot, SLOT_TOTAL_SUPPLY);
      sto_load(&slot, &value);
      return abi_return_word(&value);
    case SEL_BALANCE_OF:
      if (!abi_arg_address(0, &a)) return abi_revert_empty();
      balance_slot(&slot, &a);
      sto_load(&slot, &value);
      return abi_return_word(&value);
    case SEL_ALLOWANCE:
      if (!abi_arg_address(0, &a) || !abi_arg_address(1, &b)) return abi_revert_empty();
      allowance_slot(&slot, &a, &b);
      sto_load(&slot, &value);
      return abi_return_word(&value);
    case SEL_TRANSFER:
      if (!abi_arg_address(0, &a) || !abi_arg_word(1, &value)) return abi_revert_empty();
      if (transfer(&sender, &a, &value) != 0) return 1;
      return abi_return_bool(true);
    case SEL_APPROVE:
      if (!abi_arg_address(0, &a) || !abi_arg_word(1, &value)) return abi_revert_empty();
      if (approve(&sender, &a, &value, true) != 0) return 1;
      return abi_return_bool(true);
    case SEL_TRANSFER_FROM:
      if (!abi_arg_address(0, &a) || !abi_arg_address(1, &b) || !abi_arg_word(2, &value)) return abi_revert_empty();
      if (spend_allowance(&a, &sender, &value) != 0) return 1;
      if (transfer(&a, &b, &value) != 0) return 1;
      return abi_return_bool(true);
    case SEL_INIT: {
      static const address_t zero;
      u256 flag;
      if (!abi_arg_word(0, &value)) return abi_revert_empty();
      slot_of(&slot, SLOT_INITIALIZED);
      sto_load(&slot, &flag);
      if (!u256_is_zero(&flag)) return abi_revert_error(ERR_ALREADY_INITIALIZED, 0, 0);
      u256_from_u64(&flag, 1);
      sto_store(&slot, &flag);
      if (update(&zero, &sender, &value) != 0) return 1;
      write_result(0, 0);
      return 0;
    }
    default:
      return abi_revert_empty();
  }
}

/* Reads the calldata, dispatches, and flushes the storage cache after a success: the host never
   flushes for a program, so without it the writes would be lost. */
ABI_ENTRYPOINT(dispatch)
