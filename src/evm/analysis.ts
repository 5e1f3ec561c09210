/**
 * Code analysis, done once per code: which offsets are valid JUMPDESTs (a JUMPDEST byte that is
 * not inside PUSH data), and each PUSH's value, decoded the first time that PUSH runs (most of a
 * contract's code does not run in a given call) and then one array read. The engine's code cache
 * (code-cache.ts) keeps it per code hash.
 */
import { IMMEDIATE_SIZE, JUMPDEST } from './opcodes/index.js';

export interface CodeAnalysis {
  /** 1 where a JUMPDEST may be jumped to. */
  readonly jumpDestinations: Uint8Array;
  /**
   * At the offset of each PUSHn that has run, its immediate value (zero-padded past the end of
   * code); `pushValue` fills it.
   */
  readonly pushValues: bigint[];
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** The bigints 0..255, made once. */
const SMALL = Array.from({ length: 256 }, (_, i) => BigInt(i));

/** The value of the PUSH at `pc` (whose immediate is `n` bytes), decoded and kept in `values`. */
export function pushValue(values: bigint[], code: Uint8Array, pc: number, n: number): bigint {
  let value: bigint;
  if (n <= 6) {
    // Up to 48 bits: exact in a double, and much cheaper than parsing text.
    let v = 0;
    for (let i = 1; i <= n; i++) v = v * 256 + (pc + i < code.length ? code[pc + i]! : 0);
    value = v < SMALL.length ? SMALL[v]! : BigInt(v);
  } else {
    let hex = '0x0';
    for (let i = 1; i <= n; i++) hex += HEX[pc + i < code.length ? code[pc + i]! : 0];
    value = BigInt(hex);
  }
  values[pc] = value;
  return value;
}

/** One pass over the code: each JUMPDEST outside immediate data. */
export function analyzeCode(code: Uint8Array): CodeAnalysis {
  const jumpDestinations = new Uint8Array(code.length);
  const pushValues: bigint[] = new Array<bigint>(code.length);
  // Locals, so the loop reads no module bindings.
  const immediate = IMMEDIATE_SIZE;
  const jumpdest = JUMPDEST;
  for (let pc = 0; pc < code.length; pc++) {
    const op = code[pc]!;
    if (op === jumpdest) {
      jumpDestinations[pc] = 1;
      continue;
    }
    pc += immediate[op]!;
  }
  return { jumpDestinations, pushValues };
}
