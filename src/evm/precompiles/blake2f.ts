/**
 * 0x09 BLAKE2F (Istanbul, EIP-152): the BLAKE2b compression function F with a caller-chosen
 * number of rounds, so contracts can verify BLAKE2b-based proofs (Zcash, among others).
 *
 * Input, exactly 213 bytes: rounds (4, big-endian) ‖ h (8 × 8, little-endian) ‖
 * m (16 × 8, little-endian) ‖ t (2 × 8, little-endian) ‖ f (1, must be 0 or 1).
 * Output: the new state h, 64 bytes little-endian. Gas: 1 per round.
 *
 * 64-bit words are read as pairs of 32-bit halves (low half at the even index); the compression
 * itself (blake2f-compress.ts, generated) keeps them in locals with the rounds unrolled.
 */
import { outOfGas, type Precompile } from './types.js';
import { compress } from './blake2f-compress.js';

export { compress };

export const BLAKE2F_INPUT_LENGTH = 213;
export const BLAKE2F_GAS_PER_ROUND = 1n;

export const blake2f: Precompile = (input, gasLimit) => {
  if (input.length !== BLAKE2F_INPUT_LENGTH) return { ok: false, reason: 'blake2f input must be 213 bytes' };
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const rounds = view.getUint32(0, false);
  const gas = BigInt(rounds) * BLAKE2F_GAS_PER_ROUND;
  if (gas > gasLimit) return outOfGas();
  const finalBlock = input[212]!;
  if (finalBlock > 1) return { ok: false, reason: 'blake2f final-block flag must be 0 or 1' };

  const h = readWords(view, 4, 8);
  const m = readWords(view, 68, 16);
  const t = readWords(view, 196, 2);
  compress(rounds, h, m, t, finalBlock === 1);

  const output = new Uint8Array(64);
  const out = new DataView(output.buffer);
  for (let i = 0; i < 16; i++) out.setUint32(4 * i, h[i]!, true);
  return { ok: true, gasUsed: gas, output };
};

/** `count` little-endian 64-bit words as 2·count 32-bit halves, low half first. */
function readWords(view: DataView, offset: number, count: number): Uint32Array {
  const words = new Uint32Array(2 * count);
  for (let i = 0; i < 2 * count; i++) words[i] = view.getUint32(offset + 4 * i, true);
  return words;
}
