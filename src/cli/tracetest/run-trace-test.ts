/** Runs one tracer test: the transaction on the genesis state with the tracer, its result against the file's. */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { getRules } from '../../forks/index.js';
import type { BlockContext } from '../../host/index.js';
import { WorldState } from '../../state/world-state.js';
import { runValidatedTransaction } from '../../exec/transaction.js';
import { decodeTransaction, validateTransaction } from '../../tx/index.js';
import { createTracer, type Json } from '../../trace/index.js';
import { parseTraceTest, TraceTestFileError, type TraceTest } from './trace-test-file.js';

export interface TraceTestResult {
  name: string;
  tracer: string;
  pass: boolean;
  error: string;
}

/** The tracer a test folder is for (geth's test names its folders after them). */
export function tracerForFolder(folder: string): string | undefined {
  if (folder === 'call_tracer_flat') return 'flatCallTracer';
  if (folder === 'call_tracer_legacy') return 'callTracerLegacy';
  if (folder === 'prestate_tracer_legacy') return 'prestateTracerLegacy';
  if (folder.startsWith('call_tracer')) return 'callTracer';
  if (folder.startsWith('prestate_tracer')) return 'prestateTracer';
  if (folder === 'erc7562_tracer') return 'erc7562Tracer';
  return undefined;
}

export function blockContextOf(test: TraceTest): BlockContext {
  return {
    coinbase: test.coinbase,
    number: test.number,
    timestamp: test.timestamp,
    gasLimit: test.gasLimit,
    baseFee: test.baseFee,
    prevRandao: test.prevRandao ?? test.difficulty,
    difficulty: test.difficulty,
    blobBaseFee: test.blobBaseFee,
    chainId: test.chainId,
    // geth's harness gives the block no history.
    blockHash: () => 0n,
  };
}

/** Runs the test's transaction with `tracerName` and returns the tracer's result. */
export function traceTest(test: TraceTest, tracerName: string): Json {
  const rules = getRules(test.fork);
  const state = new WorldState();
  for (const [address, account] of test.alloc) state.putAccount(address, account.clone());
  const block = blockContextOf(test);
  let tx;
  try {
    tx = decodeTransaction(test.input);
  } catch (e) {
    throw new TraceTestFileError('input', (e as Error).message);
  }
  const validated = validateTransaction(tx, rules, { chainId: test.chainId });
  const tracer = createTracer(tracerName, test.tracerConfig);
  runValidatedTransaction(state, validated, block, rules, { tracer });
  return tracer.result();
}

