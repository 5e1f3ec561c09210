/**
 * The dev chain: the latest world state and the parts around it, each with one job: the blocks
 * and their indexes (`BlockIndex`), block timestamps (`Clock`), the pending pool (`TxPool`),
 * mining and the next block's settings (`Miner`), dev keys and impersonation (`DevKeys`),
 * snapshots (`Snapshots`) and the store (`ChainPersistence`). Every commit, a block or a state
 * change between blocks, is one `ChainCommit` that this class hands to the index, the state
 * history, the store, the pool and the subscribers, in that order. Everything is synchronous: a
 * request that mines returns after the block is built and, with a store, written.
 */
import { createMachines, type EngineMachines } from '../exec/code.js';
import type { JitMode } from '../evm/code-cache.js';
import { readAllAccounts } from '../state/read-all.js';
import type { Address } from '../primitives/address.js';
import type { Rules } from '../forks/index.js';
import { WorldState } from '../state/world-state.js';
import type { Account } from '../state/account.js';
import type { Block, ValidatedBlockTransaction } from '../chain/block.js';
import type { BlockHeader } from '../chain/header.js';
import type { ChainCommit } from '../chain/commit.js';
import { blockContextFromHeader } from '../chain/block-context.js';
import { systemContracts } from '../chain/system-contracts.js';
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
import type { StateReader } from '../state/reader.js';
import { ForkedChainError } from './errors.js';

export { StoreMismatchError } from './store.js';

const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';
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
  /** When EVM code is compiled to JavaScript (docs/compiler.md); default 'auto'. */
  jit?: JitMode;
  genesisTimestamp?: bigint;
  store?: ChainStore;
  /** The clock, in milliseconds (tests replace it). */
  now?: () => number;
  /** How many recent blocks' states are kept for queries (default DEFAULT_HISTORY_BLOCKS). */
  historyBlocks?: number;
  /** Fork a remote chain: its state and block at the fork, read as needed (node/fork/). */
  fork?: ChainFork;
  /** Opens another fork for anvil_reset / hardhat_reset with `forking` (Node.js). */
  openFork?: (config: ForkConfig) => ChainFork;
}

/** Where a fork reads from: the remote's URL and the block (latest when undefined). */
export interface ForkConfig {
  url: string;
  blockNumber?: bigint;
}

/**
 * A remote chain forked at one block: the chain starts from that block, on the remote's state
 * then, with local changes on top. Earlier blocks' states and hashes are the remote's too.
 */
export interface ChainFork {
  readonly config: Readonly<ForkConfig & { blockNumber: bigint }>;
  /** The remote's chain id. */
  readonly chainId: bigint;
  /** The block forked at (header and hash; its transactions stay on the remote). */
  readonly block: Block;
  /** The remote state at the fork block; `prefetch` reads several accounts in one request. */
  readonly state: StateReader & { prefetch?(addresses: readonly Address[]): void };
  /** The remote state at an earlier block. */
  stateAt(number: bigint): StateReader;
  /** An earlier block's hash (BLOCKHASH), 0 when the remote has none. */
  blockHash(number: bigint): bigint;
  /**
   * A remote block before the fork, by number or hash (header only: its transactions stay on
   * the remote); undefined when the remote has none, or a later one.
   */
  earlierBlock(at: bigint | string): Block | undefined;
  /**
   * anvil_setRpcUrl: reads go to `url` from now on; it must hold the same fork block (same hash),
   * or the fork keeps its remote and this throws.
   */
  setUrl(url: string): void;
  /** How many requests went to the remote so far (a batch counts once). */
  requestCount(): number;
  /** Forwards a JSON-RPC request about what only the remote has (earlier blocks, their transactions). */
  request(method: string, params: readonly unknown[]): unknown;
  close(): void;
}

/** The state a trace starts from: the end of `block`, or (`before`) the state its transactions started from. */
export interface StateBase {
  block: bigint;
  before: boolean;
}

