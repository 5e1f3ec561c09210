/**
 * Log queries, polling filters (eth_newFilter and friends) and WebSocket subscriptions
 * (eth_subscribe). Filters not polled for five minutes are dropped, as geth does.
 */
import type { Address } from '../../primitives/address.js';
import { addressToBytes } from '../../primitives/address.js';
import { bigintToFixedBytes, bytesToHex } from '../../primitives/bytes.js';
import type { Block } from '../../chain/block.js';
import { bloomMayContain } from '../../chain/bloom.js';
import type { DevChain } from '../dev-chain.js';
import { RpcError, LIMIT_EXCEEDED, invalidParams } from './errors.js';
import { firstLogIndexes, formatHeader, formatLog, formatTransaction, type Json } from './format.js';
import type { SubscriptionSink } from './context.js';

export interface LogCriteria {
  addresses: Address[] | undefined;
  /** Per position: undefined matches anything, else one of the values. */
  topics: (bigint[] | undefined)[];
}

export function logMatches(log: { address: Address; topics: bigint[] }, criteria: LogCriteria): boolean {
  if (criteria.addresses && !criteria.addresses.includes(log.address)) return false;
  const topics = criteria.topics;
  for (let i = 0; i < topics.length; i++) {
    const wanted = topics[i];
    if (wanted === undefined) continue;
    const topic = log.topics[i];
    if (topic === undefined || !wanted.includes(topic)) return false;
  }
  return true;
}

/** Whether the block's bloom allows a match (false: certainly none). */
function bloomAllows(block: Block, criteria: LogCriteria): boolean {
  const bloom = block.header.logsBloom;
  if (criteria.addresses && !criteria.addresses.some((a) => bloomMayContain(bloom, addressToBytes(a)))) return false;
  for (const wanted of criteria.topics) {
    if (wanted && !wanted.some((t) => bloomMayContain(bloom, bigintToFixedBytes(t, 32)))) return false;
  }
  return true;
}

export function blockLogs(block: Block, criteria: LogCriteria, out: Json[], max: number): void {
  if (!bloomAllows(block, criteria)) return;
  const first = firstLogIndexes(block);
  block.receipts.forEach((receipt, txIndex) => {
    receipt.logs.forEach((log, i) => {
      if (!logMatches(log, criteria)) return;
      if (out.length >= max)
        throw new RpcError(LIMIT_EXCEEDED, `query returned more than ${max} results; narrow the block range or the filter`);
      out.push(formatLog(log, block, txIndex, first[txIndex]! + i));
    });
  });
}

/** The matching logs of blocks from..to (inclusive). */
export function queryLogs(chain: DevChain, criteria: LogCriteria, from: bigint, to: bigint, maxRange: bigint, maxLogs: number): Json[] {
  const latest = chain.blockNumber;
  if (to > latest) to = latest;
  // A forked chain holds no logs before its first block (rpc/fork.ts asks the remote for those).
  if (from <= chain.blocks.first) from = chain.blocks.first + (chain.fork === undefined ? 0n : 1n);
  if (from > to) return [];
  if (to - from + 1n > maxRange) {
    throw new RpcError(LIMIT_EXCEEDED, `block range of ${to - from + 1n} exceeds the limit of ${maxRange} blocks`);
  }
  const out: Json[] = [];
  for (let n = from; n <= to; n++) blockLogs(chain.blocks.byNumber(n)!, criteria, out, maxLogs);
  return out;
}

const FILTER_TIMEOUT_MS = 5 * 60 * 1000;
const MAX_FILTERS = 10_000;
const MAX_QUEUED = 10_000;

type Filter =
  | { kind: 'logs'; criteria: LogCriteria; from: bigint | undefined; to: bigint | undefined; next: bigint; polled: number }
  | { kind: 'blocks'; queue: string[]; polled: number }
  | { kind: 'pending'; queue: string[]; polled: number };

/** Filters and subscriptions follow the chain's commits that mine a block. */
function onBlock(chain: DevChain, listener: (block: Block) => void): () => void {
  return chain.onCommit((commit) => {
    if (commit.block !== undefined) listener(commit.block);
  });
}

function newId(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
}

export class FilterManager {
  readonly #chain: DevChain;
  readonly #filters = new Map<string, Filter>();
  readonly #subscriptions = new Map<string, () => void>();
  readonly #unsubscribeChain: (() => void)[] = [];

