/**
 * How a block's fees follow from its parent: the EIP-1559 base fee, and the EIP-4844 excess blob
 * gas (with Osaka's EIP-7918 reserve price).
 */
import type { Rules } from '../forks/index.js';
import { blobBaseFee, nextExcessBlobGas as excessBlobGasAfter } from '../forks/blobs.js';
import type { BlockHeader } from './header.js';

/** EIP-1559 */
export const BASE_FEE_MAX_CHANGE_DENOMINATOR = 8n;
export const ELASTICITY_MULTIPLIER = 2n;
/** The base fee of the first London block. */
export const INITIAL_BASE_FEE = 1_000_000_000n;

/** The base fee of the block after `parent` (EIP-1559). */
export function nextBaseFee(parent: Pick<BlockHeader, 'gasLimit' | 'gasUsed' | 'baseFeePerGas'>): bigint {
  const parentBaseFee = parent.baseFeePerGas ?? INITIAL_BASE_FEE;
  const target = parent.gasLimit / ELASTICITY_MULTIPLIER;
  if (target === 0n || parent.gasUsed === target) return parentBaseFee;
  if (parent.gasUsed > target) {
    const delta = (parentBaseFee * (parent.gasUsed - target)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
    return parentBaseFee + (delta > 1n ? delta : 1n);
  }
  const delta = (parentBaseFee * (target - parent.gasUsed)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
  return parentBaseFee - delta;
}

/**
 * The excess blob gas of the block after the header `parent` (EIP-4844, with Osaka's EIP-7918
 * reserve price; `forks/blobs.ts`), fields a header lacks counting as zero.
 */
export function nextExcessBlobGas(parent: Pick<BlockHeader, 'excessBlobGas' | 'blobGasUsed' | 'baseFeePerGas'>, rules: Rules): bigint {
  return excessBlobGasAfter(
    { excessBlobGas: parent.excessBlobGas ?? 0n, blobGasUsed: parent.blobGasUsed ?? 0n, baseFee: parent.baseFeePerGas ?? 0n },
    rules,
  );
}

/** The blob base fee a header's transactions pay (EIP-4844), 1 wei before Cancun. */
export function headerBlobBaseFee(header: Pick<BlockHeader, 'excessBlobGas'>, rules: Rules): bigint {
  return blobBaseFee(header.excessBlobGas ?? 0n, rules);
}
