/**
 * 0x09 BLAKE2F (Istanbul, EIP-152): the BLAKE2b compression function F with a caller-chosen
 * number of rounds, so contracts can verify BLAKE2b-based proofs (Zcash, among others).
 *
 * Input, exactly 213 bytes: rounds (4, big-endian) ‖ h (8 × 8, little-endian) ‖
 * m (16 × 8, little-endian) ‖ t (2 × 8, little-endian) ‖ f (1, must be 0 or 1).
 * Output: the new state h, 64 bytes little-endian. Gas: 1 per round.
 *
 * 64-bit words are kept as pairs of 32-bit halves in a Uint32Array (low half at the even index),
 * which keeps the inner loop free of bigint allocation.
 */
import { outOfGas, type Precompile } from './types.js';

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

/** The BLAKE2b initialisation vector (the same constants as SHA-512's), as 32-bit halves. */
// prettier-ignore
const IV = Uint32Array.of(
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
);

/** The message word schedule: round r reads message words in the order SIGMA[r mod 10]. */
// prettier-ignore
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
].map((row) => Uint8Array.from(row));

/**
 * F(h, m, t, f) with `rounds` rounds (RFC 7693 section 3.2, which fixes 12 rounds for BLAKE2b).
 * Updates `h` in place.
 */
export function compress(rounds: number, h: Uint32Array, m: Uint32Array, t: Uint32Array, finalBlock: boolean): void {
  const v = new Uint32Array(32);
  v.set(h, 0);
  v.set(IV, 16);
  v[24]! ^= t[0]!; // v[12] ^= t low word
  v[25]! ^= t[1]!;
  v[26]! ^= t[2]!; // v[13] ^= t high word
  v[27]! ^= t[3]!;
  if (finalBlock) {
    v[28] = ~v[28]!; // v[14] = ~v[14]
    v[29] = ~v[29]!;
  }
  for (let round = 0; round < rounds; round++) {
    const s = SIGMA[round % 10]!;
    // Columns, then diagonals. Arguments are indices of 64-bit words.
    mix(v, m, 0, 4, 8, 12, s[0]!, s[1]!);
    mix(v, m, 1, 5, 9, 13, s[2]!, s[3]!);
    mix(v, m, 2, 6, 10, 14, s[4]!, s[5]!);
    mix(v, m, 3, 7, 11, 15, s[6]!, s[7]!);
    mix(v, m, 0, 5, 10, 15, s[8]!, s[9]!);
    mix(v, m, 1, 6, 11, 12, s[10]!, s[11]!);
    mix(v, m, 2, 7, 8, 13, s[12]!, s[13]!);
    mix(v, m, 3, 4, 9, 14, s[14]!, s[15]!);
  }
  for (let i = 0; i < 16; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 16]!;
}

/**
 * The mixing function G over 64-bit words a, b, c, d of v with message words x and y.
 * Each word is loaded into a pair of locals (low, high), mixed, and stored back once.
 */
function mix(v: Uint32Array, m: Uint32Array, a: number, b: number, c: number, d: number, x: number, y: number): void {
  a *= 2;
  b *= 2;
  c *= 2;
  d *= 2;
  x *= 2;
  y *= 2;
  let al = v[a]!,
    ah = v[a + 1]!;
  let bl = v[b]!,
    bh = v[b + 1]!;
  let cl = v[c]!,
    ch = v[c + 1]!;
  let dl = v[d]!,
    dh = v[d + 1]!;
  let sum: number, tl: number, th: number;

  // a = a + b + x (sums of three 32-bit halves stay exact in a double; the excess is the carry)
  sum = al + bl + m[x]!;
  ah = (ah + bh + m[x + 1]! + ((sum / TWO_POW_32) | 0)) >>> 0;
  al = sum >>> 0;
  // d = (d ^ a) rotated right by 32: swap the halves
  tl = dl ^ al;
  dl = (dh ^ ah) >>> 0;
  dh = tl >>> 0;
  // c = c + d
  sum = cl + dl;
  ch = (ch + dh + ((sum / TWO_POW_32) | 0)) >>> 0;
  cl = sum >>> 0;
  // b = (b ^ c) rotated right by 24
  tl = bl ^ cl;
  th = bh ^ ch;
  bl = ((tl >>> 24) | (th << 8)) >>> 0;
  bh = ((th >>> 24) | (tl << 8)) >>> 0;
  // a = a + b + y
  sum = al + bl + m[y]!;
  ah = (ah + bh + m[y + 1]! + ((sum / TWO_POW_32) | 0)) >>> 0;
  al = sum >>> 0;
  // d = (d ^ a) rotated right by 16
  tl = dl ^ al;
  th = dh ^ ah;
  dl = ((tl >>> 16) | (th << 16)) >>> 0;
  dh = ((th >>> 16) | (tl << 16)) >>> 0;
  // c = c + d
  sum = cl + dl;
  ch = (ch + dh + ((sum / TWO_POW_32) | 0)) >>> 0;
  cl = sum >>> 0;
  // b = (b ^ c) rotated right by 63, which is a rotation left by 1
  tl = bl ^ cl;
  th = bh ^ ch;
  bl = ((tl << 1) | (th >>> 31)) >>> 0;
  bh = ((th << 1) | (tl >>> 31)) >>> 0;

  v[a] = al;
  v[a + 1] = ah;
  v[b] = bl;
  v[b + 1] = bh;
  v[c] = cl;
  v[c + 1] = ch;
  v[d] = dl;
  v[d + 1] = dh;
}

const TWO_POW_32 = 4294967296;
