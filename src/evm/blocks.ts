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

/**
 * The blocks of one code under one fork's table, analysed as execution reaches them: every pc
 * the interpreter starts a block at is a block start of the whole-code analysis (pc 0, a JUMPDEST,
 * or the instruction after a block's end), and a block's extent depends only on where it starts,
 * so analysing it on first visit gives what a pass over the whole code would. `complete()` does
 * that pass (the compiler needs every block). Kept per code hash by the engine's code cache.
 */
export class BlockAnalysis {
  /** At each analysed block's first offset: the block's summed static gas (0 elsewhere). */
  readonly gas: Float64Array;
  /** At each analysed block's first offset: how many instructions it holds (0 elsewhere, or not yet analysed). */
  readonly length: Int32Array;
  /** Stack height needed at entry. */
  readonly minStack: Int32Array;
  /** Largest stack height the block may leave above its entry height, at any point. */
  readonly maxGrowth: Int32Array;
  private completed = false;

  constructor(
    private readonly code: Uint8Array,
    private readonly table: OpcodeTable,
  ) {
    const n = code.length;
    this.gas = new Float64Array(n);
    this.length = new Int32Array(n);
    this.minStack = new Int32Array(n);
    this.maxGrowth = new Int32Array(n);
  }

  /** Analyses the block that starts at `start` (a block start, inside the code); returns its length. */
  analyseAt(start: number): number {
    const code = this.code;
    const table = this.table;
    const n = code.length;
    const endsBlock = table.endsBlock;
    const staticGas = table.staticGas;
    const minStackOf = table.minStack;
    const maxStackOf = table.maxStack;
    const stackChange = table.stackChange;
    const immediate = IMMEDIATE_SIZE;
    const jumpdest = JUMPDEST;
    let pc = start;
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
    this.gas[start] = blockGas;
    this.length[start] = count;
    this.minStack[start] = need;
    this.maxGrowth[start] = growth;
    return count;
  }

  /** Analyses every block not analysed yet. */
  complete(): this {
    if (this.completed) return this;
    const n = this.code.length;
    let pc = 0;
    while (pc < n) {
      const count = this.length[pc] || this.analyseAt(pc);
      // Step over the block's instructions to the next block's start.
      for (let i = 0; i < count; i++) pc += 1 + IMMEDIATE_SIZE[this.code[pc]!]!;
    }
    this.completed = true;
    return this;
  }
}

/** The blocks of `code` under one fork's table, none analysed yet. */
export function analyzeBlocks(code: Uint8Array, table: OpcodeTable): BlockAnalysis {
  return new BlockAnalysis(code, table);
}
