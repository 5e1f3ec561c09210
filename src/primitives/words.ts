/**
 * 256-bit EVM words as bigints in [0, 2^256). Every function here takes and returns words in that
 * range; signed operations convert at the edges (two's complement).
 */

export const MAX_UINT256 = (1n << 256n) - 1n;
export const TWO_POW_256 = 1n << 256n;
/** The largest 64-bit value: the bound of nonces, gas limits and chain ids in transactions. */
export const MAX_UINT64 = (1n << 64n) - 1n;
const SIGN_BIT = 1n << 255n;

export function toSigned(a: bigint): bigint {
  return a & SIGN_BIT ? a - TWO_POW_256 : a;
}

export function fromSigned(a: bigint): bigint {
  return a < 0n ? a + TWO_POW_256 : a;
}

// Wrapping by comparison is cheaper than masking: a mask allocates a new bigint every time.
export function add(a: bigint, b: bigint): bigint {
  const r = a + b;
  return r > MAX_UINT256 ? r - TWO_POW_256 : r;
}

export function sub(a: bigint, b: bigint): bigint {
  return a >= b ? a - b : a - b + TWO_POW_256;
}

export function mul(a: bigint, b: bigint): bigint {
  const r = a * b;
  return r > MAX_UINT256 ? BigInt.asUintN(256, r) : r;
}

/** DIV: division by zero gives zero. */
export function div(a: bigint, b: bigint): bigint {
  return b === 0n ? 0n : a / b;
}

/** SDIV: truncates toward zero; -2^255 / -1 overflows back to -2^255. */
export function sdiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  if (a < SIGN_BIT && b < SIGN_BIT) return a / b;
  return BigInt.asUintN(256, toSigned(a) / toSigned(b));
}

export function mod(a: bigint, b: bigint): bigint {
  return b === 0n ? 0n : a % b;
}

/** SMOD: the result takes the sign of the dividend. */
export function smod(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  if (a < SIGN_BIT && b < SIGN_BIT) return a % b;
  return fromSigned(toSigned(a) % toSigned(b));
}

/** ADDMOD and MULMOD compute the intermediate exactly (bigints have no 512-bit limit). */
export function addmod(a: bigint, b: bigint, n: bigint): bigint {
  if (n === 0n) return 0n;
  const sum = a + b;
  // Field arithmetic adds reduced values: a sum below 2n needs a subtraction, not a division.
  if (sum < n) return sum;
  return a < n && b < n ? sum - n : sum % n;
}

export function mulmod(a: bigint, b: bigint, n: bigint): bigint {
  return n === 0n ? 0n : (a * b) % n;
}

export function exp(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) & MAX_UINT256;
    e >>= 1n;
    if (e > 0n) b = (b * b) & MAX_UINT256;
  }
  return result;
}

/** SIGNEXTEND: extends the sign of byte `k` (counted from the least significant) over the word. */
export function signextend(k: bigint, x: bigint): bigint {
  if (k >= 31n) return x;
  const i = Number(k);
  // Comparisons first: a word already extended (its high bits all copies of the sign bit) comes
  // back as it is, with no new bigint. High bits all zero: the sign bit is set iff x >= SIGN;
  // all ones: iff x >= HIGH | SIGN.
  if (x <= LOW_MASKS[i]!) return x < SIGN_BITS[i]! ? x : x | HIGH_MASKS[i]!;
  if (x >= HIGH_MASKS[i]!) return x >= EXTENDED[i]! ? x : x & LOW_MASKS[i]!;
  return (x & SIGN_BITS[i]!) !== 0n ? x | HIGH_MASKS[i]! : x & LOW_MASKS[i]!;
}

// For SIGNEXTEND with byte k: the sign bit, the bits at and below it, the bits above it, and the
// smallest word with the sign bit and every bit above it set.
const SIGN_BITS = Array.from({ length: 31 }, (_, k) => 1n << BigInt(8 * k + 7));
const LOW_MASKS = Array.from({ length: 31 }, (_, k) => (1n << BigInt(8 * k + 8)) - 1n);
const HIGH_MASKS = LOW_MASKS.map((mask) => MAX_UINT256 ^ mask);
const EXTENDED = HIGH_MASKS.map((high, k) => high | SIGN_BITS[k]!);

/** BYTE: the i-th byte counted from the most significant; 0 when i >= 32. */
export function byte(i: bigint, x: bigint): bigint {
  if (i >= 32n) return 0n;
  return (x >> (8n * (31n - i))) & 0xffn;
}

export function shl(shift: bigint, x: bigint): bigint {
  return shift >= 256n ? 0n : (x << shift) & MAX_UINT256;
}

export function shr(shift: bigint, x: bigint): bigint {
  return shift >= 256n ? 0n : x >> shift;
}

/** SAR: arithmetic shift; a large shift leaves 0 or all ones depending on the sign. */
export function sar(shift: bigint, x: bigint): bigint {
  const negative = (x & SIGN_BIT) !== 0n;
  if (shift >= 256n) return negative ? MAX_UINT256 : 0n;
  return fromSigned(toSigned(x) >> shift) & MAX_UINT256;
}

export function lt(a: bigint, b: bigint): bigint {
  return a < b ? 1n : 0n;
}

export function gt(a: bigint, b: bigint): bigint {
  return a > b ? 1n : 0n;
}

/**
 * Two's complement order without a new bigint: a word below 2^255 is not negative; between words
 * of the same sign, signed order is unsigned order, and a negative word is below any other.
 */
export function slt(a: bigint, b: bigint): bigint {
  return (a < SIGN_BIT ? b < SIGN_BIT && a < b : b < SIGN_BIT || a < b) ? 1n : 0n;
}

export function sgt(a: bigint, b: bigint): bigint {
  return slt(b, a);
}

export function eq(a: bigint, b: bigint): bigint {
  return a === b ? 1n : 0n;
}

export function iszero(a: bigint): bigint {
  return a === 0n ? 1n : 0n;
}

export function and(a: bigint, b: bigint): bigint {
  return a & b;
}

export function or(a: bigint, b: bigint): bigint {
  return a | b;
}

export function xor(a: bigint, b: bigint): bigint {
  return a ^ b;
}

export function not(a: bigint): bigint {
  return MAX_UINT256 ^ a;
}

/** CLZ (EIP-7939): the number of leading zero bits; 256 for zero. */
export function clz(a: bigint): bigint {
  if (a === 0n) return 256n;
  return BigInt(256 - a.toString(2).length);
}

/** The number of bytes needed to hold `a` (0 for zero); used by EXP's gas. */
export function byteLength(a: bigint): number {
  if (a === 0n) return 0;
  return (a.toString(16).length + 1) >> 1;
}
