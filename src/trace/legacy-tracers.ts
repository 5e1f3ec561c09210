/**
 * geth's two legacy JavaScript tracers, `callTracerLegacy` and `prestateTracerLegacy`, still in
 * geth (run by its JS engine) and tested there: they see only the instructions, so they rebuild
 * calls from the stack and memory around each call. Their output differs from the native
 * tracers' in ways old tools rely on: a call that ran no code has no `gas`, a failure the
 * instructions do not show is "internal failure", no revert reason, precompiles left out; the
 * prestate lists every touched account with `code` ("0x" when none), `nonce` and `storage`,
 * its balance before the transaction worked back from the end.
 *
 * Each instruction is seen as geth's JS `step(log)` sees it: stack and memory before it runs,
 * its gas, its whole cost, and an error when it fails before running (stack, gas), in which case
 * only `fault` runs; a failure while running calls `fault` after `step`.
 */
import type { Address } from '../primitives/address.js';
import { bigintToAddress, create2Address, createAddress } from '../primitives/address.js';
import { bytesToHex, EMPTY_BYTES } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import { totalGas, type Frame } from '../evm/frame.js';
import { Status, isExceptional, statusMessage } from '../host/status.js';
import type { JournaledHost, TracedFrame, TracedTxStart } from '../host/index.js';
import { hex, quantity, sorted, word, type Json } from './json.js';
import { memoryCopyPadded } from './step-access.js';
import type { ResultTracer } from './types.js';

const ADDRESS_MASK = (1n << 160n) - 1n;
const toAddress = (value: bigint): Address => bigintToAddress(value & ADDRESS_MASK);

const CREATE = 0xf0;
const CREATE2 = 0xf5;
const SELFDESTRUCT = 0xff;
const REVERT = 0xfd;
const CALL_NAMES: Record<number, string> = { 0xf1: 'CALL', 0xf2: 'CALLCODE', 0xf4: 'DELEGATECALL', 0xfa: 'STATICCALL' };

/** Memory as the JS `log.memory.slice(start, end)` reads it: zero-padded, or an error. */
function slice(f: Frame, start: bigint, size: bigint): Uint8Array {
  if (size === 0n) return EMPTY_BYTES;
  const out = memoryCopyPadded(f, start, size);
  if (out === undefined) throw new LegacyTracerError(`tracer accessed out of bound memory: offset ${start}, size ${size}`);
  return out;
}

/** What the JS tracer would have thrown: geth ends the trace with it. */
class LegacyTracerError extends Error {
  override name = 'LegacyTracerError';
}

/** The error an instruction's failure gives (geth's words); undefined while it ran normally. */
function stepError(f: Frame): string | undefined {
  if (f.status === Status.Revert) return 'execution reverted';
  if (!isExceptional(f.status)) return undefined;
  return f.haltReason() ?? statusMessage(f.status);
}

/** Failures geth finds before it reports the instruction (its JS `step` then only calls `fault`). */
const failsBeforeRunning = (f: Frame): boolean =>
  f.status === Status.StackUnderflow || f.status === Status.StackOverflow || f.status === Status.OutOfGas;

/** A call the legacy call tracer is building: the JS object's fields, numbers as bigints. */
interface LegacyCall {
  type?: string;
  from?: Address;
  to?: Address;
  value?: bigint;
  gas?: bigint;
  gasUsed?: bigint;
  input?: Uint8Array;
  output?: Uint8Array;
  error?: string;
  calls?: LegacyCall[];
  gasIn?: bigint;
  gasCost?: bigint;
  outOff?: bigint;
  outLen?: bigint;
}

/** What a step saw before its instruction ran, kept until its cost is known. */
interface Seen {
  op: number;
  depth: number;
  gas: bigint;
  address: Address;
  /** The top stack items, as many as the tracer reads (fewer when the stack is shallower). */
  stack: bigint[];
  input?: Uint8Array;
  /** The returned data the tracer would copy if this step ends a call. */
  output?: Uint8Array;
  balance?: bigint;
}

