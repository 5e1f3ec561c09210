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
  /** Each PUSHn's immediate value once it has run (`pushValue` fills it, `cachedPush` reads it). */
  readonly pushValues: PushValues;
}

/**
 * PUSH values by offset, in pages of 2,048 offsets made when a PUSH in them first runs. One array
 * as long as the code would be simpler, but V8 puts an array of 16,383 or more elements in its
 * large-object space: for a 20 kB contract that allocation alone took about 1 ms, more than the
 * whole call of many benchmarks, on every cold run.
 */
export type PushValues = (bigint[] | undefined)[];

/** log2 of the offsets in a page of `PushValues` (the handlers inline 11 and 2047). */
export const PUSH_PAGE_BITS = 11;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** The bigints 0..255, made once. */
const SMALL = Array.from({ length: 256 }, (_, i) => BigInt(i));

/** The value of the PUSH at `pc` if it has run before. */
export function cachedPush(values: PushValues, pc: number): bigint | undefined {
  const page = values[pc >> 11];
  return page === undefined ? undefined : page[pc & 2047];
}

/** The value of the PUSH at `pc` (whose immediate is `n` bytes), decoded and kept in `values`. */
export function pushValue(values: PushValues, code: Uint8Array, pc: number, n: number): bigint {
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
  const index = pc >> PUSH_PAGE_BITS;
  let page = values[index];
  if (page === undefined) {
    page = new Array<bigint>(1 << PUSH_PAGE_BITS);
    values[index] = page;
  }
  page[pc & ((1 << PUSH_PAGE_BITS) - 1)] = value;
  return value;
}

/** One pass over the code: each JUMPDEST outside immediate data. */
export function analyzeCode(code: Uint8Array): CodeAnalysis {
  const jumpDestinations = new Uint8Array(code.length);
  const pushValues: PushValues = new Array<bigint[] | undefined>((code.length >> PUSH_PAGE_BITS) + 1).fill(undefined);
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
