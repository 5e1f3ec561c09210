/** What every RPC method sees: the chain, the node's limits, filters, and the caller's connection. */
import type { WorldState } from '../../state/world-state.js';
import type { Block } from '../../chain/block.js';
import type { DevChain } from '../dev-chain.js';
import type { FilterManager } from './filters.js';
import type { TraceRunner } from './trace-job.js';
import { RpcError, SERVER_ERROR } from './errors.js';
import type { BlockRef } from './params.js';
import { DEFAULT_TRACE_TIMEOUT_MS } from '../../trace/deadline.js';
import { bytesToHex } from '../../primitives/bytes.js';

export interface NodeLimits {
  /** Largest HTTP body or WebSocket message, in bytes. */
  maxBodyBytes: number;
  /** Most requests in one batch. */
  maxBatch: number;
  /** The most gas eth_call and eth_estimateGas may use. */
  callGasCap: bigint;
  /** Largest block range of eth_getLogs. */
  maxLogsRange: bigint;
  /** Most logs one eth_getLogs may return. */
  maxLogs: number;
  /** How long one trace_ replay may run (the debug_ methods take a `timeout` per request). */
  traceTimeoutMs: number;
}

export const DEFAULT_LIMITS: NodeLimits = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxBatch: 1000,
  callGasCap: 50_000_000n,
  maxLogsRange: 100_000n,
  maxLogs: 100_000,
  traceTimeoutMs: DEFAULT_TRACE_TIMEOUT_MS,
};

/** Where subscription notifications go: a WebSocket, or the in-process provider's listeners. */
export interface SubscriptionSink {
  notify(subscription: string, result: unknown): void;
  /** Called when the connection closes, to drop its subscriptions. */
  onClose(listener: () => void): void;
}

/** Settings of the node itself that dev methods change. */
export interface NodeSettings {
  /** The operator's log is written (anvil_setLoggingEnabled); on by default. */
  logging: boolean;
}

export interface RpcContext {
  chain: DevChain;
  settings: NodeSettings;
  limits: NodeLimits;
  filters: FilterManager;
  clientVersion: string;
  /** Where tracing methods run their jobs (the node's trace workers); undefined: on this thread, at once. */
  traces?: TraceRunner;
  /** Undefined over HTTP, where subscriptions are not available. */
  sink: SubscriptionSink | undefined;
}

/** A method's result, or (the tracing methods, in a worker) a promise of it. */
export type Method = (ctx: RpcContext, params: unknown) => unknown;
export type MethodTable = Record<string, Method>;

/** The block a reference names, or undefined when there is no such block. */
export function findBlock(chain: DevChain, ref: BlockRef): Block | undefined {
  switch (ref.kind) {
    case 'tag':
      return ref.tag === 'earliest' ? findBlock(chain, { kind: 'number', number: 0n }) : chain.latest();
    case 'number':
      // Before a fork's first block: the remote's (its header, for state queries at it).
      if (ref.number < chain.blocks.first) return chain.fork?.earlierBlock(ref.number);
      return chain.blocks.byNumber(ref.number);
    case 'hash':
      return chain.blocks.byHash(bytesToHex(ref.hash)) ?? chain.fork?.earlierBlock(bytesToHex(ref.hash));
  }
}

/** As findBlock, but a missing block is an error. */
export function requireBlock(chain: DevChain, ref: BlockRef): Block {
  const block = findBlock(chain, ref);
  if (!block) {
    const what = ref.kind === 'hash' ? bytesToHex(ref.hash) : ref.kind === 'number' ? `number ${ref.number}` : ref.tag;
    throw new RpcError(SERVER_ERROR, `header not found: no block ${what}`);
  }
  return block;
}

/**
 * The state a query names: the latest (also for 'pending'), or an earlier block's, read-only
 * (see state-history.ts). A block whose state the node does not have is an error that says so,
 * never a silently wrong answer.
 */
export function requireState(chain: DevChain, ref: BlockRef): { block: Block; pending: boolean; state: WorldState } {
  const block = requireBlock(chain, ref);
  return { block, pending: ref.kind === 'tag' && ref.tag === 'pending', state: chain.stateAt(block.header.number) };
}

/** For queries only the latest state can answer (eth_getProof: the tries are the latest's). */
export function requireLatestState(chain: DevChain, ref: BlockRef, method: string): { block: Block; pending: boolean } {
  const block = requireBlock(chain, ref);
  if (block !== chain.latest()) {
    throw new RpcError(
      SERVER_ERROR,
      `${method} serves the latest block only (asked for ${block.header.number}, latest is ${chain.blockNumber})`,
    );
  }
  return { block, pending: ref.kind === 'tag' && ref.tag === 'pending' };
}
