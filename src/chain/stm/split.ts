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
import type { Address } from '../../primitives/address.js';
import { WorldState } from '../../state/world-state.js';
import { ReaderStorage } from '../../state/reader-storage.js';
import type { AccountFields, StateReader } from '../../state/reader.js';
import { InvalidTransactionError } from '../../tx/types.js';
import { runValidatedTransaction, type TransactionResult } from '../../exec/transaction.js';
import type { ValidatedBlockTransaction } from '../block.js';
import type { ValidatedTransaction } from '../../tx/validate.js';
import { sameAccount, toAccountValue, type ValueReads, type WriteSet } from './memory.js';
import type { TaskSetting } from './task.js';
import { applyWriteSet, creditCoinbase } from './apply.js';
import { decodeOutcomes, OutcomeEncoder } from './wire.js';
import type { StmStats } from './scheduler.js';

/** What a part says of one of its transactions. */
export type PartOutcome =
  /** Its result and writes, and what it was the first of its part to read, by value. */
  | { kind: 'done'; result: TransactionResult; writes: WriteSet; values: ValueReads }
  /** The part stopped here (the coinbase read, a transaction the protocol rejects): no more answers. */
  | { kind: 'stop'; reason: string };

/** Runs the later parts of a batch (on worker threads, or on this thread for the proofs). */
export interface Parts {
  /** How many parts it runs at once (the coordinator's own part comes before them). */
  readonly count: number;
  /**
   * Starts running each range [from, to) of the batch, in order, each on the pre-block state
   * and its own writes; `part` (below `count`) says which of the parts runs it.
   */
  start(ranges: readonly (readonly [part: number, from: number, to: number])[]): void;
  /** The outcome of transaction `tx` in its part (waits for it); taken in order, never after a `stop`. */
  take(tx: number): PartOutcome;
  /** The batch is over: what is still to run need not. */
  finish(): void;
}

/** The part read the coinbase, whose fees it leaves out: it stops there. */
class CoinbaseRead extends Error {}

/**
 * A `StateReader` over the pre-block state that notes the first read of each location, by value,
 * for the transaction running (`values`, renewed for each).
 */
class FirstReads implements StateReader {
  values: ValueReads = { accounts: [], slots: [], hasStorage: [] };
  readonly #accounts = new Set<Address>();
  readonly #slots = new Map<Address, Set<bigint>>();
  readonly #hasStorage = new Set<Address>();

  constructor(
    private readonly base: StateReader,
    private readonly coinbase: Address,
  ) {}

  readAccount(address: Address): AccountFields | undefined {
    if (address === this.coinbase) throw new CoinbaseRead('reads the coinbase');
    const fields = this.base.readAccount(address);
    if (!this.#accounts.has(address)) {
      this.#accounts.add(address);
      this.values.accounts.push([
        address,
        fields === undefined ? null : { nonce: fields.nonce, balance: fields.balance, codeHash: fields.codeHash },
      ]);
    }
    return fields;
  }

  readStorage(address: Address, slot: bigint): bigint {
    const value = this.base.readStorage(address, slot);
    let slots = this.#slots.get(address);
    if (slots === undefined) this.#slots.set(address, (slots = new Set()));
    if (!slots.has(slot)) {
      slots.add(slot);
      this.values.slots.push([address, slot, value]);
    }
    return value;
  }

  hasStorage(address: Address): boolean {
    const value = this.base.hasStorage(address);
    if (!this.#hasStorage.has(address)) {
      this.#hasStorage.add(address);
      this.values.hasStorage.push([address, value]);
    }
    return value;
  }
}

/** What the transaction just run changed in `state`: the accounts it changed, their written slots, storage replaced. */
function takeWrites(state: WorldState): WriteSet {
  const writes: WriteSet = { accounts: [], storage: [], resets: [], storageWritten: [], coinbaseFee: undefined };
  for (const address of state.takeChangedAddresses()) {
    const account = state.getAccount(address);
    writes.accounts.push([address, toAccountValue(account)]);
    if (account === undefined) {
      writes.resets.push(address);
      continue;
    }
    const storage = account.storage;
    if (storage instanceof ReaderStorage && !storage.cleared) {
      for (const slot of storage.dirty) writes.storage.push([address, slot, storage.get(slot) ?? 0n]);
      storage.resetTracking();
    } else {
      // Created (or re-created) in the part: its storage is all here.
      writes.resets.push(address);
      for (const [slot, value] of storage.entries()) writes.storage.push([address, slot, value]);
    }
  }
  return writes;
}

/**
 * Runs the transactions [from, to) in order, directly on one journaled state over `base` (the
 * pre-block state), the coinbase's fees left out, and tells `answer` each one's outcome; stops
 * where `answer` returns false (the batch is over), or after a `stop`. The code a worker runs.
 */
