/**
 * Block-STM on worker threads (Node.js only): `BlockWorkers` gives the parallel executor
 * (`chain/parallel.ts`) lanes that run tasks in a few worker threads (`block-worker.ts`), each
 * with its own VM, the batch's pre-block state and its own copy of the multi-version memory.
 *
 * The coordinator (the caller's thread) stays synchronous: it sleeps on `Atomics.wait` and takes
 * the workers' messages with `receiveMessageOnPort`; it holds the authoritative memory, validates
 * every outcome and runs tasks itself while it would otherwise wait. The multi-version data go by
 * message passing (structured clones), in one of two ways (`lanes(job, mode)`):
 * - `chunks` (default): worker w runs the first incarnation of the w-th contiguous part of the
 *   block, in order, on the pre-block state and its own part's writes; re-executions run on the
 *   coordinator's thread. Only tasks and outcomes cross threads.
 * - `replicas`: each recorded write set and ESTIMATE mark is posted to every worker, whose memory
 *   then lags the coordinator's by the messages in flight; tasks go to the least busy worker.
 * Either way a stale read only costs a failed validation and a re-execution: the result is the
 * scheduler's, the same as sequential execution's. `parts(job)` gives split execution's parts
 * instead (`chain/stm/split.ts`, what the node and the benchmark use): each worker runs ranges of
 * the later transactions on the pre-block state and answers in groups encoded by `stm/wire.ts`. SharedArrayBuffer was the alternative for the
 * memory; see docs/parallel.md for why it was not built.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { nodeBuiltin } from '../primitives/node-require.js';
import type { Rules } from '../forks/index.js';
import type { WorldState } from '../state/world-state.js';
import type { BlockContext } from '../host/index.js';
import type { Transaction } from '../tx/types.js';
import { VERSION_SPAN, type WriteSet } from '../chain/stm/memory.js';
import type { Lanes } from '../chain/stm/scheduler.js';
import { executeTask, type TaskOutcome } from '../chain/stm/task.js';
import type { PartOutcome, Parts } from '../chain/stm/split.js';
import { decodeOutcomes } from '../chain/stm/wire.js';
import type { LaneJob } from '../chain/parallel.js';

type WorkerThreads = typeof import('node:worker_threads');

/**
 * The pre-block state as a worker receives it, in flat columns (a structured clone of a few large
 * arrays costs far less than one of an object per account): account i has `addresses[i]`,
 * `nonces[i]`, `balances[i]` and the code `codes[code[i]]` (-1: none); storage is listed as
 * (account index, slot, value) triples.
 */
export interface Snapshot {
  addresses: string[];
  nonces: bigint[];
  balances: bigint[];
  code: Int32Array;
  codes: Uint8Array[];
  codeHashes: Uint8Array[];
  slotOwners: Int32Array;
  slots: bigint[];
  values: bigint[];
}

/** The columns of `state`'s accounts (code shared by several accounts is sent once). */
export function snapshotOf(state: WorldState): Snapshot {
  const entries = [...state.accountEntries()];
  const snapshot: Snapshot = {
    addresses: new Array<string>(entries.length),
    nonces: new Array<bigint>(entries.length),
    balances: new Array<bigint>(entries.length),
    code: new Int32Array(entries.length),
    codes: [],
    codeHashes: [],
    slotOwners: new Int32Array(0),
    slots: [],
    values: [],
  };
  const codeIndex = new Map<Uint8Array, number>();
  const owners: number[] = [];
  entries.forEach(([address, account], i) => {
    snapshot.addresses[i] = address;
    snapshot.nonces[i] = account.nonce;
    snapshot.balances[i] = account.balance;
    if (account.code.length === 0) snapshot.code[i] = -1;
    else {
      let c = codeIndex.get(account.code);
      if (c === undefined) {
        c = snapshot.codes.length;
        codeIndex.set(account.code, c);
        snapshot.codes.push(account.code);
        snapshot.codeHashes.push(account.codeHash);
      }
      snapshot.code[i] = c;
    }
    for (const [slot, value] of account.storage) {
      owners.push(i);
      snapshot.slots.push(slot);
      snapshot.values.push(value);
    }
  });
  snapshot.slotOwners = Int32Array.from(owners);
  return snapshot;
}

