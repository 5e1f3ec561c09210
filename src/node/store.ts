/**
 * What the dev chain asks of a persistent store, and the chain's side of it (checking a stored
 * chain is this one, writing each commit). The LMDB implementation is in lmdb-store.ts; without
 * `--data-dir` there is no store and the chain lives in memory.
 */
import type { Address } from '../primitives/address.js';
import { bytesToHex } from '../primitives/bytes.js';
import type { Rules } from '../forks/index.js';
import type { StateReader } from '../state/reader.js';
import type { WorldState } from '../state/world-state.js';
import type { Block } from '../chain/block.js';
import type { AccountChange } from '../chain/state-root.js';
import type { ChainCommit } from '../chain/commit.js';

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
  /** The committed state, read per location (and listable). */
  state: StateReader;
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

/** The data directory belongs to another chain or another schema. */
export class StoreMismatchError extends Error {
  override name = 'StoreMismatchError';
}

/** What identifies a chain in its store, and the genesis settings recorded beside it. */
export interface ChainIdentity {
  chainId: bigint;
  rules: Rules;
  /** How many dev accounts, and the wei each had at genesis. */
  accounts: number;
  balance: bigint;
}

/**
 * The chain's side of a store: reads a stored chain after checking it is this chain, writes each
 * commit, and rewrites what follows a point when the chain goes back (snapshots, reset, load).
 */
export class ChainPersistence {
  readonly store: ChainStore;
  readonly #identity: ChainIdentity;

  constructor(store: ChainStore, identity: ChainIdentity) {
    this.store = store;
    this.#identity = identity;
  }

  /** The stored chain, or undefined for an empty store; throws StoreMismatchError for another chain's. */
  load(): LoadedChain | undefined {
    const meta = this.store.readMeta();
    if (meta === undefined) return undefined;
    const { chainId, rules } = this.#identity;
    if (meta.schemaVersion !== SCHEMA_VERSION) {
      throw new StoreMismatchError(
        `the data directory was written with schema version ${meta.schemaVersion}; this polyvm reads version ${SCHEMA_VERSION}`,
      );
    }
    if (meta.chainId !== chainId.toString()) {
      throw new StoreMismatchError(
        `the data directory holds chain id ${meta.chainId}, not ${chainId}; pass --chain-id ${meta.chainId} or use another --data-dir`,
      );
    }
    if (meta.fork !== rules.name) {
      throw new StoreMismatchError(
        `the data directory was written for fork ${meta.fork}, not ${rules.name}; pass --hardfork ${meta.fork} or use another --data-dir`,
      );
    }
    const loaded = this.store.load();
    if (loaded.blocks.length === 0) throw new StoreMismatchError('the data directory has metadata but no blocks');
    return loaded;
  }

  /** A mined block with its state changes, or changes made between blocks. */
  write(commit: ChainCommit): void {
    if (commit.block !== undefined) this.store.writeBlock(commit.block, commit.changes);
    else if (commit.changes.length > 0) this.store.writeState(commit.changes);
  }

  /** Keeps the first `keep` blocks, appends `blocks`, and writes the whole of `state`. */
  rewrite(genesis: Block, keep: number, blocks: readonly Block[], state: WorldState): void {
    this.store.rewrite(this.#meta(genesis), keep, blocks, fullState(state));
  }

  close(): void {
    this.store.close();
  }

  #meta(genesis: Block): StoredMeta {
    const { chainId, rules, accounts, balance } = this.#identity;
    return {
      schemaVersion: SCHEMA_VERSION,
      chainId: chainId.toString(),
      fork: rules.name,
      genesisHash: bytesToHex(genesis.hash),
      genesis: {
        gasLimit: genesis.header.gasLimit.toString(),
        baseFee: (genesis.header.baseFeePerGas ?? 0n).toString(),
        accounts,
        balance: balance.toString(),
        timestamp: genesis.header.timestamp.toString(),
      },
    };
  }
}

/** Every account of `state` as a change that writes it whole. */
function fullState(state: WorldState): AccountChange[] {
  const changes: AccountChange[] = [];
  for (const [address, account] of state.accountEntries()) {
    changes.push({ address, account, storageReset: true, slots: [...account.storage].filter(([, v]) => v !== 0n), codeChanged: true });
  }
  return changes;
}
