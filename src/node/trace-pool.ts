/**
 * The node's trace workers: a few worker threads (created when first needed, kept for the next
 * trace, ended by `close`) that run tracing jobs (`rpc/trace-job.ts`) while the node's thread
 * goes on serving requests. A job's state stays on the node's thread: the worker reads each
 * account, slot and block hash it needs from it with a synchronous call (`sync-call.ts`), served
 * here from the state the chain pinned when the request arrived (`DevChain.pinState`), so blocks
 * mined and balances set meanwhile do not change what the trace sees.
 *
 * Jobs beyond the pool's size wait their turn. Each traced run's deadline (the job's timeout) is
 * checked in the worker, as on the node's thread; a worker still running shortly past it is
 * terminated, which ends its work for sure, and the request fails with geth's "execution
 * timeout". Node.js only: `TracePool.create` gives undefined without worker threads (a browser),
 * and the methods then trace on the node's thread.
 */
import type { Worker } from 'node:worker_threads';
import { nodeBuiltin } from '../primitives/node-require.js';
import type { Address } from '../primitives/address.js';
import type { AccountFields } from '../state/reader.js';
import type { Json } from '../trace/index.js';
import { TraceTimeoutError } from '../trace/deadline.js';
import type { DevChain, PinnedState } from './dev-chain.js';
import { ChainRewrittenError } from './errors.js';
import { RpcError, serverError } from './rpc/errors.js';
import { jobBase, type TraceJob, type TraceRunner } from './rpc/trace-job.js';
import { createSyncChannel, serveSyncCalls } from './sync-call.js';

type WorkerThreads = typeof import('node:worker_threads');

/** How long past a run's deadline a worker may take to stop by itself before it is terminated. */
const GRACE_MS = 50;

/** What a worker asks of the node's thread, and what it is told. */
export type StateRequest =
  | { op: 'account'; address: Address }
  /** Several accounts in one call (those a job is about to read): each as `account` answers. */
  | { op: 'accounts'; addresses: Address[] }
  | { op: 'storage'; address: Address; slot: bigint }
  | { op: 'hasStorage'; address: Address }
  | { op: 'blockHash'; number: bigint };

/** A worker's failure: an RPC error to pass on, or an unexpected one with its stack. */
export type JobFailure = { rpc: { code: number; message: string; data?: unknown } } | { internal: { message: string; stack?: string } };

/** What a worker posts back for job `id`. */
export type WorkerMessage =
  | { id: number; type: 'deadline'; at: number }
  | { id: number; type: 'done'; ok: true; result: Json }
  | { id: number; type: 'done'; ok: false; failure: JobFailure };

/** What the node's thread posts to a worker. */
export interface JobMessage {
  id: number;
  job: TraceJob;
  chainId: bigint;
}

interface Task {
  id: number;
  job: TraceJob;
  chainId: bigint;
  pinned: PinnedState;
  resolve(result: Json): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  stopServing: () => void;
  task: Task | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class TracePool implements TraceRunner {
  readonly #chain: DevChain;
  readonly #size: number;
  readonly #threads: WorkerThreads;
  readonly #slots: Slot[] = [];
  readonly #queue: Task[] = [];
  #nextId = 1;
  #closed = false;

  /** A pool of at most `size` workers, or undefined where there are no worker threads or `size` is 0. */
  static create(chain: DevChain, size: number): TracePool | undefined {
    if (!(size > 0)) return undefined;
    const threads = nodeBuiltin<WorkerThreads>('node:worker_threads');
    return threads === undefined ? undefined : new TracePool(chain, size, threads);
  }

  private constructor(chain: DevChain, size: number, threads: WorkerThreads) {
    this.#chain = chain;
    this.#size = size;
    this.#threads = threads;
  }

  /** How many workers are alive now. */
  get workers(): number {
    return this.#slots.length;
  }

  run(job: TraceJob): Promise<Json> {
    if (this.#closed) return Promise.reject(serverError('the node is closed'));
    // Pinned now, before anything else can change the chain: the state as of the request.
    const pinned = this.#chain.pinState(jobBase(job));
    return new Promise<Json>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, job, chainId: this.#chain.chainId, pinned, resolve, reject });
      this.#schedule();
    });
  }

