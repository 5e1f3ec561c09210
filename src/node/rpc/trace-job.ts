/**
 * A trace as plain data (`TraceJob`), and the one function that runs it (`runTraceJob`), for
 * every tracing method of debug_, trace_ and ots_. The methods check their parameters and build
 * the job on the node's thread; the job then runs either there and then, or in a trace worker
 * (`trace-pool.ts`, `trace-worker.ts`) that reads the state the job starts from through the node,
 * so that the node keeps serving other requests while it runs. A job holds nothing a thread
 * cannot copy: blocks, requests, tracer names and configs, numbers.
 *
 * A job re-runs transactions on an overlay of an earlier state: a mined transaction after its
 * block's earlier transactions, on the state its block started from, with the block's context.
 * Each traced run is bounded by the job's `timeoutMs` (geth's "execution timeout"); for a block,
 * each transaction's run, as in geth.
 */
import { bytesToHex } from '../../primitives/bytes.js';
import type { Address } from '../../primitives/address.js';
import type { Block } from '../../chain/block.js';
import type { BlockHeader } from '../../chain/header.js';
import { BlockBuilder, optionsFromHeader } from '../../chain/builder.js';
import { blockContextFromHeader } from '../../chain/block-context.js';
import { createOverlayState } from '../../chain/overlay-state.js';
import type { WorldState } from '../../state/world-state.js';
import { InvalidTransactionError } from '../../tx/types.js';
import { createTracer, TracerConfigError, UnknownTracerError, type Json, type ResultTracer, type TraceContext } from '../../trace/index.js';
import { createStructLogger, structLoggerConfig, type StructLogBudget } from '../../trace/struct-logger.js';
import { createFlatCallTracer } from '../../trace/flat-call-tracer.js';
import { createParityReplayTracer, VmTraceTooLargeError, type ParityTraceType } from '../../trace/parity.js';
import { createInternalOperationsTracer, createOtsCallTracer, createTouchedAddressesTracer } from '../../trace/otterscan.js';
import { TraceTimeoutError, withDeadline } from '../../trace/deadline.js';
import type { DevChain, StateBase } from '../dev-chain.js';
import type { RpcContext } from './context.js';
import { invalidParams, serverError } from './errors.js';
import { simulate, type BlockOverrides, type ChainConfig, type StateOverride } from './simulate.js';
import type { TransactionRequest } from './tx-request.js';

/** Which tracer a run gets. */
export type TracerSpec =
  /** geth's: the struct logger without `tracer`, its options beside it (`fields`); else the tracer named. */
  | { kind: 'geth'; tracer: string | undefined; tracerConfig: unknown; fields: Record<string, unknown> }
  /** Parity's flat call traces, as trace_transaction and trace_block give them. */
  | { kind: 'flat' }
  /** trace_replay*, trace_call: the kinds of results asked for. */
  | { kind: 'parity'; types: ParityTraceType[] }
  | { kind: 'otsInternalOperations' }
  | { kind: 'otsCallTrace' }
  | { kind: 'otsTouchedAddresses' };

/** A block to re-run on the state it started from (`mined`: the chain's, each receipt must come out as mined). */
export interface ReplaySpec {
  block: Block;
  parent: { header: BlockHeader; hash: Uint8Array };
  mined: boolean;
}

/** One call of a call job, on the state the previous one left. */
export interface CallSpec {
  request: TransactionRequest;
  stateOverrides?: Map<Address, StateOverride>;
  blockOverrides?: BlockOverrides;
  tracer: TracerSpec;
}

export type TraceJob =
  /** The block's transaction `index`, after the ones before it: its result. */
  | { kind: 'transaction'; replay: ReplaySpec; index: number; tracer: TracerSpec; timeoutMs: number }
  /** Every transaction of the block, each traced: their results in order (the struct logs share one `limit`). */
  | { kind: 'block'; replay: ReplaySpec; tracer: TracerSpec; timeoutMs: number }
  /**
   * Calls in the context of `header`'s block, on its end state, or with `prefix` on the state
   * after its first `count` transactions: each call's result, in order.
   */
  | {
      kind: 'calls';
      header: BlockHeader;
      prefix?: { replay: ReplaySpec; count: number };
      calls: CallSpec[];
      gasCap: bigint;
      timeoutMs: number;
    };

/** What a job runs with: the chain's configuration and the state the job starts from (`jobBase`). */
export interface TraceEnv extends ChainConfig {
  blockHash(number: bigint): bigint;
  /** The job's starting state, never changed (runs go on overlays). */
  state: WorldState;
  /** Told of each traced run's deadline as it starts (a worker's pool stops it if it runs past). */
  onDeadline?: (deadline: number) => void;
}

/** The state a job starts from. */
export function jobBase(job: TraceJob): StateBase {
  const replay = job.kind === 'calls' ? job.prefix?.replay : job.replay;
  if (replay === undefined) return { block: (job as { header: BlockHeader }).header.number, before: false };
  // A mined block starts from its parent's state with the dev methods run before it applied.
  return replay.mined ? { block: replay.block.header.number, before: true } : { block: replay.parent.header.number, before: false };
}

