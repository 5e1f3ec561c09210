/**
 * One Block-STM task: an incarnation of a transaction executed on a `VersionedView` (the
 * pre-block state under the writes of the transactions below it) through the ordinary journaled
 * `WorldState` and `runValidatedTransaction`, giving what it read and what it wrote. The same
 * code runs on the caller's thread and in worker threads (which hold a replica of the memory).
 */
import type { Address } from '../../primitives/address.js';
import type { BlockContext } from '../../host/index.js';
import type { Rules } from '../../forks/index.js';
import { WorldState } from '../../state/world-state.js';
import { ReaderStorage } from '../../state/reader-storage.js';
import type { StateReader } from '../../state/reader.js';
import { InvalidTransactionError } from '../../tx/types.js';
import type { ValidatedTransaction } from '../../tx/validate.js';
import { runValidatedTransaction, type TransactionResult } from '../../exec/transaction.js';
import {
  Blocked,
  Unsupported,
  VersionedView,
  sameAccount,
  toAccountValue,
  type MultiVersionMemory,
  type ReadSet,
  type WriteSet,
} from './memory.js';

export interface TaskSetting {
  block: BlockContext;
  rules: Rules;
  /** Gas the block used before the batch (each transaction is checked against it; the sum is checked at the end). */
  gasUsed: bigint;
}

export type TaskOutcome =
  | { kind: 'done'; reads: ReadSet; writes: WriteSet; result: TransactionResult }
  /** The protocol rejected the transaction on what it read (which may yet change). */
  | { kind: 'invalid'; reads: ReadSet; message: string }
  /** A read met an ESTIMATE of transaction `on`. */
  | { kind: 'blocked'; on: number }
  | { kind: 'unsupported'; message: string };

type Ran = { kind: 'done'; reads: ReadSet; writes: WriteSet; result: TransactionResult; wroteCoinbase: boolean };

/** Executes transaction `index` on the memory's view for it. */
export function executeTask(
  memory: MultiVersionMemory,
  base: StateReader,
  validated: ValidatedTransaction & { impersonated?: boolean },
  index: number,
  setting: TaskSetting,
): TaskOutcome {
  try {
    let outcome = run(memory, base, validated, index, setting, true);
    // A transaction that wrote the coinbase itself (a value sent to it, a self-destruct) runs
    // again with its fee credited in place, which reads the coinbase exactly.
    if (outcome.kind === 'done' && outcome.wroteCoinbase) outcome = run(memory, base, validated, index, setting, false);
    if (outcome.kind === 'done') return { kind: 'done', reads: outcome.reads, writes: outcome.writes, result: outcome.result };
    return outcome;
  } catch (error) {
    if (error instanceof Blocked) return { kind: 'blocked', on: error.tx };
    if (error instanceof Unsupported) return { kind: 'unsupported', message: error.message };
    throw error;
  }
}

function run(
  memory: MultiVersionMemory,
  base: StateReader,
  validated: ValidatedTransaction & { impersonated?: boolean },
  index: number,
  setting: TaskSetting,
  defer: boolean,
): Ran | Exclude<TaskOutcome, { kind: 'done' }> {
  const view = new VersionedView(memory, base, index);
  const state = new WorldState(view);
  let result: TransactionResult;
  try {
    result = runValidatedTransaction(state, validated, setting.block, setting.rules, {
      blockGasUsed: setting.gasUsed,
      allowSenderWithCode: validated.impersonated === true,
      deferCoinbaseFee: defer,
    });
  } catch (error) {
    if (error instanceof InvalidTransactionError) return { kind: 'invalid', reads: view.reads, message: error.message };
    throw error;
  }
  const changed = state.takeChangedAddresses();
  const coinbase = memory.coinbase;
  const writes = writeSet(state, view, changed);
  const wroteCoinbase = defer && writes.accounts.some(([address]) => address === coinbase);
  writes.coinbaseFee = defer ? result.coinbaseFee : undefined;
  return { kind: 'done', reads: view.reads, writes, result, wroteCoinbase };
}

/** What the transaction changed: accounts whose fields differ from what it read, slots, resets. */
function writeSet(state: WorldState, view: VersionedView, changed: Set<Address>): WriteSet {
  const writes: WriteSet = { accounts: [], storage: [], resets: [], storageWritten: [], coinbaseFee: undefined };
  for (const address of changed) {
    const account = state.getAccount(address);
    const value = toAccountValue(account);
    if (!view.accountsRead.has(address) || !sameAccount(view.accountsRead.get(address), value)) writes.accounts.push([address, value]);
    if (account === undefined) {
      writes.resets.push(address);
      writes.storageWritten.push(address);
      continue;
    }
    const storage = account.storage;
    if (storage instanceof ReaderStorage && !storage.cleared) {
      if (storage.dirty.size === 0) continue;
      for (const slot of storage.dirty) writes.storage.push([address, slot, storage.get(slot) ?? 0n]);
      writes.storageWritten.push(address);
    } else {
      // A new account (created, or replaced by a create): its storage is all here.
      writes.resets.push(address);
      writes.storageWritten.push(address);
      for (const [slot, v] of storage.entries()) writes.storage.push([address, slot, v]);
    }
  }
  return writes;
}
