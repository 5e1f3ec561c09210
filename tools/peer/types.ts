/**
 * One message call, described so that two EVMs can run it: the pre-state (as a state test's
 * `pre`), the call, the block; and what each engine reports back, in one comparable shape.
 * The benchmark (`bench/`) and the differential fuzzer (`tools/fuzz/`) both speak this.
 */
import type { Address } from '../../dist/primitives/address.js';
import type { BlockContext, Log } from '../../dist/host/index.js';

/** An account of a pre- or post-state. Storage holds only non-zero values. */
export interface AccountState {
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  storage: Map<bigint, bigint>;
}

/** Accounts by lowercase 0x-prefixed address. */
export type StateDump = Map<Address, AccountState>;

/** A top-level message call, without a transaction's intrinsic gas, nonce or fee rules. */
export interface MessageCall {
  caller: Address;
  to: Address;
  data: Uint8Array;
  value: bigint;
  /** Gas given to the top frame. */
  gas: bigint;
  gasPrice: bigint;
}

/** How the top frame ended. Error names differ between engines; the outcome does not. */
export type Outcome = 'success' | 'revert' | 'halt';

export interface CallOutcome {
  outcome: Outcome;
  /** The engine's own error text, for people; never compared. */
  error: string | undefined;
  /** Gas the message used, before refunds (a halt uses all of it). */
  gasUsed: bigint;
  /** The refund counter at the end (zero unless the call succeeded). */
  refund: bigint;
  output: Uint8Array;
  logs: Log[];
  /** The state after the end-of-transaction rules (self-destructs, EIP-161 deletions). */
  post: StateDump;
}

/** What a call needs besides the pre-state. */
export interface CallEnvironment {
  fork: string;
  block: BlockContext;
}

/** One step of an EIP-3155 trace, as both engines can produce it. */
export interface TraceStep {
  pc: number;
  op: number;
  gas: string;
  gasCost: string;
  memSize: number;
  stack: string[];
  depth: number;
  refund: number;
  opName: string;
}

/** A deep copy, so that a run can never change the state it was given. */
export function cloneState(state: StateDump): StateDump {
  const copy: StateDump = new Map();
  for (const [address, account] of state) {
    copy.set(address, { balance: account.balance, nonce: account.nonce, code: account.code, storage: new Map(account.storage) });
  }
  return copy;
}
