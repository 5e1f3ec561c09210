/**
 * What the dev chain asks of a persistent store. The LMDB implementation is in lmdb-store.ts;
 * without `--data-dir` there is no store and the chain lives in memory.
 */
import type { Address } from '../primitives/address.js';
import type { Account } from '../state/account.js';
import type { Block } from '../chain/block.js';
import type { AccountChange } from '../chain/state-root.js';

/** Bumped whenever the layout of the records changes. */
export const SCHEMA_VERSION = 1;

export interface StoredMeta {
  schemaVersion: number;
  chainId: string;
  fork: string;
  genesisHash: string;
  /** The settings the chain was created with (for the record and for messages). */
  genesis: { gasLimit: string; baseFee: string; accounts: number; balance: string; timestamp: string };
}

export interface LoadedChain {
  blocks: Block[];
  accounts: Map<Address, Account>;
}

export interface ChainStore {
  /** The metadata record, or undefined for an empty store. */
  readMeta(): StoredMeta | undefined;
  load(): LoadedChain;
  /** A mined block and the state changes it made, in one transaction. */
  writeBlock(block: Block, changes: AccountChange[]): void;
  /** State changes made outside a block (dev methods). */
  writeState(changes: AccountChange[]): void;
  /**
   * Replaces everything after the first `keep` blocks: drops later blocks, appends `blocks`,
   * and rewrites the whole state from `state` (a full listing of accounts), in one transaction.
   */
  rewrite(meta: StoredMeta, keep: number, blocks: readonly Block[], state: AccountChange[]): void;
  close(): void;
}
