/**
 * The worker thread that talks HTTP to the remote chain of a fork. The node's thread blocks on it
 * (`SyncCaller`, node/sync-call.ts) because execution reads state synchronously; here `fetch`
 * may await. Each call is one JSON-RPC body (sent with node:http or node:https over one kept-alive
 * connection) (a request or a batch); the answer is the response's
 * text, after retrying what may pass (no connection, a timeout, HTTP 429 and 5xx) with a backoff
 * that doubles from `backoffMs`.
 */
import { workerData } from 'node:worker_threads';
import http from 'node:http';
import https from 'node:https';
import { serveSyncCalls, type SyncChannelEnd } from '../sync-call.js';

export interface FetchWorkerData {
  end: SyncChannelEnd;
  url: string;
  headers: Record<string, string>;
  /** Retries after the first attempt. */
  retries: number;
  backoffMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

/** A failure worth retrying; its message says what happened. */
class Transient extends Error {}

const data = workerData as FetchWorkerData;

const target = new URL(data.url);
const client = target.protocol === 'https:' ? https : http;
// One connection kept open: requests go one at a time (the caller waits for each).
const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });

function attempt(body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...data.headers },
        timeout: data.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(new Transient(error.message)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status === 429 || status >= 500) reject(new Transient(`HTTP ${status} ${text.slice(0, 200)}`));
          else if (status < 200 || status >= 300)
            reject(new Error(`HTTP ${status} ${response.statusMessage ?? ''}: ${text.slice(0, 200)}`));
          else resolve(text);
        });
      },
    );
    request.on('timeout', () => request.destroy(new Transient(`no answer within ${data.timeoutMs} ms`)));
    request.on('error', (error: Error & { code?: string }) =>
      reject(error instanceof Transient ? error : new Transient(error.code ?? error.message)),
    );
    request.end(body);
  });
}

serveSyncCalls(data.end, async (body) => {
  let delay = data.backoffMs;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt(body as string);
    } catch (error) {
      if (!(error instanceof Transient) || tries >= data.retries) {
        const after = tries > 0 ? ` (after ${tries + 1} attempts)` : '';
        throw new Error(`${(error as Error).message}${after}`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
});
