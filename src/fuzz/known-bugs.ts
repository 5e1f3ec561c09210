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
import type { Frame, Tracer } from '../evm/frame.js';
import { runPolyvmCall } from '../peer/polyvm.js';
import type { CallOutcome } from '../peer/types.js';
import type { FuzzCase } from './case.js';
import type { Difference } from './compare.js';
import { forkAtLeast } from './generators/program.js';

export interface KnownBug {
  id: string;
  side: 'peer' | 'polyvm';
  summary: string;
  /** Where the specs say what is right. */
  spec: string;
  /** The regression case under fuzz/regressions/, for polyvm bugs. */
  regression?: string;
  matches(c: FuzzCase, polyvm: CallOutcome, peer: CallOutcome, differences: Difference[]): boolean;
}

function isEmptyAccount(o: CallOutcome, address: string): boolean {
  const a = o.post.get(address);
  return a !== undefined && a.balance === 0n && a.nonce === 0n && a.code.length === 0;
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
    // Only cases in which some create frame reverts with output that starts with 0xEF.
    matches: (c) =>
      executes(c, (frame, op) => {
        if (op !== REVERT || !frame.message.isCreate || frame.sp < 2) return false;
        const offset = frame.stack[frame.sp - 1]!;
        const size = frame.stack[frame.sp - 2]!;
        return size > 0n && offset < BigInt(frame.memory.length) && frame.memory[Number(offset)] === 0xef;
      }),
  },
  {
    id: 'polyvm-selfdestruct-touch',
    side: 'polyvm',
    summary:
      'SELFDESTRUCT does not touch an existing empty beneficiary when no value moves, so the account survives ' +
      'the end-of-transaction EIP-161 sweep',
    spec: 'execution-specs, cancun/vm/instructions/system.py, selfdestruct: "mark beneficiary as touched" (account_exists_and_is_empty)',
    regression: 'selfdestruct-touches-empty-beneficiary.json',
    // Only: accounts polyvm keeps empty that ethereumjs deleted; nothing else differs.
    matches: (_c, polyvm, _peer, differences) =>
      differences.every((d) => /^post\.0x[0-9a-f]{40}$/.test(d.field) && d.polyvm === 'exists' && d.peer === 'absent' && isEmptyAccount(polyvm, d.field.slice(5))),
  },
  {
    id: 'polyvm-runcall-ignores-delegation',
    side: 'polyvm',
    summary: 'runCall executes an EIP-7702 delegation designator as code when the call itself targets a delegated account',
    spec: 'execution-specs, prague/vm/interpreter.py, process_message_call: the top-level message follows the delegation designator',
    regression: 'call-to-delegated-account.json',
    // Only: the transaction's own call goes to an account holding a designator (Prague on).
    matches: (c) => forkAtLeast(c.fork, 'Prague') && isDelegation(c.pre.get(c.call.to)?.code),
  },
];

/** EIP-7702: the 23-byte delegation designator 0xef0100 || address. */
function isDelegation(code: Uint8Array | undefined): boolean {
  return code !== undefined && code.length === 23 && code[0] === 0xef && code[1] === 0x01 && code[2] === 0x00;
}

export function knownBug(c: FuzzCase, polyvm: CallOutcome, peer: CallOutcome, differences: Difference[]): KnownBug | undefined {
  return KNOWN_BUGS.find((bug) => bug.matches(c, polyvm, peer, differences));
}
