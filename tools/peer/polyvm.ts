/**
 * polyvm's side of a differential run: the same message call through `runCallOnState` (the code
 * behind `createEvm().runCall`), with the refund counter and the post-state read back.
 */
import { getRules, parseFork } from '../../dist/forks/index.js';
import type { Tracer } from '../../dist/evm/frame.js';
import type { CodeKind } from '../../dist/host/message.js';
import type { VirtualMachine } from '../../dist/host/frame.js';
import { Status, statusMessage } from '../../dist/host/status.js';
import { runCallOnState } from '../../dist/exec/call.js';
import { Account } from '../../dist/state/account.js';
import { WorldState } from '../../dist/state/world-state.js';
import { createJsonTracer } from '../../dist/evm/eip3155-tracer.js';
import type { CallEnvironment, CallOutcome, MessageCall, StateDump, TraceStep } from './types.js';

/** A world state that remembers the refund counter as the transaction ends (it is then cleared). */
class RefundRecordingState extends WorldState {
  finalRefund = 0;
  override finalizeTransaction(options: { deleteEmptyTouched: boolean }): void {
    this.finalRefund = this.refund;
    super.finalizeTransaction(options);
  }
}

export function loadPolyvmState(pre: StateDump): WorldState {
  const state = new RefundRecordingState();
  for (const [address, init] of pre) {
    const account = new Account();
    account.balance = init.balance;
    account.nonce = init.nonce;
    account.setCode(init.code);
    for (const [slot, value] of init.storage) if (value !== 0n) account.storage.set(slot, value);
    state.putAccount(address, account);
  }
  return state;
}

export function dumpPolyvmState(state: WorldState): StateDump {
  const dump: StateDump = new Map();
  for (const [address, account] of state.accountEntries()) {
    dump.set(address, { balance: account.balance, nonce: account.nonce, code: account.code, storage: new Map(account.storage) });
  }
  return dump;
}

const REVERTED = statusMessage(Status.Revert);

/**
 * @param machines the VMs to run (default the engine's): the fuzzer plugs in models of a peer's
 * known bugs to check that such a bug explains a divergence exactly.
 */
export function runPolyvmCall(
  pre: StateDump,
  call: MessageCall,
  env: CallEnvironment,
  tracer?: Tracer,
  machines?: (kind: CodeKind) => VirtualMachine,
): CallOutcome {
  const rules = getRules(parseFork(env.fork));
  const state = loadPolyvmState(pre) as RefundRecordingState;
  const result = runCallOnState(
    state,
    { caller: call.caller, to: call.to, data: call.data, value: call.value, gas: call.gas, gasPrice: call.gasPrice, tracer, machines },
    env.block,
    rules,
  );
  return {
    outcome: result.success ? 'success' : result.error === REVERTED ? 'revert' : 'halt',
    error: result.error,
    gasUsed: result.gasUsed,
    refund: result.success ? BigInt(state.finalRefund) : 0n,
    output: result.output,
    logs: result.logs,
    post: dumpPolyvmState(state),
  };
}

/**
 * Runs the call with polyvm's EIP-3155 tracer (`createJsonTracer`) and returns its first `limit`
 * steps (after those the tracer is not called: a step with a deep stack is an expensive line).
 */
export function tracePolyvmCall(
  pre: StateDump,
  call: MessageCall,
  env: CallEnvironment,
  limit = 20_000,
): { outcome: CallOutcome; steps: TraceStep[] } {
  const steps: TraceStep[] = [];
  const json = createJsonTracer((line) => steps.push(JSON.parse(line) as TraceStep));
  const tracer: Tracer = {
    step(frame, op, gasCost) {
      if (steps.length < limit) json.step(frame, op, gasCost);
    },
  };
  const outcome = runPolyvmCall(pre, call, env, tracer);
  return { outcome, steps };
}

/**
 * The gas left before each step of the top frame (depth 1) and of all frames, for choosing gas
 * limits that run out at a chosen instruction. Cheap: no JSON.
 */
export function polyvmGasProfile(pre: StateDump, call: MessageCall, env: CallEnvironment, limit = 20_000): number[] {
  const gasBefore: number[] = [];
  const tracer: Tracer = {
    step(frame) {
      if (gasBefore.length < limit && frame.message.depth === 0) gasBefore.push(frame.gas);
    },
  };
  runPolyvmCall(pre, call, env, tracer);
  return gasBefore;
}
