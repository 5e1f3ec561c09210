/**
 * A frame: one activation of EVM code (a message call or a create). It holds the machine state
 * (pc, gas, stack, memory) and what the code may ask of the world through the host.
 */
import type { Address } from '../primitives/address.js';
import type { BlockContext, Host, TxContext } from '../host/index.js';
import type { Rules } from '../forks/index.js';
import { analyzeCode } from './analysis.js';
import { Status } from './status.js';

export const STACK_LIMIT = 1024;
export const CALL_DEPTH_LIMIT = 1024;

const EMPTY = new Uint8Array(0);

/** What a frame asks the frame loop to do when it suspends. */
export interface CallRequest {
  kind: 'call';
  opcode: number; // CALL, CALLCODE, DELEGATECALL, STATICCALL
  gas: number;
  /** Gas beyond `gas`; non-zero only above 2^52 (see `splitGas`). */
  reserve: bigint;
  caller: Address;
  to: Address; // the storage context of the callee
  codeAddress: Address;
  /** The code to run: the code at codeAddress, or its delegate's (EIP-7702). */
  code: Uint8Array;
  /** EIP-7702: a call through a delegation never runs a precompile. */
  precompilesDisabled: boolean;
  value: bigint;
  transfersValue: boolean;
  isStatic: boolean;
  input: Uint8Array;
  outOffset: number;
  outSize: number;
}

export interface CreateRequest {
  kind: 'create';
  gas: number;
  /** Gas beyond `gas`; non-zero only above 2^52 (see `splitGas`). */
  reserve: bigint;
  value: bigint;
  initcode: Uint8Array;
  /** Present for CREATE2. */
  salt: bigint | undefined;
}

export interface Message {
  caller: Address;
  /** The account whose storage and balance the code acts on. */
  address: Address;
  /** The account whose code runs (differs for CALLCODE and DELEGATECALL). */
  codeAddress: Address;
  value: bigint;
  data: Uint8Array;
  code: Uint8Array;
  gas: number;
  /** Gas beyond `gas`; non-zero only above 2^52 (see `splitGas`). */
  reserve?: bigint;
  depth: number;
  isStatic: boolean;
  isCreate: boolean;
  /** False for DELEGATECALL, whose value is only inherited, never moved. */
  transfersValue: boolean;
  /** EIP-7702: code reached through a delegation designator never runs a precompile. */
  precompilesDisabled?: boolean;
}

export interface Environment {
  host: Host;
  block: BlockContext;
  tx: TxContext;
  rules: Rules;
  tracer: Tracer | undefined;
}

export interface Tracer {
  step(frame: Frame, op: number, gasCost: number): void;
}

/** Stacks of finished frames, reused: a call then allocates no 1024-entry array. */
const stackPool: bigint[][] = [];
const STACK_POOL_LIMIT = 64;

/**
 * Gas in a frame is a JavaScript number, exact up to 2^53. Amounts above GAS_CHUNK (only with a
 * transaction gas limit no real chain allows) are split: `gas` holds at most GAS_CHUNK and
 * `reserve` (a bigint) the rest. Hot paths only ever look at `gas`; when a charge does not fit,
 * `refillGas` moves gas over from the reserve before declaring out-of-gas, and the few rules that
 * read the whole amount (GAS, the 63/64 rule, the SSTORE sentry) use `totalGas`.
 */
export const GAS_CHUNK = 2 ** 52;
const GAS_CHUNK_BIG = BigInt(GAS_CHUNK);

/** An exact amount of gas as the (number, reserve) pair frames keep. */
export function splitGas(total: bigint): { gas: number; reserve: bigint } {
  if (total <= GAS_CHUNK_BIG) return { gas: Number(total), reserve: 0n };
  return { gas: GAS_CHUNK, reserve: total - GAS_CHUNK_BIG };
}

/** The exact amount a (number, reserve) pair stands for: `splitGas` undone. */
export function joinGas(gas: number, reserve: bigint | undefined): bigint {
  return reserve ? reserve + BigInt(gas) : BigInt(gas);
}

/** All the gas a frame has left, exactly. */
export function totalGas(f: Frame): bigint {
  return joinGas(f.gas, f.reserve);
}

/** Sets a frame's gas to an exact amount. */
export function setTotalGas(f: Frame, total: bigint): void {
  const { gas, reserve } = splitGas(total);
  f.gas = gas;
  f.reserve = reserve;
}

/** Adds gas given back by a child (`gas` plus `reserve`) to a frame, exactly. */
export function returnGas(f: Frame, gas: number, reserve: bigint | undefined): void {
  if (f.reserve === 0n && !reserve && f.gas + gas <= GAS_CHUNK) f.gas += gas;
  else setTotalGas(f, totalGas(f) + joinGas(gas, reserve));
}

/**
 * Called when a charge of `need` exceeds `f.gas`: moves gas over from the reserve and returns
 * whether the charge now fits. Without a reserve (every real transaction) it is simply false.
 */
export function refillGas(f: Frame, need: number): boolean {
  if (f.reserve === 0n) return false;
  setTotalGas(f, totalGas(f));
  return need <= f.gas;
}

export class Frame {
  pc = 0;
  gas: number;
  reserve: bigint;
  readonly stack: bigint[] = stackPool.pop() ?? new Array<bigint>(STACK_LIMIT).fill(0n);
  sp = 0;
  memory: Uint8Array = EMPTY;
  /** A view of `memory` for word reads and writes; replaced whenever memory grows. */
  memoryView: DataView = new DataView(EMPTY.buffer);
  /** Active memory in bytes, always a multiple of 32. */
  memorySize = 0;
  returnData: Uint8Array = EMPTY;
  output: Uint8Array = EMPTY;
  status: Status = Status.Running;
  request: CallRequest | CreateRequest | undefined = undefined;
  readonly jumpDestinations: Uint8Array;
  readonly pushValues: bigint[];

  constructor(
    readonly message: Message,
    readonly env: Environment,
  ) {
    this.gas = message.gas;
    this.reserve = message.reserve ?? 0n;
    const analysis = analyzeCode(message.code);
    this.jumpDestinations = analysis.jumpDestinations;
    this.pushValues = analysis.pushValues;
  }

  get code(): Uint8Array {
    return this.message.code;
  }

  /** Gives the stack back for reuse; the frame must not run again. */
  release(): void {
    if (stackPool.length < STACK_POOL_LIMIT) stackPool.push(this.stack);
  }
}
