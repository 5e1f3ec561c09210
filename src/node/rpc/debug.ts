/**
 * The debug_ namespace, as geth serves it: tracing (debug_traceTransaction, debug_traceCall,
 * debug_traceBlockByNumber, debug_traceBlockByHash, debug_traceBlock) and the raw getters
 * (debug_getRawTransaction, debug_getRawReceipts, debug_getRawBlock, debug_getRawHeader).
 *
 * A trace re-runs transactions on an overlay of an earlier state (the state history keeps the
 * last `historyBlocks` blocks): a mined transaction after its block's earlier transactions, on
 * its parent's state with the block's own context. The tracers are src/trace/'s; with no
 * `tracer` the struct logger (geth's default) runs, which stops recording past `limit` bytes of
 * JSON (32 MiB when none is given, 256 MiB at most; for a block, all its transactions together).
 *
 * These methods check their parameters and describe the trace as a job (`trace-job.ts`); under
 * Node.js the job runs in one of the node's trace workers (`trace-pool.ts`), reading the state as
 * it was when the request arrived, while the node goes on serving other requests; elsewhere (a
 * browser) it runs at once on the node's thread. Each traced run is bounded by the request's
 * `timeout` (geth's duration strings, 5 s by default), after which it fails with geth's
 * "execution timeout" (a worker past it is stopped); for the block methods it bounds each
 * transaction's trace, as in geth.
 */
import { bytesToHex } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import { rlpDecode, rlpEncode, rlpBytes, rlpList, type RlpItem } from '../../primitives/rlp.js';
import { encodeBlock, type Block, type BlockTransaction } from '../../chain/block.js';
import { decodeHeader, encodeHeader, headerHash } from '../../chain/header.js';
import { encodeReceipt } from '../../chain/receipt.js';
import { decodeTransaction } from '../../tx/decode.js';
import { validateTransaction } from '../../tx/validate.js';
import type { Json } from '../../trace/index.js';
import { DEFAULT_TRACE_TIMEOUT_MS, DurationError, parseDuration } from '../../trace/deadline.js';
import type { DevChain } from '../dev-chain.js';
import { requireBlock, type MethodTable, type RpcContext } from './context.js';
import { invalidParams, serverError } from './errors.js';
import { blockOverrides, stateOverrides } from './eth.js';
import { transactionRequest } from './tx-request.js';
import { makeTracer, replaySpec, thenMap, traceJob, type CallSpec, type ReplaySpec, type TraceJob, type TracerSpec } from './trace-job.js';
import * as p from './params.js';

/** A trace config: geth's TraceConfig (the struct logger's options sit beside `tracer`). */
interface TraceConfig {
  tracer: string | undefined;
  tracerConfig: unknown;
  timeoutMs: number;
  fields: Record<string, unknown>;
}

/** Fields geth accepts that change nothing here (re-execution depth, removed logger options). */
const IGNORED_KEYS = ['reexec', 'disableMemory', 'disableReturnData', 'debug'];
const TRACE_KEYS = ['tracer', 'tracerConfig', 'timeout', 'enableMemory', 'disableStack', 'disableStorage', 'enableReturnData', 'limit'];

function traceConfig(value: unknown, at: p.Where, extraKeys: readonly string[] = []): TraceConfig {
  const o = value === undefined || value === null ? {} : p.object(value, at);
  p.onlyKeys(o, [...TRACE_KEYS, ...IGNORED_KEYS, ...extraKeys], at);
  if (o.overrides !== undefined) throw invalidParams(`${at}: chain config overrides are not supported`);
  const tracer = p.optional(o.tracer, (v) => p.string(v, `${at}.tracer`, 256));
  let timeoutMs = DEFAULT_TRACE_TIMEOUT_MS;
  if (o.timeout !== undefined && o.timeout !== null) {
    try {
      timeoutMs = parseDuration(p.string(o.timeout, `${at}.timeout`, 64));
    } catch (error) {
      if (error instanceof DurationError) throw invalidParams(`${at}.timeout: ${error.message}`);
      throw error;
    }
  }
  return { tracer: tracer === '' ? undefined : tracer, tracerConfig: o.tracerConfig ?? undefined, timeoutMs, fields: o };
}

/** The tracer spec of a config, checked here (a bad name or config is the caller's error before anything runs). */
function tracerSpec(config: TraceConfig): TracerSpec {
  const spec: TracerSpec = { kind: 'geth', tracer: config.tracer, tracerConfig: config.tracerConfig, fields: config.fields };
  makeTracer(spec, {});
  return spec;
}

/** debug_traceBlock*: each transaction's result with its hash. */
function traceBlock(ctx: RpcContext, block: Block, mined: boolean, config: TraceConfig): Json[] | Promise<Json[]> {
  const job: TraceJob = {
    kind: 'block',
    replay: replaySpec(ctx.chain, block, mined),
    tracer: tracerSpec(config),
    timeoutMs: config.timeoutMs,
  };
  return thenMap(traceJob(ctx, job), (results) =>
    (results as Json[]).map((result, i) => ({ txHash: bytesToHex(block.transactions[i]!.hash), result })),
  );
}

function traceTransaction(ctx: RpcContext, params: unknown): Json | Promise<Json> {
  const list = p.expectParams(params, 1, 2);
  const hash = bytesToHex(p.hash(list[0], p.where(0, 'transaction hash')));
  const config = traceConfig(list[1], p.where(1, 'trace config'));
  const tracer = tracerSpec(config);
  const at = ctx.chain.blocks.transactionLocation(hash);
  if (at === undefined) throw serverError('transaction not found');
  const replay = replaySpec(ctx.chain, at.block, true);
  return traceJob(ctx, { kind: 'transaction', replay, index: at.index, tracer, timeoutMs: config.timeoutMs });
}

