/**
 * A synchronous call to another thread. Execution reads state synchronously (`StateReader`), but
 * some state lives where only asynchronous code can reach it: a remote chain over HTTP (a fork),
 * or the node's main thread seen from a tracing worker. The calling thread posts its request on
 * a MessagePort and sleeps on a shared counter (`Atomics.wait`); the serving thread, free to
 * await, posts the answer, bumps the counter and wakes it; the caller takes the answer off its
 * port with `receiveMessageOnPort`. Calls from one caller run one at a time, in order.
 *
 * Node.js only (worker_threads, reached through node-require): a browser has no
 * `receiveMessageOnPort`, and may not block its main thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { nodeBuiltin, nodeOnly } from '../primitives/node-require.js';

type WorkerThreads = typeof import('node:worker_threads');

function workerThreads(): WorkerThreads {
  return nodeOnly(nodeBuiltin<WorkerThreads>('node:worker_threads'), 'a synchronous call to another thread');
}

/** One end of a channel: its port and the counter both ends share. Both can be sent to a worker. */
export interface SyncChannelEnd {
  readonly port: MessagePort;
  readonly signal: SharedArrayBuffer;
}

/** A new channel: give `caller` to the thread that blocks and `server` to the one that answers. */
export function createSyncChannel(): { caller: SyncChannelEnd; server: SyncChannelEnd } {
  const { MessageChannel } = workerThreads();
  const channel = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  return { caller: { port: channel.port1, signal }, server: { port: channel.port2, signal } };
}

type Reply = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; name: string; message: string };

/** The serving side failed the call; `name` is its error's name ("Error" when it had none). */
export class SyncCallError extends Error {
  constructor(
    readonly remoteName: string,
    message: string,
  ) {
    super(message);
    this.name = remoteName;
  }
}

/** No answer came within the caller's time limit (the serving thread is stuck or gone). */
export class SyncCallTimeoutError extends Error {
  override name = 'SyncCallTimeoutError';
}

/** The blocking side: `call` returns the serving side's answer, or throws its error. */
export class SyncCaller {
  readonly #port: MessagePort;
  readonly #signal: Int32Array;
  readonly #receive: WorkerThreads['receiveMessageOnPort'];
  readonly #timeoutMs: number;

  constructor(end: SyncChannelEnd, timeoutMs = 120_000) {
    this.#port = end.port;
    this.#signal = new Int32Array(end.signal);
    this.#receive = workerThreads().receiveMessageOnPort;
    this.#timeoutMs = timeoutMs;
  }

  call(request: unknown): unknown {
    const before = Atomics.load(this.#signal, 0);
    const seq = (before + 1) | 0;
    this.#port.postMessage({ seq, request });
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new SyncCallTimeoutError(`no answer from the serving thread within ${this.#timeoutMs} ms`);
      // Sleeps while the counter still holds `before`; the server bumps it after posting.
      Atomics.wait(this.#signal, 0, before, Math.min(left, 1000));
      const received = this.#receive(this.#port);
      if (received === undefined) continue;
      const reply = received.message as Reply;
      if (reply.seq !== seq) continue; // an answer to a call that timed out earlier
      if (reply.ok) return reply.value;
      throw new SyncCallError(reply.name, reply.message);
    }
  }

  close(): void {
    this.#port.close();
  }
}

/**
 * The serving side: answers each call on `end` with `handler`'s result (awaited). Returns a
 * function that stops serving. The port keeps a thread alive until then; `unref` it when serving
 * should not.
 */
export function serveSyncCalls(end: SyncChannelEnd, handler: (request: unknown) => unknown): () => void {
  const signal = new Int32Array(end.signal);
  const onMessage = async (message: { seq: number; request: unknown }): Promise<void> => {
    let reply: Reply;
    try {
      reply = { seq: message.seq, ok: true, value: await handler(message.request) };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      reply = { seq: message.seq, ok: false, name: e.name, message: e.message };
    }
    try {
      end.port.postMessage(reply);
    } catch (error) {
      // An answer that cannot be copied to another thread (a function, a class instance).
      const why = error instanceof Error ? error.message : String(error);
      end.port.postMessage({ seq: message.seq, ok: false, name: 'DataCloneError', message: why } satisfies Reply);
    }
    Atomics.store(signal, 0, message.seq);
    Atomics.notify(signal, 0);
  };
  end.port.on('message', (message: { seq: number; request: unknown }) => void onMessage(message));
  return () => end.port.close();
}
