/**
 * Applying the writes of transactions executed in parallel to the real state, in block order,
 * through its ordinary (journaled) methods, as one-by-one execution leaves it.
 */
import type { Address } from '../../primitives/address.js';
import { KECCAK256_EMPTY } from '../../primitives/hash.js';
import { Account } from '../../state/account.js';
import type { WorldState } from '../../state/world-state.js';
import { creditFee, toAccountValue, type WriteSet } from './memory.js';

/** Writes each transaction's changes to `state` in block order, through its ordinary (journaled) methods. */
export function applyWrites(state: WorldState, writes: readonly WriteSet[], coinbase: Address): void {
  for (const w of writes) {
    applyWriteSet(state, w);
    if (w.coinbaseFee !== undefined) creditCoinbase(state, coinbase, w.coinbaseFee);
  }
  state.clearTransaction();
}

/**
 * One transaction's changes but its fee to the coinbase, through the state's journaled methods;
 * the caller clears the transaction's journal (`clearTransaction`) before the next runs.
 */
export function applyWriteSet(state: WorldState, w: WriteSet): void {
  const resets = w.resets.length === 0 ? undefined : new Set(w.resets);
  for (const [address, value] of w.accounts) {
    if (value === null) {
      state.deleteAccount(address);
    } else if (resets?.has(address) === true) {
      state.putAccount(address, Account.fromFields(value));
    } else {
      state.setNonce(address, value.nonce);
      state.setBalance(address, value.balance);
      if (!sameBytes(state.getCodeHash(address), value.codeHash)) state.setCode(address, value.code);
    }
  }
  if (resets !== undefined) {
    for (const address of resets) {
      // Reset without a new value for the account: its fields stayed, its storage went.
      if (!w.accounts.some(([a]) => a === address)) {
        const account = state.getAccount(address);
        if (account === undefined) state.deleteAccount(address);
        else state.putAccount(address, Account.fromFields(account));
      }
    }
  }
  for (const [address, slot, value] of w.storage) state.setStorage(address, slot, value);
}

/**
 * Credits a fee to the coinbase under EIP-161 (an account left empty is deleted). Fees credited
 * one after another end as their sum credited once, so a caller may credit several at once.
 */
export function creditCoinbase(state: WorldState, coinbase: Address, fee: bigint): void {
  const credited = creditFee(toAccountValue(state.getAccount(coinbase)), fee, KECCAK256_EMPTY);
  if (credited === null) {
    if (state.accountExists(coinbase)) state.deleteAccount(coinbase);
  } else state.setBalance(coinbase, credited.balance);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
