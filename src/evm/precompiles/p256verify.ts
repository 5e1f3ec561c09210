/**
 * EIP-7951 (Osaka): P256VERIFY at 0x100, ECDSA verification over secp256r1.
 *
 * Input: hash (32) ‖ r (32) ‖ s (32) ‖ qx (32) ‖ qy (32). Output: 32-byte 1 when the signature
 * verifies; empty output for any bad input or failed verification (never an exceptional halt, so
 * only running out of gas fails the call). The EIP does not ask for low s, and the hash is used as
 * given (no prehash), so verification is written out here rather than delegated to `p256.verify`.
 */
import { p256 } from '@noble/curves/nist.js';
import { bytesToBigint, EMPTY_BYTES } from '../../primitives/bytes.js';
import { outOfGas, type Precompile } from './types.js';

export const P256VERIFY_GAS = 6900n;
const INPUT_LENGTH = 160;

const Point = p256.Point;
const Fn = Point.Fn; // scalars mod n
const N = Fn.ORDER;
const P = Point.Fp.ORDER;
const A = Point.CURVE().a;
const B = Point.CURVE().b;

function isOnCurve(x: bigint, y: bigint): boolean {
  const Fp = Point.Fp;
  const rhs = Fp.add(Fp.add(Fp.mul(Fp.sqr(x), x), Fp.mul(A, x)), B);
  return Fp.eql(Fp.sqr(y), rhs);
}

/** The EIP-7951 verification: the x of h/s·G + r/s·Q, reduced mod n, must equal r. */
export function verifyP256(hash: bigint, r: bigint, s: bigint, qx: bigint, qy: bigint): boolean {
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  if (qx >= P || qy >= P) return false;
  if (qx === 0n && qy === 0n) return false; // infinity is no public key
  if (!isOnCurve(qx, qy)) return false;
  const q = Point.fromAffine({ x: qx, y: qy });
  const sInverse = Fn.inv(s);
  const u1 = Fn.mul(Fn.create(hash), sInverse);
  const u2 = Fn.mul(r, sInverse);
  const R = Point.BASE.multiplyUnsafe(u1).add(q.multiplyUnsafe(u2));
  if (R.is0()) return false;
  return Fn.create(R.toAffine().x) === r;
}

export const p256Verify: Precompile = (input, gasLimit) => {
  if (gasLimit < P256VERIFY_GAS) return outOfGas();
  const result = { ok: true as const, gasUsed: P256VERIFY_GAS, output: EMPTY_BYTES };
  if (input.length !== INPUT_LENGTH) return result;
  const word = (i: number): bigint => bytesToBigint(input.subarray(32 * i, 32 * i + 32));
  const valid = verifyP256(word(0), word(1), word(2), word(3), word(4));
  if (!valid) return result;
  const output = new Uint8Array(32);
  output[31] = 1;
  return { ok: true, gasUsed: P256VERIFY_GAS, output };
};
