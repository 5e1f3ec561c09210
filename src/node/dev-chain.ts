/**
 * The dev chain: the latest world state and the parts around it, each with one job: the blocks
 * and their indexes (`BlockIndex`), block timestamps (`Clock`), the pending pool (`TxPool`),
 * mining and the next block's settings (`Miner`), dev keys and impersonation (`DevKeys`),
 * snapshots (`Snapshots`) and the store (`ChainPersistence`). Every commit, a block or a state
 * change between blocks, is one `ChainCommit` that this class hands to the index, the state
 * history, the store, the pool and the subscribers, in that order. Everything is synchronous: a
 * request that mines returns after the block is built and, with a store, written.
 */
import { readAllAccounts } from '../state/read-all.js';
import type { Address } from '../primitives/address.js';
import type { Rules } from '../forks/index.js';
import { WorldState } from '../state/world-state.js';
import type { Account } from '../state/account.js';
import type { Block, ValidatedBlockTransaction } from '../chain/block.js';
import type { ChainCommit } from '../chain/commit.js';
import { blockContextFromHeader } from '../chain/block-context.js';
import { StateRootTracker } from '../chain/state-root.js';
import type { BlockContext } from '../host/index.js';
import { StateHistory } from './state-history.js';
import { DevKeys, type DevAccount } from './accounts.js';
import { BlockIndex } from './block-index.js';
import { Clock } from './clock.js';
import { Miner, buildGenesis } from './miner.js';
import { Snapshots, snapshotPart } from './snapshots.js';
import { Listeners } from './listeners.js';
import { TxPool, checkAdmission, type PooledTransaction } from './tx-pool.js';
import { ChainIdFixedError, EmptyChainError, StateUnavailableError } from './errors.js';
import { bytesToHex } from '../primitives/bytes.js';
import { ChainPersistence, type ChainStore, type LoadedChain } from './store.js';
import type { ChainObserver } from './node-log.js';

export { StoreMismatchError } from './store.js';
export type { MineResult } from './miner.js';

export interface DevChainOptions {
  chainId: bigint;
  rules: Rules;
  accounts: DevAccount[];
  /** Wei given to each dev account at genesis. */
  balance: bigint;
  gasLimit: bigint;
  /** The genesis base fee (London on). */
  baseFee: bigint;
  coinbase: Address;
  automine: boolean;
  /** Interval mining, in seconds (0 or undefined: off). */
  blockTime?: number;
  genesisTimestamp?: bigint;
  store?: ChainStore;
  /** The clock, in milliseconds (tests replace it). */
  now?: () => number;
  /** How many recent blocks' states are kept for queries (default DEFAULT_HISTORY_BLOCKS). */
  historyBlocks?: number;
}

/** States of the last 20,000 blocks: a few records per block, some megabytes at most. */
export const DEFAULT_HISTORY_BLOCKS = 20_000;

export class DevChain {
  readonly rules: Rules;
  #chainId: bigint;
  /** A random id, new at start and at each reset (anvil_metadata). */
  instanceId = randomId();
  /** Blobs of the blob transactions sent in network form, by versioned hash (anvil_getBlobByHash). */
  readonly blobs = new Map<string, Uint8Array>();
  readonly options: DevChainOptions;
  readonly state = new WorldState();
  readonly pool = new TxPool();
  readonly blocks = new BlockIndex();
  readonly clock: Clock;
  readonly keys: DevKeys;
  readonly miner: Miner;
  /** The incremental state root, and the proofs of the latest state. */
  readonly tracker = new StateRootTracker();
  readonly #snapshots: Snapshots;
  readonly #persistence: ChainPersistence | undefined;
  #history = new StateHistory(0);
  readonly #commits = new Listeners<ChainCommit>();
  readonly #pending = new Listeners<PooledTransaction>();
  /** anvil_setMinGasPrice (before London): the pool refuses a lower gas price. */
  minGasPrice: bigint | undefined;
  /** Told of console.log output and of mined blocks (the node's log and events); none by default. */
  observer: ChainObserver | undefined;

