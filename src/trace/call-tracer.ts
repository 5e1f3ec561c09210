/**
 * geth's `callTracer`: the transaction's calls and creates as a tree of frames, with the gas each
 * was given and used, its input and output, why it failed and, with `withLog`, the logs each
 * emitted (and where among its calls). `onlyTopCall` keeps the transaction's own frame only.
 */
import type { Address } from '../primitives/address.js';
import type { Log, TracedCallType, TracedEnter, TracedExit, TracedTxEnd, TracedTxStart, JournaledHost } from '../host/index.js';
import { hex, quantity, revertReason, word, type Json } from './json.js';
import { booleanConfig, type ResultTracer } from './types.js';

export interface CallLog {
  address: Address;
  topics: bigint[];
  data: Uint8Array;
  index: number;
  /** How many calls the frame had made when it emitted the log. */
  position: number;
}

/** One frame of the tree, as the call tracer keeps it. */
export interface CallFrame {
  type: TracedCallType;
  from: Address;
  gas: bigint;
  gasUsed: bigint;
  to: Address | undefined;
  input: Uint8Array;
  output: Uint8Array | undefined;
  error: string | undefined;
  revertReason: string | undefined;
  calls: CallFrame[];
  logs: CallLog[];
  value: bigint | undefined;
  /** The frame failed and its changes were undone. */
  reverted: boolean;
}

export interface CallTracerConfig {
  onlyTopCall: boolean;
  withLog: boolean;
}

export function parseCallTracerConfig(config: unknown): CallTracerConfig {
  return booleanConfig('callTracer', config, ['onlyTopCall', 'withLog'] as const);
}

/** Builds the tree of frames from the hooks; the call tracer prints it, the flat one flattens it. */
export class CallTreeBuilder {
  readonly stack: CallFrame[] = [];
  private depth = 0;
  private gasLimit = 0n;
  private host: JournaledHost | undefined;

  constructor(private readonly config: CallTracerConfig) {}

  get root(): CallFrame | undefined {
    return this.stack[0];
  }

  txStart(start: TracedTxStart): void {
    this.gasLimit = start.gasLimit;
    this.host = start.host;
  }

  enter(e: TracedEnter): void {
    this.depth = e.depth;
    if (this.config.onlyTopCall && e.depth > 0) return;
    this.stack.push({
      type: e.type,
      from: e.from,
      gas: e.depth === 0 ? this.gasLimit : e.gas,
      gasUsed: 0n,
      to: e.to,
      input: e.input,
      output: undefined,
      error: undefined,
      revertReason: undefined,
      calls: [],
      logs: [],
      value: e.value,
      reverted: false,
    });
  }

  exit(e: TracedExit): void {
    if (e.depth === 0) {
      if (this.stack.length === 1) finishFrame(this.stack[0]!, e);
      return;
    }
    this.depth = e.depth - 1;
    if (this.config.onlyTopCall || this.stack.length <= 1) return;
    const frame = this.stack.pop()!;
    frame.gasUsed = e.gasUsed;
    finishFrame(frame, e);
    this.stack[this.stack.length - 1]!.calls.push(frame);
  }

  log(log: Log): void {
    if (!this.config.withLog || (this.config.onlyTopCall && this.depth > 0)) return;
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) return;
    const index = this.host === undefined ? 0 : this.host.logs.length - 1;
    frame.logs.push({ address: log.address, topics: log.topics, data: log.data, index, position: frame.calls.length });
  }

  txEnd(end: TracedTxEnd): void {
    const root = this.stack[0];
    if (root === undefined) return;
    root.gasUsed = end.gasUsed;
    if (this.config.withLog) clearFailedLogs(root, false);
  }
}

/** What a frame's end says about it: its output, or why it failed (and a revert's data and reason). */
function finishFrame(frame: CallFrame, e: TracedExit): void {
  // A failure whose changes stand (a Frontier create that could not pay for its code) is shown as a success.
  if (e.error === undefined || !e.reverted) {
    frame.output = e.output;
    return;
  }
  frame.error = e.error;
  frame.reverted = true;
  if (frame.type === 'CREATE' || frame.type === 'CREATE2') frame.to = undefined;
  if (e.error !== 'execution reverted' || e.output.length === 0) return;
  frame.output = e.output;
  frame.revertReason = revertReason(e.output);
}

/** Logs of a failed frame, and of every frame under it, were undone: they are not shown. */
function clearFailedLogs(frame: CallFrame, parentFailed: boolean): void {
  const failed = parentFailed || (frame.error !== undefined && frame.reverted);
  if (failed) frame.logs = [];
  for (const call of frame.calls) clearFailedLogs(call, failed);
}

/**
 * A frame in the call tracer's JSON, fields in geth's order. `extend` adds a tracer's own fields
 * to each frame of the tree (the erc7562 tracer's) before `type`.
 */
export function callFrameJson(frame: CallFrame, extend?: (frame: CallFrame, out: Record<string, Json>) => void): Json {
  const out: Record<string, Json> = { from: frame.from, gas: quantity(frame.gas), gasUsed: quantity(frame.gasUsed) };
  if (frame.to !== undefined) out.to = frame.to;
  out.input = hex(frame.input);
  if (frame.output !== undefined && frame.output.length > 0) out.output = hex(frame.output);
  if (frame.error !== undefined) out.error = frame.error;
  if (frame.revertReason !== undefined && frame.revertReason !== '') out.revertReason = frame.revertReason;
  if (frame.calls.length > 0) out.calls = frame.calls.map((call) => callFrameJson(call, extend));
  if (frame.logs.length > 0) {
    out.logs = frame.logs.map((l) => ({
      address: l.address,
      topics: l.topics.map(word),
      data: hex(l.data),
      index: quantity(l.index),
      position: quantity(l.position),
    }));
  }
  if (frame.value !== undefined) out.value = quantity(frame.value);
  if (extend !== undefined) extend(frame, out);
  out.type = frame.type;
  return out;
}

export function createCallTracer(config: unknown): ResultTracer {
  const tree = new CallTreeBuilder(parseCallTracerConfig(config));
  return {
    txStart: (s) => tree.txStart(s),
    enter: (e) => tree.enter(e),
    exit: (e) => tree.exit(e),
    log: (l) => tree.log(l),
    txEnd: (e) => tree.txEnd(e),
    result(): Json {
      if (tree.stack.length !== 1) throw new Error('incorrect number of top-level calls');
      return callFrameJson(tree.root!);
    },
  };
}
