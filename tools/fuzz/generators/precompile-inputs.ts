/**
 * Inputs for each precompile: well-formed and valid (points on the curve, signatures that
 * verify), well-formed and invalid (off the curve, outside the subgroup, coordinates at or above
 * the modulus), and malformed (wrong lengths, bad padding, huge declared lengths).
 */
import { bn254 } from '@noble/curves/bn254.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { concatBytes } from '../../../dist/primitives/bytes.js';
import { sha256 } from '../../../dist/primitives/hash.js';
import { VERSIONED_HASH_VERSION_KZG } from '../../../dist/forks/blobs.js';
import type { Random } from '../random.js';
import { INTERESTING_WORDS } from './program.js';

export function be(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Cuts or extends an input now and then: the length rules are part of each precompile. */
function mangleLength(rng: Random, input: Uint8Array): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [80, () => input],
    [8, () => input.subarray(0, rng.int(input.length + 1))],
    [7, () => concatBytes(input, rng.bytes(1 + rng.int(40)))],
    [5, () => rng.bytes(rng.int(300))],
  ])();
}

function scalar(rng: Random, order: bigint): bigint {
  return rng.weighted<() => bigint>([
    [60, () => 1n + (rng.bigint(256) % (order - 1n))],
    [10, () => rng.pick([0n, 1n, 2n, order - 1n, order, order + 1n])],
    [10, () => rng.pick(INTERESTING_WORDS)],
    [20, () => BigInt(rng.int(1000))],
  ])();
}

// ---- secp256k1, hashes ----

function ecrecoverInput(rng: Random): Uint8Array {
  const n = secp256k1.Point.CURVE().n;
  let hash = rng.bytes(32);
  let r = rng.bigint(256);
  let s = rng.bigint(256);
  let v = BigInt(rng.pick([27, 28, 27, 28, 0, 1, 29, 255]));
  if (rng.chance(0.4)) {
    const key = secp256k1.utils.randomSecretKey(rng.bytes(48));
    const sig = secp256k1.Signature.fromBytes(secp256k1.sign(hash, key, { prehash: false, format: 'recovered' }), 'recovered');
    r = sig.r;
    s = sig.s;
    v = 27n + BigInt(sig.recovery ?? 0);
  } else if (rng.chance(0.3)) {
    r = rng.pick([0n, 1n, n - 1n, n, n + 1n, r]);
    s = rng.pick([0n, 1n, n - 1n, n, n + 1n, s]);
  }
  if (rng.chance(0.05)) v |= rng.bigint(256) << 8n;
  if (rng.chance(0.05)) hash = new Uint8Array(32);
  return mangleLength(rng, concatBytes(hash, be(v, 32), be(r, 32), be(s, 32)));
}

// ---- modexp (EIP-198, EIP-2565, EIP-7823, EIP-7883) ----

function modexpInput(rng: Random): Uint8Array {
  const length = () =>
    rng.weighted<() => number>([
      [50, () => rng.int(33)],
      [25, () => rng.int(130)],
      [10, () => rng.pick([0, 1, 32, 64, 512, 1024, 1025])],
      [15, () => -1],
    ])();
  let bl = length();
  let el = length();
  let ml = length();
  const huge = [1n << 32n, (1n << 256n) - 1n, 1n << 64n, 0x4000000n];
  const header = concatBytes(
    be(bl < 0 ? rng.pick(huge) : BigInt(bl), 32),
    be(el < 0 ? rng.pick(huge) : BigInt(el), 32),
    be(ml < 0 ? rng.pick(huge) : BigInt(ml), 32),
  );
  if (bl < 0) bl = rng.int(8);
  if (el < 0) el = rng.int(8);
  if (ml < 0) ml = rng.int(8);
  const base = rng.bytes(Math.min(bl, 300));
  const exponent = rng.chance(0.3) ? be(rng.pick([0n, 1n, 2n, 3n, 0x10001n]), Math.min(el, 300)) : rng.bytes(Math.min(el, 300));
  const modulus = rng.bytes(Math.min(ml, 300));
  if (modulus.length > 0 && rng.chance(0.2)) modulus.fill(0);
  if (modulus.length > 0 && rng.chance(0.2)) modulus[modulus.length - 1]! &= 0xfe;
  return mangleLength(rng, concatBytes(header, base, exponent, modulus));
}

const BLS_P = bls12_381.fields.Fp.ORDER;
const BLS_R = bls12_381.fields.Fr.ORDER;
const fp = (v: bigint) => be(v, 64);
const BN_P = bn254.fields.Fp.ORDER;
const BN_N = bn254.fields.Fr.ORDER;

// ---- valid points, made once ----

