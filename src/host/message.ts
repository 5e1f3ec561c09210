/**
 * What the frame loop and the VMs pass each other: the message a frame runs, the requests a
 * suspended frame makes (a call or a create), and the environment every frame of a transaction
 * shares. None of it is particular to one VM.
 */
import type { Address } from '../primitives/address.js';
import type { Rules } from '../forks/index.js';
import type { BlockContext, Log, TxContext } from './context.js';
import type { Host, JournaledHost } from './host.js';

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
  /** The address the instruction names: `to` for CALL and STATICCALL, the code's account (before any EIP-7702 delegation) for CALLCODE and DELEGATECALL. */
  target: Address;
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

/** What begins, as a tracer sees it (geth's names): a call, a create, or a self-destruct. */
export type TracedCallType = 'CALL' | 'CALLCODE' | 'DELEGATECALL' | 'STATICCALL' | 'CREATE' | 'CREATE2' | 'SELFDESTRUCT';

/**
 * A frame about to begin. Every call and create the code asks for is reported, also one that
 * fails before any code runs (too deep, too little balance, an address collision), and so is
 * the transaction's own message (depth 0) and each self-destruct (with no gas).
 */
export interface TracedEnter {
  type: TracedCallType;
  /** 0 for the transaction's message, the depth of the frame that begins otherwise. */
  depth: number;
  /** The account that calls (for DELEGATECALL and CALLCODE the calling frame's own address). */
  from: Address;
  /**
   * The callee: the address a call names (for CALLCODE and DELEGATECALL the code's address),
   * a create's new address, a self-destruct's beneficiary.
   */
  to: Address;
  /** Call data, or a create's initcode. */
  input: Uint8Array;
  gas: bigint;
  /** Undefined for STATICCALL; DELEGATECALL shows the value it inherits. */
  value: bigint | undefined;
}

/** A frame that ended, matched to the last `enter` not yet ended. */
export interface TracedExit {
  depth: number;
  /** Returned or reverted data; a successful create's code. */
  output: Uint8Array;
  gasUsed: bigint;
  /** Why the frame failed, in geth's words ("execution reverted", "out of gas", ...). */
  error: string | undefined;
  /** Its changes were undone (every failure except a Frontier create that could not pay for its code). */
  reverted: boolean;
}

/** The start of a transaction, before the sender pays for gas. */
export interface TracedTxStart {
  /** The state as it is now; a tracer may read it (and must not write) until `txEnd` returns. */
  host: JournaledHost;
  block: BlockContext;
  rules: Rules;
  sender: Address;
  /** The called account, or the new contract's address for a create. */
  to: Address;
  isCreate: boolean;
  gasLimit: bigint;
  /** The price the sender pays per gas (base fee and tip). */
  gasPrice: bigint;
  /** EIP-7702: the authorities whose signatures recover, before any authorization applies. */
  authorities: readonly Address[];
}

/** The end of a transaction, after refunds and fees and the end-of-transaction deletions. */
export interface TracedTxEnd {
  /** Gas charged to the sender, as the receipt has it. */
  gasUsed: bigint;
  output: Uint8Array;
  error: string | undefined;
}

/**
 * What a tracer may observe. Every hook is optional; exec/ and the VMs call them only when a
 * tracer is attached, so an untraced run pays nothing. `step` and `hostCall` are per
 * instruction and per host function; the others are per frame and per transaction.
 */
export interface Tracer {
  /**
   * A tracer of frames only that needs no instruction-exact halts (no `step`, and no error text
   * from `exit`; console.log's): EVM frames then run the untraced loop at full speed, and
   * `enter`, `exit` and `log` are reported as ever.
   */
  readonly framesOnly?: boolean;
  /** Before each instruction of an EVM frame, with its static gas (EIP-3155 traces). */
  step?(frame: TracedFrame, op: number, gasCost: number): void;
  /**
   * After each instruction of an EVM frame (also one that failed its stack or gas checks), with
   * its whole cost as geth's struct logs show it: static and dynamic gas, for a call the gas it
   * passes on too (a create's is not counted: geth charges that inside the instruction). A
   * dynamic charge that does not fit is not counted either.
   */
  stepEnd?(frame: TracedFrame, op: number, gasCost: number): void;
  /** A program's host function call (WebAssembly frames have no instruction steps to show). */
  hostCall?(frame: TracedFrame, call: HostCall): void;
  txStart?(start: TracedTxStart): void;
  txEnd?(end: TracedTxEnd): void;
  enter?(frame: TracedEnter): void;
  exit?(frame: TracedExit): void;
  /**
   * A log the innermost frame not yet ended emitted, just after it joined the transaction's logs
   * (`TracedTxStart.host.logs`, so its index there is their number less one).
   */
  log?(log: Log): void;
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