  /** Terminates every worker; jobs not answered yet fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const closing = serverError('the node is closed');
    for (const task of this.#queue.splice(0)) this.#settle(task, closing);
    await Promise.all([...this.#slots].map((slot) => this.#retire(slot, closing)));
  }

  #schedule(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => s.task === undefined);
      if (slot === undefined) {
        if (this.#slots.length >= this.#size) return;
        slot = this.#spawn();
      }
      const task = this.#queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, job: task.job, chainId: task.chainId } satisfies JobMessage);
    }
  }

  #spawn(): Slot {
    const { caller, server } = createSyncChannel();
    const worker = new this.#threads.Worker(new URL('./trace-worker.js', import.meta.url), {
      workerData: { rules: this.#chain.rules, end: caller },
      transferList: [caller.port],
    });
    const slot: Slot = { worker, stopServing: () => {}, task: undefined, timer: undefined };
    slot.stopServing = serveSyncCalls(server, (request) => this.#read(slot, request as StateRequest));
    // An idle pool keeps no process alive.
    server.port.unref();
    worker.on('message', (message: WorkerMessage) => this.#onMessage(slot, message));
    worker.on('error', (error) => void this.#retire(slot, error));
    worker.on('exit', () => void this.#retire(slot, serverError('the trace worker stopped')));
    this.#slots.push(slot);
    return slot;
  }

  /** Answers a worker's read from its job's pinned state. */
  #read(slot: Slot, request: StateRequest): unknown {
    const task = slot.task;
    if (task === undefined) throw new Error('no trace is running in this worker');
    const { pinned } = task;
    if (!pinned.valid) throw new ChainRewrittenError();
    switch (request.op) {
      case 'account':
        return accountFields(pinned, request.address);
      case 'accounts':
        return request.addresses.map((address) => accountFields(pinned, address));
      case 'storage':
        return pinned.reader.readStorage(request.address, request.slot);
      case 'hasStorage':
        return pinned.reader.hasStorage(request.address);
      case 'blockHash':
        return pinned.blockHash(request.number);
    }
  }

  #onMessage(slot: Slot, message: WorkerMessage): void {
    const task = slot.task;
    if (task === undefined || message.id !== task.id) return;
    if (message.type === 'deadline') {
      clearTimeout(slot.timer);
      slot.timer = setTimeout(
        () => void this.#retire(slot, serverError(new TraceTimeoutError().message)),
        message.at - Date.now() + GRACE_MS,
      );
      return;
    }
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.task = undefined;
    slot.worker.unref();
    this.#settle(task, message.ok ? undefined : failureError(message.failure), message.ok ? message.result : undefined);
    this.#schedule();
  }

  /** Ends a task: its pinned state is released, and a rewrite of the chain meanwhile voids its answer. */
  #settle(task: Task, error: unknown, result?: Json): void {
    task.pinned.release();
    if (!task.pinned.valid) task.reject(new ChainRewrittenError());
    else if (error !== undefined) task.reject(error);
    else task.resolve(result!);
  }

  /** Takes a worker out of the pool (terminated, failed or closed); its task fails with `error`. */
  async #retire(slot: Slot, error: unknown): Promise<void> {
    const at = this.#slots.indexOf(slot);
    if (at < 0) return;
    this.#slots.splice(at, 1);
    clearTimeout(slot.timer);
    slot.stopServing();
    const task = slot.task;
    slot.task = undefined;
    if (task !== undefined) this.#settle(task, error);
    await slot.worker.terminate();
    if (!this.#closed) this.#schedule();
  }
}

/** An account of the pinned state as plain fields: an Account's getters would not cross the thread. */
function accountFields(pinned: PinnedState, address: Address): AccountFields | undefined {
  const account = pinned.reader.readAccount(address);
  return account && { nonce: account.nonce, balance: account.balance, code: account.code, codeHash: account.codeHash };
}

/** The error a worker's failure stands for on this thread. */
function failureError(failure: JobFailure): Error {
  if ('rpc' in failure) return new RpcError(failure.rpc.code, failure.rpc.message, failure.rpc.data);
  const error = new Error(failure.internal.message);
  if (failure.internal.stack !== undefined) error.stack = failure.internal.stack;
  return error;
}