interface Pools {
  bnG1: Uint8Array[];
  bnG2: Uint8Array[];
  bnPairings: Uint8Array[];
  blsG1: Uint8Array[];
  blsG2: Uint8Array[];
}

let pointPools: Pools | undefined;

/**
 * Valid curve points are slow to make (a scalar multiplication each), so a few are made once,
 * from fixed scalars, and cases pick among them: still reproducible from the seed.
 */
function pools(): Pools {
  if (pointPools) return pointPools;
  const scalars = Array.from({ length: 12 }, (_, i) => BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc835n + BigInt(i));
  const bnG2 = (q: ReturnType<typeof bn254.G2.Point.BASE.toAffine>) =>
    concatBytes(be(q.x.c1, 32), be(q.x.c0, 32), be(q.y.c1, 32), be(q.y.c0, 32));
  pointPools = {
    bnG1: scalars.map((k) => {
      const p = bn254.G1.Point.BASE.multiply(k % BN_N).toAffine();
      return concatBytes(be(p.x, 32), be(p.y, 32));
    }),
    bnG2: scalars.slice(0, 6).map((k) => bnG2(bn254.G2.Point.BASE.multiply(k % BN_N).toAffine())),
    bnPairings: scalars.slice(0, 3).map((k, i) => {
      const a = k % BN_N;
      const b = scalars[i + 3]! % BN_N;
      const p1 = bn254.G1.Point.BASE.multiply(a).toAffine();
      const p2 = bn254.G1.Point.BASE.multiply((a * b) % BN_N)
        .negate()
        .toAffine();
      return concatBytes(
        be(p1.x, 32),
        be(p1.y, 32),
        bnG2(bn254.G2.Point.BASE.multiply(b).toAffine()),
        be(p2.x, 32),
        be(p2.y, 32),
        bnG2(bn254.G2.Point.BASE.toAffine()),
      );
    }),
    blsG1: scalars.map((k) => {
      const p = bls12_381.G1.Point.BASE.multiply(k % BLS_R).toAffine();
      return concatBytes(fp(p.x), fp(p.y));
    }),
    blsG2: scalars.slice(0, 6).map((k) => {
      const p = bls12_381.G2.Point.BASE.multiply(k % BLS_R).toAffine();
      return concatBytes(fp(p.x.c0), fp(p.x.c1), fp(p.y.c0), fp(p.y.c1));
    }),
  };
  return pointPools;
}

// ---- bn254 (EIP-196, EIP-197) ----

function bnG1(rng: Random): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [60, () => rng.pick(pools().bnG1)],
    [10, () => new Uint8Array(64)],
    [10, () => concatBytes(be(1n, 32), be(rng.pick([2n, 3n]), 32))],
    [10, () => rng.bytes(64)],
    [10, () => concatBytes(be(BN_P + BigInt(rng.int(3)), 32), be(2n, 32))],
  ])();
}

function bnG2(rng: Random): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [70, () => rng.pick(pools().bnG2)],
    [10, () => new Uint8Array(128)],
    [20, () => rng.bytes(128)],
  ])();
}

function bnPairingInput(rng: Random): Uint8Array {
  if (rng.chance(0.3)) {
    // e(aP, bQ) · e(-abP, Q) = 1: a pairing that checks out.
    return rng.pick(pools().bnPairings);
  }
  const pairs = rng.int(4);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < pairs; i++) parts.push(bnG1(rng), bnG2(rng));
  return mangleLength(rng, concatBytes(...parts));
}

// ---- blake2f (EIP-152) ----

function blake2fInput(rng: Random): Uint8Array {
  const rounds = rng.weighted<() => number>([
    [70, () => rng.int(25)],
    [20, () => rng.int(2000)],
    [10, () => rng.pick([0xffffffff, 100_000])],
  ])();
  const f = rng.weighted([
    [45, 1],
    [45, 0],
    [10, rng.int(256)],
  ]);
  return mangleLength(rng, concatBytes(be(BigInt(rounds), 4), rng.bytes(64), rng.bytes(128), rng.bytes(16), Uint8Array.of(f)));
}

// ---- point evaluation (EIP-4844) ----

function pointEvaluationInput(rng: Random): Uint8Array {
  const commitment = rng.chance(0.3) ? concatBytes(Uint8Array.of(0xc0), new Uint8Array(47)) : rng.bytes(48);
  const hash = sha256(commitment);
  if (rng.chance(0.7)) hash[0] = VERSIONED_HASH_VERSION_KZG;
  const z = rng.chance(0.5) ? new Uint8Array(32) : rng.bytes(32);
  const y = rng.chance(0.5) ? new Uint8Array(32) : rng.bytes(32);
  const proof = rng.chance(0.3) ? concatBytes(Uint8Array.of(0xc0), new Uint8Array(47)) : rng.bytes(48);
  return mangleLength(rng, concatBytes(hash, z, y, commitment, proof));
}

