import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import type { Address } from '../primitives/address.js';

/** The address of a secp256k1 private key: the last 20 bytes of keccak256 of the public key. */
export function privateKeyToAddress(privateKey: Uint8Array): Address {
  const publicKey = secp256k1.getPublicKey(privateKey, false);
  return bytesToHex(keccak256(publicKey.subarray(1)).subarray(12));
}
