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
 * Tracing is synchronous CPU work on the node's one thread, so the node answers nothing else
 * while a trace runs: each request is bounded by its `timeout` (geth's duration strings, 5 s by
 * default), checked as it runs, after which it fails with geth's "execution timeout". For the
 * block methods it bounds each transaction's trace, as in geth.
 */
import { bytesToHex } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import { rlpDecode, rlpEncode, rlpBytes, rlpList, type RlpItem } from '../../primitives/rlp.js';
import { encodeBlock, type Block, type BlockTransaction } from '../../chain/block.js';
import { BlockBuilder, optionsFromHeader } from '../../chain/builder.js';
import { decodeHeader, encodeHeader, headerHash } from '../../chain/header.js';
import { encodeReceipt } from '../../chain/receipt.js';
import { createOverlayState } from '../../chain/overlay-state.js';
import { decodeTransaction } from '../../tx/decode.js';
import { validateTransaction } from '../../tx/validate.js';
import { InvalidTransactionError } from '../../tx/types.js';
import { createTracer, TracerConfigError, UnknownTracerError, type Json, type ResultTracer, type TraceContext } from '../../trace/index.js';
import { createStructLogger, structLoggerConfig, type StructLogBudget } from '../../trace/struct-logger.js';
import { DEFAULT_TRACE_TIMEOUT_MS, DurationError, TraceTimeoutError, parseDuration, withDeadline } from '../../trace/deadline.js';
import type { DevChain } from '../dev-chain.js';
import type { WorldState } from '../../state/world-state.js';
import { requireBlock, requireState, type MethodTable, type RpcContext } from './context.js';
import { invalidParams, serverError } from './errors.js';
import { simulate } from './simulate.js';
import { blockOverrides, stateOverrides } from './eth.js';
import { transactionRequest } from './tx-request.js';
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

/** The tracer a config names, or the struct logger; a bad name or config is the caller's error. */
function makeTracer(config: TraceConfig, context: TraceContext, budget?: StructLogBudget): ResultTracer {
  try {
    if (config.tracer === undefined) return createStructLogger(structLoggerConfig(config.fields), budget);
    return createTracer(config.tracer, config.tracerConfig, context);
  } catch (error) {
    if (error instanceof UnknownTracerError) throw invalidParams(`tracer not found: ${error.message}`);
    if (error instanceof TracerConfigError) throw invalidParams(error.message);
    throw error;
  }
}

/** A request's deadline: now plus its timeout. */
function deadlineOf(config: TraceConfig): number {
  return Date.now() + config.timeoutMs;
}

/** Runs `run` with the tracer under the deadline; geth's "execution timeout" when it passes. */
function traced(tracer: ResultTracer, deadline: number, run: (tracer: ResultTracer) => void): Json {
  try {
    run(withDeadline(tracer, deadline));
  } catch (error) {
    if (error instanceof TraceTimeoutError) throw serverError(error.message);
    throw error;
  }
  return tracer.result();
}

// ---- re-running a block ----

/** A block being re-run on its parent's state, transaction by transaction. */
export class Replay {
  readonly #builder: BlockBuilder;
  readonly #block: Block;
  /** Whether the block is the chain's, so that each receipt must come out as it was mined. */
  readonly #mined: boolean;

  constructor(chain: DevChain, block: Block, mined: boolean) {
    const { header } = block;
    if (header.number === 0n) throw serverError('genesis is not traceable');
    const parent = chain.blocks.byHash(bytesToHex(header.parentHash));
    if (parent === undefined) throw serverError(`parent ${bytesToHex(header.parentHash)} not found`);
    // A mined block starts from its parent's state with the dev methods run before it applied.
    const state = createOverlayState(mined ? chain.stateBefore(header.number) : chain.stateAt(parent.header.number));
    this.#builder = new BlockBuilder(state, optionsFromHeader(header, parent, chain.rules, chain.chainId, chain.blocks.blockHash));
    this.#block = block;
    this.#mined = mined;
    this.state = state;
  }

  /** The state as the transactions run so far left it. */
  readonly state: WorldState;