/**
 * A state held for a trace that runs elsewhere (a worker) while the chain goes on: reads give the
 * state as it was when pinned, whatever is mined or changed since, until `release`. Only a
 * rewrite of the chain's past (evm_revert, anvil_rollback, anvil_reset, anvil_loadState) takes it
 * away: then `valid` turns false and what was read since must not be used.
 */
export interface PinnedState {
  readonly reader: StateReader;
  /** BLOCKHASH for blocks before the pinned one. */
  blockHash(number: bigint): bigint;
  readonly valid: boolean;
  release(): void;
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
  /** The chain's VMs, with one code cache for the blocks it mines and the calls it answers. */
  readonly machines: EngineMachines;
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
  #fork: ChainFork | undefined;
  /** Counts rewrites of the chain's past: a pinned state is valid while this stays as it was. */
  #epoch = 0;
  /** For each block whose state a pinned state needs the history to keep, how many pins. */
  readonly #pins = new Map<number, number>();
  readonly #commits = new Listeners<ChainCommit>();
  readonly #pending = new Listeners<PooledTransaction>();
  /** anvil_setMinGasPrice (before London): the pool refuses a lower gas price. */
  minGasPrice: bigint | undefined;
  /** Told of console.log output and of mined blocks (the node's log and events); none by default. */
  observer: ChainObserver | undefined;

