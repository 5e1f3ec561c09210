/**
 * Split execution, the parallel executor's way with worker threads: the coordinator executes the
 * first part of the batch itself, directly on the real state, exactly as one-by-one execution
 * does, while workers execute the later parts, each in order on the pre-block state and its own
 * part's writes, recording what each transaction read by value (`ValueReads`). Then, in block
 * order, each later transaction is committed when everything it read still reads the same on
 * the real state (its writes are then those of sequential execution and are applied), and is
 * executed again directly otherwise. No transaction is ever committed on a stale read, so the
 * block is the sequential one; conflicts only cost the work the workers did for nothing.
 *
 * Costs on the coordinator's thread, beside its own part: the pre-block state sent to the workers
 * (`Parts`' job), taking each answer, one state lookup per value read, and applying the writes.
 */
import type { Rules } from '../../forks/index.js';
import type { BlockContext } from '../../host/index.js';
import type { WorldState } from '../../state/world-state.js';
import type { StateReader } from '../../state/reader.js';
import { InvalidTransactionError } from '../../tx/types.js';
import { runValidatedTransaction, type TransactionResult } from '../../exec/transaction.js';
import { KECCAK256_EMPTY } from '../../primitives/hash.js';
import type { ValidatedBlockTransaction } from '../block.js';
import type { ValidatedTransaction } from '../../tx/validate.js';
import { MultiVersionMemory, sameAccount, toAccountValue, VERSION_SPAN, type ValueReads } from './memory.js';
import { executeTask, type TaskOutcome, type TaskSetting } from './task.js';
import { applyWrites } from './apply.js';
import type { StmStats } from './scheduler.js';

/** Runs the later parts of a batch (on worker threads, or on this thread for the proofs). */
export interface Parts {
  /** How many parts it runs (the coordinator's own part comes before them). */
  readonly count: number;
  /** Starts running each range [from, to) of the batch, in order, on the pre-block state. */
  start(ranges: readonly (readonly [number, number])[]): void;
  /** The outcome of transaction `tx` in its part (waits for it). Taken in block order. */
  take(tx: number): TaskOutcome;
  /** The batch is over: what is still to run need not. */
  finish(): void;
}

/**
 * A part's transactions, in order, on `base` and the part's own writes: the code a worker runs
 * for each part it is given. `memory` holds the part's writes (one per part).
 */
export function runPartTask(
  memory: MultiVersionMemory,
  base: StateReader,
  transactions: readonly (ValidatedTransaction & { impersonated?: boolean })[],
  tx: number,
  setting: TaskSetting,
): TaskOutcome {
  const outcome = executeTask(memory, base, transactions[tx]!, tx, setting, true);
  // Its writes count at once for the next transaction of the part.
  if (outcome.kind === 'done') memory.record(tx, tx * VERSION_SPAN, outcome.writes);
  return outcome;
}

/**
 * Parts run on this thread when started, on the state as it is then (the pre-block state): the
 * same outcomes as worker threads give, without their speed. For browsers' tests and the proofs.
 */
export class LocalParts implements Parts {
  readonly count: number;
  readonly #outcomes = new Map<number, TaskOutcome>();

  constructor(
    count: number,
    private readonly base: StateReader,
    private readonly transactions: readonly ValidatedBlockTransaction[],
    private readonly setting: TaskSetting,
  ) {
    this.count = count;
  }

  start(ranges: readonly (readonly [number, number])[]): void {
    const { block } = this.setting;
    for (const [from, to] of ranges) {
      const memory = new MultiVersionMemory(this.transactions.length, block.coinbase, KECCAK256_EMPTY);
      for (let tx = from; tx < to; tx++) this.#outcomes.set(tx, runPartTask(memory, this.base, this.transactions, tx, this.setting));
    }
  }

  take(tx: number): TaskOutcome {
    const outcome = this.#outcomes.get(tx);
    if (outcome === undefined) throw new Error(`LocalParts.take: transaction ${tx} was not run`);
    this.#outcomes.delete(tx);
    return outcome;
  }

