/**
 * Known signers: keys whose owner is public anyway (a dev chain's accounts, derived from the
 * well-known test mnemonic and printed at start), for which signing and recovering can skip
 * the expensive parts of the general algorithms.
 *
 * - Signing uses RFC 6979 nonces like `signTransaction`, so the signatures are the same bytes,
 *   but multiplies the generator without the constant-time blinding that protects a secret
 *   key from timing attacks. That is only sound for keys that are not secret.
 * - Recovery of a general signature multiplies a point that is new each time (R), about 1 ms in
 *   @noble/curves. For a signature by a known key Q the check R = (z/s)·G + (r/s)·Q uses two
 *   points with precomputed tables instead, about a third of that. The most recently matched
 *   signer is tried first; when it is not the signer, the caller recovers as usual.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Address } from '../primitives/address.js';
import { bigintToFixedBytes, bytesToBigint, concatBytes } from '../primitives/bytes.js';
import { publicKeyToAddress } from './keys.js';

type Point = typeof secp256k1.Point.BASE;

const Point = secp256k1.Point;
const Fn = Point.Fn;
const N = Fn.ORDER;
const HALF_N = N / 2n;

interface KnownSigner {
  address: Address;
  privateKey: Uint8Array;
  /** The public point with its multiplication table, built on the first check. */
  point: Point | undefined;
}

export interface RecoverableSignature {
  r: bigint;
  s: bigint;
  yParity: bigint;
}

/** The RFC 6979 (HMAC-SHA256) nonce candidates for key `d` and hash `hash`, in order. */
function* rfc6979Nonces(d: bigint, hash: Uint8Array): Generator<bigint> {
  const x = bigintToFixedBytes(d, 32);
  const h1 = bigintToFixedBytes(bytesToBigint(hash) % N, 32);
  let v: Uint8Array = new Uint8Array(32).fill(1);
  let k: Uint8Array = new Uint8Array(32);
  k = hmac(sha256, k, concatBytes(v, Uint8Array.of(0), x, h1));
  v = hmac(sha256, k, v);
  k = hmac(sha256, k, concatBytes(v, Uint8Array.of(1), x, h1));
  v = hmac(sha256, k, v);
  for (;;) {
    v = hmac(sha256, k, v);
    const candidate = bytesToBigint(v);
    if (candidate >= 1n && candidate < N) yield candidate;
    k = hmac(sha256, k, concatBytes(v, Uint8Array.of(0)));
    v = hmac(sha256, k, v);
  }
}

/**
 * A deterministic (RFC 6979) low-s ECDSA signature of a 32-byte hash, computed without
 * side-channel protection: only for keys that are public. Returns undefined in the
 * (probability 2^-128) case of an R whose x-coordinate is not below n, which Ethereum's
 * y-parity cannot express; the caller then signs the general way.
 */
export function signHashPublicKey(hash: Uint8Array, privateKey: Uint8Array): RecoverableSignature | undefined {
  const d = bytesToBigint(privateKey);
  if (d <= 0n || d >= N) throw new RangeError('private key out of range');
  const z = bytesToBigint(hash) % N;
  for (const k of rfc6979Nonces(d, hash)) {
    const R = Point.BASE.multiplyUnsafe(k).toAffine();
    if (R.x >= N) return undefined;
    const r = R.x;
    if (r === 0n) continue;
    let s = Fn.create(Fn.inv(k) * Fn.create(z + r * d));
    if (s === 0n) continue;
    let yParity = R.y & 1n;
    if (s > HALF_N) {
      s = N - s;
      yParity ^= 1n;
    }
    return { r, s, yParity };
  }
  /* c8 ignore next */
  throw new Error('unreachable');
}

export class KnownSigners {
  readonly #byAddress = new Map<Address, KnownSigner>();
  #recent: KnownSigner | undefined;

  /**
   * Registers a key. Its public point and multiplication table are built on first use; given
   * the key's address (known already), nothing is computed now.
   */
  add(privateKey: Uint8Array, address?: Address): Address {
    let point: Point | undefined;
    if (address === undefined) {
      point = Point.BASE.multiply(bytesToBigint(privateKey));
      address = publicKeyToAddress(point.toBytes(false));
    }
    if (!this.#byAddress.has(address)) this.#byAddress.set(address, { address, privateKey, point: point?.precompute(8) });
    return address;
  }

  has(address: Address): boolean {
    return this.#byAddress.has(address);
  }

  /** Records that `address` signed something, so its signatures are tried first. */
  noteSigner(address: Address): void {
    const signer = this.#byAddress.get(address);
    if (signer) this.#recent = signer;
  }

  /**
   * The known signer of `hash` (r, s in [1, n), y-parity 0 or 1), or undefined when the likely
   * candidate did not sign it (which does not mean the signature is invalid). A match is exact:
   * R' = (z/s)·G + (r/s)·Q equal to the R that r and the y-parity name means Q is the key that
   * recovery would return.
   */
  recover(hash: Uint8Array, r: bigint, s: bigint, yParity: number): Address | undefined {
    const signer = this.#recent;
    if (signer === undefined) return undefined;
    const w = Fn.inv(s);
    const u1 = Fn.create((bytesToBigint(hash) % N) * w);
    const u2 = Fn.create(r * w);
    signer.point ??= Point.BASE.multiply(bytesToBigint(signer.privateKey)).precompute(8);
    const sum = (u1 === 0n ? Point.ZERO : Point.BASE.multiplyUnsafe(u1)).add(signer.point.multiplyUnsafe(u2));
    if (sum.is0()) return undefined;
    const R = sum.toAffine();
    return R.x === r && Number(R.y & 1n) === yParity ? signer.address : undefined;
  }
}