  constructor(options: DevChainOptions) {
    this.options = options;
    const { rules, chainId } = options;
    this.rules = rules;
    this.#chainId = chainId;
    this.clock = new Clock(options.now);
    this.keys = new DevKeys(options.accounts);
    const { state, pool, blocks, clock, tracker } = this;
    const chain = this;
    this.miner = new Miner(
      {
        rules,
        get chainId() {
          return chain.chainId;
        },
        state,
        pool,
        blocks,
        clock,
        tracker,
        commit: (commit) => this.#consume(commit),
        observer: () => this.observer,
      },
      { automine: options.automine, coinbase: options.coinbase, gasLimit: options.gasLimit },
    );
    if (options.store) {
      this.#persistence = new ChainPersistence(options.store, {
        chainId,
        rules,
        accounts: options.accounts.length,
        balance: options.balance,
      });
    }
    // In restoring order: the blocks first, as the history and the store go back to them.
    this.#snapshots = new Snapshots([
      blocks,
      snapshotPart(
        () => cloneAccounts(state),
        (accounts) => this.#replaceState(accounts),
      ),
      snapshotPart(
        () => this.#history.mark(blocks.length - 1),
        (mark) => this.#history.rewind(blocks.length - 1, mark),
      ),
      clock,
      snapshotPart(
        () => this.miner.nextBaseFeeOverride,
        (fee) => (this.miner.nextBaseFeeOverride = fee),
      ),
      pool,
      snapshotPart(
        () => undefined,
        () => this.#rewriteStore(blocks.length, []),
      ),
    ]);
    const loaded = this.#persistence?.load();
    if (loaded) this.#loadFromStore(loaded);
    else this.#createGenesis();
    if (options.blockTime) this.miner.setIntervalMining(options.blockTime * 1000);
  }

  get chainId(): bigint {
    return this.#chainId;
  }

  /** anvil_setChainId: later transactions and blocks use `chainId`; a stored chain keeps its own. */
  setChainId(chainId: bigint): void {
    if (this.#persistence !== undefined) throw new ChainIdFixedError(this.options.chainId);
    this.#chainId = chainId;
  }

  // ---- reading the chain ----

  get blockNumber(): bigint {
    return BigInt(this.blocks.length - 1);
  }

  latest(): Block {
    return this.blocks.latest();
  }

  /**
   * The state at the end of block `number` (read-only for earlier blocks), or a clear error when
   * this node does not have it: history starts at genesis, or where the chain was loaded.
   */
  stateAt(number: bigint): WorldState {
    if (number === this.blockNumber) return this.state;
    if (number > this.blockNumber || number < BigInt(this.#history.floor)) {
      throw new StateUnavailableError(number, this.blockNumber, this.#history.floor, this.options.historyBlocks ?? DEFAULT_HISTORY_BLOCKS);
    }
    return new WorldState(this.#history.readerAt(Number(number), this.state));
  }

  /** The earliest block whose state the node keeps (see `stateAt`). */
  get historyFloor(): bigint {
    return BigInt(this.#history.floor);
  }

  /**
   * The state block `number`'s transactions started from: its parent's, with what dev methods
   * (anvil_setBalance, ...) changed before it was mined. A replay of the block starts here.
   */
  stateBefore(number: bigint): WorldState {
    const parent = number - 1n;
    if (parent > this.blockNumber || parent < BigInt(this.#history.floor)) {
      throw new StateUnavailableError(parent, this.blockNumber, this.#history.floor, this.options.historyBlocks ?? DEFAULT_HISTORY_BLOCKS);
    }
    if (parent === this.blockNumber) return this.state;
    return new WorldState(this.#history.readerBefore(Number(number), this.state));
  }

  get devAccounts(): DevAccount[] {
    return this.keys.accounts;
  }

  nonceOf = (address: Address): bigint => this.state.getNonce(address);

  /** The nonce the next transaction from `address` should carry, counting the pool. */
  pendingNonce(address: Address): bigint {
    return this.pool.pendingNonce(address, this.state.getNonce(address));
  }

  /** The context of a block for calls: the latest block's, or the next one's ('pending'). */
  blockContext(block: Block, pending: boolean): BlockContext {
    const header = pending ? this.miner.pendingHeader(block) : block.header;
    return blockContextFromHeader(header, this.rules, this.chainId, this.blocks.blockHash);
  }

  // ---- events ----

  /** Every commit: each mined block, and each state change between blocks. */
  onCommit(listener: (commit: ChainCommit) => void): () => void {
    return this.#commits.add(listener);
  }

  onPendingTransaction(listener: (pooled: PooledTransaction) => void): () => void {
    return this.#pending.add(listener);
  }

  // ---- transactions ----

  /**
   * Puts a validated transaction in the pool after the checks a pool makes against the current
   * state (`PoolRejectedError`), and with automine mines it (`InvalidTransactionError` when the
   * block rejects it). Returns the transaction's hash.
   */
  submit(item: ValidatedBlockTransaction): string {
    const { sender } = item;
    checkAdmission(item, {
      nonce: this.state.getNonce(sender),
      balance: this.state.getBalance(sender),
      gasLimit: this.miner.gasLimit,
      baseFee: this.miner.automine ? this.miner.nextBaseFee() : undefined,
      minGasPrice: this.minGasPrice,
    });
    const pooled = this.pool.add(item);
    this.#pending.emit(pooled);
    if (this.miner.automine) {
      const error = this.miner.mineReady().get(pooled.hashHex);
      if (error) throw error;
    }
    return pooled.hashHex;
  }

  /** Sets the next block's timestamp, which must be after the latest block's. */
  setNextTimestamp(timestamp: bigint): void {
    this.clock.setNext(timestamp, this.latest().header.timestamp);
  }

  // ---- state changes outside blocks (dev methods) ----

  /** Runs `change` on the state, then commits what it changed (roots, history, store). */
  changeState(change: (state: WorldState) => void): void {
    change(this.state);
    this.state.clearTransaction();
    this.commitState();
  }

  /** Brings the state root tracker, the history and the store up to date with the state. */
  commitState(): ChainCommit {
    const changes = this.tracker.commit(this.state, this.state.takeChangedAddresses());
    // Changes between blocks belong to the state of the next block.
    const commit: ChainCommit = { block: undefined, stateBlock: this.blocks.length, changes };
    this.#consume(commit);
    return commit;
  }

  // ---- snapshots, reset, load ----

  snapshot(): number {
    return this.#snapshots.take();
  }

  /** Restores a snapshot; it and every later one are gone afterwards. */
  revert(id: number): boolean {
    return this.#snapshots.revert(id);
  }

  /** anvil_reset: a new genesis with the options the chain started with. */
  reset(): void {
    this.instanceId = randomId();
    this.#chainId = this.options.chainId;
    this.blobs.clear();
    this.#snapshots.clear();
    this.pool.clear();
    this.clock.reset();
    this.miner.nextBaseFeeOverride = undefined;
    this.keys.impersonated.clear();
    this.blocks.clear();
    this.state.replaceAccounts([]);
    this.state.clearTransaction();
    this.#createGenesis();
  }

  /**
   * anvil_rollback: drops the blocks after `number` and puts the state back to its state then
   * (which the history must still hold). Transactions of the dropped blocks are gone too.
   */
  rollbackTo(number: bigint): void {
    if (number >= this.blockNumber) return;
    this.stateAt(number); // throws when the history no longer holds it
    const accounts = readAllAccounts(this.#history.readerAt(Number(number), this.state));
    this.#snapshots.clear();
    this.pool.clear();
    this.blocks.truncate(Number(number) + 1);
    this.#history.rewind(Number(number), []);
    this.#replaceState(accounts);
    this.clock.next = undefined;
    this.miner.nextBaseFeeOverride = undefined;
    this.#rewriteStore(this.blocks.length, []);
  }

  /** Replaces the chain and the state (anvil_loadState). */
  replaceChain(blocks: Block[], accounts: Map<Address, Account>): void {
    if (blocks.length === 0) throw new EmptyChainError();
    this.#snapshots.clear();
    this.pool.clear();
    this.blocks.clear();
    for (const block of blocks) this.blocks.append(block);
    this.#replaceState(accounts);
    this.#history = new StateHistory(this.blocks.length - 1);
    this.clock.next = undefined;
    this.miner.nextBaseFeeOverride = undefined;
    this.#rewriteStore(0, blocks);
  }

  close(): void {
    this.miner.setIntervalMining(0);
    this.#persistence?.close();
  }

  // ---- internals ----

  /** Where every commit goes, in this order: the index, the history, the store, the pool, the subscribers. */
  #consume(commit: ChainCommit): void {
    const { block } = commit;
    if (block !== undefined) this.blocks.append(block);
    this.#history.record(commit.stateBlock, commit.changes, block === undefined);
    if (block !== undefined) this.#history.prune(commit.stateBlock, this.options.historyBlocks ?? DEFAULT_HISTORY_BLOCKS);
    this.#persistence?.write(commit);
    if (block !== undefined && this.pool.size > 0) this.pool.prune(this.nonceOf);
    this.#commits.emit(commit);
  }

  #replaceState(accounts: Map<Address, Account>): void {
    this.state.replaceAccounts(accounts);
    this.state.clearTransaction();
    this.tracker.rebuild(this.state);
  }

  #rewriteStore(keep: number, blocks: readonly Block[]): void {
    this.#persistence?.rewrite(this.blocks.all()[0]!, keep, blocks, this.state);
  }

  #createGenesis(): void {
    const { options } = this;
    const genesis = buildGenesis(this.state, this.tracker, {
      rules: this.rules,
      chainId: this.chainId,
      accounts: options.accounts,
      balance: options.balance,
      gasLimit: this.miner.gasLimit,
      baseFee: options.baseFee,
      timestamp: options.genesisTimestamp ?? this.clock.seconds(),
    });
    this.blocks.append(genesis);
    this.#history = new StateHistory(0);
    this.#persistence?.rewrite(genesis, 0, [genesis], this.state);
  }

  #loadFromStore(loaded: LoadedChain): void {
    for (const block of loaded.blocks) this.blocks.append(block);
    this.state.replaceAccounts(readAllAccounts(loaded.state));
    this.tracker.rebuild(this.state);
    this.#history = new StateHistory(this.blocks.length - 1);
  }
}

function randomId(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return bytesToHex(bytes);
}

function cloneAccounts(state: WorldState): Map<Address, Account> {
  const copy = new Map<Address, Account>();
  for (const [address, account] of state.accountEntries()) copy.set(address, account.clone());
  return copy;
}
