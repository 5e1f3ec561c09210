/**
 * The dispatch table: 256 entries built once per fork from the opcode declarations. An opcode the
 * fork does not have gets the invalid-opcode handler, so availability costs nothing at run time.
 */
import { forkIndex, type Rules } from '../forks/index.js';
import type { Frame } from './frame.js';
import { STACK_LIMIT } from './frame.js';
import { OPCODES, type Handler } from './opcodes/index.js';
import { Status } from '../host/status.js';

export interface OpcodeTable {
  readonly handlers: Handler[];
  readonly staticGas: Float64Array;
  /** Smallest stack height the opcode needs. */
  readonly minStack: Int32Array;
  /** Largest stack height before the opcode that leaves room for its outputs. */
  readonly maxStack: Int32Array;
  /** outputs - inputs */
  readonly stackChange: Int32Array;
  /**
   * 1 where a basic block ends after the opcode (blocks.ts): it jumps or halts, it observes the
   * gas left, or the fork does not have it (it halts as invalid).
   */
  readonly endsBlock: Uint8Array;
  readonly names: string[];
  /** The declaration's `pure` function where it has one and the fork has the opcode. */
  readonly pure: (((...inputs: bigint[]) => bigint) | undefined)[];
  /** The declaration's `read` function where it has one and the fork has the opcode. */
  readonly read: (((f: Frame, ...inputs: bigint[]) => bigint) | undefined)[];
  /** The handler of opcodes the fork does not have. */
  readonly invalid: Handler;
}

const invalid: Handler = (f: Frame) => {
  f.status = Status.InvalidOpcode;
};

const tables = new Map<string, OpcodeTable>();

export function getOpcodeTable(rules: Rules): OpcodeTable {
  let table = tables.get(rules.name);
  if (!table) {
    table = buildTable(rules);
    tables.set(rules.name, table);
  }
  return table;
}

function buildTable(rules: Rules): OpcodeTable {
  const handlers: Handler[] = new Array<Handler>(256).fill(invalid);
  const staticGas = new Float64Array(256);
  const minStack = new Int32Array(256);
  const maxStack = new Int32Array(256).fill(STACK_LIMIT);
  const stackChange = new Int32Array(256);
  const endsBlock = new Uint8Array(256).fill(1);
  const names: string[] = [];
  const pure: (((...inputs: bigint[]) => bigint) | undefined)[] = new Array(256).fill(undefined);
  const read: (((f: Frame, ...inputs: bigint[]) => bigint) | undefined)[] = new Array(256).fill(undefined);
  for (let i = 0; i < 256; i++) names.push(`0x${i.toString(16).padStart(2, '0')}`);
  for (const op of OPCODES) {
    names[op.code] = op.name === 'PREVRANDAO' && !rules.paris ? 'DIFFICULTY' : op.name;
    if (rules.index < forkIndex(op.since)) continue;
    handlers[op.code] = op.handler;
    staticGas[op.code] = typeof op.gas === 'function' ? op.gas(rules) : op.gas;
    minStack[op.code] = op.inputs;
    maxStack[op.code] = STACK_LIMIT - Math.max(0, op.outputs - op.inputs);
    stackChange[op.code] = op.outputs - op.inputs;
    pure[op.code] = op.pure;
    read[op.code] = op.read;
    endsBlock[op.code] = op.endsBlock === true || op.observesGas === true ? 1 : 0;
  }
  names[0xfe] = 'INVALID';
  return { handlers, staticGas, minStack, maxStack, stackChange, endsBlock, names, pure, read, invalid };
}
