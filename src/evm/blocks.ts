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
  /**
   * At each analysed block's first offset: where its numbers start in `info` (a multiple of
   * BLOCK_INFO, never 0); 0 elsewhere, or not analysed yet.
   */
  readonly block: Int32Array;
  /**
   * BLOCK_INFO numbers per analysed block, from its `block` index: the offset just past its last
   * instruction (END), its summed static gas (GAS), the stack height needed at entry (MIN_STACK),
   * the largest height it may leave above its entry height at any point (MAX_GROWTH), and how many
   * instructions it holds (COUNT). The first BLOCK_INFO are unused, so index 0 means "not analysed".
   * Replaced by a longer copy when it fills up: read it again after `analyseAt`. 32-bit integers are
   * exact: a block's gas stays below 2^31 because blocks hold at most MAX_BLOCK_INSTRUCTIONS.
   */
  info: Int32Array;
  /** How much of `info` holds blocks. */
  private used = BLOCK_INFO;
  /**
   * The code as the interpreter dispatches on it: the code's bytes, except where two instructions
   * in a row of a block fuse into one (FUSED). Written as blocks are analysed; the bytes of blocks
   * not analysed yet are the code's.
   */
  readonly ops: Uint8Array;
  /** At a fused pair: its operand (PUSH_JUMP's checked destination, SWAP_POP's n, ...: FUSED). */
  readonly operand: Uint16Array;
  private completed = false;

  constructor(
    private readonly code: Uint8Array,
    private readonly table: OpcodeTable,
    private readonly jumpDestinations: Uint8Array,
  ) {
    // One buffer for the arrays indexed by offset and for `info`: each typed array past 64 bytes
    // gets its own backing store, which costs microseconds here, and a cold call pays for every
    // one. `info` starts with room for a block per 8 bytes of code (typical contracts run one per
    // 10-20) and is copied into a longer one if that fills up.
    const n = code.length;
    const infoLength = (2 + (n >> 3)) * BLOCK_INFO;
    const buffer = new ArrayBuffer(4 * n + 4 * infoLength + 3 * n);
    this.block = new Int32Array(buffer, 0, n);
    this.info = new Int32Array(buffer, 4 * n, infoLength);
    this.operand = new Uint16Array(buffer, 4 * n + 4 * infoLength, n);
    this.ops = new Uint8Array(buffer, 4 * n + 4 * infoLength + 2 * n, n);
    this.ops.set(code);
  }

  /** The analysed block at `start`'s summed static gas. */
  gasAt(start: number): number {
    return this.info[this.block[start]! + GAS]!;
  }

  /** The analysed block at `start`'s instruction count; 0 when `start` starts no analysed block. */
  countAt(start: number): number {
    const b = this.block[start]!;
    return b === 0 ? 0 : this.info[b + COUNT]!;
  }

  /** The stack height the analysed block at `start` needs at entry. */
  minStackAt(start: number): number {
    return this.info[this.block[start]! + MIN_STACK]!;
  }

  /** The largest height the analysed block at `start` may leave above its entry height. */
  maxGrowthAt(start: number): number {
    return this.info[this.block[start]! + MAX_GROWTH]!;
  }

  /** Analyses the block that starts at `start` (a block start, inside the code); returns its `block` index. */
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
    const ops = this.ops;
    let previous = -1; // the previous instruction in this block, and where it was
    let previousAt = 0;
    let pushed = 0; // what it pushed when it was a PUSH of up to 3 bytes
    do {
      const op = code[pc]!;
      // Fused pairs (FUSED): the first instruction's byte in `ops` says what the pair does. The
      // code's own bytes of those values are undefined opcodes: INVALID in `ops`, which halts the
      // same way (the halt's reason names the code's byte).
      if (IS_FUSED[op] === 1) ops[pc] = 0xfe;
      else if (op === 0x56 || op === 0x57) {
        // A destination past 0xffff (only in initcode that long) is not fused: the operand is 16 bits.
        if (previous >= 0x5f && previous <= 0x62 && pushed <= 0xffff && this.jumpDestinations[pushed] === 1) {
          ops[previousAt] = op === 0x56 ? PUSH_JUMP : PUSH_JUMPI;
          this.operand[previousAt] = pushed;
        } else if (op === 0x56 && previous === 0x50) ops[previousAt] = POP_JUMP;
      } else if (op === 0x50 && previous >= 0x90 && previous <= 0x9f) {
        ops[previousAt] = SWAP_POP;
        this.operand[previousAt] = previous - 0x8f;
      } else if (op >= 0x90 && op <= 0x9f && previous >= 0x90 && previous <= 0x9f) {
        ops[previousAt] = SWAP_SWAP;
        this.operand[previousAt] = (previous - 0x8f) | ((op - 0x8f) << 8);
      } else if (op >= 0x80 && op <= 0x8f && previous === 0x60) {
        ops[previousAt] = PUSH1_DUP;
        this.operand[previousAt] = op - 0x7f;
      }
      previous = op;
      previousAt = pc;
      if (op >= 0x5f && op <= 0x62) {
        pushed = 0;
        for (let i = 1; i <= op - 0x5f; i++) pushed = pushed * 256 + (pc + i < n ? code[pc + i]! : 0);
      }
      const inputs = minStackOf[op]!;
      const pushes = STACK_LIMIT - maxStackOf[op]!; // max(0, outputs - inputs)
      blockGas += staticGas[op]!;
      if (inputs - height > need) need = inputs - height;
      if (height + pushes > growth) growth = height + pushes;
      height += stackChange[op]!;
      count++;
      pc += 1 + immediate[op]!;
      if (endsBlock[op] === 1 || count === MAX_BLOCK_INSTRUCTIONS) break;
    } while (pc < n && code[pc] !== jumpdest);
    const index = this.used;
    this.used += BLOCK_INFO;
    let info = this.info;
    if (this.used > info.length) {
      info = new Int32Array(info.length * 2);
      info.set(this.info);
      this.info = info;
    }
    info[index + END] = pc;
    info[index + GAS] = blockGas;
    info[index + MIN_STACK] = need;
    info[index + MAX_GROWTH] = growth;
    info[index + COUNT] = count;
    this.block[start] = index;
    return index;
  }

  /** Analyses every block not analysed yet. */
  complete(): this {
    if (this.completed) return this;
    const n = this.code.length;
    let pc = 0;
    while (pc < n) {
      if (this.block[pc] === 0) this.analyseAt(pc);
      const count = this.countAt(pc);
      // Step over the block's instructions to the next block's start.
      for (let i = 0; i < count; i++) pc += 1 + IMMEDIATE_SIZE[this.code[pc]!]!;
    }
    this.completed = true;
    return this;
  }
}

