/**
 * Block-STM's scheduler, run by one coordinator: it starts the lowest-numbered transaction that
 * is ready on a free lane, records each finished incarnation in the multi-version memory,
 * validates it and every transaction that read a location it changed, aborts an incarnation
 * whose reads no longer hold (its writes become ESTIMATEs and it runs again), parks a
 * transaction that met an ESTIMATE until the one it waits for has run, and ends when nothing
 * runs and every transaction's reads hold in block order: then the writes are those of
 * sequential execution.
 *
 * Lanes run the tasks: on the coordinator's thread (in a browser, and in tests, where a seeded
 * random order of completion stands in for threads racing) or in worker threads (`src/node/`).
 */
import type { MultiVersionMemory, AccountValue, WriteSet } from './memory.js';
import { VERSION_SPAN, accountKey } from './memory.js';
import type { TaskOutcome } from './task.js';

export interface Lanes {
  /** How many tasks may run at once. */
  readonly count: number;
  /** Starts incarnation `version` of transaction `tx`; its outcome comes back from `next`. */
  start(tx: number, version: number): void;
  /** Waits for the outcome of one started task. */
  next(): { tx: number; version: number; outcome: TaskOutcome };
  /** The coordinator recorded these writes (lanes holding a replica of the memory copy them). */
  recorded?(tx: number, version: number, writes: WriteSet): void;
  /** The coordinator marked the writes of `tx` as ESTIMATEs. */
  estimated?(tx: number): void;
  /** The batch is over (done, or stopped early): tasks still queued need not run. */
  finish?(): void;
}

export type Finished = Extract<TaskOutcome, { kind: 'done' }>;

/**
 * Conflicts so frequent that parallel execution would cost more than it gives: after
 * `BAIL_AFTER` executions, more aborted or blocked tasks than half the executions.
 */
export const BAIL_AFTER = 48;

export type StmResult =
  /** `outcomes` covers the block, or with `bailed` a prefix of it (the rest is for sequential execution). */
  { ok: true; outcomes: Finished[]; stats: StmStats; bailed?: boolean } | { ok: false; reason: string; stats: StmStats };

export interface StmStats {
  /** Tasks run (incarnations started). */
  executions: number;
  /** Incarnations aborted by a failed validation. */
  aborts: number;
  /** Tasks that met an ESTIMATE. */
  blocked: number;
  /** Set when conflicts stopped parallel execution: the transactions committed in parallel. */
  committed?: number;
}

const READY = 0;
const RUNNING = 1;
const EXECUTED = 2;
const WAITING = 3;

const EMPTY_WRITES: WriteSet = { accounts: [], storage: [], resets: [], storageWritten: [], coinbaseFee: undefined };

