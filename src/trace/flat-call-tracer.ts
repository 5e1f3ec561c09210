/**
 * geth's `flatCallTracer`: the call tracer's tree as a list in Parity's (OpenEthereum's) trace
 * format, each entry with its trace address. Calls to precompiles are left out unless
 * `includePrecompiles`; `convertParityErrors` words failures as Parity did.
 */
import type { Address } from '../primitives/address.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import { CallTreeBuilder, type CallFrame } from './call-tracer.js';
import { hex, quantity, type Json } from './json.js';
import { booleanConfig, type ResultTracer, type TraceContext } from './types.js';

const PARITY_ERRORS: Record<string, string> = {
  'contract creation code storage out of gas': 'Out of gas',
  'out of gas': 'Out of gas',
  'gas uint64 overflow': 'Out of gas',
  'max code size exceeded': 'Out of gas',
  'invalid jump destination': 'Bad jump destination',
  'execution reverted': 'Reverted',
  'return data out of bounds': 'Out of bounds',
  'stack limit reached 1024 (1023)': 'Out of stack',
  'precompiled failed': 'Built-in failed',
  'invalid input length': 'Built-in failed',
};

const PARITY_ERROR_PREFIXES: [string, string][] = [
  ['out of gas:', 'Out of gas'],
  ['invalid opcode:', 'Bad instruction'],
  ['stack underflow', 'Stack underflow'],
];

export function parityError(error: string): string {
  const exact = PARITY_ERRORS[error];
  if (exact !== undefined) return exact;
  for (const [prefix, word] of PARITY_ERROR_PREFIXES) if (error.startsWith(prefix)) return word;
  return error;
}

export function createFlatCallTracer(config: unknown, context: TraceContext = {}): ResultTracer {
  const options = booleanConfig('flatCallTracer', config, ['convertParityErrors', 'includePrecompiles'] as const);
  const tree = new CallTreeBuilder({ onlyTopCall: false, withLog: false });
  let precompiles = new Set<Address>();
  return {
    txStart(start) {
      tree.txStart(start);
      precompiles = new Set(getPrecompiles(start.rules).keys());
    },
    enter(e) {
      tree.enter(e);
      // Every call below the top has a value in this format, a STATICCALL's being zero.
      if (e.depth > 0 && e.value === undefined) tree.stack[tree.stack.length - 1]!.value = 0n;
    },
    exit(e) {
      tree.exit(e);
      if (e.depth === 0 || options.includePrecompiles) return;
      const parent = tree.stack[tree.stack.length - 1]!;
      const call = parent.calls[parent.calls.length - 1];
      if (call !== undefined && (call.type === 'CALL' || call.type === 'STATICCALL') && precompiles.has(call.to!)) parent.calls.pop();
    },
    txEnd: (e) => tree.txEnd(e),
    result(): Json {
      const root = tree.root;
      if (root === undefined) throw new Error('invalid number of calls');
      const out: Json[] = [];
      flatten(root, [], options.convertParityErrors, context, out);
      return out;
    },
  };
}

function flatten(frame: CallFrame, traceAddress: number[], convertErrors: boolean, context: TraceContext, out: Json[]): void {
  let type: string;
  let action: Record<string, Json>;
  let result: Record<string, Json> | undefined;
  const output = hex(frame.output ?? new Uint8Array(0));
  if (frame.type === 'CREATE' || frame.type === 'CREATE2') {
    type = 'create';
    action = { creationMethod: frame.type.toLowerCase(), from: frame.from, gas: quantity(frame.gas), init: hex(frame.input) };
    if (frame.value !== undefined) action.value = quantity(frame.value);
    result =
      frame.to === undefined
        ? { code: output, gasUsed: quantity(frame.gasUsed) }
        : { address: frame.to, code: output, gasUsed: quantity(frame.gasUsed) };
  } else if (frame.type === 'SELFDESTRUCT') {
    type = 'suicide';
    action = { address: frame.from };
    if (frame.value !== undefined) action.balance = quantity(frame.value);
    if (frame.to !== undefined) action.refundAddress = frame.to;
    result = undefined;
  } else {
    type = 'call';
    action = { callType: frame.type.toLowerCase(), from: frame.from, gas: quantity(frame.gas), input: hex(frame.input) };
    if (frame.to !== undefined) action.to = frame.to;
    if (frame.value !== undefined) action.value = quantity(frame.value);
    result = { gasUsed: quantity(frame.gasUsed), output };
  }
  // Only a revert keeps its result (its output holds the reason).
  if (frame.error !== undefined && frame.error !== 'execution reverted') result = undefined;
  const entry: Record<string, Json> = {
    action,
    blockHash: context.blockHash ?? null,
    blockNumber: Number(context.blockNumber ?? 0n),
  };
  if (frame.error !== undefined) entry.error = convertErrors ? parityError(frame.error) : frame.error;
  if (result !== undefined) entry.result = result;
  entry.subtraces = frame.calls.length;
  entry.traceAddress = traceAddress;
  entry.transactionHash = context.txHash ?? null;
  entry.transactionPosition = context.txIndex ?? 0;
  entry.type = type;
  out.push(entry);
  frame.calls.forEach((call, i) => flatten(call, [...traceAddress, i], convertErrors, context, out));
}
