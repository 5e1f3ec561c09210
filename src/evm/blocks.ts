/**
 * Basic blocks (evmone's "advanced" analysis): straight-line runs of instructions whose static gas
 * and stack bounds are checked once, at the block's start. A block ends after any instruction that
 * jumps, halts, or observes the gas left (GAS, the CALL and CREATE families, SSTORE's EIP-2200
 * sentry: the declarations' `endsBlock` and `observesGas`, gathered per fork in the table's
 * `endsBlock`), and before every JUMPDEST. Charging a block's static gas up front can only move an
 * out-of-gas halt earlier within the same straight-line run, which ends the frame identically.
 */
import { STACK_LIMIT } from './frame.js';
import { IMMEDIATE_SIZE, JUMPDEST } from './opcodes/index.js';
import type { OpcodeTable } from './table.js';

export interface BlockAnalysis {
  /** At each block's first offset: the block's summed static gas (0 elsewhere). */
  readonly gas: Float64Array;
  /** At each block's first offset: how many instructions it holds (0 elsewhere). */
  readonly length: Int32Array;
  /** Stack height needed at entry. */
  readonly minStack: Int32Array;
  /** Largest stack height the block may leave above its entry height, at any point. */
  readonly maxGrowth: Int32Array;
}

/** The blocks of `code` under one fork's table (kept per code hash by the engine's code cache). */
export function analyzeBlocks(code: Uint8Array, table: OpcodeTable): BlockAnalysis {
  const n = code.length;
  const gas = new Float64Array(n);
  const length = new Int32Array(n);
  const minStack = new Int32Array(n);
  const maxGrowth = new Int32Array(n);
  const endsBlock = table.endsBlock;
  const staticGas = table.staticGas;
  const minStackOf = table.minStack;
  const maxStackOf = table.maxStack;
  const stackChange = table.stackChange;
  const immediate = IMMEDIATE_SIZE;
  const jumpdest = JUMPDEST;
  let pc = 0;
  while (pc < n) {
    const start = pc;
    let blockGas = 0;
    let count = 0;
    let height = 0; // relative to entry
    let need = 0;
    let growth = 0;
    do {
      const op = code[pc]!;
      const inputs = minStackOf[op]!;
      const pushes = STACK_LIMIT - maxStackOf[op]!; // max(0, outputs - inputs)
      blockGas += staticGas[op]!;
      if (inputs - height > need) need = inputs - height;
      if (height + pushes > growth) growth = height + pushes;
      height += stackChange[op]!;
      count++;
      pc += 1 + immediate[op]!;
      if (endsBlock[op] === 1) break;
    } while (pc < n && code[pc] !== jumpdest);
    gas[start] = blockGas;
    length[start] = count;
    minStack[start] = need;
    maxGrowth[start] = growth;
  }
  return { gas, length, minStack, maxGrowth };
}
