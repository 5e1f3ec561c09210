/**
 * Amounts of gas as frames of every VM keep them. Gas in a frame is a JavaScript number, exact up
 * to 2^53. Amounts above GAS_CHUNK (only with a transaction gas limit no real chain allows) are
 * split: `gas` holds at most GAS_CHUNK and `reserve` (a bigint) the rest. Hot paths only ever look
 * at `gas`; when a charge does not fit, the frame moves gas over from the reserve before declaring
 * out-of-gas, and the few rules that read the whole amount (the EVM's GAS, the 63/64 rule, the
 * SSTORE sentry) use the exact total.
 */
export const GAS_CHUNK = 2 ** 52;
const GAS_CHUNK_BIG = BigInt(GAS_CHUNK);

/** An exact amount of gas as the (number, reserve) pair frames keep. */
export function splitGas(total: bigint): { gas: number; reserve: bigint } {
  if (total <= GAS_CHUNK_BIG) return { gas: Number(total), reserve: 0n };
  return { gas: GAS_CHUNK, reserve: total - GAS_CHUNK_BIG };
}

/** The exact amount a (number, reserve) pair stands for: `splitGas` undone. */
export function joinGas(gas: number, reserve: bigint | undefined): bigint {
  return reserve ? reserve + BigInt(gas) : BigInt(gas);
}

/**
 * The EVM's memory cost for `words` 32-byte words (Yellow Paper: 3 per word plus words squared
 * over 512); a program's output is charged at least this much too (Stylus).
 */
export function memoryCost(words: number): number {
  return 3 * words + Math.floor((words * words) / 512);
}
