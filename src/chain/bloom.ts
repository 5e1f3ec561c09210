/**
 * The 2048-bit logs bloom (Yellow Paper §4.3.1): each log's address and topics set three bits,
 * chosen by the low 11 bits of the first three byte pairs of their keccak256.
 */
import { addressToBytes } from '../primitives/address.js';
import { bigintToFixedBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import type { Log } from '../host/index.js';

export const BLOOM_BYTES = 256;

export function addToBloom(bloom: Uint8Array, item: Uint8Array): void {
  const hash = keccak256(item);
  for (let i = 0; i < 6; i += 2) {
    const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047;
    bloom[BLOOM_BYTES - 1 - (bit >> 3)]! |= 1 << (bit & 7);
  }
}

export function logsBloom(logs: readonly Log[]): Uint8Array {
  const bloom = new Uint8Array(BLOOM_BYTES);
  for (const log of logs) {
    addToBloom(bloom, addressToBytes(log.address));
    for (const topic of log.topics) addToBloom(bloom, bigintToFixedBytes(topic, 32));
  }
  return bloom;
}

/** ORs `other` into `bloom`. */
export function orBloom(bloom: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < BLOOM_BYTES; i++) bloom[i]! |= other[i]!;
}

/** Whether every bit `item` would set is set: false means certainly absent. */
export function bloomMayContain(bloom: Uint8Array, item: Uint8Array): boolean {
  const hash = keccak256(item);
  for (let i = 0; i < 6; i += 2) {
    const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047;
    if ((bloom[BLOOM_BYTES - 1 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}