  /** Runs the next transaction (the `index`th), traced or not. */
  run(index: number, tracer?: ResultTracer): void {
    const item = this.#block.transactions[index]!;
    let receipt;
    try {
      receipt = this.#builder.add(item, tracer).receipt;
    } catch (error) {
      if (error instanceof InvalidTransactionError) throw serverError(`tracing failed: ${error.message}`);
      throw error;
    }
    const mined = this.#block.receipts[index];
    if (
      this.#mined &&
      mined !== undefined &&
      (mined.cumulativeGasUsed !== receipt.cumulativeGasUsed || mined.success !== receipt.success)
    ) {
      // A replay that disagrees with the block would give a wrong trace: refuse it.
      throw serverError(
        `cannot reproduce transaction ${bytesToHex(item.hash)}: re-run on the state its block started from it used ` +
          `${receipt.cumulativeGasUsed} cumulative gas, not ${mined.cumulativeGasUsed}`,
      );
    }
  }
}

export function contextOf(block: Block, index: number): TraceContext {
  return {
    blockHash: bytesToHex(block.hash),
    blockNumber: block.header.number,
    txHash: bytesToHex(block.transactions[index]!.hash),
    txIndex: index,
  };
}

function traceBlock(chain: DevChain, block: Block, mined: boolean, config: TraceConfig): Json[] {
  const replay = new Replay(chain, block, mined);
  // The struct logs of all the block's transactions share one `limit`.
  const budget: StructLogBudget = { used: 0 };
  return block.transactions.map((t, i) => {
    const tracer = makeTracer(config, contextOf(block, i), budget);
    // As in geth, the timeout bounds each transaction's trace.
    return { txHash: bytesToHex(t.hash), result: traced(tracer, deadlineOf(config), (wrapped) => replay.run(i, wrapped)) };
  });
}

function traceTransaction(ctx: RpcContext, params: unknown): Json {
  const list = p.expectParams(params, 1, 2);
  const hash = bytesToHex(p.hash(list[0], p.where(0, 'transaction hash')));
  const config = traceConfig(list[1], p.where(1, 'trace config'));
  const at = ctx.chain.blocks.transactionLocation(hash);
  if (at === undefined) throw serverError('transaction not found');
  const tracer = makeTracer(config, contextOf(at.block, at.index));
  const deadline = deadlineOf(config);
  const replay = new Replay(ctx.chain, at.block, true);
  for (let i = 0; i < at.index; i++) replay.run(i);
  return traced(tracer, deadline, (wrapped) => replay.run(at.index, wrapped));
}

function traceCall(ctx: RpcContext, params: unknown): Json {
  const list = p.expectParams(params, 1, 3);
  const request = transactionRequest(list[0], p.where(0, 'transaction'), ctx.limits.maxBodyBytes);
  const ref = p.blockRef(list[1], p.where(1, 'block'));
  if (ref.kind === 'tag' && ref.tag === 'pending') throw serverError('tracing on top of pending is not supported');
  const at = p.where(2, 'trace config');
  const config = traceConfig(list[2], at, ['stateOverrides', 'blockOverrides', 'txIndex']);
  const o = config.fields;
  const txIndex = p.optional(o.txIndex, (v) => Number(p.uint64(v, `${at}.txIndex`)));
  const tracer = makeTracer(config, {});
  const deadline = deadlineOf(config);
  const { block, state } = requireState(ctx.chain, ref);
  let base = state;
  const context = ctx.chain.blockContext(block, false);
  if (txIndex !== undefined) {
    // geth: the state before the block's transaction `txIndex`, in that block's context.
    if (txIndex > block.transactions.length) throw serverError(`transaction index ${txIndex} out of range`);
    const replay = new Replay(ctx.chain, block, true);
    for (let i = 0; i < txIndex; i++) replay.run(i);
    base = replay.state;
  }
  return traced(tracer, deadline, (wrapped) => {
    simulate(
      ctx.chain,
      {
        request,
        state: base,
        context,
        stateOverrides: stateOverrides(o.stateOverrides, `${at}.stateOverrides`),
        blockOverrides: blockOverrides(o.blockOverrides, `${at}.blockOverrides`),
        gasCap: ctx.limits.callGasCap,
      },
      wrapped,
    );
  });
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
  return (ctx: RpcContext, params: unknown): Json => {
    const list = p.expectParams(params, 1, 2);
    const config = traceConfig(list[1], p.where(1, 'trace config'));
    return traceBlock(ctx.chain, find(ctx, list[0]), true, config);
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
    return traceBlock(ctx.chain, block, mined, config);
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
