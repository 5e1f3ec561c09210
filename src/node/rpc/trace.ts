/**
 * The trace_ namespace of Parity (OpenEthereum), as Anvil, Erigon and reth serve it:
 * trace_transaction, trace_get, trace_block, trace_filter (the flat call traces of mined
 * transactions, with their block and position), and trace_replayTransaction,
 * trace_replayBlockTransactions, trace_call and trace_callMany (`{output, stateDiff, trace,
 * vmTrace}` with the kinds asked for). Errors are worded as Parity words them ("Reverted", "Out
 * of gas"); calls to precompiles are left out.
 *
 * Like the debug_ methods, a trace re-runs transactions on the state their block started from,
 * so it needs the block within the node's history, and each transaction's run is bounded by
 * the node's `traceTimeoutMs` limit (geth's 5 s by default). A vmTrace records at most MAX_VM_TRACE_OPS instructions.
 * Every method but trace_filter runs its trace as a job in a trace worker when the node has them
 * (see debug.ts); trace_filter re-runs its blocks on the node's thread.
 */
import { bytesToHex } from '../../primitives/bytes.js';
import type { Address } from '../../primitives/address.js';
import type { Block } from '../../chain/block.js';
import { parityTraceTypes, type ParityTraceType } from '../../trace/parity.js';
import { TracerConfigError, type Json } from '../../trace/index.js';
import { findBlock, requireBlock, requireState, type MethodTable, type RpcContext } from './context.js';
import { invalidParams, serverError } from './errors.js';
import { replaySpec, runTraceJobHere, thenMap, traceJob, type CallSpec, type TraceJob, type TracerSpec } from './trace-job.js';
import { transactionRequest } from './tx-request.js';
import * as p from './params.js';

function traceTypes(value: unknown, at: p.Where): Set<ParityTraceType> {
  try {
    return parityTraceTypes(value);
  } catch (error) {
    if (error instanceof TracerConfigError) throw invalidParams(`${at}: ${error.message}`);
    throw error;
  }
}

/** The job that re-runs `block`, each transaction with the tracer `tracer` names, bounded by the node's trace timeout. */
export function blockJob(ctx: RpcContext, block: Block, tracer: TracerSpec): TraceJob {
  return { kind: 'block', replay: replaySpec(ctx.chain, block, true), tracer, timeoutMs: ctx.limits.traceTimeoutMs };
}

/** The job that re-runs a mined transaction's block up to it, and it traced; undefined for an unknown hash. */
export function transactionJob(ctx: RpcContext, hash: string, tracer: TracerSpec): TraceJob | undefined {
  const at = ctx.chain.blocks.transactionLocation(hash);
  if (at === undefined) return undefined;
  return {
    kind: 'transaction',
    replay: replaySpec(ctx.chain, at.block, true),
    index: at.index,
    tracer,
    timeoutMs: ctx.limits.traceTimeoutMs,
  };
}

/** A mined transaction's trace (in a worker when the node has them); null for an unknown hash. */
export function replayTransaction(ctx: RpcContext, hash: string, tracer: TracerSpec): Json | Promise<Json> | null {
  const job = transactionJob(ctx, hash, tracer);
  return job === undefined ? null : traceJob(ctx, job);
}

const FLAT: TracerSpec = { kind: 'flat' };

/** The flat call traces of a block's transactions, each entry with its block and position. */
function blockTraces(ctx: RpcContext, block: Block): Json[] | Promise<Json[]> {
  if (block.header.number === 0n) return [];
  return thenMap(traceJob(ctx, blockJob(ctx, block, FLAT)), (results) => (results as Json[]).flat() as Json[]);
}

function txHashParam(value: unknown, index: number): string {
  return bytesToHex(p.hash(value, p.where(index, 'transaction hash')));
}

// ---- trace_filter ----

