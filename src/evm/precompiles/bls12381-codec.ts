/**
 * EIP-2537 encodings of BLS12-381 field elements and points, over @noble/curves.
 *
 * A base field element is 64 big-endian bytes whose value must be below p (so its top 16 bytes are
 * zero). An Fp2 element is c0 then c1. A G1 point is x then y (128 bytes), a G2 point is x then y
 * as Fp2 (256 bytes); all zero bytes encode the point at infinity. Decoding checks that a point is
 * on its curve; subgroup membership is a separate check, required only by MSM and pairing.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import type { Fp2 } from '@noble/curves/abstract/tower.js';

export type G1Point = WeierstrassPoint<bigint>;
export type G2Point = WeierstrassPoint<Fp2>;

export const G1 = bls12_381.G1.Point;
export const G2 = bls12_381.G2.Point;
export const Fp = bls12_381.fields.Fp;
export const Fp2Field = bls12_381.fields.Fp2;
/** Order r of G1 and G2. */
export const SUBGROUP_ORDER = bls12_381.fields.Fr.ORDER;

const P = Fp.ORDER;
const G1_B = G1.CURVE().b; // y² = x³ + 4
const G2_B = G2.CURVE().b; // y² = x³ + 4(1 + i)

export const FP_LENGTH = 64;
export const G1_LENGTH = 128;
export const G2_LENGTH = 256;
export const SCALAR_LENGTH = 32;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Unsigned big-endian integer of `input[offset, offset + length)`. */
export function readUint(input: Uint8Array, offset: number, length: number): bigint {
  let hex = '0x0';
  for (let i = offset; i < offset + length; i++) hex += HEX[input[i]!]!;
  return BigInt(hex);
}

function writeUint(out: Uint8Array, offset: number, length: number, value: bigint): void {
  let v = value;
  for (let i = offset + length - 1; i >= offset && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** A base field element, or null when it is not below p. */
export function decodeFp(input: Uint8Array, offset: number): bigint | null {
  const value = readUint(input, offset, FP_LENGTH);
  return value < P ? value : null;
}

export function decodeFp2(input: Uint8Array, offset: number): Fp2 | null {
  const c0 = decodeFp(input, offset);
  if (c0 === null) return null;
  const c1 = decodeFp(input, offset + FP_LENGTH);
  if (c1 === null) return null;
  return { c0, c1 };
}

/** A G1 point on the curve (not necessarily in the subgroup), or null for invalid encodings. */
export function decodeG1(input: Uint8Array, offset: number): G1Point | null {
  const x = decodeFp(input, offset);
  if (x === null) return null;
  const y = decodeFp(input, offset + FP_LENGTH);
  if (y === null) return null;
  if (x === 0n && y === 0n) return G1.ZERO;
  const lhs = Fp.sqr(y);
  const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), G1_B);
  if (!Fp.eql(lhs, rhs)) return null;
  return G1.fromAffine({ x, y });
}

/** A G2 point on the twist curve (not necessarily in the subgroup), or null. */
export function decodeG2(input: Uint8Array, offset: number): G2Point | null {
  const x = decodeFp2(input, offset);
  if (x === null) return null;
  const y = decodeFp2(input, offset + 2 * FP_LENGTH);
  if (y === null) return null;
  if (Fp2Field.is0(x) && Fp2Field.is0(y)) return G2.ZERO;
  const lhs = Fp2Field.sqr(y);
  const rhs = Fp2Field.add(Fp2Field.mul(Fp2Field.sqr(x), x), G2_B);
  if (!Fp2Field.eql(lhs, rhs)) return null;
  return G2.fromAffine({ x, y });
}

export function encodeG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(G1_LENGTH);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  writeUint(out, 0, FP_LENGTH, x);
  writeUint(out, FP_LENGTH, FP_LENGTH, y);
  return out;
}

export function encodeG2(point: G2Point): Uint8Array {
  const out = new Uint8Array(G2_LENGTH);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  writeUint(out, 0, FP_LENGTH, x.c0);
  writeUint(out, FP_LENGTH, FP_LENGTH, x.c1);
  writeUint(out, 2 * FP_LENGTH, FP_LENGTH, y.c0);
  writeUint(out, 3 * FP_LENGTH, FP_LENGTH, y.c1);
  return out;
}
