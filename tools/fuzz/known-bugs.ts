/**
 * Divergences already explained, so that a run reports only new ones:
 *
 * - side "peer": @ethereumjs/evm is wrong and polyvm follows the execution specs. Each is
 *   documented in fuzz/KNOWN_PEER_BUGS.md with its spec reference; a matching case counts as
 *   "excluded".
 * - side "polyvm": a polyvm bug the fuzzer found that is not fixed yet. Each has a regression
 *   case in fuzz/regressions/ (run by `npm test` as a todo until fixed). A matching case counts as
 *   "known polyvm bug". Remove the entry when the fix lands: the smoke run then holds the line.
 *
 * A matcher must describe exactly the pattern it excuses, no wider.
 */
import type { Frame, Tracer } from '../../dist/evm/frame.js';
import { runPolyvmCall } from '../peer/polyvm.js';
import type { CallOutcome } from '../peer/types.js';
import type { FuzzCase } from './case.js';
import { compareOutcomes, type Difference } from './compare.js';
import { Status } from '../../dist/host/status.js';
import { virtualMachine } from '../../dist/exec/code.js';
import type { FrameResult, VirtualMachine, VmFrame } from '../../dist/host/frame.js';
import type { JournaledHost } from '../../dist/host/host.js';
import type { CodeKind } from '../../dist/host/message.js';

export interface KnownBug {
  id: string;
  side: 'peer' | 'polyvm';
  summary: string;
  /** Where the specs say what is right. */
  spec: string;
  /** The regression case under fuzz/regressions/, for polyvm bugs. */
  regression?: string;
  /**
   * Whether the bug explains this case's divergence. For a peer bug: polyvm run with a model of
   * the bug (`peerModel`) must then agree with the peer in everything the fuzzer compares, so the
   * waiver covers exactly what the bug changes and nothing else.
   */
  matches(c: FuzzCase, polyvm: CallOutcome, peer: CallOutcome, differences: Difference[]): boolean;
}

/** A peer's bug modelled in polyvm's VMs: each EVM frame wrapped by `wrap` (creates only here). */
function modelledMachines(wrap: (frame: VmFrame) => VmFrame): (kind: CodeKind) => VirtualMachine {
  return (kind) => {
    const vm = virtualMachine(kind);
    if (kind !== 'evm') return vm;
    return { createFrame: (message, env, children) => wrap(vm.createFrame(message, env, children)) };
  };
}

/**
 * @ethereumjs/evm's EIP-3541 check on reverted initcode: a create frame that REVERTs with output
 * starting 0xEF is, for that peer, an exceptional halt (all gas gone, no return data).
 */
class RevertedEfCreate implements VmFrame {
  constructor(private readonly inner: VmFrame) {}
  get #applies(): boolean {
    return this.inner.status === Status.Revert && this.inner.output.length > 0 && this.inner.output[0] === 0xef;
  }
  get message() {
    return this.inner.message;
  }
  get status(): Status {
    return this.#applies ? Status.CodeRejected : this.inner.status;
  }
  get request() {
    return this.inner.request;
  }
  get gas() {
    return this.#applies ? 0 : this.inner.gas;
  }
  get reserve() {
    return this.#applies ? 0n : this.inner.reserve;
  }
  get output() {
    return this.#applies ? new Uint8Array(0) : this.inner.output;
  }
  get rejection() {
    return this.inner.rejection;
  }
  run(): Status {
    this.inner.run();
    return this.status;
  }
  resume(result: FrameResult): void {
    this.inner.resume(result);
  }
  fail(gasBack: number, reserveBack: bigint): void {
    this.inner.fail(gasBack, reserveBack);
  }
  depositCode(host: JournaledHost): Status {
    return this.inner.depositCode(host);
  }
  release(): void {
    this.inner.release();
  }
}

/** Whether polyvm with the peer's bug modelled gives exactly the peer's outcome. */
function explainedBy(c: FuzzCase, peer: CallOutcome, wrap: (frame: VmFrame) => VmFrame): boolean {
  const modelled = runPolyvmCall(c.pre, c.call, c, undefined, modelledMachines(wrap));
  return compareOutcomes(modelled, peer).length === 0;
}

/** Whether polyvm, running the case, ever executes an instruction that `seen` picks out. */
function executes(c: FuzzCase, seen: (frame: Frame, op: number) => boolean): boolean {
  let found = false;
  const tracer: Tracer = {
    step(frame, op) {
      if (!found && seen(frame, op)) found = true;
    },
  };
  runPolyvmCall(c.pre, c.call, c, tracer);
  return found;
}

const REVERT = 0xfd;

export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    id: 'ethereumjs-eip3541-on-revert',
    side: 'peer',
    summary:
      '@ethereumjs/evm applies the EIP-3541 0xEF-prefix rule to the output of initcode that REVERTed, turning the ' +
      'revert into an exceptional halt: the create frame loses all its gas and the creator sees no return data',
    spec: 'execution-specs, london (and later)/vm/interpreter.py, process_create_message: the 0xEF check runs only "if not evm.error"',
    // Cases in which some create frame reverts with output that starts with 0xEF, and where
    // modelling the peer's behaviour there accounts for every difference.
    matches: (c, _polyvm, peer) =>
      executes(c, (frame, op) => {
        if (op !== REVERT || !frame.message.isCreate || frame.sp < 2) return false;
        const offset = frame.stack[frame.sp - 1]!;
        const size = frame.stack[frame.sp - 2]!;
        return size > 0n && offset < BigInt(frame.memory.length) && frame.memory[Number(offset)] === 0xef;
      }) && explainedBy(c, peer, (frame) => (frame.message.isCreate ? new RevertedEfCreate(frame) : frame)),
  },
];

export function knownBug(c: FuzzCase, polyvm: CallOutcome, peer: CallOutcome, differences: Difference[]): KnownBug | undefined {
  return KNOWN_BUGS.find((bug) => bug.matches(c, polyvm, peer, differences));
}
