import type { ForkName, Rules } from '../../forks/index.js';
import type { Frame } from '../frame.js';

/**
 * An opcode handler. The interpreter has already checked the stack bounds and charged the static
 * gas; the handler charges dynamic gas, does the operation and advances nothing but what it
 * must (the loop advances pc by one after every handler; jumps and pushes set it themselves).
 */
export type Handler = (f: Frame) => void;

/** The single place an opcode is declared: the dispatch table, tracer and disassembler read it. */
export interface OpcodeDeclaration {
  code: number;
  name: string;
  /** Stack items read (popped). */
  inputs: number;
  /** Stack items pushed. */
  outputs: number;
  /** Static gas, charged before the handler runs. */
  gas: number | ((rules: Rules) => number);
  /** The fork that introduced it. */
  since: ForkName;
  /** Bytes of immediate data that follow the opcode in code and are not instructions (PUSHn: n); 0 if absent. */
  immediate?: number;
  /** It jumps or halts the frame, so a basic block ends after it (blocks.ts). */
  endsBlock?: boolean;
  /**
   * It reads the gas left (GAS; the 63/64 rule of CALL* and CREATE*, EIP-150; SSTORE's sentry,
   * EIP-2200), so its block must end after it: the static gas of the instructions that follow
   * must not have been charged yet when it looks.
   */
  observesGas?: boolean;
  /**
   * The operation as a function of its inputs (top of the stack first) when that is all it is: no
   * dynamic gas, no memory, no state, no halt. The compiler tier (evm/compiler/) folds it over
   * constants and calls it where it has no cheaper expression; table.test.ts checks that it and
   * `handler` agree.
   */
  pure?: (...inputs: bigint[]) => bigint;
  /**
   * The operation as a read of the frame (and its inputs, top first) when that is all it is: no
   * dynamic gas, no memory, no change, no halt (CALLVALUE, CALLDATALOAD). The compiler calls it
   * without writing its stack out first; table.test.ts checks that it and `handler` agree.
   */
  read?: (f: Frame, ...inputs: bigint[]) => bigint;
  handler: Handler;
}