export function runPart(
  base: StateReader,
  transactions: readonly (ValidatedTransaction & { impersonated?: boolean })[],
  from: number,
  to: number,
  setting: TaskSetting,
  answer: (tx: number, outcome: PartOutcome) => boolean,
): void {
  const { block, rules, gasUsed } = setting;
  const reads = new FirstReads(base, block.coinbase);
  const state = new WorldState(reads);
  for (let tx = from; tx < to; tx++) {
    reads.values = { accounts: [], slots: [], hasStorage: [] };
    const item = transactions[tx]!;
    let outcome: PartOutcome;
    try {
      const result = runValidatedTransaction(state, item, block, rules, {
        blockGasUsed: gasUsed,
        allowSenderWithCode: item.impersonated === true,
        deferCoinbaseFee: true,
      });
      const writes = takeWrites(state);
      writes.coinbaseFee = result.coinbaseFee;
      outcome = { kind: 'done', result, writes, values: reads.values };
    } catch (error) {
      if (!(error instanceof CoinbaseRead || error instanceof InvalidTransactionError)) throw error;
      outcome = { kind: 'stop', reason: error.message };
    }
    if (!answer(tx, outcome) || outcome.kind === 'stop') return;
  }
}

/**
 * Parts run on this thread when started, on the state as it is then (the pre-block state): the
 * same outcomes as worker threads give, through the same encoding, without their speed. For the
 * proofs, and where there are no threads.
 */
export class LocalParts implements Parts {
  readonly count: number;
  readonly #outcomes = new Map<number, PartOutcome>();

  constructor(
    count: number,
    private readonly base: StateReader,
    private readonly transactions: readonly ValidatedBlockTransaction[],
    private readonly setting: TaskSetting,
  ) {
    this.count = count;
  }

  start(ranges: readonly (readonly [part: number, from: number, to: number])[]): void {
    for (const [, from, to] of ranges) {
      const encoder = new OutcomeEncoder();
      runPart(this.base, this.transactions, from, to, this.setting, (tx, outcome) => (encoder.add(tx, outcome), true));
      for (const answer of decodeOutcomes(encoder.take())) this.#outcomes.set(answer.tx, answer.outcome);
    }
  }

  take(tx: number): PartOutcome {
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

/** The most transactions a part runs on one state: it starts afresh on the pre-block state after. */
const RANGE = 64;

export interface SplitSetting {
  block: BlockContext;
  rules: Rules;
  print?: (line: string) => void;
  /** Gas the block used before the batch. */
  gasUsed: bigint;
  /** The share of the batch the coordinator runs itself (0 to 1). */
  share: number;
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
  // Where each transaction's outcome comes from: -1 the coordinator, else the part's first transaction.
  const partOf = new Int32Array(n).fill(-1);
  if (parts !== undefined && parts.count > 0) {
    const own = Math.min(n, Math.max(1, Math.round(n * setting.share)));
    const ranges: [number, number, number][] = [];
    const rest = n - own;
    for (let k = 0; k < parts.count; k++) {
      const from = own + Math.floor((rest * k) / parts.count);
      const to = own + Math.floor((rest * (k + 1)) / parts.count);
      // Short ranges: a transaction that cannot be committed costs the rest of its range only.
      for (let start = from; start < to; start += RANGE) ranges.push([k, start, Math.min(to, start + RANGE)]);
    }
    for (const [, from, to] of ranges) partOf.fill(from, from, to);
    parts.start(ranges);
    stats.executions += rest;
  }
  const results: TransactionResult[] = [];
  let gasUsed = setting.gasUsed;
  // Fees of committed transactions not credited yet: credited as one sum before anything reads
  // or writes the coinbase (the same account as crediting each in turn).
  const coinbase = block.coinbase;
  let fees: bigint | undefined;
  const creditFees = (): void => {
    if (fees !== undefined) creditCoinbase(state, coinbase, fees);
    fees = undefined;
  };
  const direct = (i: number): TransactionResult | undefined => {
    const item = transactions[i]!;
    stats.executions++;
    creditFees();
    state.clearTransaction();
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
  /**
   * A range whose transaction could not be committed: it ran the rest on its own writes, which
   * may now differ from the real ones, and it records first reads only; the rest of it runs
   * directly (and is not taken).
   */
  let failed = -1;
  let applied = 0;
  try {
    for (let i = 0; i < n; i++) {
      let result: TransactionResult | undefined;
      const part = partOf[i]!;
      if (part >= 0 && part !== failed) {
        const outcome = parts!.take(i);
        if (outcome.kind === 'done' && transactions[i]!.tx.gasLimit <= block.gasLimit - gasUsed && readsHold(state, outcome.values)) {
          const { writes } = outcome;
          if (writes.accounts.some(([a]) => a === coinbase)) creditFees();
          applyWriteSet(state, writes);
          if (writes.coinbaseFee !== undefined) fees = (fees ?? 0n) + writes.coinbaseFee;
          result = outcome.result;
          // The journal and the originals of the slots written grow with every write set applied (large maps cost).
          if (++applied % RANGE === 0) state.clearTransaction();
        } else {
          stats.aborts++;
          failed = part;
        }
      }
      if (result === undefined) {
        result = direct(i);
        if (result === undefined) break;
      }
      gasUsed += result.blockGasUsed;
      results.push(result);
    }
    creditFees();
    state.clearTransaction();
  } finally {
    parts?.finish();
  }
  return { results, stats };
}
