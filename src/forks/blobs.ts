/** EIP-4844 blob gas pricing. */
import { GAS_PER_BLOB, MIN_BLOB_BASE_FEE, type Rules } from './index.js';

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

/** EIP-7918: the execution cost that bounds the blob base fee from below (Osaka). */
export const BLOB_BASE_COST = 8192n;

/**
 * The excess blob gas of the block after `parent` (EIP-4844), with Osaka's EIP-7918 rule: when
 * blobs are cheaper than the execution they cause, the excess only grows.
 */
export function nextExcessBlobGas(
  parent: { excessBlobGas: bigint; blobGasUsed: bigint; baseFee: bigint },
  rules: Rules,
): bigint {
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