/** What the coordinator posts to a worker. */
export type ToWorker =
  | {
      t: 'batch';
      id: number;
      snapshot: Snapshot;
      rules: Rules;
      block: Omit<BlockContext, 'blockHash'> & { hashes: Map<bigint, bigint> };
      /** The index of the first transaction sent; those below are not sent. */
      first: number;
      transactions: [Transaction, string, boolean | undefined][];
      gasUsed: bigint;
    }
  | { t: 'run'; id: number; tx: number; version: number }
  /** Run transactions [from, to) in order, by value (`chain/stm/split.ts`). */
  | { t: 'part'; id: number; from: number; to: number }
  | { t: 'rec'; id: number; tx: number; version: number; writes: WriteSet }
  | { t: 'est'; id: number; tx: number }
  | { t: 'end'; id: number };

interface FromWorker {
  id: number;
  tx: number;
  version: number;
  outcome: TaskOutcome;
}

/** A group of a part's answers (`chain/stm/wire.ts`). */
interface PartAnswers {
  id: number;
  part: string;
}

interface Slot {
  worker: Worker;
  port: MessagePort;
  /** Wakes the worker: bumped after each post. */
  wake: Int32Array;
  /** Messages not posted yet: they go together, before the coordinator waits. */
  outbox: ToWorker[];
  /** Tasks started here and not answered yet. */
  pending: number;
  /** Outcomes received and not taken yet. */
  inbox: FromWorker[];
  /** A part's answers received and not taken yet, in order. */
  parts: { tx: number; outcome: PartOutcome }[];
}

/** Tasks a worker is given ahead, so it never waits for the coordinator between two. */
const DEPTH = 4;

function flush(slot: Slot): void {
  if (slot.outbox.length === 0) return;
  slot.port.postMessage(slot.outbox);
  slot.outbox = [];
  Atomics.add(slot.wake, 0, 1);
  Atomics.notify(slot.wake, 0);
}

export class BlockWorkers {
  readonly #threads: WorkerThreads;
  readonly #slots: Slot[] = [];
  readonly #signal = new Int32Array(new SharedArrayBuffer(4));
  readonly size: number;
  #batch = 0;

  /** A pool of `size` workers, or undefined without worker threads (a browser) or when `size` < 1. */
  static create(size: number): BlockWorkers | undefined {
    if (!(size >= 1)) return undefined;
    const threads = nodeBuiltin<WorkerThreads>('node:worker_threads');
    return threads === undefined ? undefined : new BlockWorkers(threads, size);
  }

  private constructor(threads: WorkerThreads, size: number) {
    this.#threads = threads;
    this.size = size;
  }

  #spawn(): void {
    while (this.#slots.length < this.size) {
      const { port1, port2 } = new this.#threads.MessageChannel();
      const wake = new Int32Array(new SharedArrayBuffer(4));
      const worker = new this.#threads.Worker(new URL('./block-worker.js', import.meta.url), {
        workerData: { port: port2, signal: this.#signal, wake },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      this.#slots.push({ worker, port: port1, wake, outbox: [], pending: 0, inbox: [], parts: [] });
    }
  }

