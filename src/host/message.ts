/**
 * What the frame loop and the VMs pass each other: the message a frame runs, the requests a
 * suspended frame makes (a call or a create), and the environment every frame of a transaction
 * shares. None of it is particular to one VM.
 */
import type { Address } from '../primitives/address.js';
import type { Rules } from '../forks/index.js';
import type { BlockContext, TxContext } from './context.js';
import type { Host } from './host.js';

/** Which VM runs a piece of code (chosen by exec/ from the code itself). */
export type CodeKind = 'evm' | 'wasm';

export interface Message {
  caller: Address;
  /** The account whose storage and balance the code acts on. */
  address: Address;
  /** The account whose code runs (differs for CALLCODE and DELEGATECALL). */
  codeAddress: Address;
  value: bigint;
  data: Uint8Array;
  code: Uint8Array;
  /** The VM that runs `code`. */
  codeKind: CodeKind;
  gas: number;
  /** Gas beyond `gas`; non-zero only above 2^52 (see `splitGas` in evm/frame.ts). */
  reserve?: bigint;
  depth: number;
  isStatic: boolean;
  isCreate: boolean;
  /** False for DELEGATECALL, whose value is only inherited, never moved. */
  transfersValue: boolean;
  /** EIP-7702: code reached through a delegation designator never runs a precompile. */
  precompilesDisabled?: boolean;
}

/** A suspended frame asks for a message call. */
export interface CallRequest {
  kind: 'call';
  opcode: number; // CALL, CALLCODE, DELEGATECALL, STATICCALL (or a VM's equivalent)
  gas: number;
  /** Gas beyond `gas`; non-zero only above 2^52. */
  reserve: bigint;
  caller: Address;
  to: Address; // the storage context of the callee
  codeAddress: Address;
  /** The code to run, as the environment's `code` resolver found it. */
  code: Uint8Array;
  codeKind: CodeKind;
  /** EIP-7702: a call through a delegation never runs a precompile. */
  precompilesDisabled: boolean;
  value: bigint;
  transfersValue: boolean;
  isStatic: boolean;
  input: Uint8Array;
  outOffset: number;
  outSize: number;
}

/** A suspended frame asks for a contract to be created from `initcode`. */
export interface CreateRequest {
  kind: 'create';
  gas: number;
  /** Gas beyond `gas`; non-zero only above 2^52. */
  reserve: bigint;
  value: bigint;
  initcode: Uint8Array;
  /** Present for CREATE2. */
  salt: bigint | undefined;
}

export type FrameRequest = CallRequest | CreateRequest;

/** The code a message to an address runs, resolved by exec/ (the VMs never decide it). */
export interface ResolvedCode {
  code: Uint8Array;
  codeAddress: Address;
  codeKind: CodeKind;
  /**
   * EIP-7702: the delegate a designator at the address pointed to, whose code runs; the caller
   * pays to access it. Undefined for an account's own code.
   */
  delegate: Address | undefined;
}

/** What deploying a create's returned code that starts 0xEF costs, or why it is refused. */
export type Activation = { gas: number } | { error: string };

export interface CodeResolver {
  resolve(address: Address): ResolvedCode;
  /**
   * Code starting 0xEF returned by a create, which EIP-3541 refuses unless the chain runs another
   * VM whose code it is (a Stylus program under `rules.wasm`): validates and prepares that code.
   * Undefined when the code belongs to no VM of this chain.
   */
  activate(code: Uint8Array): Activation | undefined;
}

/** What a tracer sees of any frame; a VM's tracer may read more of its own frames. */
export interface TracedFrame {
  readonly message: Message;
  pc: number;
  gas: number;
}

/** A host function a WebAssembly program called, as a tracer sees it. */
export interface HostCall {
  name: string;
  /** The arguments as the program passed them (pointers, lengths, i64 values). */
  args: readonly (number | bigint)[];
  /** What it returned, when it returns a value. */
  result?: number | bigint;
  inkBefore: bigint;
  inkAfter: bigint;
  /** Why it stopped the program (a trap, out of ink, an early exit). */
  error?: string;
}

export interface Tracer {
  step(frame: TracedFrame, op: number, gasCost: number): void;
  /** A program's host function call (WebAssembly frames have no instruction steps to show). */
  hostCall?(frame: TracedFrame, call: HostCall): void;
}

/** What every frame of a transaction shares. */
export interface Environment {
  host: Host;
  /** Resolves the code a call runs (EIP-7702 delegation, the VM it belongs to). */
  code: CodeResolver;
  block: BlockContext;
  tx: TxContext;
  rules: Rules;
  tracer: Tracer | undefined;
  /** Where programs' debug output goes (Stylus's `console` host functions); dropped when absent. */
  print?: (line: string) => void;
}
