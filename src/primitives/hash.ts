/**
 * Hash functions: keccak256 our own one-shot implementation (keccak.ts), tested against
 * @noble/hashes; SHA-256 and RIPEMD-160 from @noble/hashes (audited, pure JavaScript), or from
 * Node.js's OpenSSL where polyvm runs on Node.js: the same digests, from about 1.3 µs instead of
 * 1.6 µs for 32 bytes to 36 µs instead of 300 µs for 50 kB (a precompile called 50,000 times on
 * 50 kB of memory is one of the official state tests). Each native function is checked against
 * the pure one before it is used, and any failure leaves the pure one in place.
 */
import { keccak256 as keccak } from './keccak.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { ripemd160 as nobleRipemd160 } from '@noble/hashes/legacy.js';
import { bytesToHex, EMPTY_BYTES } from './bytes.js';
import { nodeBuiltin } from './node-require.js';

type Digest = (data: Uint8Array) => Uint8Array;

interface NodeCrypto {
  hash?: (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Uint8Array;
  createHash: (algorithm: string) => { update(data: Uint8Array): { digest(): Uint8Array } };
}

/** Node.js's digest `algorithm` when it gives `pure`'s results, else `pure`. */
function nativeOr(algorithm: string, pure: Digest): Digest {
  const crypto = nodeBuiltin<NodeCrypto>('node:crypto');
  if (crypto === undefined) return pure;
  const oneShot = crypto.hash;
  const raw: Digest =
    typeof oneShot === 'function'
      ? (data) => oneShot(algorithm, data, 'buffer')
      : (data) => crypto.createHash(algorithm).update(data).digest();
  // A copy into a plain Uint8Array: Node's Buffer may be a view of a shared pool.
  const native: Digest = (data) => new Uint8Array(raw(data));
  try {
    const probe = Uint8Array.from({ length: 200 }, (_, i) => (i * 7 + 3) & 0xff);
    for (const input of [EMPTY_BYTES, probe.subarray(0, 55), probe]) {
      if (bytesToHex(native(input)) !== bytesToHex(pure(input))) return pure;
    }
  } catch {
    // OpenSSL without the algorithm (RIPEMD-160 lives in OpenSSL 3's legacy provider).
    return pure;
  }
  return native;
}

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak(data);
}

/**
 * `nativeOr`, chosen on the first call: loading node:crypto at start-up cost a dev node's first
 * answer tens of milliseconds, for digests most sessions never take.
 */
function chosenOnFirstUse(algorithm: string, pure: Digest): Digest {
  let chosen: Digest | undefined;
  return (data) => (chosen ??= nativeOr(algorithm, pure))(data);
}

export const sha256: Digest = chosenOnFirstUse('sha256', (data) => nobleSha256(data));

export const ripemd160: Digest = chosenOnFirstUse('ripemd160', (data) => nobleRipemd160(data));

/** keccak256 of the empty string: the code hash of an account without code. */
export const KECCAK256_EMPTY = keccak256(EMPTY_BYTES);
export const KECCAK256_EMPTY_HEX = bytesToHex(KECCAK256_EMPTY);
