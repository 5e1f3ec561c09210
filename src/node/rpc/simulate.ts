/**
 * eth_call, eth_estimateGas and eth_createAccessList: a transaction run on a throw-away overlay
 * of the state, with geth's conventions (no fee given: no fee charged and a zero base fee; the
 * nonce is the sender's; state and block overrides).
 */
import type { Machines } from '../../exec/code.js';
import { printProgramOutput } from '../log.js';
import type { Address } from '../../primitives/address.js';
import { bytesToHex, bytesToBigint, EMPTY_BYTES } from '../../primitives/bytes.js';
import type { BlockContext, Tracer as HostTracer } from '../../host/index.js';
import type { WorldState } from '../../state/world-state.js';
import { Account } from '../../state/account.js';
import type { Transaction } from '../../tx/types.js';
import { InvalidTransactionError } from '../../tx/types.js';
import { intrinsicGas } from '../../tx/intrinsic-gas.js';
import { runTransaction, type TransactionResult } from '../../exec/transaction.js';
import type { Frame, Tracer } from '../../evm/frame.js';
import { getPrecompiles } from '../../evm/precompiles/index.js';
import { visitStepAccess, type AccessVisitor } from '../../trace/step-access.js';
import { createOverlayState } from '../../chain/overlay-state.js';
import type { DevChain } from '../dev-chain.js';
import type { Rules } from '../../forks/index.js';
import { transactionRejection } from './chain-errors.js';
import { EXECUTION_REVERTED, RpcError, SERVER_ERROR } from './errors.js';
import { inferType, type TransactionRequest } from './tx-request.js';

export interface StateOverride {
  balance?: bigint;
  nonce?: bigint;
  code?: Uint8Array;
  state?: Map<bigint, bigint>;
  stateDiff?: Map<bigint, bigint>;
}

export interface BlockOverrides {
  number?: bigint;
  time?: bigint;
  gasLimit?: bigint;
  feeRecipient?: Address;
  prevRandao?: bigint;
  baseFeePerGas?: bigint;
  blobBaseFee?: bigint;
}

export interface SimulationInput {
  request: TransactionRequest;
  /** The state the call runs on (the latest, or an earlier block's); it is never changed. */
  state: WorldState;
  context: BlockContext;
  stateOverrides?: Map<Address, StateOverride>;
  blockOverrides?: BlockOverrides;
  /** The most gas a call may use (the node's call gas cap). */
  gasCap: bigint;
  /**
   * eth_simulateV1's `validation`: the call is checked as a transaction would be (nonce, fees
   * against the base fee, funds, a sender without code), and a call naming no fee pays the base
   * fee instead of running at a zero one.
   */
  validation?: boolean;
}

/** execution-apis' codes for a simulated transaction that fails validation. */
const VALIDATION_CODES: Partial<Record<string, number>> = {
  NONCE_MISMATCH_TOO_LOW: -38010,
  NONCE_MISMATCH_TOO_HIGH: -38011,
  INSUFFICIENT_MAX_FEE_PER_GAS: -38012,
  INTRINSIC_GAS_TOO_LOW: -38013,
  INSUFFICIENT_ACCOUNT_FUNDS: -38014,
  GAS_ALLOWANCE_EXCEEDED: -38015,
  SENDER_NOT_EOA: -38024,
  INITCODE_SIZE_EXCEEDED: -38025,
};

const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';

export function applyStateOverrides(state: WorldState, overrides: Map<Address, StateOverride> | undefined): void {
  if (!overrides) return;
  for (const [address, o] of overrides) {
    let account = state.getAccount(address);
    if (!account) {
      account = new Account();
      state.putAccount(address, account);
    }
    if (o.balance !== undefined) account.balance = o.balance;
    if (o.nonce !== undefined) account.nonce = o.nonce;
    if (o.code !== undefined) account.setCode(o.code);
    if (o.state !== undefined) account.storage = new Map([...o.state].filter(([, v]) => v !== 0n));
    if (o.stateDiff !== undefined) {
      for (const [slot, value] of o.stateDiff) {
        if (value === 0n) account.storage.delete(slot);
        else account.storage.set(slot, value);
      }
    }
  }
}

