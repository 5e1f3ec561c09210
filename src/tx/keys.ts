import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import type { Address } from '../primitives/address.js';

/** The address of a public key (65 bytes, uncompressed): the last 20 bytes of keccak256 of x ‖ y. */
export function publicKeyToAddress(uncompressed: Uint8Array): Address {
  return bytesToHex(keccak256(uncompressed.subarray(1)).subarray(12));
}

/** The address of a secp256k1 private key. */
export function privateKeyToAddress(privateKey: Uint8Array): Address {
  return publicKeyToAddress(secp256k1.getPublicKey(privateKey, false));
}