/** The path of the first difference between two JSON values, or undefined when they are equal. */
export function firstDifference(actual: unknown, expected: unknown, path = 'result'): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${describe(actual)}`;
    for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
      if (i >= actual.length) return `${path}[${i}]: missing (expected ${describe(expected[i])})`;
      if (i >= expected.length) return `${path}[${i}]: unexpected ${describe(actual[i])}`;
      const d = firstDifference(actual[i], expected[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return `${path}: expected an object, got ${describe(actual)}`;
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!(key in a)) return `${path}.${key}: missing (expected ${describe(e[key])})`;
      const d = firstDifference(a[key], e[key], `${path}.${key}`);
      if (d !== undefined) return d;
    }
    for (const key of Object.keys(a)) if (!(key in e)) return `${path}.${key}: unexpected ${describe(a[key])}`;
    return undefined;
  }
  return actual === expected ? undefined : `${path}: got ${describe(actual)}, expected ${describe(expected)}`;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? text.slice(0, 117) + '...' : text;
}

const hexQuantity = (value: unknown): string => '0x' + BigInt(value as string).toString(16);
const nonEmptyHex = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '0x' && value !== '' ? value.toLowerCase() : undefined;

/**
 * A call trace as geth's test reads it before comparing: written again from the call tracer's
 * shape, so unknown fields drop out, empty ones are left out, a log's index defaults to 0 and
 * quantities and addresses take their canonical form.
 */
export function canonicalCallTrace(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = {
    from: typeof v.from === 'string' ? v.from.toLowerCase() : '0x' + '00'.repeat(20),
    gas: v.gas === undefined || v.gas === null ? null : hexQuantity(v.gas),
    gasUsed: v.gasUsed === undefined || v.gasUsed === null ? null : hexQuantity(v.gasUsed),
  };
  if (typeof v.to === 'string') out.to = v.to.toLowerCase();
  out.input = nonEmptyHex(v.input) ?? '0x';
  const output = nonEmptyHex(v.output);
  if (output !== undefined) out.output = output;
  if (typeof v.error === 'string' && v.error !== '') out.error = v.error;
  if (typeof v.revertReason === 'string' && v.revertReason !== '') out.revertReason = v.revertReason;
  if (Array.isArray(v.calls) && v.calls.length > 0) out.calls = v.calls.map(canonicalCallTrace);
  if (Array.isArray(v.logs) && v.logs.length > 0) {
    out.logs = v.logs.map((log: Record<string, unknown>) => ({
      address: String(log.address).toLowerCase(),
      topics: Array.isArray(log.topics) ? log.topics.map((t) => String(t).toLowerCase()) : null,
      data: nonEmptyHex(log.data) ?? '0x',
      index: hexQuantity(log.index ?? '0x0'),
      position: hexQuantity(log.position ?? '0x0'),
    }));
  }
  if (v.value !== undefined && v.value !== null) out.value = hexQuantity(v.value);
  out.type = typeof v.type === 'string' ? v.type : '';
  return out;
}

const ZERO_ADDRESS = '0x' + '00'.repeat(20);
const FLAT_ACTION = [
  'author',
  'rewardType',
  'address',
  'balance',
  'callType',
  'creationMethod',
  'from',
  'gas',
  'init',
  'input',
  'refundAddress',
  'to',
  'value',
];
const FLAT_RESULT = ['address', 'code', 'gasUsed', 'output'];
const FLAT_QUANTITIES = new Set(['balance', 'gas', 'value', 'gasUsed']);

/** A flat trace field in canonical form, or undefined where geth's test reads it as its zero value. */
function canonicalFlatField(key: string, value: unknown): unknown {
  if (value === undefined || value === null || value === '' || value === '0x') return undefined;
  if (typeof value !== 'string') return value;
  if (FLAT_QUANTITIES.has(key)) return BigInt(value) === 0n ? undefined : '0x' + BigInt(value).toString(16);
  const lower = value.toLowerCase();
  return lower === ZERO_ADDRESS ? undefined : lower;
}

function canonicalFlatObject(value: unknown, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (value === null || typeof value !== 'object') return out;
  for (const key of keys) {
    const field = canonicalFlatField(key, (value as Record<string, unknown>)[key]);
    if (field !== undefined) out[key] = field;
  }
  return out;
}

/**
 * Flat call traces are compared as geth's test compares them: both sides read into its shape,
 * where the block and transaction fields are ignored and a field at its zero value equals one
 * left out.
 */
export function canonicalFlatTrace(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((entry: unknown) => {
    if (entry === null || typeof entry !== 'object') return entry;
    const e = entry as Record<string, unknown>;
    const out: Record<string, unknown> = { action: canonicalFlatObject(e.action, FLAT_ACTION) };
    if (typeof e.error === 'string' && e.error !== '') out.error = e.error;
    out.result = canonicalFlatObject(e.result, FLAT_RESULT);
    out.subtraces = e.subtraces ?? 0;
    out.traceAddress = e.traceAddress ?? [];
    out.type = e.type ?? '';
    return out;
  });
}

/** Runs one file: parse, trace, compare. Errors name the file and the field. */
export function runTraceTestFile(file: string, tracerOverride?: string): TraceTestResult {
  const folder = basename(dirname(file));
  const name = `${folder}/${basename(file)}`;
  const tracer = tracerOverride ?? tracerForFolder(folder) ?? 'callTracer';
  try {
    const test = parseTraceTest(JSON.parse(readFileSync(file, 'utf8')));
    let actual: unknown = traceTest(test, tracer);
    let expected = test.result;
    if (tracer === 'flatCallTracer') {
      actual = canonicalFlatTrace(actual);
      expected = canonicalFlatTrace(expected);
    } else if (tracer === 'callTracer' || tracer === 'callTracerLegacy') {
      // geth's test reads the expected trace into the call tracer's shape; the legacy tracer's output too.
      expected = canonicalCallTrace(expected);
      if (tracer === 'callTracerLegacy') actual = canonicalCallTrace(actual);
    }
    const difference = firstDifference(actual, expected);
    return { name, tracer, pass: difference === undefined, error: difference ?? '' };
  } catch (e) {
    const message = e instanceof TraceTestFileError ? `${file}: ${e.message}` : `${(e as Error).name}: ${(e as Error).message}`;
    return { name, tracer, pass: false, error: message };
  }
}
