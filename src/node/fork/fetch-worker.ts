/**
 * The worker thread that talks HTTP to the remote chain of a fork. The node's thread blocks on it
 * (`SyncCaller`, node/sync-call.ts) because execution reads state synchronously; here `fetch`
 * may await. Each call is one JSON-RPC body (a request or a batch); the answer is the response's
 * text, after retrying what may pass (no connection, a timeout, HTTP 429 and 5xx) with a backoff
 * that doubles from `backoffMs`.
 */
import { workerData } from 'node:worker_threads';
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

async function attempt(body: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(data.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...data.headers },
      body,
      signal: AbortSignal.timeout(data.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new Transient(error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${data.timeoutMs} ms` : why);
  }
  const text = await response.text();
  if (response.status === 429 || response.status >= 500) throw new Transient(`HTTP ${response.status} ${text.slice(0, 200)}`);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
  return text;
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
