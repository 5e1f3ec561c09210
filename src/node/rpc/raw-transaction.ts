/**
 * Reading eth_sendRawTransaction's bytes: a canonical envelope, or for blob transactions the
 * network form (EIP-4844 [tx, blobs, commitments, proofs]; EIP-7594 adds a wrapper version
 * before the blobs), whose commitments must match the versioned hashes.
 */
import { concatBytes } from '../../primitives/bytes.js';
import { rlpDecode, rlpEncode, type RlpItem } from '../../primitives/rlp.js';
import { decodeTransaction } from '../../tx/decode.js';
import { kzgToVersionedHash } from '../../forks/blobs.js';
import type { Transaction } from '../../tx/types.js';
import { invalidParams } from './errors.js';

export interface RawTransaction {
  tx: Transaction;
  /** The canonical envelope (without blobs), which the hash and the block commit to. */
  encoded: Uint8Array;
  /** The blobs, in the order of the versioned hashes, when sent in network form. */
  blobs?: Uint8Array[];
}

function blobNetworkForm(bytes: Uint8Array): { body: RlpItem[]; commitments: Uint8Array[]; blobs: Uint8Array[] } | undefined {
  if (bytes[0] !== 3 || bytes.length < 2) return undefined;
  let outer: RlpItem;
  try {
    outer = rlpDecode(bytes.subarray(1));
  } catch {
    return undefined;
  }
  if (!Array.isArray(outer) || outer.length < 4 || !Array.isArray(outer[0])) return undefined;
  const hasVersion = outer.length === 5;
  const blobs = outer[hasVersion ? 2 : 1];
  const commitments = outer[hasVersion ? 3 : 2];
  if (
    !Array.isArray(blobs) ||
    !Array.isArray(commitments) ||
    commitments.some((c) => !(c instanceof Uint8Array)) ||
    blobs.some((b) => !(b instanceof Uint8Array))
  ) {
    throw invalidParams('parameter 1 (transaction): malformed blob transaction network wrapper');
  }
  return { body: outer[0], commitments: commitments as Uint8Array[], blobs: blobs as Uint8Array[] };
}

export function decodeRawTransaction(bytes: Uint8Array): RawTransaction {
  const wrapped = blobNetworkForm(bytes);
  const encoded = wrapped ? concatBytes(Uint8Array.of(3), rlpEncode(wrapped.body)) : bytes;
  let tx: Transaction;
  try {
    tx = decodeTransaction(encoded);
  } catch (error) {
    throw invalidParams(`parameter 1 (transaction): cannot decode: ${(error as Error).message}`);
  }
  if (wrapped) {
    const hashes = tx.blobVersionedHashes ?? [];
    if (wrapped.commitments.length !== hashes.length || wrapped.blobs.length !== hashes.length) {
      throw invalidParams(
        `parameter 1 (transaction): ${hashes.length} versioned hashes but ${wrapped.blobs.length} blobs and ${wrapped.commitments.length} commitments`,
      );
    }
    wrapped.commitments.forEach((commitment, i) => {
      const hash = kzgToVersionedHash(commitment);
      if (hash.some((b, j) => b !== hashes[i]![j]))
        throw invalidParams(`parameter 1 (transaction): commitment ${i} does not match versioned hash ${i}`);
    });
  }
  return wrapped ? { tx, encoded, blobs: wrapped.blobs } : { tx, encoded };
}
