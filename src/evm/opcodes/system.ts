/**
 * System operations, 0xf0-0xff: creating and calling (which suspend the frame and hand a request
 * to the frame loop in exec/), returning, reverting and self-destructing.
 */
import { setTotalGas, totalGas, type Frame } from '../frame.js';
import { splitGas } from '../../host/gas.js';
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { expansionCost, growMemory, rangeEnd, readMemory, useGas, useMemory, words } from '../memory.js';
import { Status } from '../../host/status.js';
import { accountAccessCost, toAddress, toSmall, writeProtected } from './helpers.js';
import type { OpcodeDeclaration } from './types.js';

const CALL = 0xf1;
const CALLCODE = 0xf2;
const DELEGATECALL = 0xf4;
const STATICCALL = 0xfa;

/** EIP-150: all but one 64th of the available gas. */
function allButOne64th(gas: number): number {
  return gas - Math.floor(gas / 64);
}

/** `allButOne64th` for gas beyond 2^52 (frames with a reserve, see GAS_CHUNK). */
function allButOne64thExact(gas: bigint): bigint {
  return gas - gas / 64n;
}

function create(f: Frame, isCreate2: boolean): void {
  const s = f.stack;
  const value = s[--f.sp]!;
  const offset = s[--f.sp]!;
  const size = s[--f.sp]!;
  const salt = isCreate2 ? s[--f.sp]! : undefined;
  const rules = f.env.rules;
  let extra = 0;
  if (size > 0xffffffffn) extra = Infinity;
  else {
    const n = words(Number(size));
    extra += rules.gasInitcodeWord * n; // EIP-3860 (0 before Shanghai)
    if (isCreate2) extra += rules.gasKeccakWord * n; // hashing the initcode for the address
  }
  if (!useMemory(f, offset, size, extra)) return;
  // EIP-3860: initcode over the limit halts as if out of gas.
  if (Number(size) > rules.maxInitcodeSize) {
    f.status = Status.OutOfGas;
    return;
  }
  if (writeProtected(f)) return;
  const initcode = readMemory(f, Number(size === 0n ? 0n : offset), Number(size));
  let gas: number;
  let reserve = 0n;
  if (f.reserve === 0n) {
    gas = rules.eip150 ? allButOne64th(f.gas) : f.gas;
    f.gas -= gas;
  } else {
    const total = totalGas(f);
    const child = rules.eip150 ? allButOne64thExact(total) : total;
    setTotalGas(f, total - child);
    ({ gas, reserve } = splitGas(child));
  }
  f.returnData = EMPTY_BYTES;
  f.request = { kind: 'create', gas, reserve, value, initcode, salt };
  f.status = Status.Suspended;
}

function call(f: Frame, opcode: number): void {
  const s = f.stack;
  const requestedGas = s[--f.sp]!;
  const target = toAddress(s[--f.sp]!);
  const value = opcode === CALL || opcode === CALLCODE ? s[--f.sp]! : 0n;
  const inOffset = s[--f.sp]!;
  const inSize = s[--f.sp]!;
  const outOffset = s[--f.sp]!;
  const outSize = s[--f.sp]!;
  const rules = f.env.rules;
  const host = f.env.host;

  const inEnd = rangeEnd(inOffset, inSize);
  const outEnd = rangeEnd(outOffset, outSize);
  if (inEnd < 0 || outEnd < 0) {
    f.status = Status.OutOfGas;
    return;
  }
  const end = Math.max(inEnd, outEnd);
  const memoryCost = expansionCost(f, end);

  let extra = accountAccessCost(f, target);
  const callee = f.env.code.resolve(target);
  // EIP-7702: a call to a delegated account runs the delegate's code and pays to access it.
  const delegate = callee.delegate;
  if (delegate !== undefined) extra += host.warmAddress(delegate) ? rules.gasColdAccountAccess : rules.gasWarmAccess;
  if (value !== 0n) extra += rules.gasCallValue;
  if (opcode === CALL) {
    // EIP-161: the new-account charge applies only when value goes to a dead account.
    const needsAccount = rules.eip158 ? value !== 0n && host.isEmpty(target) : !host.accountExists(target);
    if (needsAccount) extra += rules.gasNewAccount;
  }

  let gas: number;
  let reserve = 0n;
  if (f.reserve !== 0n) {
    // More gas than a number holds exactly: the same rules in bigint.
    const total = totalGas(f);
    const cost = BigInt(extra + memoryCost);
    let child = requestedGas;
    if (rules.eip150 && total >= cost) {
      const cap = allButOne64thExact(total - cost);
      if (cap < child) child = cap;
    }
    if (total < cost + child) {
      f.status = Status.OutOfGas;
      return;
    }
    setTotalGas(f, total - cost - child);
    ({ gas, reserve } = splitGas(child));
  } else {
    if (rules.eip150) {
      if (f.gas < extra + memoryCost) {
        f.status = Status.OutOfGas;
        return;
      }
      const cap = allButOne64th(f.gas - memoryCost - extra);
      gas = requestedGas < BigInt(cap) ? Number(requestedGas) : cap;
    } else {
      gas = requestedGas > BigInt(f.gas) ? Infinity : Number(requestedGas);
    }
    if (!useGas(f, gas + extra + memoryCost)) return;
  }
  if (opcode === CALL && value !== 0n && writeProtected(f)) return;
  growMemory(f, end);

  const address = f.message.address;
  const input = readMemory(f, toSmall(inOffset, 0), Number(inSize === 0n ? 0n : inSize));
  f.returnData = EMPTY_BYTES;
  f.request = {
    kind: 'call',
    opcode,
    gas: value !== 0n ? gas + rules.gasCallStipend : gas,
    reserve,
    caller: opcode === DELEGATECALL ? f.message.caller : address,
    to: opcode === CALL || opcode === STATICCALL ? target : address,
    target,
    codeAddress: callee.codeAddress,
    code: callee.code,
    codeKind: callee.codeKind,
    precompilesDisabled: delegate !== undefined,
    value: opcode === DELEGATECALL ? f.message.value : value,
    transfersValue: opcode === CALL || opcode === CALLCODE,
    isStatic: opcode === STATICCALL || f.message.isStatic,
    input,
    outOffset: outSize === 0n ? 0 : Number(outOffset),
    outSize: outSize === 0n ? 0 : Number(outSize),
  };
  f.status = Status.Suspended;
}

