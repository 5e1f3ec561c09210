import type { Address } from '../primitives/address.js';

export type TxType = 0 | 1 | 2 | 3 | 4;

export interface AccessListEntry {
  address: Address;
  storageKeys: bigint[];
}

/** EIP-7702 authorization tuple. */
export interface Authorization {
  chainId: bigint;
  address: Address;
  nonce: bigint;
  yParity: bigint;
  r: bigint;
  s: bigint;
}

/**
 * A transaction of any type, as plain data. Fields a type does not have are undefined; the
 * access list is empty for types without one. For typed transactions `v` is the y-parity.
 */
export interface Transaction {
  type: TxType;
  /** Undefined for a legacy transaction without EIP-155 replay protection. */
  chainId: bigint | undefined;
  nonce: bigint;
  /** Type 0 and 1. */
  gasPrice: bigint | undefined;
  /** Types 2, 3, 4. */
  maxPriorityFeePerGas: bigint | undefined;
  maxFeePerGas: bigint | undefined;
  gasLimit: bigint;
  /** null for contract creation. */
  to: Address | null;
  value: bigint;
  data: Uint8Array;
  accessList: AccessListEntry[];
  /** Type 3. */
  maxFeePerBlobGas: bigint | undefined;
  blobVersionedHashes: Uint8Array[] | undefined;
  /** Type 4. */
  authorizationList: Authorization[] | undefined;
  v: bigint;
  r: bigint;
  s: bigint;
}

/**
 * A transaction the protocol rejects. `code` is the name the consensus test fixtures use
 * (for example `TransactionException.INTRINSIC_GAS_TOO_LOW`), so runners and RPC can report it.
 */
export class InvalidTransactionError extends Error {
  override name = 'InvalidTransactionError';
  /**
   * Other rules the transaction breaks besides the first (`code`), where the caller looked for
   * them: clients check the rules in different orders, so a fixture may name any of them.
   */
  alsoBroken: readonly string[] = [];
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/**
 * An EIP-1559 transaction with no signature yet (v, r, s zero), no access list, blobs or
 * authorizations: the given fields over those defaults.
 */
export function feeMarketTransaction(
  fields: Pick<Transaction, 'chainId' | 'nonce' | 'gasLimit' | 'to'> & Partial<Transaction>,
): Transaction {
  return {
    type: 2,
    gasPrice: undefined,
    maxPriorityFeePerGas: 0n,
    maxFeePerGas: 0n,
    value: 0n,
    data: new Uint8Array(0),
    accessList: [],
    maxFeePerBlobGas: undefined,
    blobVersionedHashes: undefined,
    authorizationList: undefined,
    v: 0n,
    r: 0n,
    s: 0n,
    ...fields,
  };
}
