/**
 * The peer (@ethereumjs/evm) in a worker thread, so that a case it cannot finish in time is cut
 * off instead of stalling the run: the fuzz loop waits for at most `timeoutMs`, then terminates
 * the worker and starts a fresh one for the next case.
 *
 * This file is both sides: imported, it exports `WorkerPeer`; run as a worker, it serves runs.
 */
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { EthereumjsPeer } from '../peer/ethereumjs.js';
import type { CallOutcome, MessageCall, StateDump } from '../peer/types.js';
import type { BlockContext } from '../../dist/host/index.js';
import { fuzzBlockHash } from './case.js';

/** A fuzz block without its BLOCKHASH function (functions do not cross threads): `fuzzBlockHash`. */
type PlainBlock = Omit<BlockContext, 'blockHash'>;

interface RunRequest {
  id: number;
  fork: string;
  pre: StateDump;
  call: MessageCall;
  block: PlainBlock;
}

type RunReply = { id: number; outcome: CallOutcome } | { id: number; error: string };

/** The outcome, or 'timeout' when the peer did not answer in time (the worker is then replaced). */
export type PeerRun = { outcome: CallOutcome } | { error: string } | 'timeout';

export class WorkerPeer {
  #worker: Worker | undefined;
  #nextId = 0;
  #pending = new Map<number, (reply: RunReply) => void>();

  constructor(private readonly timeoutMs: number) {}

  #start(): Worker {
    const worker = new Worker(new URL(import.meta.url));
    worker.unref();
    worker.on('message', (reply: RunReply) => {
      const resolve = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      resolve?.(reply);
    });
    worker.on('error', (error) => this.#failAll(`worker error: ${error.message}`));
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failAll('the peer worker exited');
    });
    return worker;
  }

  #failAll(message: string): void {
    for (const [id, resolve] of this.#pending) resolve({ id, error: message });
    this.#pending.clear();
  }

  /** Runs a fuzz case's call (its block's BLOCKHASH must be `fuzzBlockHash`). */
  async run(fork: string, pre: StateDump, call: MessageCall, block: BlockContext): Promise<PeerRun> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reply = await new Promise<RunReply | 'timeout'>((resolve) => {
      this.#pending.set(id, resolve);
      timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve('timeout');
      }, this.timeoutMs);
      const { blockHash: _, ...plain } = block;
      worker.postMessage({ id, fork, pre, call, block: plain } satisfies RunRequest);
    });
    clearTimeout(timer);
    if (reply === 'timeout') {
      this.#worker = undefined;
      await worker.terminate();
      return 'timeout';
    }
    return 'error' in reply ? { error: reply.error } : { outcome: reply.outcome };
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const peers = new Map<string, EthereumjsPeer>();
  port.on('message', async (request: RunRequest) => {
    try {
      let peer = peers.get(request.fork);
      if (!peer) {
        peer = await EthereumjsPeer.create({ fork: request.fork });
        peers.set(request.fork, peer);
      }
      const outcome = await peer.run(request.pre, request.call, { ...request.block, blockHash: fuzzBlockHash });
      port.postMessage({ id: request.id, outcome } satisfies RunReply);
    } catch (error) {
      // A fresh instance next time: a throw may have left the old one mid-run.
      peers.delete(request.fork);
      const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
      port.postMessage({ id: request.id, error: text } satisfies RunReply);
    }
  });
}
