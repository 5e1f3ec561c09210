/**
 * The dev chain: the world state, the blocks mined so far with their indexes, the pending pool,
 * the mining modes, snapshots, and the settings dev methods change (time, next base fee,
 * coinbase, impersonation). Everything is synchronous: a request that mines returns after the
 * block is built and, with a store, written.
 */
import type { Address } from '../primitives/address.js';
import { bytesToBigint, bytesToHex } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import type { Rules } from '../forks/index.js';
import { WorldState } from '../state/world-state.js';
import { Account } from '../state/account.js';
import { InvalidTransactionError } from '../tx/types.js';
import { KnownSigners } from '../tx/signers.js';
import { BlockBuilder } from '../chain/builder.js';
import type { Block, BlockTransaction } from '../chain/block.js';
import { StateRootTracker, type AccountChange } from '../chain/state-root.js';
import { StateHistory, type HistoryMark } from './state-history.js';
import { systemContracts } from '../chain/system-contracts.js';
import { nextBaseFee, nextExcessBlobGas, headerBlobBaseFee, INITIAL_BASE_FEE } from '../chain/fees.js';
import type { BlockContext } from '../host/index.js';
import type { DevAccount } from './accounts.js';
import { TxPool, type PooledTransaction } from './tx-pool.js';
import { RpcError, SERVER_ERROR, serverError } from './rpc/errors.js';
import { SCHEMA_VERSION, type ChainStore, type StoredMeta } from './store.js';

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

export interface MineResult {
  block: Block;
  /** Transactions the block could not take because the protocol rejected them (dropped). */
  rejected: Map<string, InvalidTransactionError>;
}

interface Snapshot {
  accounts: Map<Address, Account>;
  history: HistoryMark;
  blockCount: number;
  timeOffset: bigint;
  nextTimestamp: bigint | undefined;
  nextBaseFee: bigint | undefined;
  pool: PooledTransaction[];
}

type Listener<T> = (value: T) => void;

export class DevChain {
  readonly rules: Rules;
  readonly chainId: bigint;
  readonly options: DevChainOptions;
  readonly state = new WorldState();
  readonly pool = new TxPool();
  readonly devAccounts: DevAccount[];
  readonly #keys = new Map<Address, DevAccount>();
  /** The dev accounts' public keys, for a fast check of who signed a raw transaction. */
  readonly signers = new KnownSigners();
  readonly impersonated = new Set<Address>();
  autoImpersonate = false;
  automine: boolean;
  coinbase: Address;
  timeOffset = 0n;
  nextTimestamp: bigint | undefined;
  nextBaseFeeOverride: bigint | undefined;
  gasLimit: bigint;
  #blocks: Block[] = [];
  #byHash = new Map<string, number>();
  #txIndex = new Map<string, { block: number; index: number }>();
  #tracker = new StateRootTracker();
  #history = new StateHistory(0);
  #snapshots = new Map<number, Snapshot>();
  #snapshotId = 0;
  #intervalTimer: ReturnType<typeof setInterval> | undefined;
  #blockListeners = new Set<Listener<Block>>();
  #pendingListeners = new Set<Listener<PooledTransaction>>();
  readonly #now: () => number;
  readonly store: ChainStore | undefined;

  constructor(options: DevChainOptions) {
    this.options = options;
    this.rules = options.rules;
    this.chainId = options.chainId;
    this.devAccounts = options.accounts;
    for (const account of options.accounts) {
      this.#keys.set(account.address, account);
      this.signers.add(account.privateKey);
    }
    this.automine = options.automine;
    this.coinbase = options.coinbase;
    this.gasLimit = options.gasLimit;
    this.#now = options.now ?? Date.now;
    this.store = options.store;
    const meta = this.store?.readMeta();
    if (this.store && meta) this.#loadFromStore(this.store, meta);
    else this.#createGenesis();
    if (options.blockTime) this.setIntervalMining(options.blockTime * 1000);
  }

  // ---- reading the chain ----

