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
import type { Difference } from './compare.js';

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
];

export function knownBug(c: FuzzCase, polyvm: CallOutcome, peer: CallOutcome, differences: Difference[]): KnownBug | undefined {
  return KNOWN_BUGS.find((bug) => bug.matches(c, polyvm, peer, differences));
}