export function applyBlockOverrides(context: BlockContext, o: BlockOverrides | undefined): BlockContext {
  if (!o) return context;
  return {
    ...context,
    number: o.number ?? context.number,
    timestamp: o.time ?? context.timestamp,
    gasLimit: o.gasLimit ?? context.gasLimit,
    coinbase: o.feeRecipient ?? context.coinbase,
    prevRandao: o.prevRandao ?? context.prevRandao,
    baseFee: o.baseFeePerGas ?? context.baseFee,
    blobBaseFee: o.blobBaseFee ?? context.blobBaseFee,
  };
}

/** What a run needs of the chain: its rules and chain id (a trace worker has no DevChain). */
export interface ChainConfig {
  readonly rules: Rules;
  readonly chainId: bigint;
  /** The chain's VMs (its code cache); the shared default when absent. */
  readonly machines?: Machines;
}

/** The prepared run: the overlay, the context and the transaction, before execution. */
interface Prepared {
  state: WorldState;
  context: BlockContext;
  tx: Transaction;
  sender: Address;
  cap: bigint;
  validation: boolean;
}

function prepare(chain: ChainConfig, input: SimulationInput): Prepared {
  const { request } = input;
  const state = createOverlayState(input.state);
  applyStateOverrides(state, input.stateOverrides);
  let context = applyBlockOverrides(input.context, input.blockOverrides);
  const sender = request.from ?? ZERO_ADDRESS;
  const type = inferType(request, chain.rules.london);
  const feesGiven = (request.gasPrice ?? 0n) !== 0n || (request.maxFeePerGas ?? 0n) !== 0n || (request.maxPriorityFeePerGas ?? 0n) !== 0n;
  // geth: a call that names no fee runs with a zero base fee, so it pays nothing (unless validated:
  // then it pays the base fee).
  if (!feesGiven && !input.validation) context = { ...context, baseFee: 0n };
  let cap = input.gasCap < context.gasLimit ? input.gasCap : context.gasLimit;
  if (chain.rules.txGasLimitCap !== undefined && chain.rules.txGasLimitCap < cap) cap = chain.rules.txGasLimitCap;
  const priced = feesGiven || input.validation === true;
  const maxFee =
    type >= 2
      ? (request.maxFeePerGas ?? (priced ? context.baseFee + (request.maxPriorityFeePerGas ?? 0n) : 0n))
      : (request.gasPrice ?? (input.validation ? context.baseFee : 0n));
  const tx: Transaction = {
    type,
    chainId: type === 0 ? undefined : chain.chainId,
    nonce: request.nonce ?? state.getNonce(sender),
    gasPrice: type < 2 ? maxFee : undefined,
    maxPriorityFeePerGas: type >= 2 ? (request.maxPriorityFeePerGas ?? 0n) : undefined,
    maxFeePerGas: type >= 2 ? maxFee : undefined,
    gasLimit: request.gas !== undefined && request.gas < cap ? request.gas : cap,
    to: request.to ?? null,
    value: request.value ?? 0n,
    data: request.data ?? EMPTY_BYTES,
    accessList: request.accessList ?? [],
    maxFeePerBlobGas: type === 3 ? (request.maxFeePerBlobGas ?? context.blobBaseFee) : undefined,
    blobVersionedHashes: type === 3 ? (request.blobVersionedHashes ?? []) : undefined,
    authorizationList: type === 4 ? (request.authorizationList ?? []) : undefined,
    v: 0n,
    r: 0n,
    s: 0n,
  };
  if (tx.maxPriorityFeePerGas !== undefined && tx.maxFeePerGas !== undefined && tx.maxPriorityFeePerGas > tx.maxFeePerGas) {
    tx.maxPriorityFeePerGas = tx.maxFeePerGas;
  }
  return { state, context, tx, sender, cap, validation: input.validation === true };
}

function execute(chain: ChainConfig, prepared: Prepared, gasLimit: bigint, tracer?: HostTracer): TransactionResult {
  try {
    return runTransaction(prepared.state, { ...prepared.tx, gasLimit }, prepared.sender, prepared.context, chain.rules, {
      tracer,
      allowSenderWithCode: !prepared.validation,
      print: chain.rules.wasm ? printProgramOutput : undefined,
      machines: chain.machines,
    });
  } catch (error) {
    if (error instanceof InvalidTransactionError) {
      const code = prepared.validation ? VALIDATION_CODES[error.code.replace(/^TransactionException\./, '')] : undefined;
      const rejection = transactionRejection(error);
      throw code === undefined ? rejection : new RpcError(code, rejection.message);
    }
    throw error;
  }
}

