/**
 * `runBlock`: an ordered list of transactions executed on a state as one block, with the rules
 * around them (system calls, rewards, withdrawals, requests), giving the receipts, logs, gas and
 * roots. Choosing which transactions go in (the dev node's pool) is the miner's business; block
 * import and the miner both execute through the `BlockBuilder` this drives, one set of rules.
 */
import type { WorldState } from '../state/world-state.js';
import type { TransactionResult } from '../exec/transaction.js';
import type { BlockTransaction, ValidatedBlockTransaction } from './block.js';
import { BlockBuilder, type BlockBuilderOptions } from './builder.js';
import type { BlockCommit } from './commit.js';
import type { BlockExecutor } from './executor.js';
import type { Receipt } from './receipt.js';
import type { StateRootTracker } from './state-root.js';

export interface RunBlockResult extends BlockCommit {
  /** Each transaction's execution result (gas, refund, output, logs, created address). */
  results: TransactionResult[];
  receipts: Receipt[];
  gasUsed: bigint;
}

/**
 * Runs `transactions` in order on `state` (which it changes) as the block `options` describes,
 * commits the changes to `tracker` and seals the block. A transaction the protocol rejects
 * throws its `InvalidTransactionError`; a block rule broken at the end, its `InvalidBlockError`.
 * With `executor` (parallel execution) the result is the same as without.
 */
export function runBlock(
  state: WorldState,
  options: BlockBuilderOptions,
  transactions: readonly (BlockTransaction | ValidatedBlockTransaction)[],
  tracker: StateRootTracker,
  executor?: BlockExecutor,
): RunBlockResult {
  const builder = new BlockBuilder(state, options);
  const executed = builder.addAll(transactions, executor);
  const commit = builder.finish(tracker, state.takeChangedAddresses());
  return {
    ...commit,
    results: executed.map((e) => e.result),
    receipts: commit.block.receipts,
    gasUsed: commit.block.header.gasUsed,
  };
}