export function createCallTracerLegacy(): ResultTracer {
  const callstack: LegacyCall[] = [{}];
  let descended = false;
  let host: JournaledHost | undefined;
  let precompiles = new Set<Address>();
  let seen: Seen | undefined;
  let failure: LegacyTracerError | undefined;
  const ctx: { start?: TracedTxStart; value: bigint; input: Uint8Array; output: Uint8Array; error?: string; gasUsed: bigint } = {
    value: 0n,
    input: EMPTY_BYTES,
    output: EMPTY_BYTES,
    gasUsed: 0n,
  };

  const top = (): LegacyCall => callstack[callstack.length - 1]!;
  const addCall = (parent: LegacyCall, call: LegacyCall): void => {
    (parent.calls ??= []).push(call);
  };

  const fault = (error: string): void => {
    if (top().error !== undefined) return;
    const call = callstack.pop()!;
    call.error = error;
    if (call.gas !== undefined) call.gasUsed = call.gas;
    if (callstack.length > 0) addCall(top(), call);
    else callstack.push(call);
  };

  const step = (s: Seen, cost: bigint): void => {
    const peek = (n: number): bigint => {
      if (n >= s.stack.length) throw new LegacyTracerError(`tracer accessed out of bound stack: size ${s.stack.length}, index ${n}`);
      return s.stack[n]!;
    };
    const op = s.op;
    if (op === CREATE || op === CREATE2) {
      callstack.push({
        type: op === CREATE ? 'CREATE' : 'CREATE2',
        from: s.address,
        input: s.input,
        gasIn: s.gas,
        gasCost: cost,
        value: peek(0),
      });
      descended = true;
      return;
    }
    if (op === SELFDESTRUCT) {
      addCall(top(), { type: 'SELFDESTRUCT', from: s.address, to: toAddress(peek(0)), value: s.balance });
      return;
    }
    const callType = CALL_NAMES[op];
    if (callType !== undefined) {
      const to = toAddress(peek(1));
      if (precompiles.has(to)) return;
      const off = op === 0xf4 || op === 0xfa ? 0 : 1;
      const call: LegacyCall = { type: callType, from: s.address, to, input: s.input, gasIn: s.gas, gasCost: cost };
      call.outOff = peek(4 + off);
      call.outLen = peek(5 + off);
      if (off === 1) call.value = peek(2);
      callstack.push(call);
      descended = true;
      return;
    }
    if (descended) {
      if (s.depth >= callstack.length) top().gas = s.gas;
      descended = false;
    }
    if (op === REVERT) {
      top().error = 'execution reverted';
      return;
    }
    if (s.depth !== callstack.length - 1) return;
    const call = callstack.pop()!;
    const ret = peek(0);
    if (call.type === 'CREATE' || call.type === 'CREATE2') {
      call.gasUsed = call.gasIn! - call.gasCost! - s.gas;
      if (ret !== 0n) {
        call.to = toAddress(ret);
        call.output = host!.getCode(call.to);
      } else if (call.error === undefined) call.error = 'internal failure';
    } else {
      if (call.gas !== undefined) call.gasUsed = call.gasIn! - call.gasCost! + call.gas - s.gas;
      if (ret !== 0n) call.output = s.output;
      else if (call.error === undefined) call.error = 'internal failure';
    }
    addCall(top(), call);
  };

  return {
    txStart(start) {
      ctx.start = start;
      host = start.host;
      precompiles = new Set(getPrecompiles(start.rules).keys());
    },
    enter(e) {
      if (e.depth !== 0) return;
      ctx.value = e.value ?? 0n;
      ctx.input = e.input;
    },
    exit(e) {
      if (e.depth !== 0) return;
      ctx.output = e.output;
      ctx.error = e.error;
    },
    txEnd(end) {
      ctx.gasUsed = end.gasUsed;
      host = undefined;
    },
    step(traced: TracedFrame, op: number) {
      seen = undefined;
      if (failure !== undefined) return;
      const f = traced as Frame;
      const s: Seen = { op, depth: f.message.depth + 1, gas: totalGas(f), address: f.message.address, stack: peekStack(f, 7) };
      try {
        if (op === CREATE || op === CREATE2) {
          if (s.stack.length >= 3) s.input = slice(f, s.stack[1]!, s.stack[2]!);
        } else if (CALL_NAMES[op] !== undefined) {
          const off = op === 0xf4 || op === 0xfa ? 0 : 1;
          if (s.stack.length >= 4 + off) s.input = slice(f, s.stack[2 + off]!, s.stack[3 + off]!);
        } else if (op === SELFDESTRUCT) {
          s.balance = host!.getBalance(f.message.address);
        } else if (s.depth === callstack.length - 1 && callstack.length > 1) {
          const call = top();
          if (call.outOff !== undefined && call.error === undefined) s.output = slice(f, call.outOff, call.outLen!);
        }
      } catch (e) {
        if (!(e instanceof LegacyTracerError)) throw e;
        failure = e;
        return;
      }
      seen = s;
    },
    stepEnd(traced: TracedFrame, _op: number, gasCost: number) {
      const s = seen;
      seen = undefined;
      if (s === undefined || failure !== undefined) return;
      const f = traced as Frame;
      const error = stepError(f);
      try {
        if (error !== undefined && failsBeforeRunning(f)) {
          fault(error);
          return;
        }
        step(s, BigInt(gasCost));
        if (error !== undefined) fault(error);
      } catch (e) {
        if (!(e instanceof LegacyTracerError)) throw e;
        failure = e;
      }
    },
    result(): Json {
      if (failure !== undefined) throw new LegacyTracerError(`${failure.message}    in server-side tracer function 'step'`);
      const start = ctx.start!;
      const root = callstack[0]!;
      const result: LegacyCall = {
        type: start.isCreate ? 'CREATE' : 'CALL',
        from: start.sender,
        to: start.to,
        value: ctx.value,
        gas: start.gasLimit,
        gasUsed: ctx.gasUsed,
        input: ctx.input,
        output: ctx.output,
        calls: root.calls,
        error: root.error ?? ctx.error,
      };
      if (result.error !== undefined && (result.error !== 'execution reverted' || result.output!.length === 0)) result.output = undefined;
      return legacyCallJson(result);
    },
  };
}

