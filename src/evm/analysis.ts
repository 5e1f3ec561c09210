/**
 * Code analysis, done once per code: which offsets are valid JUMPDESTs (a JUMPDEST byte that is
 * not inside PUSH data), and the value of every PUSH, so executing a PUSH is one array read.
 * The engine's code cache (code-cache.ts) keeps it per code hash.
 */
import { IMMEDIATE_SIZE, JUMPDEST } from './opcodes/index.js';

export interface CodeAnalysis {
  /** 1 where a JUMPDEST may be jumped to. */
  readonly jumpDestinations: Uint8Array;
  /** At the offset of each PUSHn, its immediate value (zero-padded past the end of code). */
  readonly pushValues: bigint[];
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** The bigints 0..255, made once. */
const SMALL = Array.from({ length: 256 }, (_, i) => BigInt(i));

/** One pass over the code: each JUMPDEST outside immediate data, and each PUSH's value. */
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
    const n = immediate[op]!;
    if (n === 0) continue;
    if (n <= 6) {
      // Up to 48 bits: exact in a double, and much cheaper than parsing text.
      let v = 0;
      for (let i = 1; i <= n; i++) v = v * 256 + (pc + i < code.length ? code[pc + i]! : 0);
      pushValues[pc] = v < SMALL.length ? SMALL[v]! : BigInt(v);
    } else {
      let hex = '0x0';
      for (let i = 1; i <= n; i++) hex += HEX[pc + i < code.length ? code[pc + i]! : 0];
      pushValues[pc] = BigInt(hex);
    }
    pc += n;
  }
  return { jumpDestinations, pushValues };
}
