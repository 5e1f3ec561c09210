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
  handler: Handler;
}
