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
 */
import { bytesToHex } from '../../primitives/bytes.js';
import type { Address } from '../../primitives/address.js';
import type { Block } from '../../chain/block.js';
import type { WorldState } from '../../state/world-state.js';
import { createFlatCallTracer } from '../../trace/flat-call-tracer.js';
import { createParityReplayTracer, parityTraceTypes, VmTraceTooLargeError, type ParityTraceType } from '../../trace/parity.js';
import { TracerConfigError, type Json, type ResultTracer } from '../../trace/index.js';
import { TraceTimeoutError, withDeadline } from '../../trace/deadline.js';
import { findBlock, requireBlock, requireState, type MethodTable, type RpcContext } from './context.js';
import { invalidParams, serverError } from './errors.js';
import { Replay, contextOf } from './debug.js';
import { simulate } from './simulate.js';
import { transactionRequest } from './tx-request.js';
import * as p from './params.js';

/** Runs `run` with the tracer, bounded by the node's trace timeout; its result. */
function traced(ctx: RpcContext, tracer: ResultTracer, run: (tracer: ResultTracer) => void): Json {
  try {
    run(withDeadline(tracer, Date.now() + ctx.limits.traceTimeoutMs));
  } catch (error) {
    if (error instanceof TraceTimeoutError || error instanceof VmTraceTooLargeError) throw serverError(error.message);
    throw error;
  }
  return tracer.result();
}

function traceTypes(value: unknown, at: p.Where): Set<ParityTraceType> {
  try {
    return parityTraceTypes(value);
  } catch (error) {
    if (error instanceof TracerConfigError) throw invalidParams(`${at}: ${error.message}`);
    throw error;
  }
}

/** Re-runs `block`, each transaction with the tracer `make` gives; its results. */
export function replayBlock(ctx: RpcContext, block: Block, make: (index: number) => ResultTracer): Json[] {
  const replay = new Replay(ctx.chain, block, true);
  return block.transactions.map((_, i) => traced(ctx, make(i), (tracer) => replay.run(i, tracer)));
}

/** Re-runs a mined transaction's block up to it, and it with `tracer`; null for an unknown hash. */
export function replayTransaction(ctx: RpcContext, hash: string, make: (block: Block, index: number) => ResultTracer): Json | null {
  const at = ctx.chain.blocks.transactionLocation(hash);
  if (at === undefined) return null;
  const replay = new Replay(ctx.chain, at.block, true);
  for (let i = 0; i < at.index; i++) replay.run(i);
  return traced(ctx, make(at.block, at.index), (tracer) => replay.run(at.index, tracer));
}

const flatTracer = (block: Block, index: number): ResultTracer =>
  createFlatCallTracer({ convertParityErrors: true }, contextOf(block, index));

/** The flat call traces of a block's transactions, each entry with its block and position. */
function blockTraces(ctx: RpcContext, block: Block): Json[] {
  if (block.header.number === 0n) return [];
  return replayBlock(ctx, block, (i) => flatTracer(block, i)).flat() as Json[];
}

function transactionTraces(ctx: RpcContext, hash: string): Json[] | null {
  return replayTransaction(ctx, hash, flatTracer) as Json[] | null;
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
    for (const entry of blockTraces(ctx, block) as Record<string, any>[]) {
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

function callReplay(ctx: RpcContext, call: unknown, types: Set<ParityTraceType>, state: WorldState, at: p.Where, block: Block) {
  const request = transactionRequest(call, at, ctx.limits.maxBodyBytes);
  const tracer = createParityReplayTracer(types);
  let after: WorldState = state;
  const result = traced(ctx, tracer, (t) => {
    after = simulate(ctx.chain, { request, state, context: ctx.chain.blockContext(block, false), gasCap: ctx.limits.callGasCap }, t).state;
  });
  return { result, state: after };
}

export const traceMethods: MethodTable = {
  trace_transaction: (ctx, params) => transactionTraces(ctx, txHashParam(p.expectParams(params, 1, 1)[0], 0)),
  trace_get: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    const indices = p
      .array(list[1], p.where(1, 'trace indices'), 1024)
      .map((v, i) => Number(p.uint64(v, `${p.where(1, 'trace indices')}[${i}]`)));
    const traces = transactionTraces(ctx, txHashParam(list[0], 0));
    if (traces === null) return null;
    const found = (traces as Record<string, Json>[]).find((t) => {
      const address = t.traceAddress as number[];
      return address.length === indices.length && address.every((v, i) => v === indices[i]);
    });
    return found ?? null;
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
    const result = replayTransaction(ctx, hash, () => createParityReplayTracer(types));
    if (result === null) throw serverError('transaction not found');
    return result;
  },
  trace_replayBlockTransactions: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    const block = requireBlock(ctx.chain, p.blockRef(list[0], p.where(0, 'block')));
    const types = traceTypes(list[1], p.where(1, 'trace types'));
    if (block.header.number === 0n) return [];
    return replayBlock(ctx, block, () => createParityReplayTracer(types)).map((r, i) =>
      withHash(r, bytesToHex(block.transactions[i]!.hash)),
    );
  },
  trace_call: (ctx, params) => {
    const list = p.expectParams(params, 2, 3);
    const types = traceTypes(list[1], p.where(1, 'trace types'));
    const { block, state } = requireState(ctx.chain, p.blockRef(list[2] ?? 'latest', p.where(2, 'block')));
    return callReplay(ctx, list[0], types, state, p.where(0, 'transaction'), block).result;
  },
  trace_callMany: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const calls = p.array(list[0], p.where(0, 'calls'), 1000);
    const start = requireState(ctx.chain, p.blockRef(list[1] ?? 'latest', p.where(1, 'block')));
    const block = start.block;
    let state = start.state;
    return calls.map((item, i) => {
      const at = `${p.where(0, 'calls')}[${i}]`;
      const pair = p.array(item, at, 2);
      if (pair.length !== 2) throw invalidParams(`${at}: expected [transaction, trace types]`);
      const run = callReplay(ctx, pair[0], traceTypes(pair[1], `${at}[1]`), state, `${at}[0]`, block);
      state = run.state;
      return run.result;
    });
  },
};
