/**
 * Parallel block execution with Block-STM (`stm/`): a `BlockExecutor` that runs a batch of
 * transactions optimistically on lanes, validates what each read, re-executes on conflict and
 * hands back the results and writes sequential execution would give. Lanes are this thread's
 * (browser-safe; `LocalLanes`, also the tests' stand-in for racing threads) or worker threads
 * (`src/node/block-workers.ts`); or, with `parts`, the batch runs split (`stm/split.ts`): the
 * coordinator runs its first share directly and commits the later parts, run by workers, where
 * their reads hold. A batch it does not cover (small, before EIP-161, WebAssembly programs, blob
 * transactions, a transaction the protocol rejects) is declined, and the builder runs it one by
 * one, as it would without this executor.
 */
import { KECCAK256_EMPTY } from '../primitives/hash.js';
import type { WorldState } from '../state/world-state.js';
import type { StateReader } from '../state/reader.js';
import type { TransactionResult } from '../exec/transaction.js';
import type { ValidatedBlockTransaction } from './block.js';
import type { BatchOutcome, BatchSetting, BlockExecutor } from './executor.js';
import { MultiVersionMemory, toAccountValue } from './stm/memory.js';
import { runScheduler, type Lanes, type StmStats } from './stm/scheduler.js';
import { executeTask, type TaskOutcome, type TaskSetting } from './stm/task.js';
import { applyWrites } from './stm/apply.js';
import { runSplit, type Parts } from './stm/split.js';

export { applyWrites };

/** Below this many transactions a batch runs one by one: lanes cost more than they give. */
export const DEFAULT_MIN_PARALLEL = 16;

/** How many transactions the probe runs before worker threads are used. */
const PROBE = 64;

/** What the lanes of one batch get to run its tasks. */
export interface LaneJob {
  memory: MultiVersionMemory;
  base: WorldState;
  transactions: readonly ValidatedBlockTransaction[];
  setting: TaskSetting;
}

export interface ParallelOptions {
  /**
   * Makes the parts for a batch run split (`stm/split.ts`: the coordinator runs the first part
   * directly on the state, the parts the rest, each on the pre-block state); takes precedence
   * over `lanes`. Undefined, or a batch it gives no parts for: Block-STM on `lanes`.
   */
  parts?: (job: LaneJob) => Parts | undefined;
  /** The coordinator's share of a split batch; default `1 / (1 + 2.5 * parts)` (it also commits the parts' transactions). */
  share?: number;
  /** Makes the lanes for a batch; undefined: this thread only (`LocalLanes`). */
  lanes?: (job: LaneJob) => Lanes | undefined;
  /** Lanes on this thread (default 2). */
  localLanes?: number;
  /** Seeds the order in which this thread's lanes complete (tests vary it; default 1). */
  seed?: number;
  /** Batches smaller than this run one by one (default `DEFAULT_MIN_PARALLEL`). */
  minTransactions?: number;
  /**
   * Stop parallel execution when conflicts make it costlier than sequential (`BAIL_AFTER`),
   * keeping the prefix run so far; the rest of the batch then runs one by one. Default true.
   */
  bail?: boolean;
  /** Told of each batch run in parallel (stats) or declined (reason). */
  report?: (report: { transactions: number; stats?: StmStats; declined?: string }) => void;
}

/** A small deterministic random generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Lanes on this thread: a task runs when it starts (reading the memory as it is then) and its
 * outcome is delivered later, in a seeded random order among those started, as threads racing
 * would deliver them. Same results as real threads, for the proofs; no speed-up.
 */
export class LocalLanes implements Lanes {
  readonly count: number;
  readonly #job: LaneJob;
  readonly #random: () => number;
  readonly #started: { tx: number; version: number; outcome: TaskOutcome }[] = [];

  constructor(job: LaneJob, count: number, seed: number) {
    this.#job = job;
    this.count = count;
    this.#random = seededRandom(seed);
  }

  start(tx: number, version: number): void {
    const { memory, base, transactions, setting } = this.#job;
    this.#started.push({ tx, version, outcome: executeTask(memory, base, transactions[tx]!, tx, setting) });
  }