/** The error for a failed execution: code 3 with the revert data, or the halt reason. */
export function executionError(result: TransactionResult): RpcError {
  if (result.error === 'execution reverted') {
    const reason = revertReason(result.output);
    return new RpcError(
      EXECUTION_REVERTED,
      reason === undefined ? 'execution reverted' : `execution reverted: ${reason}`,
      bytesToHex(result.output),
    );
  }
  return new RpcError(SERVER_ERROR, result.error ?? 'execution failed');
}

/** The message of an Error(string) revert, or a Panic(uint256) code. */
export function revertReason(output: Uint8Array): string | undefined {
  if (output.length >= 4 + 32 && output[0] === 0x4e && output[1] === 0x48 && output[2] === 0x7b && output[3] === 0x71) {
    return `panic: 0x${bytesToBigint(output.subarray(4, 36)).toString(16)}`;
  }
  if (output.length < 4 + 64 || output[0] !== 0x08 || output[1] !== 0xc3 || output[2] !== 0x79 || output[3] !== 0xa0) return undefined;
  const offset = bytesToBigint(output.subarray(4, 36));
  if (offset > BigInt(output.length)) return undefined;
  const start = 4 + Number(offset);
  if (start + 32 > output.length) return undefined;
  const length = bytesToBigint(output.subarray(start, start + 32));
  if (BigInt(start + 32) + length > BigInt(output.length)) return undefined;
  return new TextDecoder().decode(output.subarray(start + 32, start + 32 + Number(length)));
}

/** eth_call: the output, or an error for a failed execution. */
export function call(chain: DevChain, input: SimulationInput): Uint8Array {
  const prepared = prepare(chain, input);
  // console.log output of a call is shown (as Anvil and Hardhat do); gas estimation's probes stay quiet.
  const tracer = chain.observer?.consoleTracer();
  const result = execute(chain, prepared, prepared.tx.gasLimit, tracer);
  if (tracer !== undefined && tracer.lines.length > 0) chain.observer!.console(tracer.lines, { kind: 'call' });
  if (!result.success) throw executionError(result);
  // A call without `to` runs init code: it answers what the init code returned (the code it
  // deployed), as geth and Anvil do.
  if (result.createdAddress !== undefined) return prepared.state.getCode(result.createdAddress);
  return result.output;
}

/**
 * debug_traceCall and trace_call: eth_call's run with a tracer attached, whatever its outcome;
 * `state` is the overlay it ran on, with its changes (trace_callMany runs the next call on it).
 */
export function simulate(
  chain: ChainConfig,
  input: SimulationInput,
  tracer?: HostTracer,
): { result: TransactionResult; state: WorldState } {
  const prepared = prepare(chain, input);
  return { result: execute(chain, prepared, prepared.tx.gasLimit, tracer), state: prepared.state };
}

/** The run for a gas limit, on a fresh overlay each time (a run changes its overlay). */
function probe(chain: DevChain, input: SimulationInput, gasLimit: bigint): TransactionResult | InvalidTransactionError {
  const prepared = prepare(chain, input);
  try {
    return runTransaction(prepared.state, { ...prepared.tx, gasLimit }, prepared.sender, prepared.context, chain.rules, {
      allowSenderWithCode: true,
      machines: chain.machines,
    });
  } catch (error) {
    if (error instanceof InvalidTransactionError) return error;
    throw error;
  }
}

/** geth's tolerance: stop searching when within 1.5% of the answer. */
const ESTIMATE_ERROR_RATIO = 0.015;

