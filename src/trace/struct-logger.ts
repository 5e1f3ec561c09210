/**
 * geth's struct logger: the default tracer of debug_traceTransaction and friends when no
 * `tracer` is named. One entry per EVM instruction, as geth's logger.go writes it (its "legacy"
 * JSON): `{pc, op, gas, gasCost, depth, error?, stack?, returnData?, memory?, storage?, refund?}`,
 * the machine state before the instruction, and its whole cost (a call's includes the gas it
 * passes on; a create's does not, as geth charges that inside the instruction).
 *
 * Memory: `limit` is, as in geth, the most bytes of JSON the entries may take; entries stop
 * being recorded once that is exceeded (the one that crosses it is kept). geth's 0 means
 * unlimited, which a 30M-gas transaction (millions of steps, each with its stack) turns into
 * gigabytes; here no limit (or 0) means DEFAULT_STRUCT_LOG_BYTES, and no limit may exceed
 * MAX_STRUCT_LOG_BYTES (a JavaScript string holds at most about 512 MB, and the response is one).
 * The loggers of one request may share the budget (`StructLogBudget`), so that a block's
 * transactions together stay within it.
 */
import type { Address } from '../primitives/address.js';
import { bytesToHex } from '../primitives/bytes.js';
import type { JournaledHost, TracedFrame } from '../host/index.js';
import type { Frame } from '../evm/frame.js';
import { getOpcodeTable } from '../evm/table.js';
import { Status } from '../host/status.js';
import type { Json } from './json.js';
import { word } from './json.js';
import { TracerConfigError, type ResultTracer } from './types.js';

/** The JSON size the entries may take when no `limit` is given: 32 MiB. */
export const DEFAULT_STRUCT_LOG_BYTES = 32 * 1024 * 1024;
/** The largest `limit` honoured: 256 MiB. */
export const MAX_STRUCT_LOG_BYTES = 256 * 1024 * 1024;

export interface StructLoggerConfig {
  enableMemory?: boolean;
  disableStack?: boolean;
  disableStorage?: boolean;
  enableReturnData?: boolean;
  /** The most bytes of JSON the entries may take (0: the default). */
  limit?: number;
}

export const STRUCT_LOGGER_KEYS = ['enableMemory', 'disableStack', 'disableStorage', 'enableReturnData', 'limit'] as const;

/** Reads the struct logger's options from a trace config object (they sit beside `tracer`). */
export function structLoggerConfig(config: Record<string, unknown>): StructLoggerConfig {
  const out: StructLoggerConfig = {};
  for (const key of ['enableMemory', 'disableStack', 'disableStorage', 'enableReturnData'] as const) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') throw new TracerConfigError(`struct logger: ${key} must be true or false`);
    out[key] = value;
  }
  const limit = config.limit;
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0)
      throw new TracerConfigError('struct logger: limit must be a non-negative integer (bytes of output)');
    out.limit = limit;
  }
  return out;
}

/** What an entry holds before it is written as JSON (its cost comes after the instruction). */
interface Entry {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  error?: string;
  stack?: string[];
  returnData?: string;
  memory?: string[];
  storage?: Record<string, string>;
  refund?: number;
}

/** The name geth prints for an opcode (fork-independent there; DIFFICULTY for 0x44). */
function opName(names: readonly string[], op: number): string {
  if (op === 0x44) return 'DIFFICULTY';
  const name = names[op]!;
  return name.startsWith('0x') ? `opcode 0x${op.toString(16)} not defined` : name;
}

function quantity(value: bigint): string {
  return '0x' + value.toString(16);
}

/** About the JSON length of an entry: the fixed fields and what varies. */
function entrySize(e: Entry): number {
  let n = 60 + e.op.length + String(e.gas).length + String(e.gasCost).length;
  if (e.error !== undefined) n += 11 + e.error.length;
  if (e.stack !== undefined) for (const s of e.stack) n += s.length + 3;
  if (e.returnData !== undefined) n += 16 + e.returnData.length;
  if (e.memory !== undefined) n += 12 + e.memory.length * 69;
  if (e.storage !== undefined) n += 12 + Object.keys(e.storage).length * 138;
  if (e.refund !== undefined) n += 10;
  return n;
}

