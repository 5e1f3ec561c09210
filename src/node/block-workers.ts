/**
 * Block-STM on worker threads (Node.js only): `BlockWorkers` gives the parallel executor
 * (`chain/parallel.ts`) lanes that run tasks in a few worker threads (`block-worker.ts`), each
 * with its own VM, the batch's pre-block state and a replica of the multi-version memory.
 *
 * The multi-version data travel by message passing: the coordinator (the caller's thread, which
 * stays synchronous: it sleeps on `Atomics.wait` and takes the workers' messages with
 * `receiveMessageOnPort`) posts each recorded write set and ESTIMATE mark to every worker, and a
 * task's read and write sets come back the same way. Message order on a port keeps a worker's
 * replica at least as recent as the coordinator's memory was when it started the task; a lagging
 * replica only costs a failed validation. (Shared memory was the alternative: see the README's
 * parallel execution section for why message passing was kept.)
 *
 * The pre-block state goes to each worker with each batch (a structured clone of every account).
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { nodeBuiltin } from '../primitives/node-require.js';
import type { Rules } from '../forks/index.js';
import type { BlockContext } from '../host/index.js';
import type { Transaction } from '../tx/types.js';
import type { WriteSet } from '../chain/stm/memory.js';
import type { Lanes } from '../chain/stm/scheduler.js';
import { executeTask, type TaskOutcome } from '../chain/stm/task.js';
import type { LaneJob } from '../chain/parallel.js';

type WorkerThreads = typeof import('node:worker_threads');

/** An account as a worker receives it: address, nonce, balance, code, code hash, storage. */
export type SnapshotAccount = [string, bigint, bigint, Uint8Array, Uint8Array, Map<bigint, bigint>];

/** What the coordinator posts to a worker. */
export type ToWorker =
  | {
      t: 'batch';
      id: number;
      accounts: SnapshotAccount[];
      rules: Rules;
      block: Omit<BlockContext, 'blockHash'> & { hashes: Map<bigint, bigint> };
      transactions: [Transaction, string, boolean | undefined][];
      gasUsed: bigint;
    }
  | { t: 'run'; id: number; tx: number; version: number }
  | { t: 'rec'; id: number; tx: number; version: number; writes: WriteSet }
  | { t: 'est'; id: number; tx: number }
  | { t: 'end'; id: number };

interface FromWorker {
  id: number;
  tx: number;
  version: number;
  outcome: TaskOutcome;
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
      this.#slots.push({ worker, port: port1, wake, outbox: [], pending: 0 });
    }
  }

  /** Lanes for one batch; the pre-block state goes to each worker with it. */
  lanes(job: LaneJob): Lanes {
    this.#spawn();
    const id = ++this.#batch;
    const { base, transactions, setting } = job;
    const accounts: SnapshotAccount[] = [...base.accountEntries()].map(([address, a]) => [
      address,
      a.nonce,
      a.balance,
      a.code,
      a.codeHash,
      new Map(a.storage),
    ]);
    const { blockHash, ...fields } = setting.block;
    const hashes = new Map<bigint, bigint>();
    for (let n = fields.number - 1n; n >= 0n && n >= fields.number - 256n; n--) hashes.set(n, blockHash(n));
    const message: ToWorker = {
      t: 'batch',
      id,
      accounts,
      rules: setting.rules,
      block: { ...fields, hashes },
      transactions: transactions.map((t) => [t.tx, t.sender, t.impersonated]),
      gasUsed: setting.gasUsed,
    };
    for (const slot of this.#slots) {
      slot.pending = 0;
      slot.outbox = [message];
      flush(slot);
    }
    return new WorkerLanes(this.#threads, this.#slots, this.#signal, id, job);
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

class WorkerLanes implements Lanes {
  readonly count: number;
  readonly #threads: WorkerThreads;
  readonly #slots: Slot[];
  readonly #signal: Int32Array;
  readonly #id: number;
  readonly #job: LaneJob;
  /** A task the coordinator runs itself while it would otherwise wait for the workers. */
  #local: { tx: number; version: number } | undefined;
  #turn = 0;

  constructor(threads: WorkerThreads, slots: Slot[], signal: Int32Array, id: number, job: LaneJob) {
    this.#threads = threads;
    this.#slots = slots;
    this.#signal = signal;
    this.#id = id;
    this.#job = job;
    this.count = slots.length * DEPTH + 1;
  }

  start(tx: number, version: number): void {
    // The lowest transactions go first: the first to start waits here, where the memory is current.
    if (this.#local === undefined) {
      this.#local = { tx, version };
      return;
    }
    // The worker with the fewest tasks queued.
    let best = this.#slots[0]!;
    for (const slot of this.#slots) if (slot.pending < best.pending) best = slot;
    best.pending++;
    best.outbox.push({ t: 'run', id: this.#id, tx, version });
  }

  next(): { tx: number; version: number; outcome: TaskOutcome } {
    for (;;) {
      const seen = Atomics.load(this.#signal, 0);
      for (let k = 0; k < this.#slots.length; k++) {
        const slot = this.#slots[(this.#turn + k) % this.#slots.length]!;
        const received = this.#threads.receiveMessageOnPort(slot.port) as { message: FromWorker } | undefined;
        if (received === undefined) continue;
        const message = received.message;
        if (message.id !== this.#id) continue;
        slot.pending--;
        this.#turn = (this.#turn + k + 1) % this.#slots.length;
        return { tx: message.tx, version: message.version, outcome: message.outcome };
      }
      for (const slot of this.#slots) flush(slot);
      const local = this.#local;
      if (local !== undefined) {
        this.#local = undefined;
        const { memory, base, transactions, setting } = this.#job;
        return { ...local, outcome: executeTask(memory, base, transactions[local.tx]!, local.tx, setting) };
      }
      if (Atomics.wait(this.#signal, 0, seen, 30_000) === 'timed-out') {
        throw new Error('block workers: no answer for 30 s');
      }
    }
  }

  recorded(tx: number, version: number, writes: WriteSet): void {
    const message: ToWorker = { t: 'rec', id: this.#id, tx, version, writes };
    for (const slot of this.#slots) slot.outbox.push(message);
  }

  estimated(tx: number): void {
    const message: ToWorker = { t: 'est', id: this.#id, tx };
    for (const slot of this.#slots) slot.outbox.push(message);
  }
}
