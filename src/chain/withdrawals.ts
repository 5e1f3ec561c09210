/**
 * EIP-4895 (Shanghai): withdrawals from the beacon chain, credited after the transactions, and
 * the pre-merge block and ommer rewards, credited at the same point of a block.
 */
import type { Address } from '../primitives/address.js';
import { addressToBytes } from '../primitives/address.js';
import { bigintToBytes } from '../primitives/bytes.js';
import { rlpEncode } from '../primitives/rlp.js';
import { trieRoot } from '../state/trie.js';
import type { WorldState } from '../state/world-state.js';
import type { Rules } from '../forks/index.js';
import type { BlockHeader } from './header.js';

export interface Withdrawal {
  index: bigint;
  validatorIndex: bigint;
  address: Address;
  /** In gwei. */
  amount: bigint;
}

const GWEI = 1_000_000_000n;

export function encodeWithdrawal(w: Withdrawal): Uint8Array {
  return rlpEncode([bigintToBytes(w.index), bigintToBytes(w.validatorIndex), addressToBytes(w.address), bigintToBytes(w.amount)]);
}

export function withdrawalsRoot(withdrawals: readonly Withdrawal[]): Uint8Array {
  return trieRoot(withdrawals.map((w, i) => [rlpEncode(bigintToBytes(BigInt(i))), encodeWithdrawal(w)] as const));
}

/** Credits each withdrawal; an account a zero withdrawal leaves empty does not exist (as EIP-161). */
export function applyWithdrawals(state: WorldState, withdrawals: readonly Withdrawal[]): void {
  for (const w of withdrawals) {
    if (w.amount > 0n) state.addBalance(w.address, w.amount * GWEI);
    else if (state.accountExists(w.address) && state.isEmpty(w.address)) state.deleteAccount(w.address);
  }
}

const ETHER = 10n ** 18n;

/** The reward of a pre-merge block's miner: 5 ether, 3 from Byzantium (EIP-649), 2 from Constantinople (EIP-1234), none after the merge. */
export function blockReward(rules: Rules): bigint {
  if (rules.paris) return 0n;
  if (rules.constantinople) return 2n * ETHER;
  if (rules.byzantium) return 3n * ETHER;
  return 5n * ETHER;
}

/**
 * Pays the miner its reward plus 1/32 of it per ommer, and each ommer's miner (8 + ommer number
 * - block number)/8 of it (Yellow Paper §11.3).
 */
export function applyRewards(state: WorldState, coinbase: Address, number: bigint, ommers: readonly BlockHeader[], reward: bigint): void {
  if (reward === 0n) return;
  state.addBalance(coinbase, reward + (reward / 32n) * BigInt(ommers.length));
  for (const ommer of ommers) state.addBalance(ommer.coinbase, ((8n + ommer.number - number) * reward) / 8n);
}
