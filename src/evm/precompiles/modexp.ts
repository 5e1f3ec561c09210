/**
 * 0x05 MODEXP (Byzantium, EIP-198): base^exponent mod modulus for arbitrary-length integers.
 *
 * Input: base_length (32) ‖ exponent_length (32) ‖ modulus_length (32) ‖ base ‖ exponent ‖
 * modulus, all big-endian and read as if the input were followed by zeros. The lengths are
 * 256-bit values, so gas is computed from them with bigints before anything else is read: a
 * call asking for a 2^255-byte operand runs out of gas without allocating it.
 *
 * Gas has three schedules:
 * - EIP-198 (Byzantium): mult_complexity(max_len) · max(adjusted_exp_len, 1) / 20.
 * - EIP-2565 (Berlin): max(200, ceil(max_len / 8)² · iterations / 3).
 * - EIP-7883 (Osaka): max(500, complexity · iterations), complexity 16 up to 32 bytes and
 *   2 · words² above, iterations counting 16 per exponent byte past the first 32.
 * EIP-7823 (Osaka) also caps each length at 1024 bytes.
 */
import type { Rules } from '../../forks/index.js';
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { readUint, uintToBytes } from './input.js';
import { outOfGas, type Precompile } from './types.js';

/** EIP-7823: the largest base, exponent or modulus length accepted from Osaka on. */
export const MODEXP_MAX_LENGTH = 1024n;

export const modexp: Precompile = (input, gasLimit, rules) => {
  const baseLength = readUint(input, 0, 32);
  const exponentLength = readUint(input, 32, 32);
  const modulusLength = readUint(input, 64, 32);
  if (rules.osaka && (baseLength > MODEXP_MAX_LENGTH || exponentLength > MODEXP_MAX_LENGTH || modulusLength > MODEXP_MAX_LENGTH)) {
    return { ok: false, reason: 'modexp operand longer than 1024 bytes' };
  }

  const exponentStart = 96n + baseLength;
  const exponentHead = readUint(input, exponentStart, Number(min(exponentLength, 32n)));
  const gas = modexpGas(baseLength, exponentLength, modulusLength, exponentHead, rules);
  if (gas > gasLimit) return outOfGas();

  if (baseLength === 0n && modulusLength === 0n) return { ok: true, gasUsed: gas, output: EMPTY_BYTES };

  // The gas paid bounds every length that matters below, so these conversions are safe.
  const modulusBytes = Number(modulusLength);
  const modulus = readUint(input, exponentStart + exponentLength, modulusBytes);
  if (modulus === 0n) return { ok: true, gasUsed: gas, output: new Uint8Array(modulusBytes) };

  // A non-zero modulus lies inside the input, so the exponent before it does too: nothing
  // below reads past the end of the input.
  const base = readUint(input, 96, Number(baseLength));
  const exponent = readUint(input, exponentStart, Number(exponentLength));
  return { ok: true, gasUsed: gas, output: uintToBytes(modPow(base, exponent, modulus), modulusBytes) };
};

/**
 * Modular exponentiation by left-to-right square-and-multiply over 4-bit windows: four
 * squarings per hex digit of the exponent, then one multiplication by a precomputed power.
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  if (exponent === 0n) return 1n;
  const b = base % modulus;
  if (b <= 1n) return b;

  const powers: bigint[] = [1n, b];
  for (let i = 2; i < 16; i++) powers.push((powers[i - 1]! * b) % modulus);

  const digits = exponent.toString(16);
  let result = powers[parseInt(digits[0]!, 16)]!;
  for (let i = 1; i < digits.length; i++) {
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    const digit = parseInt(digits[i]!, 16);
    if (digit !== 0) result = (result * powers[digit]!) % modulus;
  }
  return result;
}

/** The gas of a modexp call under the fork's schedule (EIP-198, EIP-2565 or EIP-7883). */
export function modexpGas(baseLength: bigint, exponentLength: bigint, modulusLength: bigint, exponentHead: bigint, rules: Rules): bigint {
  const maxLength = max(baseLength, modulusLength);
  if (rules.osaka) {
    // EIP-7883
    const words = (maxLength + 7n) / 8n;
    const complexity = maxLength > 32n ? 2n * words * words : 16n;
    return max(500n, complexity * iterationCount(exponentLength, exponentHead, 16n));
  }
  if (rules.berlin) {
    // EIP-2565
    const words = (maxLength + 7n) / 8n;
    return max(200n, (words * words * iterationCount(exponentLength, exponentHead, 8n)) / 3n);
  }
  // EIP-198
  return (eip198MultComplexity(maxLength) * iterationCount(exponentLength, exponentHead, 8n)) / 20n;
}

/**
 * The number of squarings the exponent needs, at least 1: the index of the highest set bit of
 * its first 32 bytes, plus `bitsPerExtraByte` for every exponent byte after them.
 * (EIP-198 calls this max(adjusted_exp_len, 1); EIP-7883 raises the per-byte count to 16.)
 */
export function iterationCount(exponentLength: bigint, exponentHead: bigint, bitsPerExtraByte: bigint): bigint {
  const headBits = exponentHead === 0n ? 0n : BigInt(exponentHead.toString(2).length - 1);
  const extra = exponentLength > 32n ? bitsPerExtraByte * (exponentLength - 32n) : 0n;
  return max(1n, extra + headBits);
}

/** EIP-198's estimate of the cost of multiplying two x-byte numbers (Karatsuba-shaped). */
export function eip198MultComplexity(x: bigint): bigint {
  if (x <= 64n) return x * x;
  if (x <= 1024n) return (x * x) / 4n + 96n * x - 3072n;
  return (x * x) / 16n + 480n * x - 199680n;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
