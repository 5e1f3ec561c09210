/** EIP-4844 blob gas pricing. */
import { MIN_BLOB_BASE_FEE, type Rules } from './index.js';

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
