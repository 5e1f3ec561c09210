/** EIP-4844 blobs: their constants and blob gas pricing. The per-fork amounts are in `Rules`. */
import type { Rules } from './index.js';
import { sha256 } from '../primitives/hash.js';

/** EIP-4844: the blob gas one blob uses (2^17). */
export const GAS_PER_BLOB = 131072n;
/** EIP-4844: the blob base fee at zero excess blob gas. */
export const MIN_BLOB_BASE_FEE = 1n;
/** EIP-4844: the version byte of a KZG commitment's versioned hash. */
export const VERSIONED_HASH_VERSION_KZG = 0x01;
/** EIP-7918: a blob costs at least this much execution gas at the current base fee (Osaka). */
export const BLOB_BASE_COST = 8192n;

/** fake_exponential from EIP-4844: factor · e^(numerator / denominator), in integers. */
export function fakeExponential(factor: bigint, numerator: bigint, denominator: bigint): bigint {
  let i = 1n;
  let output = 0n;
  let accumulator = factor * denominator;
  while (accumulator > 0n) {
    output += accumulator;
    accumulator = (accumulator * numerator) / (denominator * i);
    i += 1n;
  }
  return output / denominator;
}

export function blobBaseFee(excessBlobGas: bigint, rules: Rules): bigint {
  return fakeExponential(MIN_BLOB_BASE_FEE, excessBlobGas, rules.blobBaseFeeUpdateFraction);
}

/**
 * The excess blob gas of the block after `parent` (EIP-4844), with Osaka's EIP-7918 rule: when
 * blobs are cheaper than the execution they cause, the excess only grows.
 */
export function nextExcessBlobGas(parent: { excessBlobGas: bigint; blobGasUsed: bigint; baseFee: bigint }, rules: Rules): bigint {
  const total = parent.excessBlobGas + parent.blobGasUsed;
  if (total < rules.targetBlobGasPerBlock) return 0n;
  if (rules.osaka) {
    const blobFee = blobBaseFee(parent.excessBlobGas, rules);
    if (BLOB_BASE_COST * parent.baseFee > GAS_PER_BLOB * blobFee) {
      const max = rules.maxBlobGasPerBlock;
      return parent.excessBlobGas + (parent.blobGasUsed * (max - rules.targetBlobGasPerBlock)) / max;
    }
  }
  return total - rules.targetBlobGasPerBlock;
}

/** EIP-4844: the versioned hash of a commitment is 0x01 ‖ sha256(commitment)[1:]. */
export function kzgToVersionedHash(commitment: Uint8Array): Uint8Array {
  const hash = sha256(commitment);
  hash[0] = VERSIONED_HASH_VERSION_KZG;
  return hash;
}