interface TraceFilter {
  from: bigint;
  to: bigint;
  fromAddresses: Set<Address>;
  toAddresses: Set<Address>;
  intersection: boolean;
  after: number;
  count: number | undefined;
}

function addressSet(value: unknown, at: string): Set<Address> {
  if (value === undefined || value === null) return new Set();
  return new Set(p.array(value, at, 10_000).map((v, i) => p.address(v, `${at}[${i}]`)));
}

function traceFilter(ctx: RpcContext, value: unknown): TraceFilter {
  const at = p.where(0, 'filter');
  const o = p.object(value, at);
  p.onlyKeys(o, ['fromBlock', 'toBlock', 'fromAddress', 'toAddress', 'after', 'count', 'mode'], at);
  const number = (v: unknown, name: string, fallback: bigint): bigint => {
    if (v === undefined || v === null) return fallback;
    const ref = p.blockRef(v, `${at}.${name}`);
    if (ref.kind === 'hash') throw invalidParams(`${at}.${name}: expected a block number or tag`);
    return requireBlock(ctx.chain, ref).header.number;
  };
  const from = number(o.fromBlock, 'fromBlock', 0n);
  const to = number(o.toBlock, 'toBlock', ctx.chain.blockNumber);
  if (from > to) throw invalidParams(`${at}: fromBlock ${from} is after toBlock ${to}`);
  if (to - from + 1n > ctx.limits.maxLogsRange) throw invalidParams(`${at}: the range is more than ${ctx.limits.maxLogsRange} blocks`);
  const mode = p.optional(o.mode, (v) => p.string(v, `${at}.mode`, 32)) ?? 'union';
  if (mode !== 'union' && mode !== 'intersection') throw invalidParams(`${at}.mode: expected "union" or "intersection"`);
  return {
    from,
    to,
    fromAddresses: addressSet(o.fromAddress, `${at}.fromAddress`),
    toAddresses: addressSet(o.toAddress, `${at}.toAddress`),
    intersection: mode === 'intersection',
    after: Number(p.optional(o.after, (v) => p.uint64(v, `${at}.after`)) ?? 0n),
    count: p.optional(o.count, (v) => Number(p.uint64(v, `${at}.count`))),
  };
}

/** The accounts a trace entry is from and to: a call's caller and callee, a create's creator and new contract, a self-destruct's account and beneficiary. */
function endpoints(entry: Record<string, any>): { from: string | undefined; to: string | undefined } {
  const { action, result } = entry;
  if (entry.type === 'create') return { from: action.from, to: result?.address };
  if (entry.type === 'suicide') return { from: action.address, to: action.refundAddress };
  return { from: action.from, to: action.to };
}

function matches(filter: TraceFilter, entry: Record<string, any>): boolean {
  const { from, to } = endpoints(entry);
  const fromOk = from !== undefined && filter.fromAddresses.has(from as Address);
  const toOk = to !== undefined && filter.toAddresses.has(to as Address);
  const anyFrom = filter.fromAddresses.size === 0;
  const anyTo = filter.toAddresses.size === 0;
  if (anyFrom && anyTo) return true;
  if (anyTo) return fromOk;
  if (anyFrom) return toOk;
  return filter.intersection ? fromOk && toOk : fromOk || toOk;
}

function filterTraces(ctx: RpcContext, params: unknown): Json[] {
  const filter = traceFilter(ctx, p.expectParams(params, 1, 1)[0]);
  const out: Json[] = [];
  let skipped = 0;
  for (let n = filter.from; n <= filter.to; n++) {
    const block = ctx.chain.blocks.byNumber(n);
    if (block === undefined) continue; // before a fork's first block
    // Here and now: a filter reads many blocks, each re-run at once (not in a worker).
    const traces = block.header.number === 0n ? [] : (runTraceJobHere(ctx.chain, blockJob(ctx, block, FLAT)) as Json[]).flat();
    for (const entry of traces as Record<string, any>[]) {
      if (!matches(filter, entry)) continue;
      if (skipped < filter.after) {
        skipped++;
        continue;
      }
      out.push(entry);
      if (filter.count !== undefined && out.length >= filter.count) return out;
    }
  }
  return out;
}