// ---- BLS12-381 (EIP-2537) ----

function blsG1(rng: Random): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [55, () => rng.pick(pools().blsG1)],
    [10, () => new Uint8Array(128)],
    [
      10,
      () => {
        // On the curve, (almost surely) not in the subgroup.
        const F = bls12_381.fields.Fp;
        for (;;) {
          const x = rng.bigint(384) % BLS_P;
          const y2 = F.add(F.mul(F.mul(x, x), x), 4n);
          try {
            const y = F.sqrt(y2);
            return concatBytes(fp(x), fp(y));
          } catch {
            continue;
          }
        }
      },
    ],
    [10, () => concatBytes(fp(rng.bigint(384) % BLS_P), fp(rng.bigint(384) % BLS_P))],
    [8, () => concatBytes(fp(BLS_P + BigInt(rng.int(2))), fp(1n))],
    [7, () => rng.bytes(128)],
  ])();
}

function blsG2(rng: Random): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [70, () => rng.pick(pools().blsG2)],
    [10, () => new Uint8Array(256)],
    [10, () => concatBytes(fp(rng.bigint(380)), fp(rng.bigint(380)), fp(rng.bigint(380)), fp(rng.bigint(380)))],
    [10, () => rng.bytes(256)],
  ])();
}

function blsInput(rng: Random, address: number): Uint8Array {
  const sc = () => be(scalar(rng, BLS_R), 32);
  switch (address) {
    case 0x0b:
      return mangleLength(rng, concatBytes(blsG1(rng), blsG1(rng)));
    case 0x0c: {
      const parts: Uint8Array[] = [];
      for (let i = rng.int(5); i >= 0; i--) parts.push(blsG1(rng), sc());
      return mangleLength(rng, concatBytes(...parts));
    }
    case 0x0d:
      return mangleLength(rng, concatBytes(blsG2(rng), blsG2(rng)));
    case 0x0e: {
      const parts: Uint8Array[] = [];
      for (let i = rng.int(4); i >= 0; i--) parts.push(blsG2(rng), sc());
      return mangleLength(rng, concatBytes(...parts));
    }
    case 0x0f: {
      const parts: Uint8Array[] = [];
      for (let i = rng.int(3); i >= 0; i--) parts.push(blsG1(rng), blsG2(rng));
      return mangleLength(rng, concatBytes(...parts));
    }
    case 0x10:
      return mangleLength(rng, fp(rng.chance(0.8) ? rng.bigint(384) % BLS_P : BLS_P + BigInt(rng.int(3))));
    default:
      return mangleLength(rng, concatBytes(fp(rng.bigint(384) % BLS_P), fp(rng.chance(0.9) ? rng.bigint(384) % BLS_P : BLS_P)));
  }
}

// ---- P256VERIFY (EIP-7951) ----

function p256Input(rng: Random): Uint8Array {
  const n = p256.Point.CURVE().n;
  const key = p256.utils.randomSecretKey(rng.bytes(48));
  const hash = rng.bytes(32);
  const sig = p256.Signature.fromBytes(p256.sign(hash, key, { prehash: false }));
  const pub = p256.getPublicKey(key, false);
  let r = sig.r;
  let s = sig.s;
  let qx = pub.subarray(1, 33);
  let qy = pub.subarray(33, 65);
  rng.weighted<() => void>([
    [50, () => undefined],
    [10, () => (r = rng.pick([0n, n, n + 1n, r ^ 1n]))],
    [10, () => (s = rng.pick([0n, n, n - s, s ^ 1n]))],
    [10, () => (qx = rng.bytes(32))],
    [10, () => (qy = new Uint8Array(32))],
    [10, () => (hash[0]! ^= 1)],
  ])();
  return mangleLength(rng, concatBytes(hash, be(r, 32), be(s, 32), qx, qy));
}

/** An input for the precompile at `address` (its number). */
export function precompileInput(rng: Random, address: number): Uint8Array {
  switch (address) {
    case 1:
      return ecrecoverInput(rng);
    case 2:
    case 3:
    case 4:
      return rng.bytes(
        rng.weighted([
          [70, rng.int(100)],
          [30, rng.int(1000)],
        ]),
      );
    case 5:
      return modexpInput(rng);
    case 6:
      return mangleLength(rng, concatBytes(bnG1(rng), bnG1(rng)));
    case 7:
      return mangleLength(rng, concatBytes(bnG1(rng), be(scalar(rng, BN_N), 32)));
    case 8:
      return bnPairingInput(rng);
    case 9:
      return blake2fInput(rng);
    case 0x0a:
      return pointEvaluationInput(rng);
    case 0x100:
      return p256Input(rng);
    default:
      return blsInput(rng, address);
  }
}