/** The tracer a spec names; a bad name or config is the caller's error. */
export function makeTracer(spec: TracerSpec, context: TraceContext, budget?: StructLogBudget): ResultTracer {
  switch (spec.kind) {
    case 'geth':
      try {
        if (spec.tracer === undefined) return createStructLogger(structLoggerConfig(spec.fields), budget);
        return createTracer(spec.tracer, spec.tracerConfig, context);
      } catch (error) {
        if (error instanceof UnknownTracerError) throw invalidParams(`tracer not found: ${error.message}`);
        if (error instanceof TracerConfigError) throw invalidParams(error.message);
        throw error;
      }
    case 'flat':
      return createFlatCallTracer({ convertParityErrors: true }, context);
    case 'parity':
      return createParityReplayTracer(new Set(spec.types));
    case 'otsInternalOperations':
      return createInternalOperationsTracer();
    case 'otsCallTrace':
      return createOtsCallTracer();
    case 'otsTouchedAddresses':
      return createTouchedAddressesTracer();
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

/** Runs `run` with the tracer, bounded by `timeoutMs` from now; its result, or geth's "execution timeout". */
function traced(env: TraceEnv, tracer: ResultTracer, timeoutMs: number, run: (tracer: ResultTracer) => void): Json {
  const deadline = Date.now() + timeoutMs;
  env.onDeadline?.(deadline);
  try {
    run(withDeadline(tracer, deadline));
  } catch (error) {
    if (error instanceof TraceTimeoutError || error instanceof VmTraceTooLargeError) throw serverError(error.message);
    throw error;
  }
  return tracer.result();
}

/** A block being re-run on the state it started from, transaction by transaction. */
export class Replay {
  readonly #builder: BlockBuilder;
  readonly #spec: ReplaySpec;

  constructor(spec: ReplaySpec, env: TraceEnv) {
    const state = createOverlayState(env.state);
    this.#builder = new BlockBuilder(state, optionsFromHeader(spec.block.header, spec.parent, env.rules, env.chainId, env.blockHash));
    this.#spec = spec;
    this.state = state;
  }

  /** The state as the transactions run so far left it. */
  readonly state: WorldState;

  /** Runs the next transaction (the `index`th), traced or not. */
  run(index: number, tracer?: ResultTracer): void {
    const { block, mined } = this.#spec;
    const item = block.transactions[index]!;
    let receipt;
    try {
      receipt = this.#builder.add(item, tracer).receipt;
    } catch (error) {
      if (error instanceof InvalidTransactionError) throw serverError(`tracing failed: ${error.message}`);
      throw error;
    }
    const expected = block.receipts[index];
    if (
      mined &&
      expected !== undefined &&
      (expected.cumulativeGasUsed !== receipt.cumulativeGasUsed || expected.success !== receipt.success)
    ) {
      // A replay that disagrees with the block would give a wrong trace: refuse it.
      throw serverError(
        `cannot reproduce transaction ${bytesToHex(item.hash)}: re-run on the state its block started from it used ` +
          `${receipt.cumulativeGasUsed} cumulative gas, not ${expected.cumulativeGasUsed}`,
      );
    }
  }
}

/** Runs a job: a transaction job's result, or the array of a block's or calls' results. */
export function runTraceJob(job: TraceJob, env: TraceEnv): Json {
  switch (job.kind) {
    case 'transaction': {
      const replay = new Replay(job.replay, env);
      for (let i = 0; i < job.index; i++) replay.run(i);
      const tracer = makeTracer(job.tracer, contextOf(job.replay.block, job.index));
      return traced(env, tracer, job.timeoutMs, (t) => replay.run(job.index, t));
    }
    case 'block': {
      const replay = new Replay(job.replay, env);
      const budget: StructLogBudget = { used: 0 };
      return job.replay.block.transactions.map((_, i) => {
        const tracer = makeTracer(job.tracer, contextOf(job.replay.block, i), budget);
        return traced(env, tracer, job.timeoutMs, (t) => replay.run(i, t));
      });
    }
    case 'calls': {
      let state = env.state;
      if (job.prefix !== undefined) {
        const replay = new Replay(job.prefix.replay, env);
        for (let i = 0; i < job.prefix.count; i++) replay.run(i);
        state = replay.state;
      }
      const context = blockContextFromHeader(job.header, env.rules, env.chainId, env.blockHash);
      return job.calls.map((call) => {
        const tracer = makeTracer(call.tracer, {});
        let after = state;
        const result = traced(env, tracer, job.timeoutMs, (t) => {
          const { request, stateOverrides, blockOverrides } = call;
          after = simulate(env, { request, state, context, stateOverrides, blockOverrides, gasCap: job.gasCap }, t).state;
        });
        state = after;
        return result;
      });
    }
  }
}

/** Runs a job on this thread, on the chain's state now. */
export function runTraceJobHere(chain: DevChain, job: TraceJob): Json {
  const base = jobBase(job);
  const state = base.before ? chain.stateBefore(base.block) : chain.stateAt(base.block);
  return runTraceJob(job, { rules: chain.rules, chainId: chain.chainId, blockHash: chain.blocks.blockHash, state });
}

/** Where a request's job runs: in a worker when the node has them (Node.js), else here and now. */
export interface TraceRunner {
  /** The job's result; the job's state is taken (pinned) before this returns. */
  run(job: TraceJob): Promise<Json>;
}

/** A request's job: handed to the node's trace workers, or run here when it has none. */
export function traceJob(ctx: RpcContext, job: TraceJob): Json | Promise<Json> {
  return ctx.traces === undefined ? runTraceJobHere(ctx.chain, job) : ctx.traces.run(job);
}

/** `f` of a result that may still be on its way. */
export function thenMap<T, U>(value: T | Promise<T>, f: (value: T) => U): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** The replay of a block of the chain (or, not `mined`, one built on it): refuses a block without a known parent. */
export function replaySpec(chain: DevChain, block: Block, mined: boolean): ReplaySpec {
  const { header } = block;
  if (header.number === 0n) throw serverError('genesis is not traceable');
  const parent = chain.blocks.byHash(bytesToHex(header.parentHash));
  if (parent === undefined) throw serverError(`parent ${bytesToHex(header.parentHash)} not found`);
  return { block, parent: { header: parent.header, hash: parent.hash }, mined };
}