  get blockNumber(): bigint {
    return BigInt(this.#blocks.length - 1);
  }

  latest(): Block {
    return this.#blocks[this.#blocks.length - 1]!;
  }

  /**
   * The state at the end of block `number` (read-only for earlier blocks), or a clear error when
   * this node does not have it: history starts at genesis, or where the chain was loaded.
   */
  stateAt(number: bigint): WorldState {
    if (number === this.blockNumber) return this.state;
    if (number > this.blockNumber) throw new RpcError(SERVER_ERROR, `block ${number} is not mined yet (latest is ${this.blockNumber})`);
    if (number < BigInt(this.#history.floor)) {
      throw new RpcError(
        SERVER_ERROR,
        `state at block ${number} is not available: this node has the state of blocks ${this.#history.floor} to ${this.blockNumber} (the last ${this.options.historyBlocks ?? DEFAULT_HISTORY_BLOCKS} blocks at most, since the chain was loaded or reset)`,
      );
    }
    return new WorldState(this.#history.readerAt(Number(number), this.state));
  }

  blockByNumber(number: bigint): Block | undefined {
    return number < BigInt(this.#blocks.length) && number >= 0n ? this.#blocks[Number(number)] : undefined;
  }

  blockByHash(hashHex: string): Block | undefined {
    const number = this.#byHash.get(hashHex);
    return number === undefined ? undefined : this.#blocks[number];
  }

  /** Where a mined transaction is. */
  transactionLocation(hashHex: string): { block: Block; index: number } | undefined {
    const at = this.#txIndex.get(hashHex);
    return at === undefined ? undefined : { block: this.#blocks[at.block]!, index: at.index };
  }

  privateKeyOf(address: Address): Uint8Array | undefined {
    return this.#keys.get(address)?.privateKey;
  }

  /** The dev account of `address`, with its key, when the node holds it. */
  devAccount(address: Address): DevAccount | undefined {
    return this.#keys.get(address);
  }

  nonceOf = (address: Address): bigint => this.state.getNonce(address);

  /** The nonce the next transaction from `address` should carry, counting the pool. */
  pendingNonce(address: Address): bigint {
    return this.pool.pendingNonce(address, this.state.getNonce(address));
  }

  blockHash = (number: bigint): bigint => {
    const block = this.blockByNumber(number);
    return block === undefined ? 0n : bytesToBigint(block.hash);
  };

  /** The base fee the next block will have. */
  nextBaseFee(): bigint {
    if (!this.rules.london) return 0n;
    return this.nextBaseFeeOverride ?? nextBaseFee(this.latest().header);
  }

  nextBlobBaseFee(): bigint {
    if (!this.rules.cancun) return 0n;
    return headerBlobBaseFee({ excessBlobGas: nextExcessBlobGas(this.latest().header, this.rules) }, this.rules);
  }

  /** The timestamp the next block would get now. */
  peekNextTimestamp(): bigint {
    const parent = this.latest().header.timestamp;
    const ts = this.nextTimestamp ?? this.#clockSeconds() + this.timeOffset;
    return ts > parent ? ts : parent + 1n;
  }

  /** The context of a block for calls: the latest block's, or the next one's ('pending'). */
  blockContext(block: Block, pending: boolean): BlockContext {
    if (pending) {
      return {
        coinbase: this.coinbase,
        number: block.header.number + 1n,
        timestamp: this.peekNextTimestamp(),
        gasLimit: this.gasLimit,
        baseFee: this.nextBaseFee(),
        prevRandao: bytesToBigint(keccak256(block.hash)),
        difficulty: this.rules.paris ? 0n : 1n,
        blobBaseFee: this.nextBlobBaseFee(),
        chainId: this.chainId,
        blockHash: this.blockHash,
      };
    }
    const h = block.header;
    return {
      coinbase: h.coinbase,
      number: h.number,
      timestamp: h.timestamp,
      gasLimit: h.gasLimit,
      baseFee: h.baseFeePerGas ?? 0n,
      prevRandao: bytesToBigint(h.mixHash),
      difficulty: h.difficulty,
      blobBaseFee: this.rules.cancun ? headerBlobBaseFee(h, this.rules) : 0n,
      chainId: this.chainId,
      blockHash: this.blockHash,
    };
  }

  // ---- events ----

  onBlock(listener: Listener<Block>): () => void {
    this.#blockListeners.add(listener);
    return () => this.#blockListeners.delete(listener);
  }

  onPendingTransaction(listener: Listener<PooledTransaction>): () => void {
    this.#pendingListeners.add(listener);
    return () => this.#pendingListeners.delete(listener);
  }

  // ---- transactions and mining ----

  /**
   * Puts a transaction in the pool after the checks a pool makes against the current state,
   * and with automine mines it. Returns the transaction's hash.
   */
  submit(item: BlockTransaction): string {
    const { tx, sender } = item;
    if (tx.gasLimit > this.gasLimit) throw serverError(`exceeds block gas limit: transaction gas ${tx.gasLimit}, block gas limit ${this.gasLimit}`);
    const stateNonce = this.state.getNonce(sender);
    if (tx.nonce < stateNonce) throw serverError(`nonce too low: next nonce ${stateNonce}, transaction nonce ${tx.nonce}`);
    const maxFee = tx.maxFeePerGas ?? tx.gasPrice ?? 0n;
    const blobFee = tx.type === 3 ? BigInt(tx.blobVersionedHashes!.length) * 131072n * tx.maxFeePerBlobGas! : 0n;
    const cost = tx.gasLimit * maxFee + tx.value + blobFee;
    const balance = this.state.getBalance(sender);
    if (balance < cost) throw serverError(`insufficient funds for gas * price + value: balance ${balance}, transaction cost ${cost}`);
    const baseFee = this.nextBaseFee();
    if (this.automine && maxFee < baseFee) {
      throw serverError(`max fee per gas less than block base fee: max fee ${maxFee}, base fee ${baseFee}`);
    }
    const pooled = this.pool.add(item);
    for (const listener of this.#pendingListeners) listener(pooled);
    if (this.automine) {
      const rejected = this.#mineReady();
      const error = rejected.get(pooled.hashHex);
      if (error) throw new RpcError(SERVER_ERROR, transactionErrorMessage(error));
    }
    return pooled.hashHex;
  }

  /** Automine: one block per executable transaction until none is left. */
  #mineReady(): Map<string, InvalidTransactionError> {
    const rejected = new Map<string, InvalidTransactionError>();
    for (let guard = 0; guard < 100_000; guard++) {
      const baseFee = this.nextBaseFee();
      if (this.pool.size === 0 || this.pool.select(this.nonceOf, baseFee).peek() === undefined) break;
      const result = this.mine({ maxTransactions: 1 });
      for (const [hash, error] of result.rejected) rejected.set(hash, error);
      if (result.block.transactions.length === 0 && result.rejected.size === 0) break;
    }
    return rejected;
  }

  /** Mines one block with the pool's best executable transactions. */
  mine(options: { timestamp?: bigint; maxTransactions?: number } = {}): MineResult {
    const parent = this.latest();
    const timestamp = this.#takeTimestamp(options.timestamp);
    const prevRandao = keccak256(parent.hash);
    const builder = new BlockBuilder(this.state, {
      rules: this.rules,
      chainId: this.chainId,
      parent: parent.header,
      parentHash: parent.hash,
      timestamp,
      coinbase: this.coinbase,
      gasLimit: this.gasLimit,
      baseFee: this.rules.london ? this.nextBaseFeeOverride : undefined,
      prevRandao,
      parentBeaconBlockRoot: this.rules.cancun ? keccak256(prevRandao) : undefined,
      blockHash: this.blockHash,
    });
    this.nextBaseFeeOverride = undefined;
    const rejected = new Map<string, InvalidTransactionError>();
    const max = options.maxTransactions ?? Infinity;
    if (this.pool.size > 0) {
      const selection = this.pool.select(this.nonceOf, builder.baseFee);
      while (builder.transactions.length < max) {
        const next = selection.peek();
        if (next === undefined) break;
        if (builder.fits(next) !== undefined) {
          selection.skip(next.sender);
          continue;
        }
        try {
          builder.add(next);
          selection.advance(next.sender);
          this.pool.remove(next.hashHex);
        } catch (error) {
          // Undo whatever a failing transaction began (only an engine fault gets that far).
          this.state.revert(0);
          this.state.clearTransaction();
          selection.skip(next.sender);
          this.pool.remove(next.hashHex);
          if (error instanceof InvalidTransactionError) rejected.set(next.hashHex, error);
          else rejected.set(next.hashHex, new InvalidTransactionError('InternalError', String((error as Error)?.message ?? error)));
        }
      }
    }
    const { block, changes } = builder.finish(this.#tracker, this.state.takeChangedAddresses());
    this.#append(block);
    this.#history.record(this.#blocks.length - 1, changes);
    this.#history.prune(this.#blocks.length - 1, this.options.historyBlocks ?? DEFAULT_HISTORY_BLOCKS);
    this.store?.writeBlock(block, changes);
    if (this.pool.size > 0) this.pool.prune(this.nonceOf);
    for (const listener of this.#blockListeners) listener(block);
    return { block, rejected };
  }

  /** anvil_mine: `count` blocks, `interval` seconds apart (default 1). */
  mineMany(count: number, interval?: bigint): Block[] {
    const blocks: Block[] = [];
    for (let i = 0; i < count; i++) {
      const timestamp = interval !== undefined && i > 0 ? this.latest().header.timestamp + interval : undefined;
      blocks.push(this.mine({ timestamp }).block);
    }
    return blocks;
  }

  setIntervalMining(milliseconds: number): void {
    if (this.#intervalTimer) clearInterval(this.#intervalTimer);
    this.#intervalTimer = undefined;
    if (milliseconds > 0) {
      this.#intervalTimer = setInterval(() => {
        try {
          this.mine();
        } catch (error) {
          process.stderr.write(`polyvm: interval mining failed: ${(error as Error).message}\n`);
        }
      }, milliseconds);
      this.#intervalTimer.unref?.();
    }
  }

  get intervalMining(): boolean {
    return this.#intervalTimer !== undefined;
  }

  // ---- state changes outside blocks (dev methods) ----

  /** Runs `change` on the state, then records what it changed (roots, store). */
  changeState(change: (state: WorldState) => void): void {
    change(this.state);
    this.state.clearTransaction();
    this.commitState();
  }

  /** Brings the state root tracker (and the store) up to date with the state. */
  commitState(): AccountChange[] {
    const changes = this.#tracker.commit(this.state, this.state.takeChangedAddresses());
    // Changes between blocks belong to the state of the next block.
    this.#history.record(this.#blocks.length, changes);
    if (changes.length > 0) this.store?.writeState(changes);
    return changes;
  }

  get tracker(): StateRootTracker {
    return this.#tracker;
  }

  // ---- time ----

  #clockSeconds(): bigint {
    return BigInt(Math.floor(this.#now() / 1000));
  }

  #takeTimestamp(explicit: bigint | undefined): bigint {
    const parent = this.latest().header.timestamp;
    let ts = explicit ?? this.nextTimestamp;
    this.nextTimestamp = undefined;
    if (ts !== undefined) {
      // Time continues from a timestamp set by hand.
      this.timeOffset = ts - this.#clockSeconds();
    } else {
      ts = this.#clockSeconds() + this.timeOffset;
    }
    return ts > parent ? ts : parent + 1n;
  }

  increaseTime(seconds: bigint): bigint {
    this.timeOffset += seconds;
    return this.timeOffset;
  }

  setNextTimestamp(timestamp: bigint): void {
    const parent = this.latest().header.timestamp;
    if (timestamp <= parent) {
      throw serverError(`timestamp ${timestamp} is not after the latest block's timestamp ${parent}`);
    }
    this.nextTimestamp = timestamp;
  }

  setTime(timestamp: bigint): bigint {
    this.timeOffset = timestamp - this.#clockSeconds();
    return this.timeOffset;
  }

  // ---- snapshots ----

  snapshot(): number {
    const id = ++this.#snapshotId;
    this.#snapshots.set(id, {
      accounts: cloneAccounts(this.state.accountEntries()),
      history: this.#history.mark(this.#blocks.length - 1),
      blockCount: this.#blocks.length,
      timeOffset: this.timeOffset,
      nextTimestamp: this.nextTimestamp,
      nextBaseFee: this.nextBaseFeeOverride,
      pool: [...this.pool.all()],
    });
    return id;
  }

  /** Restores a snapshot; it and every later one are gone afterwards. */
  revert(id: number): boolean {
    const snapshot = this.#snapshots.get(id);
    if (!snapshot) return false;
    for (const key of [...this.#snapshots.keys()]) if (key >= id) this.#snapshots.delete(key);
    this.#truncate(snapshot.blockCount);
    this.#replaceState(snapshot.accounts);
    this.#history.rewind(snapshot.blockCount - 1, snapshot.history);
    this.timeOffset = snapshot.timeOffset;
    this.nextTimestamp = snapshot.nextTimestamp;
    this.nextBaseFeeOverride = snapshot.nextBaseFee;
    this.pool.clear();
    for (const pooled of snapshot.pool) this.pool.add(pooled);
    this.#rewriteStore(snapshot.blockCount, []);
    return true;
  }

  /** anvil_reset: a new genesis with the options the chain started with. */
  reset(): void {
    this.#snapshots.clear();
    this.pool.clear();
    this.timeOffset = 0n;
    this.nextTimestamp = undefined;
    this.nextBaseFeeOverride = undefined;
    this.impersonated.clear();
    this.#blocks = [];
    this.#byHash.clear();
    this.#txIndex.clear();
    this.state.replaceAccounts([]);
    this.state.clearTransaction();
    this.#createGenesis(true);
  }

  /** Replaces the chain and the state (anvil_loadState). */
  replaceChain(blocks: Block[], accounts: Map<Address, Account>): void {
    if (blocks.length === 0) throw serverError('a chain needs at least its genesis block');
    this.#snapshots.clear();
    this.pool.clear();
    this.#blocks = [];
    this.#byHash.clear();
    this.#txIndex.clear();
    for (const block of blocks) this.#append(block);
    this.#replaceState(accounts);
    this.#history = new StateHistory(this.#blocks.length - 1);
    this.nextTimestamp = undefined;
    this.nextBaseFeeOverride = undefined;
    this.#rewriteStore(0, blocks);
  }

  allBlocks(): readonly Block[] {
    return this.#blocks;
  }

  close(): void {
    this.setIntervalMining(0);
    this.store?.close();
  }

  // ---- internals ----

  #append(block: Block): void {
    const number = this.#blocks.length;
    this.#blocks.push(block);
    this.#byHash.set(bytesToHex(block.hash), number);
    block.transactions.forEach((t, index) => this.#txIndex.set(bytesToHex(t.hash), { block: number, index }));
  }

  #truncate(count: number): void {
    while (this.#blocks.length > count) {
      const block = this.#blocks.pop()!;
      this.#byHash.delete(bytesToHex(block.hash));
      for (const t of block.transactions) this.#txIndex.delete(bytesToHex(t.hash));
    }
  }

  #replaceState(accounts: Map<Address, Account>): void {
    this.state.replaceAccounts(accounts);
    this.state.clearTransaction();
    this.#tracker.rebuild(this.state);
  }

  #rewriteStore(keep: number, blocks: readonly Block[]): void {
    if (!this.store) return;
    this.store.rewrite(this.#meta(), keep, blocks, fullState(this.state));
  }

  #meta(): StoredMeta {
    const genesis = this.#blocks[0]!;
    return {
      schemaVersion: SCHEMA_VERSION,
      chainId: this.chainId.toString(),
      fork: this.rules.name,
      genesisHash: bytesToHex(genesis.hash),
      genesis: {
        gasLimit: genesis.header.gasLimit.toString(),
        baseFee: (genesis.header.baseFeePerGas ?? 0n).toString(),
        accounts: this.devAccounts.length,
        balance: this.options.balance.toString(),
        timestamp: genesis.header.timestamp.toString(),
      },
    };
  }

  #createGenesis(rewrite = false): void {
    const { rules, options } = this;
    for (const account of this.devAccounts) {
      const a = new Account();
      a.balance = options.balance;
      this.state.putAccount(account.address, a);
    }
    for (const contract of systemContracts(rules)) {
      const a = new Account();
      a.nonce = 1n;
      a.setCode(contract.code);
      this.state.putAccount(contract.address, a);
    }
    const builder = new BlockBuilder(this.state, {
      rules,
      chainId: this.chainId,
      parent: undefined,
      parentHash: new Uint8Array(32),
      timestamp: options.genesisTimestamp ?? this.#clockSeconds(),
      coinbase: '0x0000000000000000000000000000000000000000',
      gasLimit: this.gasLimit,
      baseFee: rules.london ? options.baseFee ?? INITIAL_BASE_FEE : undefined,
      prevRandao: new Uint8Array(32),
      parentBeaconBlockRoot: rules.cancun ? new Uint8Array(32) : undefined,
      blockHash: () => 0n,
    });
    this.#tracker = new StateRootTracker();
    this.state.takeChangedAddresses();
    const { block } = builder.finish(this.#tracker, this.state.addresses());
    this.#append(block);
    this.#history = new StateHistory(0);
    if (this.store) {
      if (rewrite || this.store.readMeta() === undefined) this.store.rewrite(this.#meta(), 0, [block], fullState(this.state));
    }
  }

  #loadFromStore(store: ChainStore, meta: StoredMeta): void {
    if (meta.schemaVersion !== SCHEMA_VERSION) {
      throw new StoreMismatchError(`the data directory was written with schema version ${meta.schemaVersion}; this polyvm reads version ${SCHEMA_VERSION}`);
    }
    if (meta.chainId !== this.chainId.toString()) {
      throw new StoreMismatchError(`the data directory holds chain id ${meta.chainId}, not ${this.chainId}; pass --chain-id ${meta.chainId} or use another --data-dir`);
    }
    if (meta.fork !== this.rules.name) {
      throw new StoreMismatchError(`the data directory was written for fork ${meta.fork}, not ${this.rules.name}; pass --fork ${meta.fork} or use another --data-dir`);
    }
    const loaded = store.load();
    if (loaded.blocks.length === 0) throw new StoreMismatchError('the data directory has metadata but no blocks');
    for (const block of loaded.blocks) this.#append(block);
    for (const [address, account] of loaded.accounts) this.state.putAccount(address, account);
    this.state.takeChangedAddresses();
    this.#tracker.rebuild(this.state);
    this.#history = new StateHistory(this.#blocks.length - 1);
  }
}

/** The data directory belongs to another chain or another schema. */
export class StoreMismatchError extends Error {
  override name = 'StoreMismatchError';
}

function cloneAccounts(accounts: Iterable<[Address, Account]>): Map<Address, Account> {
  const copy = new Map<Address, Account>();
  for (const [address, account] of accounts) copy.set(address, account.clone());
  return copy;
}

function fullState(state: WorldState): AccountChange[] {
  const changes: AccountChange[] = [];
  for (const [address, account] of state.accountEntries()) {
    changes.push({ address, account, storageReset: true, slots: [...account.storage].filter(([, v]) => v !== 0n), codeChanged: true });
  }
  return changes;
}

/** A client-facing message for a transaction the protocol rejected. */
export function transactionErrorMessage(error: InvalidTransactionError): string {
  const name = error.code.replace(/^TransactionException\./, '');
  const detail = error.message.includes(': ') ? error.message.slice(error.message.indexOf(': ') + 2) : error.message;
  const friendly: Record<string, string> = {
    NONCE_MISMATCH_TOO_LOW: 'nonce too low',
    NONCE_MISMATCH_TOO_HIGH: 'nonce too high',
    INSUFFICIENT_ACCOUNT_FUNDS: 'insufficient funds for gas * price + value',
    INTRINSIC_GAS_TOO_LOW: 'intrinsic gas too low',
    INSUFFICIENT_MAX_FEE_PER_GAS: 'max fee per gas less than block base fee',
    GAS_ALLOWANCE_EXCEEDED: 'gas limit reached',
    INVALID_CHAINID: 'invalid chain id',
    SENDER_NOT_EOA: 'sender not an eoa',
    GAS_LIMIT_EXCEEDS_MAXIMUM: 'transaction gas limit too high',
    INITCODE_SIZE_EXCEEDED: 'max initcode size exceeded',
    TYPE_NOT_SUPPORTED: 'transaction type not supported',
  };
  return `${friendly[name] ?? name.toLowerCase().replace(/_/g, ' ')}: ${detail}`;
}