  /**
   * Lanes for one batch; the pre-block state goes to each worker with it. `chunks` (the default)
   * gives each worker a contiguous part of the block to run first, on the pre-block state and its
   * own writes only (no write sets travel to the workers), and re-runs what fails validation on
   * the coordinator's thread against the current memory; `replicas` keeps every worker's memory
   * current (each recorded write set posted to each worker) and spreads every task over them.
   */
  lanes(job: LaneJob, mode: 'chunks' | 'replicas' = 'chunks'): Lanes {
    const id = this.#send(job);
    return mode === 'chunks'
      ? new ChunkLanes(this.#threads, this.#slots, this.#signal, id, job)
      : new WorkerLanes(this.#threads, this.#slots, this.#signal, id, job);
  }

  /**
   * Parts for one batch run split (`chain/stm/split.ts`, the default of the parallel executor
   * here): worker k runs the k-th of the ranges it is given, in order, on the pre-block state.
   */
  parts(job: LaneJob): Parts {
    this.#spawn();
    return new WorkerParts(this.#threads, this.#slots, this.#signal, (first) => this.#send(job, first));
  }

  /**
   * Posts the workers a batch: its pre-block state and its transactions from `first` on (those
   * below are not theirs to run).
   */
  #send(job: LaneJob, first = 0): number {
    this.#spawn();
    const id = ++this.#batch;
    const { base, transactions, setting } = job;
    const snapshot = snapshotOf(base);
    const { blockHash, ...fields } = setting.block;
    const hashes = new Map<bigint, bigint>();
    for (let n = fields.number - 1n; n >= 0n && n >= fields.number - 256n; n--) hashes.set(n, blockHash(n));
    const message: ToWorker = {
      t: 'batch',
      id,
      snapshot,
      rules: setting.rules,
      block: { ...fields, hashes },
      first,
      transactions: transactions.slice(first).map((t) => [t.tx, t.sender, t.impersonated]),
      gasUsed: setting.gasUsed,
    };
    for (const slot of this.#slots) {
      slot.pending = 0;
      slot.inbox = [];
      slot.parts = [];
      slot.outbox = [message];
      flush(slot);
    }
    return id;
  }

  /** Ends the workers. */
  async close(): Promise<void> {
    const slots = this.#slots.splice(0);
    for (const slot of slots) {
      slot.outbox = [{ t: 'end', id: -1 }];
      flush(slot);
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** What both kinds of lanes share: the workers of a batch, their answers, the coordinator's own task. */
abstract class BatchLanes implements Lanes {
  abstract readonly count: number;
  readonly #threads: WorkerThreads;
  protected readonly slots: Slot[];
  readonly #signal: Int32Array;
  protected readonly id: number;
  readonly #job: LaneJob;

  constructor(threads: WorkerThreads, slots: Slot[], signal: Int32Array, id: number, job: LaneJob) {
    this.#threads = threads;
    this.slots = slots;
    this.#signal = signal;
    this.id = id;
    this.#job = job;
  }

  abstract start(tx: number, version: number): void;

  /** A task the coordinator would run now itself, rather than wait for the workers; undefined: wait. */
  protected abstract localTask(): { tx: number; version: number } | undefined;

  /** Told of each answer from a worker. */
  protected answered(_message: FromWorker): void {}

  finish(): void {
    for (const slot of this.slots) {
      slot.outbox.push({ t: 'end', id: this.id });
      flush(slot);
    }
  }

  next(): { tx: number; version: number; outcome: TaskOutcome } {
    for (;;) {
      const seen = Atomics.load(this.#signal, 0);
      const message = this.#receive();
      if (message !== undefined) {
        this.answered(message);
        return message;
      }
      for (const slot of this.slots) flush(slot);
      const local = this.localTask();
      if (local !== undefined) {
        const { memory, base, transactions, setting } = this.#job;
        return { ...local, outcome: executeTask(memory, base, transactions[local.tx]!, local.tx, setting) };
      }
      if (Atomics.wait(this.#signal, 0, seen, 30_000) === 'timed-out') throw new Error('block workers: no answer for 30 s');
    }
  }

  /** The next answer of this batch from any worker, without waiting (workers post them in groups). */
  #receive(): FromWorker | undefined {
    for (const slot of this.slots) {
      for (;;) {
        if (slot.inbox.length > 0) {
          slot.pending--;
          return slot.inbox.shift();
        }
        const received = this.#threads.receiveMessageOnPort(slot.port) as { message: FromWorker[] } | undefined;
        if (received === undefined) break;
        for (const answer of received.message) if (answer.id === this.id) slot.inbox.push(answer);
      }
    }
    return undefined;
  }
}

/** Replicated lanes: tasks spread over the workers, whose memories receive every recorded write set. */
class WorkerLanes extends BatchLanes {
  readonly count: number;
  /** A task the coordinator runs itself while it would otherwise wait for the workers. */
  #local: { tx: number; version: number } | undefined;

  constructor(threads: WorkerThreads, slots: Slot[], signal: Int32Array, id: number, job: LaneJob) {
    super(threads, slots, signal, id, job);
    this.count = slots.length * DEPTH + 1;
  }

  start(tx: number, version: number): void {
    // The lowest transactions go first: the first to start waits here, where the memory is current.
    if (this.#local === undefined) {
      this.#local = { tx, version };
      return;
    }
    // The worker with the fewest tasks queued.
    let best = this.slots[0]!;
    for (const slot of this.slots) if (slot.pending < best.pending) best = slot;
    best.pending++;
    best.outbox.push({ t: 'run', id: this.id, tx, version });
  }

  protected localTask(): { tx: number; version: number } | undefined {
    const local = this.#local;
    this.#local = undefined;
    return local;
  }

  recorded(tx: number, version: number, writes: WriteSet): void {
    const message: ToWorker = { t: 'rec', id: this.id, tx, version, writes };
    for (const slot of this.slots) slot.outbox.push(message);
  }

  estimated(tx: number): void {
    const message: ToWorker = { t: 'est', id: this.id, tx };
    for (const slot of this.slots) slot.outbox.push(message);
  }
}

/**
 * Chunked lanes: the first incarnation of each transaction runs on a worker, worker w taking
 * the w-th contiguous part of the block and running it in order on the pre-block state and the
 * writes of its own part; every later incarnation (a failed validation, an ESTIMATE met) runs on
 * the coordinator's thread against the current memory, lowest first, while the workers' answers
 * are awaited. Only the tasks and their outcomes cross threads.
 */
class ChunkLanes extends BatchLanes {
  readonly count: number;
  readonly #size: number;
  /** Re-executions waiting for the coordinator's thread, by transaction. */
  readonly #local = new Map<number, number>();
  /** Whether each transaction's first incarnation came back, and the lowest that did not. */
  readonly #answered: Uint8Array;
  #frontier = 0;

  constructor(threads: WorkerThreads, slots: Slot[], signal: Int32Array, id: number, job: LaneJob) {
    super(threads, slots, signal, id, job);
    this.#size = job.transactions.length;
    this.#answered = new Uint8Array(this.#size);
    // Every first incarnation starts at once; re-executions queue here.
    this.count = this.#size + 1;
  }

  start(tx: number, version: number): void {
    if (version % VERSION_SPAN === 0 && this.#answered[tx] === 0) {
      const slot = this.slots[Math.floor((tx * this.slots.length) / this.#size)]!;
      slot.pending++;
      slot.outbox.push({ t: 'run', id: this.id, tx, version });
    } else {
      this.#local.set(tx, version);
    }
  }

  protected override answered(message: FromWorker): void {
    if (message.version % VERSION_SPAN !== 0) return;
    this.#answered[message.tx] = 1;
    while (this.#frontier < this.#size && this.#answered[this.#frontier] === 1) this.#frontier++;
  }

  /**
   * The lowest re-execution, once the transactions below it have all come back (before, it
   * would most likely read what is about to change); or any, when no worker has work.
   */
  protected localTask(): { tx: number; version: number } | undefined {
    let lowest: number | undefined;
    for (const tx of this.#local.keys()) if (lowest === undefined || tx < lowest) lowest = tx;
    if (lowest === undefined) return undefined;
    if (lowest > this.#frontier && this.slots.some((slot) => slot.pending > 0)) return undefined;
    const version = this.#local.get(lowest)!;
    this.#local.delete(lowest);
    return { tx: lowest, version };
  }
}

/** Parts on the workers: each runs one range in order and answers in order; the coordinator takes the answers in block order. */
class WorkerParts implements Parts {
  readonly count: number;
  readonly #threads: WorkerThreads;
  readonly #slots: Slot[];
  readonly #signal: Int32Array;
  readonly #send: (first: number) => number;
  #id = -1;
  /** The worker running each transaction, by index in the batch. */
  #slotOf = new Map<number, Slot>();
  #ended = false;

  constructor(threads: WorkerThreads, slots: Slot[], signal: Int32Array, send: (first: number) => number) {
    this.#threads = threads;
    this.#slots = slots;
    this.#signal = signal;
    this.#send = send;
    this.count = slots.length;
  }

  /** Sends the batch (the transactions from the first range's on) and the ranges. */
  start(ranges: readonly (readonly [part: number, from: number, to: number])[]): void {
    if (ranges.length === 0) return;
    this.#id = this.#send(Math.min(...ranges.map(([, from]) => from)));
    for (const [part, from, to] of ranges) {
      const slot = this.#slots[part]!;
      slot.outbox.push({ t: 'part', id: this.#id, from, to });
      for (let tx = from; tx < to; tx++) this.#slotOf.set(tx, slot);
    }
    for (const slot of this.#slots) flush(slot);
  }

  take(tx: number): PartOutcome {
    const slot = this.#slotOf.get(tx);
    if (slot === undefined) throw new Error(`block workers: transaction ${tx} is in no part`);
    for (;;) {
      const seen = Atomics.load(this.#signal, 0);
      // Answers come in order: those before `tx` were taken already.
      while (slot.parts.length > 0) {
        const answer = slot.parts.shift()!;
        if (answer.tx === tx) return answer.outcome;
      }
      const received = this.#threads.receiveMessageOnPort(slot.port) as { message: PartAnswers[] } | undefined;
      if (received !== undefined) {
        for (const group of received.message) {
          if (group.id !== this.#id) continue;
          for (const answer of decodeOutcomes(group.part)) slot.parts.push(answer);
        }
        continue;
      }
      if (Atomics.wait(this.#signal, 0, seen, 30_000) === 'timed-out') throw new Error('block workers: no answer for 30 s');
    }
  }

  finish(): void {
    if (this.#ended || this.#id < 0) return;
    this.#ended = true;
    for (const slot of this.#slots) {
      slot.outbox.push({ t: 'end', id: this.#id });
      flush(slot);
    }
  }
}
