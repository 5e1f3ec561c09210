/**
 * Hash functions: SHA-256 and RIPEMD-160 from @noble/hashes (audited, pure JavaScript); keccak256
 * our own one-shot implementation (keccak.ts), tested against @noble/hashes.
 */
import { keccak256 as keccak } from './keccak.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { ripemd160 as nobleRipemd160 } from '@noble/hashes/legacy.js';
import { bytesToHex, EMPTY_BYTES } from './bytes.js';

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak(data);
}

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export function ripemd160(data: Uint8Array): Uint8Array {
  return nobleRipemd160(data);
}

/** keccak256 of the empty string: the code hash of an account without code. */
export const KECCAK256_EMPTY = keccak256(EMPTY_BYTES);
export const KECCAK256_EMPTY_HEX = bytesToHex(KECCAK256_EMPTY);