/** A binary min-heap of transaction indices. */
class IndexHeap {
  readonly #items: number[] = [];
  get size(): number {
    return this.#items.length;
  }
  peek(): number | undefined {
    return this.#items[0];
  }
  push(value: number): void {
    const items = this.#items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }
  pop(): number | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= items.length) break;
      const r = l + 1;
      const child = r < items.length && items[r]! < items[l]! ? r : l;
      if (items[child]! >= last) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** Runs a block of `size` transactions to a state equal to sequential execution's, or says why it could not. */
export function runScheduler(
  size: number,
  memory: MultiVersionMemory,
  lanes: Lanes,
  baseCoinbase: () => AccountValue,
  options: { bail?: boolean } = {},
): StmResult {
  const status = new Uint8Array(size);
  const incarnation = new Uint32Array(size);
  const outcomes: (Extract<TaskOutcome, { kind: 'done' | 'invalid' }> | undefined)[] = new Array(size);
  const readers = new Map<string, Set<number>>();
  const coinbaseReaders = new Set<number>();
  const waiting = new Map<number, number[]>();
  const ready = new IndexHeap();
  const stats: StmStats = { executions: 0, aborts: 0, blocked: 0 };
  const coinbaseKey = accountKey(memory.coinbase);
  let fresh = 0;
  let running = 0;

  const validate = (tx: number): boolean => memory.validate(tx, outcomes[tx]!.reads, baseCoinbase);
  const abort = (tx: number): void => {
    stats.aborts++;
    memory.markEstimate(tx);
    lanes.estimated?.(tx);
    incarnation[tx]!++;
    status[tx] = READY;
    ready.push(tx);
  };
  const revalidate = (tx: number, candidates: Iterable<number> | undefined): void => {
    if (candidates === undefined) return;
    for (const r of candidates) if (r > tx && status[r] === EXECUTED && !validate(r)) abort(r);
  };

  for (;;) {
    while (running < lanes.count) {
      const queued = ready.peek();
      let tx: number;
      if (queued !== undefined && (fresh >= size || queued < fresh)) tx = ready.pop()!;
      else if (fresh < size) tx = fresh++;
      else break;
      if (incarnation[tx]! >= VERSION_SPAN - 1) return { ok: false, reason: `transaction ${tx} ran too often`, stats };
      status[tx] = RUNNING;
      running++;
      stats.executions++;
      lanes.start(tx, tx * VERSION_SPAN + incarnation[tx]!);
    }
    if (running === 0) {
      // Nothing runs and nothing is ready: every transaction executed. Commit if all reads hold.
      let settled = true;
      for (let tx = 0; tx < size; tx++) {
        if (status[tx] !== EXECUTED) return { ok: false, reason: `transaction ${tx} never ran`, stats };
        if (!validate(tx)) {
          abort(tx);
          settled = false;
        }
      }
      if (!settled) continue;
      const finished: Finished[] = [];
      for (let tx = 0; tx < size; tx++) {
        const outcome = outcomes[tx]!;
        if (outcome.kind === 'invalid') return { ok: false, reason: `transaction ${tx} is invalid: ${outcome.message}`, stats };
        finished.push(outcome);
      }
      return { ok: true, outcomes: finished, stats };
    }
    if (options.bail !== false && stats.executions >= BAIL_AFTER && (stats.aborts + stats.blocked) * 2 > stats.executions) {
      // Keep the prefix that holds (executed, its reads valid in block order); the rest is
      // sequential execution's. Tasks still running are forgotten.
      let k = 0;
      while (k < size && status[k] === EXECUTED && outcomes[k]!.kind === 'done' && validate(k)) k++;
      stats.committed = k;
      return { ok: true, outcomes: outcomes.slice(0, k) as Finished[], stats, bailed: true };
    }
    const { tx, version, outcome } = lanes.next();
    running--;
    if (outcome.kind === 'unsupported') return { ok: false, reason: outcome.message, stats };
    if (outcome.kind === 'blocked') {
      stats.blocked++;
      if (status[outcome.on] === EXECUTED || outcome.on >= tx) {
        // What it waited for ran meanwhile (a lane's replica lagged): run again at once.
        incarnation[tx]!++;
        status[tx] = READY;
        ready.push(tx);
      } else {
        status[tx] = WAITING;
        const list = waiting.get(outcome.on);
        if (list === undefined) waiting.set(outcome.on, [tx]);
        else list.push(tx);
      }
      continue;
    }
    const writes = outcome.kind === 'done' ? outcome.writes : EMPTY_WRITES;
    const changed = memory.record(tx, version, writes);
    lanes.recorded?.(tx, version, writes);
    outcomes[tx] = outcome;
    status[tx] = EXECUTED;
    for (const key of outcome.reads.keys) {
      let set = readers.get(key);
      if (set === undefined) readers.set(key, (set = new Set()));
      set.add(tx);
    }
    if (outcome.reads.coinbase !== undefined) coinbaseReaders.add(tx);
    const woken = waiting.get(tx);
    if (woken !== undefined) {
      waiting.delete(tx);
      for (const w of woken) {
        incarnation[w]!++;
        status[w] = READY;
        ready.push(w);
      }
    }
    if (!validate(tx)) abort(tx);
    for (const key of changed) revalidate(tx, readers.get(key));
    if (changed.includes(coinbaseKey)) revalidate(tx, coinbaseReaders);
  }
}