  finish(): void {
    this.#outcomes.clear();
  }
}

/** Whether everything a run read reads the same on `state` now. */
export function readsHold(state: WorldState, values: ValueReads): boolean {
  for (const [address, value] of values.accounts) if (!sameAccount(toAccountValue(state.getAccount(address)), value)) return false;
  for (const [address, slot, value] of values.slots) if (state.getStorage(address, slot) !== value) return false;
  for (const [address, value] of values.hasStorage) if (state.hasStorage(address) !== value) return false;
  return true;
}

export interface SplitSetting {
  block: BlockContext;
  rules: Rules;
  print?: (line: string) => void;
  /** Gas the block used before the batch. */
  gasUsed: bigint;
  /** The share of the batch the coordinator runs itself (0 to 1). */
  share: number;
  /**
   * When more than this many of the later transactions were executed again, and more than half
   * of those taken, the rest runs directly without waiting for the workers (default 32).
   */
  giveUpAfter?: number;
}

export interface SplitOutcome {
  /** Results of the transactions executed, in order: all, or a prefix up to one the protocol rejects. */
  results: TransactionResult[];
  stats: StmStats;
}

/**
 * Executes `transactions` on `state` (changing it, as one-by-one execution does) with the later
 * parts run by `parts`. Stops before a transaction the protocol rejects: the caller then runs
 * it one by one for the exact error.
 */
export function runSplit(
  state: WorldState,
  transactions: readonly ValidatedBlockTransaction[],
  parts: Parts | undefined,
  setting: SplitSetting,
): SplitOutcome {
  const { block, rules, print } = setting;
  const n = transactions.length;
  const stats: StmStats = { executions: 0, aborts: 0, blocked: 0 };
  let own = n;
  if (parts !== undefined && parts.count > 0) {
    own = Math.min(n, Math.max(1, Math.round(n * setting.share)));
    const ranges: [number, number][] = [];
    const rest = n - own;
    for (let k = 0; k < parts.count; k++) {
      const from = own + Math.floor((rest * k) / parts.count);
      const to = own + Math.floor((rest * (k + 1)) / parts.count);
      if (to > from) ranges.push([from, to]);
    }
    parts.start(ranges);
    stats.executions += rest;
  }
  const results: TransactionResult[] = [];
  let gasUsed = setting.gasUsed;
  const direct = (i: number): TransactionResult | undefined => {
    const item = transactions[i]!;
    stats.executions++;
    try {
      return runValidatedTransaction(state, item, block, rules, {
        blockGasUsed: gasUsed,
        print,
        allowSenderWithCode: item.impersonated === true,
      });
    } catch (error) {
      if (error instanceof InvalidTransactionError) return undefined;
      throw error;
    }
  };
  let taking = parts !== undefined;
  const giveUpAfter = setting.giveUpAfter ?? 32;
  try {
    for (let i = 0; i < n; i++) {
      let result: TransactionResult | undefined;
      if (i >= own && taking) {
        const outcome = parts!.take(i);
        if (
          outcome.kind === 'done' &&
          outcome.values !== undefined &&
          transactions[i]!.tx.gasLimit <= block.gasLimit - gasUsed &&
          readsHold(state, outcome.values)
        ) {
          applyWrites(state, [outcome.writes], block.coinbase);
          result = outcome.result;
        } else {
          stats.aborts++;
          if (stats.aborts > giveUpAfter && stats.aborts * 2 > i - own + 1) {
            // Conflicts everywhere: the workers' answers are not worth taking.
            taking = false;
            parts!.finish();
          }
        }
      }
      if (result === undefined) {
        result = direct(i);
        if (result === undefined) break;
      }
      gasUsed += result.blockGasUsed;
      results.push(result);
    }
  } finally {
    if (taking) parts!.finish();
  }
  return { results, stats };
}
