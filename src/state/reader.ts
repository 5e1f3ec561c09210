/**
 * A committed state, read per location. The journaled `WorldState` sits on top of one: the
 * in-memory state, an earlier block's state (the dev node's history), another `WorldState` (a
 * throw-away overlay for calls) and, later, a remote chain (a fork read over JSON-RPC) all
 * implement it, so execution never knows where the state it reads comes from.
 */
import type { Address } from '../primitives/address.js';

/** An account's fields, storage aside. */
export interface AccountFields {
  readonly nonce: bigint;
  readonly balance: bigint;
  readonly code: Uint8Array;
  readonly codeHash: Uint8Array;
}

export interface StateReader {
  /** The account at `address`, or undefined when there is none. */
  readAccount(address: Address): AccountFields | undefined;
  /** One storage slot; 0 when unset. */
  readStorage(address: Address, slot: bigint): bigint;
  /** EIP-7610: whether any slot of the account is non-zero. */
  hasStorage(address: Address): boolean;
  /**
   * Listing, for readers that hold their whole state (memory, history); a remote state cannot.
   * Without them, a state read through this reader cannot be dumped or rooted.
   */
  addresses?(): Iterable<Address>;
  storageEntries?(address: Address): Iterable<[bigint, bigint]>;
}
