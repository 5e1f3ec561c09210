/** The state root (a secure trie of accounts, each with the root of its storage trie) and the logs hash. */
import { addressToBytes } from '../primitives/address.js';
import { bigintToBytes, bigintToFixedBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { rlpEncode } from '../primitives/rlp.js';
import type { Log } from '../host/index.js';
import type { Account } from './account.js';
import { secureTrieRoot } from './trie.js';

export function storageRoot(account: Account): Uint8Array {
  const entries: [Uint8Array, Uint8Array][] = [];
  for (const [slot, value] of account.storage) {
    if (value !== 0n) entries.push([bigintToFixedBytes(slot, 32), rlpEncode(bigintToBytes(value))]);
  }
  return secureTrieRoot(entries);
}

export function encodeAccount(account: Account): Uint8Array {
  return rlpEncode([bigintToBytes(account.nonce), bigintToBytes(account.balance), storageRoot(account), account.codeHash]);
}

export function stateRoot(accounts: Iterable<[string, Account]>): Uint8Array {
  const entries: [Uint8Array, Uint8Array][] = [];
  for (const [address, account] of accounts) entries.push([addressToBytes(address), encodeAccount(account)]);
  return secureTrieRoot(entries);
}

/** keccak256 of the RLP list of logs, as the state tests' `logs` field. */
export function logsHash(logs: Log[]): Uint8Array {
  return keccak256(rlpEncode(logs.map((log) => [addressToBytes(log.address), log.topics.map((t) => bigintToFixedBytes(t, 32)), log.data])));
}
