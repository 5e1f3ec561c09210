/**
 * Mining: a block on the latest one with the pool's best transactions, the mining modes
 * (automine: a block per transaction as it arrives; at an interval; by hand), and the settings
 * of the next block (coinbase, gas limit, a base fee set by hand). Also the genesis block.
 */
import type { Machines } from '../exec/code.js';
import { logError, printProgramOutput } from './log.js';
import type { Address } from '../primitives/address.js';
import { keccak256 } from '../primitives/hash.js';
import type { Rules } from '../forks/index.js';
import type { WorldState } from '../state/world-state.js';
import { Account } from '../state/account.js';
import { InvalidTransactionError } from '../tx/types.js';
import { BlockBuilder, type BlockBuilderOptions } from '../chain/builder.js';
import type { BlockExecutor } from '../chain/executor.js';
import { createOverlayState } from '../chain/overlay-state.js';
import type { Block } from '../chain/block.js';
import type { BlockCommit } from '../chain/commit.js';
import type { ContextHeader } from '../chain/block-context.js';
import type { StateRootTracker } from '../chain/state-root.js';
import { systemContracts } from '../chain/system-contracts.js';
import { nextBaseFee, nextExcessBlobGas, headerBlobBaseFee, INITIAL_BASE_FEE } from '../chain/fees.js';
import type { DevAccount } from './accounts.js';
import type { BlockIndex } from './block-index.js';
import type { Clock } from './clock.js';
import type { PooledTransaction, TxPool } from './tx-pool.js';
import type { ChainObserver, MinedTransactionReport } from './node-log.js';

/** The parts of the chain a miner reads and builds on. */
export interface MinerParts {
  rules: Rules;
  /** The chain's VMs: one code cache for every block it mines and every call it answers. */
  machines: Machines;
  chainId: bigint;
  state: WorldState;
  pool: TxPool;
  blocks: BlockIndex;
  clock: Clock;
  tracker: StateRootTracker;
  /** Takes each mined block: the chain hands it on to the index, the history, the store and the subscribers. */
  commit(commit: BlockCommit): void;
  /** Who is told of console.log output and mined blocks (the node's log, its events); usually nobody. */
  observer(): ChainObserver | undefined;
}

export interface MinerSettings {
  automine: boolean;
  coinbase: Address;
  gasLimit: bigint;
}

export interface MineResult {
  block: Block;
  /** Transactions the block could not take because the protocol rejected them (dropped). */
  rejected: Map<string, InvalidTransactionError>;
}

export class Miner {
  automine: boolean;
  coinbase: Address;
  gasLimit: bigint;
  /** anvil_setNextBlockBaseFeePerGas: the next block's base fee, once. */
  nextBaseFeeOverride: bigint | undefined;
  /** hardhat_setPrevRandao: the next block's prevRandao (mixHash), once. */
  nextPrevRandao: Uint8Array | undefined;
  readonly #parts: MinerParts;
  #intervalTimer: ReturnType<typeof setInterval> | undefined;
  /** Milliseconds between interval-mined blocks (0: off). */
  intervalMs = 0;
  /** Executes a block's transactions in parallel (`--parallel`); undefined: one by one. */
  executor: BlockExecutor | undefined;

  constructor(parts: MinerParts, settings: MinerSettings) {
    this.#parts = parts;
    this.automine = settings.automine;
    this.coinbase = settings.coinbase;
    this.gasLimit = settings.gasLimit;
  }

  nonceOf = (address: Address): bigint => this.#parts.state.getNonce(address);

