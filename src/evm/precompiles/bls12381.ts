/**
 * EIP-2537 (Prague): BLS12-381 precompiles at 0x0b-0x11.
 *
 * Every rejected input (bad length, coordinate not below p, point off its curve, MSM or pairing
 * point outside the r-order subgroup) is an exceptional failure that consumes all gas.
 * Scalars are 32-byte integers taken as they are; since MSM points are checked to lie in the
 * subgroup of order r, reducing a scalar mod r does not change the product.
 */
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { Fp2 } from '@noble/curves/abstract/tower.js';
import { charge, type Precompile, type PrecompileResult } from './types.js';
import {
  FP_LENGTH,
  G1,
  G1_LENGTH,
  G2,
  G2_LENGTH,
  SCALAR_LENGTH,
  SUBGROUP_ORDER,
  decodeFp,
  decodeFp2,
  decodeG1,
  decodeG2,
  encodeG1,
  encodeG2,
  readUint,
  type G1Point,
  type G2Point,
} from './bls12381-codec.js';
import { G1_MSM_DISCOUNT, G1_MSM_MAX_DISCOUNT, G2_MSM_DISCOUNT, G2_MSM_MAX_DISCOUNT } from './bls12381-gas.js';

export const G1_ADD_GAS = 375n;
export const G1_MUL_GAS = 12000n;
export const G2_ADD_GAS = 600n;
export const G2_MUL_GAS = 22500n;
export const PAIRING_BASE_GAS = 37700n;
export const PAIRING_PER_PAIR_GAS = 32600n;
export const MAP_FP_TO_G1_GAS = 5500n;
export const MAP_FP2_TO_G2_GAS = 23800n;

const G1_MSM_PAIR_LENGTH = G1_LENGTH + SCALAR_LENGTH; // 160
const G2_MSM_PAIR_LENGTH = G2_LENGTH + SCALAR_LENGTH; // 288
const PAIRING_PAIR_LENGTH = G1_LENGTH + G2_LENGTH; // 384

/** EIP-2537 MSM price: k·mulCost·discount(k)/1000, the discount fixed past k = 128. */
function msmGas(k: number, mulCost: bigint, table: readonly number[], maxDiscount: number): bigint {
  const discount = k <= table.length ? table[k - 1]! : maxDiscount;
  return (BigInt(k) * mulCost * BigInt(discount)) / 1000n;
}

export function g1MsmGas(k: number): bigint {
  return msmGas(k, G1_MUL_GAS, G1_MSM_DISCOUNT, G1_MSM_MAX_DISCOUNT);
}

export function g2MsmGas(k: number): bigint {
  return msmGas(k, G2_MUL_GAS, G2_MSM_DISCOUNT, G2_MSM_MAX_DISCOUNT);
}

export function pairingGas(k: number): bigint {
  return PAIRING_BASE_GAS + PAIRING_PER_PAIR_GAS * BigInt(k);
}

function invalid(reason: string): PrecompileResult {
  return { ok: false, reason };
}

/** On the curve and in the r-order subgroup (infinity included). noble caches the positive answer. */
function inSubgroup(point: G1Point | G2Point): boolean {
  try {
    point.assertValidity();
    return true;
  } catch {
    return false;
  }
}

/**
 * Σ scalars[i]·points[i] over non-zero terms. Measured with noble 2.4: interleaved wNAF
 * (Strauss) beats Pippenger up to about 200 terms in both groups; Pippenger wins beyond.
 */
const PIPPENGER_THRESHOLD = 192;

function multiScalarMul<P extends G1Point | G2Point>(Point: typeof G1 | typeof G2, points: P[], scalars: bigint[]): P {
  const C = Point as typeof G1;
  const terms = points as G1Point[];
  if (terms.length === 0) return C.ZERO as P;
  if (terms.length === 1) return terms[0]!.multiplyUnsafe(scalars[0]!) as P;
  if (terms.length < PIPPENGER_THRESHOLD) return mulAddUnsafe(C, terms, scalars) as P;
  return pippenger(C, terms, scalars) as P;
}

export const g1Add: Precompile = (input, gasLimit) => {
  if (input.length !== 2 * G1_LENGTH) return invalid('G1ADD input must be 256 bytes');
  return charge(
    G1_ADD_GAS,
    gasLimit,
    () => {
      const a = decodeG1(input, 0);
      const b = a && decodeG1(input, G1_LENGTH);
      if (!a || !b) return null;
      return encodeG1(a.add(b));
    },
    'invalid G1 point',
  );
};

export const g2Add: Precompile = (input, gasLimit) => {
  if (input.length !== 2 * G2_LENGTH) return invalid('G2ADD input must be 512 bytes');
  return charge(
    G2_ADD_GAS,
    gasLimit,
    () => {
      const a = decodeG2(input, 0);
      const b = a && decodeG2(input, G2_LENGTH);
      if (!a || !b) return null;
      return encodeG2(a.add(b));
    },
    'invalid G2 point',
  );
};

