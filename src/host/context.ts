/** What a transaction's frames see of their block and their transaction, and what they emit. */
import type { Address } from '../primitives/address.js';

export interface Log {
  address: Address;
  topics: bigint[];
  data: Uint8Array;
}

/** The block the transaction runs in. */
export interface BlockContext {
  coinbase: Address;
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  baseFee: bigint;
  prevRandao: bigint;
  difficulty: bigint;
  blobBaseFee: bigint;
  chainId: bigint;
  /** BLOCKHASH: the hash of an earlier block, or 0 when unknown. */
  blockHash(number: bigint): bigint;
}

/** What a transaction fixes for all of its frames. */
export interface TxContext {
  origin: Address;
  gasPrice: bigint;
  blobVersionedHashes: Uint8Array[];
}
