/**
 * A frame as the frame loop in exec/ drives it, whatever VM it belongs to: run it until it halts
 * or suspends with a request, resume it with the child's result, or tell it the request failed.
 */
import type { Address } from '../primitives/address.js';
import type { Environment, FrameRequest, Message } from './message.js';
import type { JournaledHost } from './host.js';
import type { Status } from './status.js';

/** How a message ended, as its caller receives it. */
export interface FrameResult {
  status: Status;
  gasLeft: number;
  /** Gas left beyond `gasLeft` (above 2^52 only). */
  gasReserve?: bigint;
  output: Uint8Array;
  /** For a successful create. */
  createdAddress?: Address;
  /** Why the frame failed, when a VM can say more than its status (a program refused at deploy). */
  reason?: string;
}

export interface VmFrame {
  readonly message: Message;
  /** Running, Suspended (see `request`), or how the frame halted. */
  readonly status: Status;
  /** What a suspended frame asks for. */
  readonly request: FrameRequest | undefined;
  readonly gas: number;
  readonly reserve: bigint;
  /** RETURN or REVERT data once halted. */
  readonly output: Uint8Array;
  /** Runs until the frame halts or suspends; returns its status. */
  run(): Status;
  /** The child the frame asked for has ended: take its result and continue. */
  resume(result: FrameResult): void;
  /** The request failed before any child began: `gasBack` returns, the request yields nothing. */
  fail(gasBack: number, reserveBack: bigint): void;
  /**
   * A create frame halted successfully: apply the creating VM's rules to the code it returned
   * (size and prefix limits, the deposit charge) and store it through `host`. Returns the
   * create's status.
   */
  depositCode(host: JournaledHost): Status;
  /** Why `depositCode` refused the code, when there is more to say than its status. */
  readonly rejection?: string | undefined;
  /**
   * For tracers: how the halted frame failed, in geth's words and with the detail its status
   * lacks ("stack underflow (0 <=> 2)", "invalid opcode: PUSH0"); undefined to use the status.
   */
  haltReason?(): string | undefined;
  /** The frame is finished; its buffers may be reused. */
  release(): void;
}

/**
 * Runs a child to its end for a frame that cannot suspend: a WebAssembly program calls from
 * inside a host function, with V8's stack beneath it, so its children run in a nested loop.
 */
export interface ChildRunner {
  /**
   * Runs what `parent` requests as the frame loop runs a suspended frame's request. Returns the
   * child's result, or undefined when the request failed before any child began (then
   * `parent.fail` has been called with the gas that comes back).
   */
  runChild(parent: VmFrame, request: FrameRequest): FrameResult | undefined;
}

/** A VM the frame loop can start frames in. */
export interface VirtualMachine {
  /** `children` serves frames that call without suspending (the EVM's frames suspend instead). */
  createFrame(message: Message, env: Environment, children: ChildRunner): VmFrame;
}
