/**
 * What a transaction sees of its block, from the block's header: one derivation for a mined
 * block, the block being built, and the next block a pending query imagines.
 */
import { bytesToBigint } from '../primitives/bytes.js';
import type { Rules } from '../forks/index.js';
import type { BlockContext } from '../host/index.js';
import type { BlockHeader } from './header.js';
import { headerBlobBaseFee } from './fees.js';

/** The header fields a block context reads (a header still being built has no more). */
export type ContextHeader = Pick<
  BlockHeader,
  'coinbase' | 'number' | 'timestamp' | 'gasLimit' | 'baseFeePerGas' | 'mixHash' | 'difficulty' | 'excessBlobGas'
>;

/**
 * The context of a block with this header. prevRandao is the mix hash (EIP-4399); the blob base
 * fee follows from the excess blob gas from Cancun (EIP-4844) and is 0 before; `blockHash`
 * answers BLOCKHASH for earlier blocks.
 */
export function blockContextFromHeader(
  header: ContextHeader,
  rules: Rules,
  chainId: bigint,
  blockHash: (number: bigint) => bigint,
): BlockContext {
  return {
    coinbase: header.coinbase,
    number: header.number,
    timestamp: header.timestamp,
    gasLimit: header.gasLimit,
    baseFee: header.baseFeePerGas ?? 0n,
    prevRandao: bytesToBigint(header.mixHash),
    difficulty: header.difficulty,
    blobBaseFee: rules.cancun ? headerBlobBaseFee(header, rules) : 0n,
    chainId,
    blockHash,
  };
}