// ---- replays ----

function withHash(result: Json, hash: string): Json {
  return { ...(result as Record<string, Json>), transactionHash: hash };
}

/** trace_call and trace_callMany: the calls, each on the state the one before left, at `ref`'s block. */
function callsJob(ctx: RpcContext, calls: CallSpec[], refValue: unknown, at: p.Where): Promise<Json> | Json {
  const { block } = requireState(ctx.chain, p.blockRef(refValue ?? 'latest', at));
  return traceJob(ctx, { kind: 'calls', header: block.header, calls, gasCap: ctx.limits.callGasCap, timeoutMs: ctx.limits.traceTimeoutMs });
}

function parityCall(ctx: RpcContext, call: unknown, types: Set<ParityTraceType>, at: p.Where): CallSpec {
  return { request: transactionRequest(call, at, ctx.limits.maxBodyBytes), tracer: { kind: 'parity', types: [...types] } };
}

export const traceMethods: MethodTable = {
  trace_transaction: (ctx, params) => replayTransaction(ctx, txHashParam(p.expectParams(params, 1, 1)[0], 0), FLAT),
  trace_get: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    const indices = p
      .array(list[1], p.where(1, 'trace indices'), 1024)
      .map((v, i) => Number(p.uint64(v, `${p.where(1, 'trace indices')}[${i}]`)));
    const traces = replayTransaction(ctx, txHashParam(list[0], 0), FLAT);
    if (traces === null) return null;
    return thenMap(traces, (list) => {
      const found = (list as Record<string, Json>[]).find((t) => {
        const address = t.traceAddress as number[];
        return address.length === indices.length && address.every((v, i) => v === indices[i]);
      });
      return found ?? null;
    });
  },
  trace_block: (ctx, params) => {
    const block = findBlock(ctx.chain, p.blockRef(p.expectParams(params, 1, 1)[0], p.where(0, 'block')));
    return block === undefined ? null : blockTraces(ctx, block);
  },
  trace_filter: filterTraces,
  trace_replayTransaction: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    const hash = txHashParam(list[0], 0);
    const types = traceTypes(list[1], p.where(1, 'trace types'));
    const result = replayTransaction(ctx, hash, { kind: 'parity', types: [...types] });
    if (result === null) throw serverError('transaction not found');
    return result;
  },
  trace_replayBlockTransactions: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    const block = requireBlock(ctx.chain, p.blockRef(list[0], p.where(0, 'block')));
    const types = traceTypes(list[1], p.where(1, 'trace types'));
    if (block.header.number === 0n) return [];
    return thenMap(traceJob(ctx, blockJob(ctx, block, { kind: 'parity', types: [...types] })), (results) =>
      (results as Json[]).map((r, i) => withHash(r, bytesToHex(block.transactions[i]!.hash))),
    );
  },
  trace_call: (ctx, params) => {
    const list = p.expectParams(params, 2, 3);
    const types = traceTypes(list[1], p.where(1, 'trace types'));
    const call = parityCall(ctx, list[0], types, p.where(0, 'transaction'));
    return thenMap(callsJob(ctx, [call], list[2], p.where(2, 'block')), (results) => (results as Json[])[0]!);
  },
  trace_callMany: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const calls = p.array(list[0], p.where(0, 'calls'), 1000).map((item, i) => {
      const at = `${p.where(0, 'calls')}[${i}]`;
      const pair = p.array(item, at, 2);
      if (pair.length !== 2) throw invalidParams(`${at}: expected [transaction, trace types]`);
      return parityCall(ctx, pair[0], traceTypes(pair[1], `${at}[1]`), `${at}[0]`);
    });
    return callsJob(ctx, calls, list[1], p.where(1, 'block'));
  },
};
