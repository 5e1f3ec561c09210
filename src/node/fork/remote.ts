/**
 * A JSON-RPC client for the remote chain of a fork, synchronous for its caller: requests go out
 * on a worker thread (`fetch-worker.ts`) while this thread sleeps (node/sync-call.ts), because
 * execution reads state synchronously. Several requests can go in one batch. Node.js only.
 */
import type { Worker as NodeWorker } from 'node:worker_threads';
import { nodeBuiltin, nodeOnly } from '../../primitives/node-require.js';
import { createSyncChannel, SyncCaller, SyncCallError, SyncCallTimeoutError } from '../sync-call.js';
import type { FetchWorkerData } from './fetch-worker.js';

export interface RemoteOptions {
  url: string;
  /** Extra HTTP headers (`--fork-header KEY:VALUE`). */
  headers?: Record<string, string>;
  /** Retries of a failed request (default 5), with a backoff doubling from `backoffMs` (default 500). */
  retries?: number;
  backoffMs?: number;
  /** Per attempt, in ms (default 45,000). */
  timeoutMs?: number;
}

/** The remote could not be reached or gave no usable answer. */
export class RemoteUnavailableError extends Error {
  override name = 'RemoteUnavailableError';
}

/** The remote answered a request with a JSON-RPC error. */
export class RemoteRpcError extends Error {
  override name = 'RemoteRpcError';
  constructor(
    readonly method: string,
    readonly code: number,
    readonly remoteMessage: string,
    readonly data: unknown,
  ) {
    super(`the fork's remote answered ${method} with error ${code}: ${remoteMessage}`);
  }
}

export type RemoteCall = readonly [method: string, params: readonly unknown[]];

interface RpcReply {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/** A URL without its credentials or query (API keys live there), for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export class RemoteRpc {
  readonly url: string;
  readonly #worker: NodeWorker;
  readonly #caller: SyncCaller;
  #nextId = 1;
  /** Requests sent (each batch counts once), for tests and the log. */
  requests = 0;

  constructor(options: RemoteOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new RemoteUnavailableError(`the fork URL ${JSON.stringify(options.url)} is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new RemoteUnavailableError(`the fork URL must be http:// or https:// (got ${parsed.protocol}//)`);
    }
    this.url = options.url;
    const { Worker } = nodeOnly(nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads'), 'forking a remote chain');
    const { caller, server } = createSyncChannel();
    const timeoutMs = options.timeoutMs ?? 45_000;
    const retries = options.retries ?? 5;
    const backoffMs = options.backoffMs ?? 500;
    const data: FetchWorkerData = { end: server, url: options.url, headers: options.headers ?? {}, retries, backoffMs, timeoutMs };
    this.#worker = new Worker(new URL('./fetch-worker.js', import.meta.url), { workerData: data, transferList: [server.port] as never });
    this.#worker.unref();
    // Room for every attempt and every backoff before the caller gives up.
    const worstCase = (retries + 1) * timeoutMs + backoffMs * 2 ** Math.min(retries + 1, 20) + 5_000;
    this.#caller = new SyncCaller(caller, worstCase);
  }

  /** One request; its result, or RemoteRpcError. */
  call(method: string, params: readonly unknown[]): unknown {
    return this.batch([[method, params]])[0];
  }

  /** Requests in one HTTP batch (a single request is sent alone); their results in order. */
  batch(calls: readonly RemoteCall[]): unknown[] {
    if (calls.length === 0) return [];
    const ids = calls.map(() => this.#nextId++);
    const requests = calls.map(([method, params], i) => ({ jsonrpc: '2.0', id: ids[i], method, params }));
    const body = JSON.stringify(requests.length === 1 ? requests[0] : requests);
    const text = this.#send(body, calls[0]![0]);
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      throw new RemoteUnavailableError(
        `the fork's remote ${redactUrl(this.url)} answered ${calls[0]![0]} with something that is not JSON: ${text.slice(0, 120)}`,
      );
    }
    const replies = (Array.isArray(reply) ? reply : [reply]) as RpcReply[];
    return calls.map(([method], i) => {
      const one =
        replies.find((r) => r !== null && typeof r === 'object' && r.id === ids[i]) ??
        (replies.length === 1 && calls.length === 1 ? replies[0] : undefined);
      if (one === undefined) throw new RemoteUnavailableError(`the fork's remote gave no answer to ${method} in a batch`);
      if (one.error !== undefined && one.error !== null) {
        const code = typeof one.error.code === 'number' ? one.error.code : 0;
        throw new RemoteRpcError(method, code, String(one.error.message ?? 'unknown error'), one.error.data);
      }
      if (!('result' in one)) throw new RemoteUnavailableError(`the fork's remote answered ${method} with neither a result nor an error`);
      return one.result;
    });
  }

  #send(body: string, method: string): string {
    this.requests++;
    try {
      return this.#caller.call(body) as string;
    } catch (error) {
      if (error instanceof SyncCallError || error instanceof SyncCallTimeoutError) {
        throw new RemoteUnavailableError(`cannot reach the fork's remote ${redactUrl(this.url)} (${method}): ${error.message}`);
      }
      throw error;
    }
  }

  close(): void {
    this.#caller.close();
    void this.#worker.terminate();
  }
}
