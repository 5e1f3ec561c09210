/**
 * 0x01 ECRECOVER (Frontier): the address that signed a message hash.
 *
 * Input: hash (32) ‖ v (32) ‖ r (32) ‖ s (32), right-padded with zeros. A signature that cannot
 * be recovered is not an error: the call succeeds, charges 3000 gas and returns nothing.
 * Unlike transactions (EIP-2), s may be in the upper half of the curve order here.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import { readPadded, bytesToUint } from './input.js';
import { charge, type Precompile } from './types.js';

export const ECRECOVER_GAS = 3000n;

/** The order n of the secp256k1 group, from the curve (as `tx/sender.ts` reads it). */
const SECP256K1N = secp256k1.Point.CURVE().n;

export const ecrecover: Precompile = (input, gasLimit) =>
  charge(ECRECOVER_GAS, gasLimit, () => {
    const data = readPadded(input, 0, 128);
    const hash = data.subarray(0, 32);
    // v is a whole 32-byte word: 27 or 28 with 31 leading zero bytes, nothing else.
    const v = bytesToUint(data.subarray(32, 64));
    const r = bytesToUint(data.subarray(64, 96));
    const s = bytesToUint(data.subarray(96, 128));
    if (v !== 27n && v !== 28n) return EMPTY_BYTES;
    if (r === 0n || r >= SECP256K1N || s === 0n || s >= SECP256K1N) return EMPTY_BYTES;

    const publicKey = recoverPublicKey(hash, r, s, Number(v - 27n));
    if (publicKey === null) return EMPTY_BYTES;
    // The address is the last 20 bytes of keccak256(x ‖ y), returned as a 32-byte word.
    const output = new Uint8Array(32);
    output.set(keccak256(publicKey.subarray(1)).subarray(12), 12);
    return output;
  });

/** The uncompressed public key (0x04 ‖ x ‖ y), or null when no point recovers. */
function recoverPublicKey(hash: Uint8Array, r: bigint, s: bigint, recovery: number): Uint8Array | null {
  try {
    const point = new secp256k1.Signature(r, s, recovery).recoverPublicKey(hash);
    if (point.is0()) return null;
    return point.toBytes(false);
  } catch {
    // r is not the x-coordinate of a curve point, or the recovered point is infinity.
    return null;
  }
}