  next(): { tx: number; version: number; outcome: TaskOutcome } {
    const index = Math.floor(this.#random() * this.#started.length);
    const [task] = this.#started.splice(index, 1);
    if (task === undefined) throw new Error('LocalLanes.next: no task started');
    return task;
  }
}

export class ParallelExecutor implements BlockExecutor {
  readonly #options: ParallelOptions;

  constructor(options: ParallelOptions = {}) {
    this.#options = options;
  }

  execute(state: WorldState, transactions: readonly ValidatedBlockTransaction[], setting: BatchSetting): BatchOutcome | undefined {
    const declined = this.#declines(state, transactions, setting);
    if (declined !== undefined) {
      this.#options.report?.({ transactions: transactions.length, declined });
      return undefined;
    }
    const { block, rules } = setting;
    const base: StateReader = state;
    const baseCoinbase = () => toAccountValue(base.readAccount(block.coinbase));
    // A probe first: the block's first transactions on this thread's lanes. Where they conflict
    // too much, the batch is declined before worker threads are given anything.
    if (this.#options.bail !== false && (this.#options.lanes ?? this.#options.parts) !== undefined && transactions.length > PROBE * 4) {
      const probe = transactions.slice(0, PROBE);
      const memory = new MultiVersionMemory(probe.length, block.coinbase, KECCAK256_EMPTY);
      const job: LaneJob = { memory, base: state, transactions: probe, setting: { block, rules, gasUsed: setting.gasUsed } };
      const result = runScheduler(probe.length, memory, new LocalLanes(job, 4, 1), baseCoinbase, { bail: false });
      const { executions, aborts, blocked } = result.stats;
      if (!result.ok || (aborts + blocked) * 4 > executions) {
        this.#options.report?.({ transactions: transactions.length, stats: result.stats, declined: 'conflicts in the first transactions' });
        return undefined;
      }
    }
    const memory = new MultiVersionMemory(transactions.length, block.coinbase, KECCAK256_EMPTY);
    const job: LaneJob = { memory, base: state, transactions, setting: { block, rules, gasUsed: setting.gasUsed } };
    const parts = this.#options.parts?.(job);
    if (parts !== undefined) {
      // The state changes as the batch runs: the results are of what was applied, and there is nothing left to apply.
      const share = this.#options.share ?? 1 / (1 + 2.5 * parts.count);
      const { results, stats } = runSplit(state, transactions, parts, { ...setting, share });
      this.#options.report?.({ transactions: transactions.length, stats });
      return { results, apply: () => {} };
    }
    const lanes: Lanes = this.#options.lanes?.(job) ?? new LocalLanes(job, this.#options.localLanes ?? 2, this.#options.seed ?? 1);
    let outcome;
    try {
      outcome = runScheduler(transactions.length, memory, lanes, baseCoinbase, { bail: this.#options.bail });
    } finally {
      lanes.finish?.();
    }
    if (!outcome.ok) {
      this.#options.report?.({ transactions: transactions.length, stats: outcome.stats, declined: outcome.reason });
      return undefined;
    }
    // The block's gas, checked in order as one-by-one execution checks it.
    let gasUsed = setting.gasUsed;
    for (let i = 0; i < outcome.outcomes.length; i++) {
      if (transactions[i]!.tx.gasLimit > block.gasLimit - gasUsed) {
        this.#options.report?.({ transactions: transactions.length, declined: `transaction ${i} exceeds the block's gas` });
        return undefined;
      }
      gasUsed += outcome.outcomes[i]!.result.blockGasUsed;
    }
    this.#options.report?.({ transactions: transactions.length, stats: outcome.stats });
    const results: TransactionResult[] = outcome.outcomes.map((o) => o.result);
    const writes = outcome.outcomes.map((o) => o.writes);
    return { results, apply: (target) => applyWrites(target, writes, block.coinbase) };
  }

  #declines(state: WorldState, transactions: readonly ValidatedBlockTransaction[], setting: BatchSetting): string | undefined {
    const { rules } = setting;
    if (transactions.length < (this.#options.minTransactions ?? DEFAULT_MIN_PARALLEL)) return 'a small batch';
    if (!rules.eip158) return 'rules before EIP-161';
    if (rules.wasm) return 'WebAssembly programs';
    if (!state.listable) return 'a state read per location';
    if (transactions.some((t) => t.tx.type === 3)) return 'blob transactions';
    return undefined;
  }
}