  constructor(chain: DevChain) {
    this.#chain = chain;
    this.#unsubscribeChain.push(
      onBlock(chain, (block) => {
        for (const filter of this.#filters.values()) {
          if (filter.kind === 'blocks' && filter.queue.length < MAX_QUEUED) filter.queue.push(bytesToHex(block.hash));
        }
      }),
      chain.onPendingTransaction((pooled) => {
        for (const filter of this.#filters.values()) {
          if (filter.kind === 'pending' && filter.queue.length < MAX_QUEUED) filter.queue.push(pooled.hashHex);
        }
      }),
    );
  }

  #add(filter: Filter): string {
    this.#expire();
    if (this.#filters.size >= MAX_FILTERS) throw new RpcError(LIMIT_EXCEEDED, `too many filters (${MAX_FILTERS}); uninstall some`);
    const id = newId();
    this.#filters.set(id, filter);
    return id;
  }

  #expire(): void {
    const now = Date.now();
    for (const [id, filter] of this.#filters) if (now - filter.polled > FILTER_TIMEOUT_MS) this.#filters.delete(id);
  }

  newLogFilter(criteria: LogCriteria, from: bigint | undefined, to: bigint | undefined): string {
    const next = from ?? this.#chain.blockNumber + 1n;
    return this.#add({ kind: 'logs', criteria, from, to, next, polled: Date.now() });
  }

  newBlockFilter(): string {
    return this.#add({ kind: 'blocks', queue: [], polled: Date.now() });
  }

  newPendingTransactionFilter(): string {
    return this.#add({ kind: 'pending', queue: [], polled: Date.now() });
  }

  uninstall(id: string): boolean {
    return this.#filters.delete(id);
  }

  #get(id: string): Filter {
    this.#expire();
    const filter = this.#filters.get(id);
    if (!filter) throw new RpcError(-32000, 'filter not found');
    filter.polled = Date.now();
    return filter;
  }

  /** What happened since the last poll. */
  changes(id: string, maxRange: bigint, maxLogs: number): Json[] {
    const filter = this.#get(id);
    if (filter.kind !== 'logs') {
      const queue = filter.queue;
      filter.queue = [];
      return queue;
    }
    const latest = this.#chain.blockNumber;
    const to = filter.to !== undefined && filter.to < latest ? filter.to : latest;
    if (filter.next > to) return [];
    const logs = queryLogs(this.#chain, filter.criteria, filter.next, to, maxRange, maxLogs);
    filter.next = to + 1n;
    return logs;
  }

  /** Every log a log filter matches (eth_getFilterLogs). */
  logs(id: string, maxRange: bigint, maxLogs: number): Json[] {
    const filter = this.#get(id);
    if (filter.kind !== 'logs') throw invalidParams('parameter 1 (filter id): not a log filter');
    const latest = this.#chain.blockNumber;
    return queryLogs(this.#chain, filter.criteria, filter.from ?? latest, filter.to ?? latest, maxRange, maxLogs);
  }

  // ---- subscriptions ----

  subscribe(sink: SubscriptionSink, kind: string, options: { criteria?: LogCriteria; fullTransactions?: boolean }): string {
    if (this.#subscriptions.size >= MAX_FILTERS) throw new RpcError(LIMIT_EXCEEDED, `too many subscriptions (${MAX_FILTERS})`);
    const id = newId();
    const chain = this.#chain;
    let stop: () => void;
    switch (kind) {
      case 'newHeads':
        stop = onBlock(chain, (block) => sink.notify(id, formatHeader(block)));
        break;
      case 'logs': {
        const criteria = options.criteria ?? { addresses: undefined, topics: [] };
        stop = onBlock(chain, (block) => {
          const out: Json[] = [];
          blockLogs(block, criteria, out, Infinity);
          for (const log of out) sink.notify(id, log);
        });
        break;
      }
      case 'newPendingTransactions':
        stop = chain.onPendingTransaction((pooled) =>
          sink.notify(id, options.fullTransactions ? formatTransaction(pooled, undefined) : pooled.hashHex),
        );
        break;
      default:
        throw invalidParams(
          `parameter 1 (subscription): unknown subscription "${kind.slice(0, 40)}"; known: newHeads, logs, newPendingTransactions`,
        );
    }
    this.#subscriptions.set(id, stop);
    sink.onClose(() => this.unsubscribe(id));
    return id;
  }

  unsubscribe(id: string): boolean {
    const stop = this.#subscriptions.get(id);
    if (!stop) return false;
    stop();
    this.#subscriptions.delete(id);
    return true;
  }

  close(): void {
    for (const stop of this.#subscriptions.values()) stop();
    this.#subscriptions.clear();
    this.#filters.clear();
    for (const stop of this.#unsubscribeChain) stop();
  }
}