function traceCall(ctx: RpcContext, params: unknown): Json | Promise<Json> {
  const list = p.expectParams(params, 1, 3);
  const request = transactionRequest(list[0], p.where(0, 'transaction'), ctx.limits.maxBodyBytes);
  const ref = p.blockRef(list[1], p.where(1, 'block'));
  if (ref.kind === 'tag' && ref.tag === 'pending') throw serverError('tracing on top of pending is not supported');
  const at = p.where(2, 'trace config');
  const config = traceConfig(list[2], at, ['stateOverrides', 'blockOverrides', 'txIndex']);
  const o = config.fields;
  const txIndex = p.optional(o.txIndex, (v) => Number(p.uint64(v, `${at}.txIndex`)));
  const tracer = tracerSpec(config);
  const block = requireBlock(ctx.chain, ref);
  let prefix: { replay: ReplaySpec; count: number } | undefined;
  if (txIndex !== undefined) {
    // geth: the state before the block's transaction `txIndex`, in that block's context.
    if (txIndex > block.transactions.length) throw serverError(`transaction index ${txIndex} out of range`);
    prefix = { replay: replaySpec(ctx.chain, block, true), count: txIndex };
  } else ctx.chain.stateAt(block.header.number); // a clear error now when the node does not have it
  const call: CallSpec = {
    request,
    stateOverrides: stateOverrides(o.stateOverrides, `${at}.stateOverrides`),
    blockOverrides: blockOverrides(o.blockOverrides, `${at}.blockOverrides`),
    tracer,
  };
  const job: TraceJob = {
    kind: 'calls',
    header: block.header,
    prefix,
    calls: [call],
    gasCap: ctx.limits.callGasCap,
    timeoutMs: config.timeoutMs,
  };
  return thenMap(traceJob(ctx, job), (results) => (results as Json[])[0]!);
}

// ---- raw getters ----

/** A block body's transactions, read back from RLP: a legacy transaction is a list, a typed one a string. */
function decodeBlockRlp(chain: DevChain, bytes: Uint8Array): { block: Block; mined: boolean } {
  let items: RlpItem[];
  try {
    items = rlpList(rlpDecode(bytes), 'block');
    const header = decodeHeader(rlpEncode(items[0]!));
    const hash = headerHash(header);
    const known = chain.blocks.byHash(bytesToHex(hash));
    // A block of this chain keeps its senders (an impersonated sender has no signature to recover).
    if (known !== undefined) return { block: known, mined: true };
    const transactions: BlockTransaction[] = rlpList(items[1]!, 'transactions').map((item) => {
      const encoded = Array.isArray(item) ? rlpEncode(item) : rlpBytes(item, 'transaction').slice();
      const tx = decodeTransaction(encoded);
      const { sender } = validateTransaction(tx, chain.rules, { chainId: chain.chainId });
      return { tx, sender, hash: keccak256(encoded), encoded };
    });
    return { block: { header, hash, transactions, receipts: [], size: bytes.length }, mined: false };
  } catch (error) {
    throw serverError(`could not decode block: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function blockParam(ctx: RpcContext, params: unknown): Block {
  const list = p.expectParams(params, 1, 1);
  return requireBlock(ctx.chain, p.blockRef(list[0], p.where(0, 'block')));
}

function traceBlockMethod(find: (ctx: RpcContext, value: unknown) => Block) {
  return (ctx: RpcContext, params: unknown): Json[] | Promise<Json[]> => {
    const list = p.expectParams(params, 1, 2);
    const config = traceConfig(list[1], p.where(1, 'trace config'));
    return traceBlock(ctx, find(ctx, list[0]), true, config);
  };
}

export const debugMethods: MethodTable = {
  debug_traceTransaction: traceTransaction,
  debug_traceCall: traceCall,
  debug_traceBlockByNumber: traceBlockMethod((ctx, v) => {
    const ref = p.blockRef(v, p.where(0, 'block number'));
    if (ref.kind === 'hash') throw invalidParams('parameter 1 (block number): expected a block number or tag');
    return requireBlock(ctx.chain, ref);
  }),
  debug_traceBlockByHash: traceBlockMethod((ctx, v) => {
    const hash = p.hash(v, p.where(0, 'block hash'));
    return requireBlock(ctx.chain, { kind: 'hash', hash, requireCanonical: false });
  }),
  debug_traceBlock: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const bytes = p.data(list[0], p.where(0, 'block rlp'), ctx.limits.maxBodyBytes);
    const config = traceConfig(list[1], p.where(1, 'trace config'));
    const { block, mined } = decodeBlockRlp(ctx.chain, bytes);
    return traceBlock(ctx, block, mined, config);
  },

  debug_getRawTransaction: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const hash = bytesToHex(p.hash(list[0], p.where(0, 'transaction hash')));
    const at = ctx.chain.blocks.transactionLocation(hash);
    if (at !== undefined) return bytesToHex(at.block.transactions[at.index]!.encoded);
    const pooled = ctx.chain.pool.get(hash);
    // geth: "0x" for a transaction it does not know.
    return pooled === undefined ? '0x' : bytesToHex(pooled.encoded);
  },
  debug_getRawReceipts: (ctx, params) => blockParam(ctx, params).receipts.map((r) => bytesToHex(encodeReceipt(r))),
  debug_getRawBlock: (ctx, params) => {
    const block = blockParam(ctx, params);
    return bytesToHex(encodeBlock(block.header, block.transactions));
  },
  debug_getRawHeader: (ctx, params) => bytesToHex(encodeHeader(blockParam(ctx, params).header)),
};
