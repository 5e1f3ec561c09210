/**
 * Who signed: recovering the sender of a transaction and the authority of an EIP-7702
 * authorization, and signing both (for tests, the dev node and tools).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { addressToBytes, type Address } from '../primitives/address.js';
import { bigintToBytes, concatBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { rlpEncode } from '../primitives/rlp.js';
import type { Rules } from '../forks/index.js';
import { signingHash } from './encode.js';
import { invalidTransaction } from './errors.js';
import type { Authorization, Transaction } from './types.js';
import { signHashPublicKey, type KnownSigners } from './signers.js';
import { publicKeyToAddress } from './keys.js';

/** The order n of the secp256k1 group. */
export const SECP256K1N = secp256k1.Point.CURVE().n;
const SECP256K1N_HALF = SECP256K1N / 2n;

/** EIP-7702: the prefix of an authorization's signed message. */
const SET_CODE_MAGIC = 0x05;

/**
 * The sender of a signed transaction. r and s must lie in [1, n), and from Homestead s ≤ n/2
 * (EIP-2). Legacy v is 27/28, or 35/36 + 2·chainId from EIP-155; typed transactions carry a
 * y-parity of 0 or 1. Whether the chain id is the right one is `validateTransactionStatic`'s call.
 */
export function recoverSender(tx: Transaction, rules: Rules, signers?: KnownSigners): Address {
  if (tx.r <= 0n || tx.r >= SECP256K1N) throw invalidTransaction('INVALID_SIGNATURE_VRS', 'r is out of range');
  const sMax = rules.homestead ? SECP256K1N_HALF : SECP256K1N - 1n;
  if (tx.s <= 0n || tx.s > sMax) throw invalidTransaction('INVALID_SIGNATURE_VRS', 's is out of range');
  const yParity = tx.type === 0 ? legacyYParity(tx, rules) : typedYParity(tx);
  const hash = signingHash(tx);
  if (signers) {
    const known = signers.recover(hash, tx.r, tx.s, yParity);
    if (known !== undefined) return known;
  }
  const sender = recoverAddress(hash, tx.r, tx.s, yParity);
  if (sender === undefined) throw invalidTransaction('EC_RECOVERY_FAIL', 'no public key recovers from the signature');
  signers?.noteSigner(sender);
  return sender;
}

function legacyYParity(tx: Transaction, rules: Rules): number {
  const v = tx.v;
  if (v === 27n || v === 28n) {
    if (tx.chainId !== undefined) throw invalidTransaction('INVALID_SIGNATURE_VRS', 'v = 27/28 but a chain id is set');
    return Number(v - 27n);
  }
  if (rules.eip155 && v >= 35n) {
    if (tx.chainId !== (v - 35n) >> 1n) throw invalidTransaction('INVALID_CHAINID', 'v does not match the chain id');
    return Number((v - 35n) & 1n);
  }
  throw invalidTransaction('INVALID_SIGNATURE_VRS', `v = ${v} is not a valid legacy v at ${rules.name}`);
}

function typedYParity(tx: Transaction): number {
  if (tx.v !== 0n && tx.v !== 1n) throw invalidTransaction('INVALID_SIGNATURE_VRS', `y-parity ${tx.v} is not 0 or 1`);
  return Number(tx.v);
}

export interface SignOptions {
  /**
   * The key is public (a dev account of the test mnemonic): sign without side-channel
   * protection, about twice as fast, with the same deterministic signature (see signers.ts).
   */
  keyIsPublic?: boolean;
}

/** Signs the transaction: sets v (per its type, EIP-155 when a legacy one has a chain id), r, s. */
export function signTransaction(tx: Transaction, privateKey: Uint8Array, options: SignOptions = {}): Transaction {
  const hash = signingHash(tx);
  const { r, s, yParity } = (options.keyIsPublic ? signHashPublicKey(hash, privateKey) : undefined) ?? signHash(hash, privateKey);
  let v = yParity;
  if (tx.type === 0) v += tx.chainId === undefined ? 27n : 35n + 2n * tx.chainId;
  return { ...tx, v, r, s };
}

/** EIP-7702: keccak(0x05 ‖ rlp([chainId, address, nonce])). */
export function authorizationSigningHash(auth: Pick<Authorization, 'chainId' | 'address' | 'nonce'>): Uint8Array {
  const fields = [bigintToBytes(auth.chainId), addressToBytes(auth.address), bigintToBytes(auth.nonce)];
  return keccak256(concatBytes(Uint8Array.of(SET_CODE_MAGIC), rlpEncode(fields)));
}

/**
 * The account that signed an EIP-7702 authorization, or undefined when the signature is invalid
 * (y-parity not 0/1, r outside [1, n), s outside [1, n/2], or nothing recovers): the caller
 * then skips the authorization. Chain id and nonce are the caller's to check.
 */
export function recoverAuthority(auth: Authorization): Address | undefined {
  if (auth.yParity !== 0n && auth.yParity !== 1n) return undefined;
  if (auth.r <= 0n || auth.r >= SECP256K1N) return undefined;
  if (auth.s <= 0n || auth.s > SECP256K1N_HALF) return undefined;
  return recoverAddress(authorizationSigningHash(auth), auth.r, auth.s, Number(auth.yParity));
}

/** Signs an EIP-7702 authorization. */
export function signAuthorization(auth: Pick<Authorization, 'chainId' | 'address' | 'nonce'>, privateKey: Uint8Array): Authorization {
  const { r, s, yParity } = signHash(authorizationSigningHash(auth), privateKey);
  return { chainId: auth.chainId, address: auth.address, nonce: auth.nonce, yParity, r, s };
}

/** The address whose key signed `hash`, or undefined when no valid public key recovers. */
function recoverAddress(hash: Uint8Array, r: bigint, s: bigint, yParity: number): Address | undefined {
  try {
    const point = new secp256k1.Signature(r, s, yParity).recoverPublicKey(hash);
    if (point.is0()) return undefined;
    return publicKeyToAddress(point.toBytes(false));
  } catch {
    // r is not the x-coordinate of a curve point, or the result is the point at infinity.
    return undefined;
  }
}

/** A deterministic (RFC 6979) low-s signature of a 32-byte hash. */
function signHash(hash: Uint8Array, privateKey: Uint8Array): { r: bigint; s: bigint; yParity: bigint } {
  const bytes = secp256k1.sign(hash, privateKey, { prehash: false, lowS: true, format: 'recovered' });
  const signature = secp256k1.Signature.fromBytes(bytes, 'recovered');
  return { r: signature.r, s: signature.s, yParity: BigInt(signature.recovery!) };
}
