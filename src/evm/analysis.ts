/**
 * Code analysis, done once per code: which offsets are valid JUMPDESTs (a JUMPDEST byte that is
 * not inside PUSH data), and the value of every PUSH, so executing a PUSH is one array read.
 * Cached by the code's identity.
 */
import { IMMEDIATE_SIZE, JUMPDEST } from './opcodes/index.js';

export interface CodeAnalysis {
  /** 1 where a JUMPDEST may be jumped to. */
  readonly jumpDestinations: Uint8Array;
  /** At the offset of each PUSHn, its immediate value (zero-padded past the end of code). */
  readonly pushValues: bigint[];
}

const cache = new WeakMap<Uint8Array, CodeAnalysis>();

export function analyzeCode(code: Uint8Array): CodeAnalysis {
  let analysis = cache.get(code);
  if (analysis === undefined) {
    analysis = { jumpDestinations: findJumpDestinations(code), pushValues: findPushValues(code) };
    cache.set(code, analysis);
  }
  return analysis;
}

export function findJumpDestinations(code: Uint8Array): Uint8Array {
  const valid = new Uint8Array(code.length);
  // Locals, so the loop reads no module bindings.
  const immediate = IMMEDIATE_SIZE;
  const jumpdest = JUMPDEST;
  for (let pc = 0; pc < code.length; pc++) {
    const op = code[pc]!;
    if (op === jumpdest) valid[pc] = 1;
    else pc += immediate[op]!;
  }
  return valid;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function findPushValues(code: Uint8Array): bigint[] {
  const values: bigint[] = new Array<bigint>(code.length);
  const immediate = IMMEDIATE_SIZE;
  for (let pc = 0; pc < code.length; pc++) {
    const n = immediate[code[pc]!]!;
    if (n === 0) continue;
    let hex = '0x0';
    for (let i = 1; i <= n; i++) hex += HEX[pc + i < code.length ? code[pc + i]! : 0];
    values[pc] = BigInt(hex);
    pc += n;
  }
  return values;
}
