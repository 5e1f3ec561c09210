/**
 * The seam between a block builder and a parallel executor (Block-STM, `parallel.ts`): the
 * builder hands it an ordered batch of transactions and the state they start from, and takes
 * back each transaction's result and the changes to apply, exactly as running them one by one
 * would have left them. An executor that declines a batch (too small, rules it does not cover, a
 * transaction the protocol rejects) returns undefined and the builder runs it one by one.
 */
import type { BlockContext } from '../host/index.js';
import type { Rules } from '../forks/index.js';
import type { WorldState } from '../state/world-state.js';
import type { TransactionResult } from '../exec/transaction.js';
import type { ValidatedBlockTransaction } from './block.js';

export interface BatchSetting {
  block: BlockContext;
  rules: Rules;
  print?: (line: string) => void;
  /** Gas the block used before the batch. */
  gasUsed: bigint;
}

export interface BatchOutcome {
  /**
   * Each transaction's result, in block order: for all of the batch, or for a prefix of it (the
   * executor stopped, conflicts making it slower than one by one), the rest left to the caller.
   */
  results: TransactionResult[];
  /**
   * Writes the changes of the transactions in `results` to `state` (the state the batch ran on),
   * as one-by-one execution leaves it; nothing, for an executor that wrote them while executing
   * (it then never declines a batch it started on).
   */
  apply(state: WorldState): void;
}

export interface BlockExecutor {
  execute(state: WorldState, transactions: readonly ValidatedBlockTransaction[], setting: BatchSetting): BatchOutcome | undefined;
}