/** eth_estimateGas: the least gas limit with which the transaction succeeds (binary search). */
export function estimateGas(chain: DevChain, input: SimulationInput): bigint {
  const prepared = prepare(chain, input);
  const { tx, state } = prepared;
  let hi = input.request.gas !== undefined && input.request.gas < prepared.cap ? input.request.gas : prepared.cap;
  // With a fee, the sender's balance bounds the gas it can buy.
  const feeCap = tx.maxFeePerGas ?? tx.gasPrice ?? 0n;
  if (feeCap > 0n) {
    const available = state.getBalance(prepared.sender) - tx.value;
    if (available < 0n) throw new RpcError(SERVER_ERROR, 'insufficient funds for transfer');
    const allowance = available / feeCap;
    if (allowance < hi) hi = allowance;
  }
  // A plain transfer to an account without code needs exactly the intrinsic gas.
  const intrinsic = intrinsicGas({ ...tx, gasLimit: hi }, chain.rules);
  if (tx.to !== null && tx.data.length === 0 && tx.accessList.length === 0 && tx.type < 3 && state.getCode(tx.to).length === 0) {
    if (hi < intrinsic) throw new RpcError(SERVER_ERROR, `gas required exceeds allowance (${hi})`);
    const first = execute(chain, prepared, intrinsic);
    if (first.success) return intrinsic;
  }
  const top = probe(chain, input, hi);
  if (top instanceof InvalidTransactionError) {
    if (top.code.endsWith('INTRINSIC_GAS_TOO_LOW') || top.code.endsWith('INTRINSIC_GAS_BELOW_FLOOR_GAS_COST'))
      throw new RpcError(SERVER_ERROR, `gas required exceeds allowance (${hi})`);
    throw transactionRejection(top);
  }
  if (!top.success) {
    if (top.error === 'execution reverted') throw executionError(top);
    throw new RpcError(SERVER_ERROR, `gas required exceeds allowance (${hi}): ${top.error}`);
  }
  let lo = top.gasUsed - 1n;
  if (lo < intrinsic - 1n) lo = intrinsic - 1n;
  // Most transactions need a little more than they use (the 63/64 rule, refunds): try that first.
  const optimistic = ((top.gasUsed + BigInt(chain.rules.gasCallStipend)) * 64n) / 63n;
  if (optimistic < hi) {
    const r = probe(chain, input, optimistic);
    if (!(r instanceof InvalidTransactionError) && r.success) hi = optimistic;
    else lo = optimistic;
  }
  for (let i = 0; i < 64 && lo + 1n < hi; i++) {
    if (Number(hi - lo) / Number(hi) < ESTIMATE_ERROR_RATIO) break;
    let mid = (lo + hi) / 2n;
    if (mid > lo * 2n) mid = lo * 2n;
    const r = probe(chain, input, mid);
    if (!(r instanceof InvalidTransactionError) && r.success) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Collects the addresses and slots a run touches, for eth_createAccessList. */
class AccessListTracer implements Tracer {
  readonly slots = new Map<Address, Set<bigint>>();

  #address(address: Address): Set<bigint> {
    let set = this.slots.get(address);
    if (!set) {
      set = new Set();
      this.slots.set(address, set);
    }
    return set;
  }

  readonly #visit: AccessVisitor = {
    slot: (address, slot) => this.#address(address).add(slot),
    account: (address) => this.#address(address),
  };

  step(f: Frame, op: number): void {
    visitStepAccess(f, op, this.#visit, 2);
  }
}

/** eth_createAccessList: the access list the transaction would use, and its gas with that list. */
export function createAccessList(
  chain: DevChain,
  input: SimulationInput,
): { accessList: { address: Address; storageKeys: bigint[] }[]; gasUsed: bigint; error?: string } {
  const prepared0 = prepare(chain, input);
  const excluded = new Set<Address>([prepared0.sender, ...getPrecompiles(chain.rules).keys()]);
  if (prepared0.tx.to !== null) excluded.add(prepared0.tx.to);
  let list = input.request.accessList ?? [];
  for (let round = 0; round < 8; round++) {
    const tracer = new AccessListTracer();
    const prepared = prepare(chain, { ...input, request: { ...input.request, accessList: list } });
    const result = execute(chain, prepared, prepared.tx.gasLimit, tracer);
    const next = [...tracer.slots]
      .filter(([address, slots]) => !excluded.has(address) || slots.size > 0)
      .map(([address, slots]) => ({ address, storageKeys: [...slots].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) }));
    if (sameAccessList(next, list)) {
      return { accessList: next, gasUsed: result.gasUsed, error: result.success ? undefined : result.error };
    }
    list = next;
  }
  const prepared = prepare(chain, { ...input, request: { ...input.request, accessList: list } });
  const result = execute(chain, prepared, prepared.tx.gasLimit);
  return { accessList: list, gasUsed: result.gasUsed, error: result.success ? undefined : result.error };
}

function sameAccessList(a: { address: Address; storageKeys: bigint[] }[], b: { address: Address; storageKeys: bigint[] }[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(
    (entry, i) =>
      entry.address === b[i]!.address &&
      entry.storageKeys.length === b[i]!.storageKeys.length &&
      entry.storageKeys.every((k, j) => k === b[i]!.storageKeys[j]),
  );
}