function halt(f: Frame, status: Status): void {
  const offset = f.stack[--f.sp]!;
  const size = f.stack[--f.sp]!;
  if (!useMemory(f, offset, size)) return;
  f.output = readMemory(f, Number(size === 0n ? 0n : offset), Number(size));
  f.status = status;
}

function selfdestruct(f: Frame): void {
  const beneficiary = toAddress(f.stack[--f.sp]!);
  const rules = f.env.rules;
  const host = f.env.host;
  const address = f.message.address;
  // Stylus: a program cannot be destroyed, even by EVM code it delegate-calls; that reverts.
  if (rules.wasm && f.env.code.resolve(address).codeKind !== 'evm') {
    f.output = EMPTY_BYTES;
    f.status = Status.Revert;
    return;
  }
  // EIP-2929: only the cold surcharge; SELFDESTRUCT has no warm-access charge.
  let cost = rules.berlin && host.warmAddress(beneficiary) ? rules.gasColdAccountAccess : 0;
  if (rules.eip150) {
    const needsAccount = rules.eip158 ? host.isEmpty(beneficiary) && host.getBalance(address) !== 0n : !host.accountExists(beneficiary);
    if (needsAccount) cost += rules.gasNewAccount;
  }
  if (!useGas(f, cost)) return;
  if (writeProtected(f)) return;
  // Before EIP-3529 a first self-destruct earned a refund.
  if (rules.selfdestructRefund > 0 && !host.hasSelfdestructed(address)) host.addRefund(rules.selfdestructRefund);
  // EIP-161: the beneficiary is touched even when no value moves, so an empty one is removed.
  // Before it, crediting the beneficiary created it even with nothing to credit.
  if (rules.eip158 && host.accountExists(beneficiary) && host.isEmpty(beneficiary)) host.touch(beneficiary);
  const tracer = f.env.tracer;
  const balance = tracer === undefined ? 0n : host.getBalance(address);
  host.selfdestruct(address, beneficiary, rules.cancun, !rules.eip158);
  if (tracer !== undefined) {
    // Reported as a frame of its own, one level deeper, that uses no gas (as geth does).
    const depth = f.message.depth + 1;
    tracer.enter?.({ type: 'SELFDESTRUCT', depth, from: address, to: beneficiary, input: EMPTY_BYTES, gas: 0n, value: balance });
    tracer.exit?.({ depth, output: EMPTY_BYTES, gasUsed: 0n, error: undefined, reverted: false });
  }
  f.status = Status.Stop;
}

// One row per opcode reads as a table; the formatter leaves it so.
// prettier-ignore
export const systemOpcodes: OpcodeDeclaration[] = [
  { code: 0xf0, name: 'CREATE', inputs: 3, outputs: 1, gas: 32000, since: 'Frontier', observesGas: true, handler: (f) => create(f, false) },
  { code: 0xf1, name: 'CALL', inputs: 7, outputs: 1, gas: (r) => r.gasCall, since: 'Frontier', observesGas: true, handler: (f) => call(f, CALL) },
  { code: 0xf2, name: 'CALLCODE', inputs: 7, outputs: 1, gas: (r) => r.gasCall, since: 'Frontier', observesGas: true, handler: (f) => call(f, CALLCODE) },
  { code: 0xf3, name: 'RETURN', inputs: 2, outputs: 0, gas: 0, since: 'Frontier', endsBlock: true, handler: (f) => halt(f, Status.Return) },
  { code: 0xf4, name: 'DELEGATECALL', inputs: 6, outputs: 1, gas: (r) => r.gasCall, since: 'Homestead', observesGas: true, handler: (f) => call(f, DELEGATECALL) },
  { code: 0xf5, name: 'CREATE2', inputs: 4, outputs: 1, gas: 32000, since: 'Constantinople', observesGas: true, handler: (f) => create(f, true) },
  { code: 0xfa, name: 'STATICCALL', inputs: 6, outputs: 1, gas: (r) => r.gasCall, since: 'Byzantium', observesGas: true, handler: (f) => call(f, STATICCALL) },
  { code: 0xfd, name: 'REVERT', inputs: 2, outputs: 0, gas: 0, since: 'Byzantium', endsBlock: true, handler: (f) => halt(f, Status.Revert) },
  {
    code: 0xfe,
    name: 'INVALID',
    inputs: 0,
    outputs: 0,
    gas: 0,
    since: 'Frontier',
    endsBlock: true,
    handler: (f) => {
      f.status = Status.InvalidOpcode;
    },
  },
  { code: 0xff, name: 'SELFDESTRUCT', inputs: 1, outputs: 0, gas: (r) => r.gasSelfdestruct, since: 'Frontier', endsBlock: true, handler: selfdestruct },
];