/** The top `n` stack items (fewer when the stack is shallower), the top first. */
function peekStack(f: Frame, n: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < n && i < f.sp; i++) out.push(f.stack[f.sp - 1 - i]!);
  return out;
}

/** A call in the legacy tracer's field order, fields it never set left out. */
function legacyCallJson(call: LegacyCall): Json {
  const out: Record<string, Json> = {};
  if (call.type !== undefined) out.type = call.type;
  if (call.from !== undefined) out.from = call.from;
  if (call.to !== undefined) out.to = call.to;
  if (call.value !== undefined) out.value = quantity(call.value);
  if (call.gas !== undefined) out.gas = quantity(call.gas);
  if (call.gasUsed !== undefined) out.gasUsed = quantity(call.gasUsed);
  if (call.input !== undefined) out.input = hex(call.input);
  if (call.output !== undefined) out.output = hex(call.output);
  if (call.error !== undefined) out.error = call.error;
  if (call.calls !== undefined) out.calls = call.calls.map(legacyCallJson);
  return out;
}

interface LegacyAccount {
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  storage: Map<bigint, bigint>;
}

export function createPrestateTracerLegacy(): ResultTracer {
  let prestate: Map<Address, LegacyAccount> | undefined;
  let host: JournaledHost | undefined;
  let start: TracedTxStart | undefined;
  let value = 0n;

  const lookupAccount = (address: Address): void => {
    if (prestate!.has(address)) return;
    const h = host!;
    prestate!.set(address, { balance: h.getBalance(address), nonce: h.getNonce(address), code: h.getCode(address), storage: new Map() });
  };

  return {
    txStart(s) {
      start = s;
      host = s.host;
    },
    enter(e) {
      if (e.depth === 0) value = e.value ?? 0n;
    },
    step(traced: TracedFrame, op: number) {
      const f = traced as Frame;
      const address = f.message.address;
      if (prestate === undefined) {
        prestate = new Map();
        lookupAccount(address);
      }
      const stack = peekStack(f, 4);
      switch (op) {
        case 0x3c: // EXTCODECOPY
        case 0x3b: // EXTCODESIZE
        case 0x3f: // EXTCODEHASH
        case 0x31: // BALANCE
          if (stack.length >= 1) lookupAccount(toAddress(stack[0]!));
          break;
        case CREATE:
          lookupAccount(createAddress(address, host!.getNonce(address)));
          break;
        case CREATE2:
          if (stack.length >= 4) lookupAccount(create2Address(address, stack[3]!, keccak256(slice(f, stack[1]!, stack[2]!))));
          break;
        case 0xf1:
        case 0xf2:
        case 0xf4:
        case 0xfa:
          if (stack.length >= 2) lookupAccount(toAddress(stack[1]!));
          break;
        case 0x54: // SLOAD
        case 0x55: // SSTORE
          if (stack.length >= 1) {
            lookupAccount(address);
            const storage = prestate.get(address)!.storage;
            if (!storage.has(stack[0]!)) storage.set(stack[0]!, host!.getStorage(address, stack[0]!));
          }
          break;
      }
    },
    txEnd(end) {
      // The balances are worked back from the end: the value returns to the sender, with the
      // gas at its tip (what geth's JS context calls the gas price).
      const s = start!;
      if (prestate === undefined) {
        prestate = new Map();
        lookupAccount(s.to);
      }
      lookupAccount(s.sender);
      const tip = s.block.baseFee === undefined ? s.gasPrice : s.gasPrice - s.block.baseFee;
      prestate.get(s.to)!.balance -= value;
      const sender = prestate.get(s.sender)!;
      sender.balance += value + end.gasUsed * tip;
      sender.nonce -= 1n;
      if (s.isCreate) prestate.delete(s.to);
      host = undefined;
    },
    result(): Json {
      return sorted(
        [...(prestate ?? new Map<Address, LegacyAccount>())].map(
          ([address, a]) =>
            [
              address,
              {
                balance: quantity(a.balance),
                code: bytesToHex(a.code),
                nonce: Number(a.nonce),
                storage: sorted([...a.storage].map(([slot, v]) => [word(slot), word(v)] as [string, Json])),
              },
            ] as [string, Json],
        ),
      );
    },
  };
}