/** Bytes of JSON recorded so far, shared by the loggers of one request (a block's transactions). */
export interface StructLogBudget {
  used: number;
}

export function createStructLogger(config: StructLoggerConfig = {}, budget: StructLogBudget = { used: 0 }): ResultTracer {
  const limit = Math.min(config.limit || DEFAULT_STRUCT_LOG_BYTES, MAX_STRUCT_LOG_BYTES);
  const logs: Entry[] = [];
  const storage = new Map<Address, Map<bigint, bigint>>();
  let pending: Entry | undefined;
  let host: JournaledHost | undefined;
  let names: readonly string[] = [];
  let gasUsed = 0n;
  let failed = false;
  let returnValue = '0x';

  return {
    txStart(start) {
      host = start.host;
      names = getOpcodeTable(start.rules).names;
    },

    step(traced: TracedFrame, op: number) {
      pending = undefined;
      if (budget.used > limit) return;
      const f = traced as Frame;
      const entry: Entry = { pc: f.pc, op: opName(names, op), gas: f.gas + Number(f.reserve), gasCost: 0, depth: f.message.depth + 1 };
      if (!config.disableStack) {
        const stack = new Array<string>(f.sp);
        for (let i = 0; i < f.sp; i++) stack[i] = quantity(f.stack[i]!);
        entry.stack = stack;
      }
      if (config.enableReturnData && f.returnData.length > 0) entry.returnData = bytesToHex(f.returnData);
      if (config.enableMemory && f.memorySize > 0) {
        const memory = new Array<string>(f.memorySize / 32);
        for (let i = 0; i < memory.length; i++) memory[i] = bytesToHex(f.memory.subarray(i * 32, i * 32 + 32));
        entry.memory = memory;
      }
      if (!config.disableStorage && (op === 0x54 || op === 0x55)) {
        const address = f.message.address;
        let seen = storage.get(address);
        if (seen === undefined) {
          seen = new Map();
          storage.set(address, seen);
        }
        if (op === 0x54 && f.sp >= 1) {
          const slot = f.stack[f.sp - 1]!;
          seen.set(slot, host?.getStorage(address, slot) ?? 0n);
          entry.storage = snapshot(seen);
        } else if (op === 0x55 && f.sp >= 2) {
          seen.set(f.stack[f.sp - 1]!, f.stack[f.sp - 2]!);
          entry.storage = snapshot(seen);
        }
      }
      const refund = host?.refund ?? 0;
      if (refund !== 0) entry.refund = refund;
      pending = entry;
    },

    stepEnd(traced: TracedFrame, _op: number, gasCost: number) {
      let entry = pending;
      if (entry === undefined) return;
      pending = undefined;
      entry.gasCost = gasCost;
      const f = traced as Frame;
      // geth logs these failures with the step: they happen before the instruction runs.
      if (f.status === Status.StackUnderflow || f.status === Status.StackOverflow || f.status === Status.OutOfGas) {
        const { pc, op, gas, depth, gasCost: _, ...rest } = entry;
        entry = { pc, op, gas, gasCost, depth, error: f.haltReason() ?? 'out of gas', ...rest };
      }
      budget.used += entrySize(entry);
      logs.push(entry);
    },

    txEnd(end) {
      gasUsed = end.gasUsed;
      failed = end.error !== undefined;
      // The output when successful, the revert data when reverted, nothing otherwise.
      returnValue = failed && end.error !== 'execution reverted' ? '0x' : bytesToHex(end.output);
      host = undefined;
    },

    result(): Json {
      return { gas: Number(gasUsed), failed, returnValue, structLogs: logs as unknown as Json[] };
    },
  };
}

/** The storage an entry shows: every slot of the account seen so far, keys sorted (as Go writes a map). */
function snapshot(seen: Map<bigint, bigint>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const slot of [...seen.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[word(slot)] = word(seen.get(slot)!);
  return out;
}
