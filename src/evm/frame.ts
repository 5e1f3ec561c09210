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

export class Frame {
  pc = 0;
  gas: number;
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
