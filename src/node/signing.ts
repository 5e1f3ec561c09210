/**
 * Signatures the node makes for dev accounts: transactions (through tx/), EIP-191 personal
 * messages and EIP-712 typed data, and the placeholder signature of an impersonated sender.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Address } from '../primitives/address.js';
import { bigintToFixedBytes, bytesToHex, concatBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import type { Transaction } from '../tx/types.js';

/** A deterministic (RFC 6979) low-s signature of a 32-byte digest, as r ‖ s ‖ v with v = 27 + y-parity. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): string {
  const bytes = secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: 'recovered' });
  const signature = secp256k1.Signature.fromBytes(bytes, 'recovered');
  return bytesToHex(
    concatBytes(bigintToFixedBytes(signature.r, 32), bigintToFixedBytes(signature.s, 32), Uint8Array.of(27 + signature.recovery!)),
  );
}

/** EIP-191 version 0x45: keccak256("\x19Ethereum Signed Message:\n" ‖ length ‖ message). */
export function personalMessageHash(message: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(`\x19Ethereum Signed Message:\n${message.length}`);
  return keccak256(concatBytes(prefix, message));
}

/**
 * The signature an impersonated sender's transaction carries: not a valid signature (nobody holds
 * the key), but r is the sender's address so two senders' otherwise equal transactions still
 * have different hashes.
 */
export function impersonatedSignature(tx: Transaction, sender: Address): Transaction {
  const r = BigInt(sender) | (1n << 160n);
  const v = tx.type === 0 ? (tx.chainId === undefined ? 27n : 35n + 2n * tx.chainId) : 0n;
  return { ...tx, v, r, s: 1n };
}
