/**
 * How a block's fees follow from its parent: the EIP-1559 base fee, and the EIP-4844 excess blob
 * gas (with Osaka's EIP-7918 reserve price).
 */
import { GAS_PER_BLOB, type Rules } from '../forks/index.js';
import { blobBaseFee } from '../forks/blobs.js';
import type { BlockHeader } from './header.js';

/** EIP-1559 */
export const BASE_FEE_MAX_CHANGE_DENOMINATOR = 8n;
export const ELASTICITY_MULTIPLIER = 2n;
/** The base fee of the first London block. */
export const INITIAL_BASE_FEE = 1_000_000_000n;
/** EIP-7918: a blob costs at least this much execution gas at the current base fee. */
export const BLOB_BASE_COST = 1n << 13n;

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
 * The excess blob gas of the block after `parent` (EIP-4844). From Osaka (EIP-7918), while the
 * blob base fee is below the reserve price BLOB_BASE_COST × base fee, the excess grows with the
 * blob gas used instead of falling by the target.
 */
export function nextExcessBlobGas(
  parent: Pick<BlockHeader, 'excessBlobGas' | 'blobGasUsed' | 'baseFeePerGas'>,
  rules: Rules,
): bigint {
  const excess = parent.excessBlobGas ?? 0n;
  const used = parent.blobGasUsed ?? 0n;
  const target = rules.targetBlobGasPerBlock;
  if (excess + used < target) return 0n;
  if (rules.osaka) {
    const reserve = BLOB_BASE_COST * (parent.baseFeePerGas ?? 0n);
    if (reserve > GAS_PER_BLOB * blobBaseFee(excess, rules)) {
      const max = rules.maxBlobGasPerBlock;
      return excess + (used * (max - target)) / max;
    }
  }
  return excess + used - target;
}

/** The blob base fee a header's transactions pay (EIP-4844), 1 wei before Cancun. */
export function headerBlobBaseFee(header: Pick<BlockHeader, 'excessBlobGas'>, rules: Rules): bigint {
  return blobBaseFee(header.excessBlobGas ?? 0n, rules);
}