  constructor(options: DevChainOptions) {
    this.options = options;
    this.machines = createMachines({ jit: options.jit });
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
        machines: this.machines,
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
        () => state.saveAccounts(),
        (saved) => {
          this.#epoch++;
          state.restoreAccounts(saved);
          state.clearTransaction();
          this.tracker.rebuild(state);
        },
      ),
      snapshotPart(
        () => this.#history.mark(Number(blocks.latestNumber)),
        (mark) => this.#history.rewind(Number(blocks.latestNumber), mark),
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
    if (options.fork !== undefined) {
      if (this.#persistence !== undefined) throw new ForkedChainError('a forked chain is not stored in a data directory');
      this.#startFork(options.fork);
    } else if (loaded) this.#loadFromStore(loaded);
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
    return this.blocks.latestNumber;
  }

  /** The remote chain this one forked, if it did. */
  get fork(): ChainFork | undefined {
    return this.#fork;
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
    // Before the fork: the remote's state then.
    if (this.#fork !== undefined && number < this.blocks.first && number >= 0n) return new WorldState(this.#fork.stateAt(number));
    this.#requireHistory(number);
    return new WorldState(this.#history.readerAt(Number(number), this.state));
  }

  /** Throws StateUnavailableError unless the history holds the state at the end of block `number`. */
  #requireHistory(number: bigint): void {
    if (number > this.blockNumber || number < BigInt(this.#history.floor)) {
      throw new StateUnavailableError(number, this.blockNumber, this.#history.floor, this.options.historyBlocks ?? DEFAULT_HISTORY_BLOCKS);
    }
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
    this.#requireHistory(parent);
    if (parent === this.blockNumber) return this.state;
    return new WorldState(this.#history.readerBefore(Number(number), this.state));
  }

  /**
   * Pins a state (see `PinnedState`): the history's reader at that point, never the live state
   * itself, so that later commits, recorded after it, are undone for its reads (for the latest
   * block, every commit after the pin); and the history keeps what it needs until released.
   */
  pinState(base: StateBase): PinnedState {
    const { reader, floor } = this.#pinnedReader(base);
    if (floor !== undefined) this.#pins.set(floor, (this.#pins.get(floor) ?? 0) + 1);
    const epoch = this.#epoch;
    let released = false;
    const chain = this;
    return {
      reader,
      blockHash: this.blocks.blockHash,
      get valid() {
        return chain.#epoch === epoch;
      },
      release: () => {
        if (released || floor === undefined) return;
        released = true;
        const count = this.#pins.get(floor)! - 1;
        if (count === 0) this.#pins.delete(floor);
        else this.#pins.set(floor, count);
      },
    };
  }

  /** A pinned state's reader, and the block whose end state the history must keep for it (none: the remote's). */
  #pinnedReader(base: StateBase): { reader: StateReader; floor: number | undefined } {
    // Before a fork's first block: the remote's state then, which nothing here changes.
    if (this.#fork !== undefined && !base.before && base.block < this.blocks.first && base.block >= 0n)
      return { reader: this.#fork.stateAt(base.block), floor: undefined };
    const needs = base.before ? base.block - 1n : base.block;
    this.#requireHistory(needs);
    // Not the latest block's "before": dev methods run after the pin would share its tag.
    if (base.before && needs === this.blockNumber)
      throw new StateUnavailableError(
        base.block,
        this.blockNumber,
        this.#history.floor,
        this.options.historyBlocks ?? DEFAULT_HISTORY_BLOCKS,
      );
    const number = Number(base.block);
    // The latest block's state is the live one, dev methods since it included.
    const reader = base.before
      ? this.#history.readerBefore(number, this.state)
      : needs === this.blockNumber
        ? this.#history.readerNow(this.state)
        : this.#history.readerAt(number, this.state);
    return { reader, floor: Number(needs) };
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
    if (pending) return blockContextFromHeader(this.miner.pendingHeader(block), this.rules, this.chainId, this.blocks.blockHash);
    // A mined block's context changes only with the chain id: kept for the block calls last asked
    // about (most calls ask about the latest), rather than derived again for every call. Shared,
    // so never changed: a call with other values makes its own (simulate.ts, applyBlockOverrides).
    const kept = this.#keptContext;
    if (kept !== undefined && kept.header === block.header && kept.context.chainId === this.chainId) return kept.context;
    const context = blockContextFromHeader(block.header, this.rules, this.chainId, this.blocks.blockHash);
    this.#keptContext = { header: block.header, context };
    return context;
  }

  #keptContext: { header: BlockHeader; context: BlockContext } | undefined;

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
    const commit: ChainCommit = { block: undefined, stateBlock: Number(this.blocks.nextNumber), changes };
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

  /**
   * anvil_reset: a new genesis with the options the chain started with; with `fork`, the chain
   * forks that remote block instead (`null`: no fork).
   */
  reset(fork?: ForkConfig | null): void {
    const next = fork === undefined ? this.#fork?.config : (fork ?? undefined);
    let opened: ChainFork | undefined;
    if (next !== undefined) {
      if (this.options.openFork === undefined) throw new ForkedChainError('forking needs Node.js (this node cannot open a remote)');
      opened = this.options.openFork(next);
    }
    this.#fork?.close();
    this.#fork = undefined;
    this.instanceId = randomId();
    this.#chainId = this.options.chainId;
    this.blobs.clear();
    this.#snapshots.clear();
    this.pool.clear();
    this.clock.reset();
    this.miner.nextBaseFeeOverride = undefined;
    this.keys.impersonated.clear();
    this.keys.signatures.clear();
    if (opened !== undefined) {
      // A fork named here brings its chain id; the fork the node started with, the node's.
      if (fork !== undefined) this.#chainId = opened.chainId;
      this.#startFork(opened);
      return;
    }
    this.blocks.clear();
    this.blocks.earlierHash = undefined;
    this.state.rebase(undefined);
    this.#createGenesis();
  }

  /**
   * anvil_rollback: drops the blocks after `number` and puts the state back to its state then
   * (which the history must still hold). Transactions of the dropped blocks are gone too.
   */
  rollbackTo(number: bigint): void {
    if (number >= this.blockNumber) return;
    if (this.#fork !== undefined)
      throw new ForkedChainError('anvil_rollback is not supported on a forked chain (use evm_snapshot and evm_revert)');
    this.stateAt(number); // throws when the history no longer holds it
    const accounts = readAllAccounts(this.#history.readerAt(Number(number), this.state));
    this.#snapshots.clear();
    this.pool.clear();
    this.blocks.truncateAfter(number);
    this.#history.rewind(Number(number), []);
    this.#replaceState(accounts);
    this.clock.next = undefined;
    this.miner.nextBaseFeeOverride = undefined;
    this.#rewriteStore(this.blocks.length, []);
  }

  /** Replaces the chain and the state (anvil_loadState). */
  replaceChain(blocks: Block[], accounts: Map<Address, Account>): void {
    if (blocks.length === 0) throw new EmptyChainError();
    if (this.#fork !== undefined)
      throw new ForkedChainError('loading a state into a forked chain is not supported (reset it without forking first)');
    this.#snapshots.clear();
    this.pool.clear();
    this.blocks.clear();
    for (const block of blocks) this.blocks.append(block);
    this.#replaceState(accounts);
    this.#history = new StateHistory(Number(this.blocks.latestNumber));
    this.clock.next = undefined;
    this.miner.nextBaseFeeOverride = undefined;
    this.#rewriteStore(0, blocks);
  }

  close(): void {
    this.#fork?.close();
    this.miner.setIntervalMining(0);
    this.#persistence?.close();
  }

  // ---- internals ----

  /** Where every commit goes, in this order: the index, the history, the store, the pool, the subscribers. */
  #consume(commit: ChainCommit): void {
    const { block } = commit;
    if (block !== undefined) this.blocks.append(block);
    this.#history.record(commit.stateBlock, commit.changes, block === undefined);
    if (block !== undefined) this.#history.prune(commit.stateBlock, this.#keep(commit.stateBlock));
    this.#persistence?.write(commit);
    if (block !== undefined && this.pool.size > 0) this.pool.prune(this.nonceOf);
    this.#commits.emit(commit);
  }

  /** How many blocks' states to keep at `latest`: the option's number, or more while a pinned state needs them. */
  #keep(latest: number): number {
    const keep = this.options.historyBlocks ?? DEFAULT_HISTORY_BLOCKS;
    let lowest = latest;
    for (const floor of this.#pins.keys()) if (floor < lowest) lowest = floor;
    return Math.max(keep, latest - lowest);
  }

  #replaceState(accounts: Map<Address, Account>): void {
    this.#epoch++;
    this.state.replaceAccounts(accounts);
    this.state.clearTransaction();
    this.tracker.rebuild(this.state);
  }

  #rewriteStore(keep: number, blocks: readonly Block[]): void {
    this.#persistence?.rewrite(this.blocks.all()[0]!, keep, blocks, this.state);
  }

  /**
   * Starts on a remote block: it is the chain's first block, its state the remote's with the dev
   * accounts given their balance (as Anvil does); history starts there.
   */
  #startFork(fork: ChainFork): void {
    this.#epoch++;
    this.#fork = fork;
    this.state.rebase(fork.state);
    // In the one request the dev accounts take: the accounts every block and most calls read
    // (the system contracts, the coinbase, the zero address eth_call sends from by default),
    // rather than one request each on the first block and the first call.
    fork.state.prefetch?.([
      ...this.options.accounts.map((a) => a.address),
      ...systemContracts(this.rules).map((c) => c.address),
      this.miner.coinbase,
      ZERO_ADDRESS,
    ]);
    for (const account of this.options.accounts) this.state.setBalance(account.address, this.options.balance);
    this.state.clearTransaction();
    this.tracker.rebuild(this.state);
    this.blocks.clear(fork.block.header.number);
    this.blocks.earlierHash = (n) => fork.blockHash(n);
    this.blocks.append(fork.block);
    this.#history = new StateHistory(Number(fork.block.header.number));
  }

  #createGenesis(): void {
    this.#epoch++;
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
    this.#history = new StateHistory(Number(this.blocks.latestNumber));
  }
}

function randomId(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return bytesToHex(bytes);
}