/**
 * The most instructions in one block: a straight run longer than this (only in initcode of over
 * 64 kB) is cut into blocks of this many, so that a block's static gas (at most 32,000 per
 * instruction: table.test) stays below 2^31 and fits `info`.
 */
export const MAX_BLOCK_INSTRUCTIONS = 1 << 16;

/** The numbers of a block in `BlockAnalysis.info`, from its index. */
export const BLOCK_INFO = 5;
export const END = 0;
export const GAS = 1;
export const MIN_STACK = 2;
export const MAX_GROWTH = 3;
export const COUNT = 4;

/**
 * Pairs of instructions the interpreter runs as one (Solidity's commonest), at opcodes no fork
 * defines. The second instruction of a pair is never a block start (its predecessor neither jumps
 * nor halts, and it is not a JUMPDEST), so the pair always runs whole, under its block's checks.
 * - PUSH_JUMP, PUSH_JUMPI: a PUSH of a valid JUMPDEST, then JUMP or JUMPI; the stack ends as
 *   the two would leave it (PUSH_JUMPI pops only the condition).
 * - POP_JUMP: a POP, then a JUMP (a function's return).
 * - SWAP_POP: SWAPn (n the operand), then POP.
 * - SWAP_SWAP: SWAPn then SWAPm (the operand n | m << 8).
 * - PUSH1_DUP: PUSH1 then DUPn (n the operand).
 */
export const PUSH_JUMP = 0x0c;
export const PUSH_JUMPI = 0x0d;
export const POP_JUMP = 0x0e;
export const SWAP_POP = 0x0f;
export const SWAP_SWAP = 0x21;
export const PUSH1_DUP = 0x22;
/** The fused opcodes (table.test checks no fork defines them). */
export const FUSED: readonly number[] = [PUSH_JUMP, PUSH_JUMPI, POP_JUMP, SWAP_POP, SWAP_SWAP, PUSH1_DUP];
const IS_FUSED = new Uint8Array(256);
for (const op of FUSED) IS_FUSED[op] = 1;

/** The blocks of `code` under one fork's table, none analysed yet. */
export function analyzeBlocks(code: Uint8Array, table: OpcodeTable, jumpDestinations: Uint8Array): BlockAnalysis {
  return new BlockAnalysis(code, table, jumpDestinations);
}