export const g1Msm: Precompile = (input, gasLimit) => {
  if (input.length === 0 || input.length % G1_MSM_PAIR_LENGTH !== 0) {
    return invalid('G1MSM input must be a non-empty multiple of 160 bytes');
  }
  const k = input.length / G1_MSM_PAIR_LENGTH;
  return charge(
    g1MsmGas(k),
    gasLimit,
    () => {
      const points: G1Point[] = [];
      const scalars: bigint[] = [];
      for (let offset = 0; offset < input.length; offset += G1_MSM_PAIR_LENGTH) {
        const point = decodeG1(input, offset);
        if (!point || !inSubgroup(point)) return null;
        const scalar = readUint(input, offset + G1_LENGTH, SCALAR_LENGTH) % SUBGROUP_ORDER;
        if (scalar === 0n || point.is0()) continue;
        points.push(point);
        scalars.push(scalar);
      }
      return encodeG1(multiScalarMul(G1, points, scalars));
    },
    'invalid G1 point',
  );
};

export const g2Msm: Precompile = (input, gasLimit) => {
  if (input.length === 0 || input.length % G2_MSM_PAIR_LENGTH !== 0) {
    return invalid('G2MSM input must be a non-empty multiple of 288 bytes');
  }
  const k = input.length / G2_MSM_PAIR_LENGTH;
  return charge(
    g2MsmGas(k),
    gasLimit,
    () => {
      const points: G2Point[] = [];
      const scalars: bigint[] = [];
      for (let offset = 0; offset < input.length; offset += G2_MSM_PAIR_LENGTH) {
        const point = decodeG2(input, offset);
        if (!point || !inSubgroup(point)) return null;
        const scalar = readUint(input, offset + G2_LENGTH, SCALAR_LENGTH) % SUBGROUP_ORDER;
        if (scalar === 0n || point.is0()) continue;
        points.push(point);
        scalars.push(scalar);
      }
      return encodeG2(multiScalarMul(G2, points, scalars));
    },
    'invalid G2 point',
  );
};

export const pairingCheck: Precompile = (input, gasLimit) => {
  if (input.length === 0 || input.length % PAIRING_PAIR_LENGTH !== 0) {
    return invalid('pairing input must be a non-empty multiple of 384 bytes');
  }
  const k = input.length / PAIRING_PAIR_LENGTH;
  return charge(
    pairingGas(k),
    gasLimit,
    () => {
      const pairs: { g1: G1Point; g2: G2Point }[] = [];
      for (let offset = 0; offset < input.length; offset += PAIRING_PAIR_LENGTH) {
        const g1 = decodeG1(input, offset);
        if (!g1 || !inSubgroup(g1)) return null;
        const g2 = decodeG2(input, offset + G1_LENGTH);
        if (!g2 || !inSubgroup(g2)) return null;
        // e(O, Q) = e(P, O) = 1: such a pair leaves the product unchanged.
        if (g1.is0() || g2.is0()) continue;
        pairs.push({ g1, g2 });
      }
      const { Fp12 } = bls12_381.fields;
      const product = bls12_381.pairingBatch(pairs);
      const out = new Uint8Array(32);
      if (Fp12.eql(product, Fp12.ONE)) out[31] = 1;
      return out;
    },
    'invalid pairing input',
  );
};

// noble's hashers expose RFC 9380 map_to_curve followed by clear_cofactor, without hashing:
// the G1 one (m = 1) takes one field element, the G2 one (m = 2) takes [c0, c1].
const mapToG1 = bls12_381.G1.mapToCurve as unknown as (u: bigint) => G1Point;
const mapToG2 = bls12_381.G2.mapToCurve as unknown as (u: bigint[]) => G2Point;

export const mapFpToG1: Precompile = (input, gasLimit) => {
  if (input.length !== FP_LENGTH) return invalid('MAP_FP_TO_G1 input must be 64 bytes');
  return charge(
    MAP_FP_TO_G1_GAS,
    gasLimit,
    () => {
      const u = decodeFp(input, 0);
      if (u === null) return null;
      return encodeG1(mapToG1(u));
    },
    'invalid field element',
  );
};

export const mapFp2ToG2: Precompile = (input, gasLimit) => {
  if (input.length !== 2 * FP_LENGTH) return invalid('MAP_FP2_TO_G2 input must be 128 bytes');
  return charge(
    MAP_FP2_TO_G2_GAS,
    gasLimit,
    () => {
      const u: Fp2 | null = decodeFp2(input, 0);
      if (u === null) return null;
      return encodeG2(mapToG2([u.c0, u.c1]));
    },
    'invalid field element',
  );
};
