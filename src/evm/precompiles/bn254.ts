/**
 * 0x06 ECADD, 0x07 ECMUL, 0x08 ECPAIRING on the bn254 (alt_bn128) curve (Byzantium, EIP-196
 * and EIP-197; repriced by EIP-1108 in Istanbul).
 *
 * Encoding: a G1 point is x ‖ y (32 bytes each); a G2 point over Fp2 = Fp[i]/(i² + 1) is
 * x_imaginary ‖ x_real ‖ y_imaginary ‖ y_real. All-zero coordinates are the point at infinity.
 * A coordinate ≥ p, a point off its curve or (G2) outside the order-n subgroup, or a pairing
 * input whose length is not a multiple of 192 is an exceptional failure: all gas is consumed.
 * Fixed-size inputs are right-padded with zeros.
 */
import { bn254 as curve } from '@noble/curves/bn254.js';
import type { Rules } from '../../forks/index.js';
import { bytesToUint, readPadded, uintToBytes } from './input.js';
import { charge, type Precompile } from './types.js';

const G1 = curve.G1.Point;
const G2 = curve.G2.Point;
type G1Point = InstanceType<typeof G1>;
type G2Point = InstanceType<typeof G2>;

/** The base field modulus p. */
const FIELD_MODULUS = curve.fields.Fp.ORDER;
/** The order n of G1 and G2. */
const CURVE_ORDER = curve.fields.Fr.ORDER;

const PAIR_LENGTH = 192;

export function addGas(rules: Rules): bigint {
  return rules.istanbul ? 150n : 500n; // EIP-1108
}

export function mulGas(rules: Rules): bigint {
  return rules.istanbul ? 6000n : 40000n; // EIP-1108
}

export function pairingGas(pairs: bigint, rules: Rules): bigint {
  return rules.istanbul ? 45000n + 34000n * pairs : 100000n + 80000n * pairs; // EIP-1108
}

/** 0x06: the sum of two G1 points. */
export const bn254Add: Precompile = (input, gasLimit, rules) =>
  charge(
    addGas(rules),
    gasLimit,
    () => {
      const data = readPadded(input, 0, 128);
      const p = decodeG1(data.subarray(0, 64));
      const q = decodeG1(data.subarray(64, 128));
      if (p === null || q === null) return null;
      return encodeG1(p.add(q));
    },
    'invalid bn254 point',
  );

/** 0x07: a G1 point times a 256-bit scalar. */
export const bn254Mul: Precompile = (input, gasLimit, rules) =>
  charge(
    mulGas(rules),
    gasLimit,
    () => {
      const data = readPadded(input, 0, 96);
      const p = decodeG1(data.subarray(0, 64));
      if (p === null) return null;
      // G1 has prime order n (cofactor 1), so reducing the scalar mod n does not change k·P.
      const k = bytesToUint(data.subarray(64, 96)) % CURVE_ORDER;
      return encodeG1(p.multiplyUnsafe(k));
    },
    'invalid bn254 point',
  );

/**
 * 0x08: whether e(P1, Q1) · … · e(Pk, Qk) = 1 in GT, as a 32-byte 1 or 0. The empty product is 1.
 * Gas depends only on the number of pairs, so it is charged before any point is decoded.
 */
export const bn254Pairing: Precompile = (input, gasLimit, rules) => {
  const pairCount = Math.floor(input.length / PAIR_LENGTH);
  return charge(
    pairingGas(BigInt(pairCount), rules),
    gasLimit,
    () => {
      if (input.length % PAIR_LENGTH !== 0) return null;
      const pairs: { g1: G1Point; g2: G2Point }[] = [];
      for (let i = 0; i < pairCount; i++) {
        const offset = i * PAIR_LENGTH;
        const p = decodeG1(input.subarray(offset, offset + 64));
        const q = decodeG2(input.subarray(offset + 64, offset + PAIR_LENGTH));
        if (p === null || q === null) return null;
        // e(P, ∞) = e(∞, Q) = 1 contributes nothing to the product.
        if (!p.is0() && !q.is0()) pairs.push({ g1: p, g2: q });
      }
      const product = curve.pairingBatch(pairs);
      return uintToBytes(curve.fields.Fp12.eql(product, curve.fields.Fp12.ONE) ? 1n : 0n, 32);
    },
    'invalid bn254 pairing input',
  );
};

/** A G1 point from 64 bytes, or null when a coordinate is ≥ p or the point is off the curve. */
function decodeG1(bytes: Uint8Array): G1Point | null {
  const x = bytesToUint(bytes.subarray(0, 32));
  const y = bytesToUint(bytes.subarray(32, 64));
  if (x >= FIELD_MODULUS || y >= FIELD_MODULUS) return null;
  if (x === 0n && y === 0n) return G1.ZERO;
  try {
    const point = G1.fromAffine({ x, y });
    point.assertValidity(); // on the curve (G1 is the whole curve group)
    return point;
  } catch {
    return null;
  }
}

/**
 * A G2 point from 128 bytes (imaginary part first), or null when a coordinate is ≥ p, the
 * point is off the twist curve, or it lies outside the order-n subgroup (EIP-197).
 */
function decodeG2(bytes: Uint8Array): G2Point | null {
  const xImaginary = bytesToUint(bytes.subarray(0, 32));
  const xReal = bytesToUint(bytes.subarray(32, 64));
  const yImaginary = bytesToUint(bytes.subarray(64, 96));
  const yReal = bytesToUint(bytes.subarray(96, 128));
  for (const c of [xImaginary, xReal, yImaginary, yReal]) if (c >= FIELD_MODULUS) return null;
  if (xImaginary === 0n && xReal === 0n && yImaginary === 0n && yReal === 0n) return G2.ZERO;
  try {
    const Fp2 = curve.fields.Fp2;
    const point = G2.fromAffine({ x: Fp2.fromBigTuple([xReal, xImaginary]), y: Fp2.fromBigTuple([yReal, yImaginary]) });
    point.assertValidity(); // on the curve and in the subgroup
    return point;
  } catch {
    return null;
  }
}

/** x ‖ y of a G1 point; the point at infinity encodes as 64 zero bytes. */
function encodeG1(point: G1Point): Uint8Array {
  const output = new Uint8Array(64);
  if (point.is0()) return output;
  const { x, y } = point.toAffine();
  output.set(uintToBytes(x, 32), 0);
  output.set(uintToBytes(y, 32), 32);
  return output;
}