  /** The base fee the next block will have. */
  nextBaseFee(): bigint {
    if (!this.#parts.rules.london) return 0n;
    return this.nextBaseFeeOverride ?? nextBaseFee(this.#parts.blocks.latest().header);
  }

  nextBlobBaseFee(): bigint {
    const { rules, blocks } = this.#parts;
    if (!rules.cancun) return 0n;
    return headerBlobBaseFee({ excessBlobGas: nextExcessBlobGas(blocks.latest().header, rules) }, rules);
  }

  /** The header fields of the block after `parent` as it would be mined now (for 'pending'). */
  pendingHeader(parent: Block): ContextHeader {
    const { rules, blocks, clock } = this.#parts;
    const latest = blocks.latest().header;
    return {
      coinbase: this.coinbase,
      number: parent.header.number + 1n,
      timestamp: clock.peek(latest.timestamp),
      gasLimit: this.gasLimit,
      baseFeePerGas: this.nextBaseFee(),
      mixHash: this.nextPrevRandao ?? keccak256(parent.hash),
      difficulty: rules.paris ? 0n : 1n,
      excessBlobGas: rules.cancun ? nextExcessBlobGas(latest, rules) : undefined,
    };
  }

  /** The settings of the block after `parent`, with what was set by hand for it. */
  #builderOptions(parent: Block, timestamp: bigint): BlockBuilderOptions {
    const { rules, chainId, blocks } = this.#parts;
    const prevRandao = this.nextPrevRandao ?? keccak256(parent.hash);
    return {
      rules,
      print: rules.wasm ? printProgramOutput : undefined,
      machines: this.#parts.machines,
      chainId,
      parent: parent.header,
      parentHash: parent.hash,
      timestamp,
      coinbase: this.coinbase,
      gasLimit: this.gasLimit,
      baseFee: rules.london ? this.nextBaseFeeOverride : undefined,
      prevRandao,
      parentBeaconBlockRoot: rules.cancun ? keccak256(prevRandao) : undefined,
      blockHash: blocks.blockHash,
    };
  }

  /**
   * The block mining now would make (the 'pending' block): the pool's executable transactions
   * run on a throw-away overlay of the state. Nothing is committed; the block has no roots.
   */
  pendingBlock(): { parent: Block; builder: BlockBuilder } {
    const { state, pool, blocks, clock } = this.#parts;
    const parent = blocks.latest();
    const builder = new BlockBuilder(createOverlayState(state), this.#builderOptions(parent, clock.peek(parent.header.timestamp)));
    if (pool.size === 0) return { parent, builder };
    const selection = pool.select(this.nonceOf, builder.baseFee);
    for (let next = selection.peek(); next !== undefined; next = selection.peek()) {
      try {
        if (builder.fits(next) !== undefined) throw new Error('does not fit');
        builder.add(next);
        selection.advance(next.sender);
      } catch {
        selection.skip(next.sender);
      }
    }
    return { parent, builder };
  }

  /** Mines one block with the pool's best executable transactions. */
  mine(options: { timestamp?: bigint; maxTransactions?: number } = {}): MineResult {
    const { state, pool, blocks, clock, tracker } = this.#parts;
    const parent = blocks.latest();
    const timestamp = clock.take(parent.header.timestamp, options.timestamp);
    const builder = new BlockBuilder(state, this.#builderOptions(parent, timestamp));
    this.nextPrevRandao = undefined;
    this.nextBaseFeeOverride = undefined;
    const rejected = new Map<string, InvalidTransactionError>();
    const max = options.maxTransactions ?? Infinity;
    const observer = this.#parts.observer();
    const reports: MinedTransactionReport[] | undefined = observer?.wantsBlocks ? [] : undefined;
    // Told after the block is committed, so nothing a listener does can reach a half-built block.
    const consoleOutput: { hash: string; lines: string[] }[] = [];
    if (pool.size > 0 && this.executor !== undefined && max === Infinity) {
      for (const { item, result, receipt } of this.#mineParallel(builder, this.executor)) {
        reports?.push({ hash: item.hashHex, result, receipt });
        if (result.reason !== undefined) logError(`transaction ${item.hashHex}: ${result.error}`);
        pool.remove(item.hashHex);
      }
    }
    if (pool.size > 0) {
      const selection = pool.select(this.nonceOf, builder.baseFee);
      while (builder.transactions.length < max) {
        const next = selection.peek();
        if (next === undefined) break;
        if (builder.fits(next) !== undefined) {
          selection.skip(next.sender);
          continue;
        }
        try {
          const tracer = observer?.consoleTracer();
          const { result, receipt } = builder.add(next, tracer);
          if (tracer !== undefined && tracer.lines.length > 0) consoleOutput.push({ hash: next.hashHex, lines: tracer.lines });
          reports?.push({ hash: next.hashHex, result, receipt });
          // A program refused at deploy says why in the operator's log.
          if (result.reason !== undefined) logError(`transaction ${next.hashHex}: ${result.error}`);
          selection.advance(next.sender);
          pool.remove(next.hashHex);
        } catch (error) {
          // Undo whatever a failing transaction began (only an engine fault gets that far).
          state.revert(0);
          state.clearTransaction();
          selection.skip(next.sender);
          pool.remove(next.hashHex);
          if (error instanceof InvalidTransactionError) rejected.set(next.hashHex, error);
          else rejected.set(next.hashHex, new InvalidTransactionError('InternalError', String((error as Error)?.message ?? error)));
        }
      }
    }
    const commit = builder.finish(tracker, state.takeChangedAddresses());
    this.#parts.commit(commit);
    for (const { hash, lines } of consoleOutput) observer!.console(lines, { kind: 'transaction', hash });
    if (reports !== undefined) observer!.mined(commit.block, reports);
    return { block: commit.block, rejected };
  }

  /**
   * The pool's transactions in the order one-by-one mining takes them, as long as their gas
   * limits fit the block whatever they use, run as one parallel batch. Mining then goes on one by
   * one from where the batch stopped, so the block is the one sequential mining makes. Nothing
   * runs when the executor declines the batch (a transaction the protocol would reject).
   */
  #mineParallel(builder: BlockBuilder, executor: BlockExecutor) {
    const selection = this.#parts.pool.select(this.nonceOf, builder.baseFee);
    const batch: PooledTransaction[] = [];
    let reserved = builder.gasUsed;
    for (let next = selection.peek(); next !== undefined; next = selection.peek()) {
      if (reserved + next.tx.gasLimit > builder.context.gasLimit || builder.fits(next) !== undefined) break;
      reserved += next.tx.gasLimit;
      batch.push(next);
      selection.advance(next.sender);
    }
    const executed = builder.addParallel(batch, executor) ?? [];
    return executed.map(({ result, receipt }, i) => ({ item: batch[i]!, result, receipt }));
  }

  /** anvil_mine: `count` blocks, each `interval` seconds after the one before (the first after the latest, as Anvil does). */
  mineMany(count: number, interval?: bigint): Block[] {
    const mined: Block[] = [];
    for (let i = 0; i < count; i++) {
      // A timestamp set by hand (evm_setNextBlockTimestamp) still comes first, as in Anvil.
      const { blocks, clock } = this.#parts;
      const timestamp = interval !== undefined && clock.next === undefined ? blocks.latest().header.timestamp + interval : undefined;
      mined.push(this.mine({ timestamp }).block);
    }
    return mined;
  }

  /** Automine: one block per executable transaction until none is left. */
  mineReady(): Map<string, InvalidTransactionError> {
    const { pool } = this.#parts;
    const rejected = new Map<string, InvalidTransactionError>();
    for (let guard = 0; guard < 100_000; guard++) {
      const baseFee = this.nextBaseFee();
      if (pool.size === 0 || pool.select(this.nonceOf, baseFee).peek() === undefined) break;
      const result = this.mine({ maxTransactions: 1 });
      for (const [hash, error] of result.rejected) rejected.set(hash, error);
      if (result.block.transactions.length === 0 && result.rejected.size === 0) break;
    }
    return rejected;
  }

  /** Mines a block every `milliseconds` (0: stops). */
  setIntervalMining(milliseconds: number): void {
    if (this.#intervalTimer) clearInterval(this.#intervalTimer);
    this.#intervalTimer = undefined;
    this.intervalMs = milliseconds > 0 ? milliseconds : 0;
    if (milliseconds > 0) {
      this.#intervalTimer = setInterval(() => {
        try {
          this.mine();
        } catch (error) {
          logError(`polyvm: interval mining failed: ${(error as Error).message}`);
        }
      }, milliseconds);
      this.#intervalTimer.unref?.();
    }
  }

  get intervalMining(): boolean {
    return this.#intervalTimer !== undefined;
  }
}

export interface GenesisSettings {
  rules: Rules;
  chainId: bigint;
  accounts: readonly DevAccount[];
  /** Wei given to each dev account. */
  balance: bigint;
  gasLimit: bigint;
  baseFee: bigint | undefined;
  timestamp: bigint;
}

/**
 * Puts the dev accounts and the system contracts into `state` (which holds nothing else), builds
 * the tracker's tries from it afresh, and returns the genesis block.
 */
export function buildGenesis(state: WorldState, tracker: StateRootTracker, settings: GenesisSettings): Block {
  const { rules } = settings;
  for (const account of settings.accounts) {
    const a = new Account();
    a.balance = settings.balance;
    state.putAccount(account.address, a);
  }
  for (const contract of systemContracts(rules)) {
    const a = new Account();
    a.nonce = 1n;
    a.setCode(contract.code);
    state.putAccount(contract.address, a);
  }
  const builder = new BlockBuilder(state, {
    rules,
    chainId: settings.chainId,
    parent: undefined,
    parentHash: new Uint8Array(32),
    timestamp: settings.timestamp,
    coinbase: '0x0000000000000000000000000000000000000000',
    gasLimit: settings.gasLimit,
    baseFee: rules.london ? (settings.baseFee ?? INITIAL_BASE_FEE) : undefined,
    prevRandao: new Uint8Array(32),
    parentBeaconBlockRoot: rules.cancun ? new Uint8Array(32) : undefined,
    blockHash: () => 0n,
  });
  // A genesis block runs nothing: the tries are those of the accounts just put.
  tracker.rebuild(state);
  return builder.finish(tracker, []).block;
}
