/**
 * The validity rules that need no state: is the transaction acceptable at this fork, whatever
 * its sender holds? Sender balance, nonce and code, and the block's fees and gas, are `exec/`'s.
 */
import type { Rules } from '../forks/index.js';
import { GAS_PER_BLOB, VERSIONED_HASH_VERSION_KZG } from '../forks/blobs.js';
import { invalidTransaction } from './errors.js';
import { calldataFloorGas, intrinsicGas } from './intrinsic-gas.js';
import { recoverSender } from './sender.js';
import type { KnownSigners } from './signers.js';
import type { Address } from '../primitives/address.js';
import { TWO_POW_256 } from '../primitives/words.js';
import type { Transaction } from './types.js';

/** EIP-2681: the nonce stays below 2^64 - 1. */
export const MAX_NONCE = 2n ** 64n - 1n;

/**
 * Marks a value `validateTransaction` made; spreading the value keeps it. Execution trusts a
 * marked value and skips the rules that need no state.
 */
export const VALIDATED: unique symbol = Symbol('validated transaction');

/** A transaction that passed the stateless rules, with what they computed on the way. */
export interface ValidatedTransaction {
  readonly tx: Transaction;
  readonly sender: Address;
  /** The gas paid before any code runs (`intrinsicGas`). */
  readonly intrinsicGas: bigint;
  /** EIP-7623: the least gas the transaction pays (0 before Prague). */
  readonly floorGas: bigint;
  readonly [VALIDATED]: true;
}

export interface ValidationOptions {
  /** The chain's id, which the transaction must name (EIP-155 and typed transactions). */
  chainId?: bigint;
  /**
   * The sender, when it is known without a signature (state tests, impersonated accounts, a
   * transaction the node signs itself): the signature and the legacy v are then not checked.
   */
  sender?: Address;
  /** Public keys whose signatures are checked without recovering them. */
  signers?: KnownSigners;
}

/**
 * Throws an `InvalidTransactionError` for the first rule the transaction breaks at this fork;
 * otherwise returns it with its sender (a valid signature is one of the rules) and its intrinsic
 * gas, which execution then uses as they are.
 *
 * The order of the checks is the one the fixtures record (where several rules are broken, the
 * first one names the failure): the type, the fee ranges, the chain id, the signature, then the
 * rest.
 */
export function validateTransaction(tx: Transaction, rules: Rules, options: ValidationOptions = {}): ValidatedTransaction {
  checkTypeEnabled(tx, rules);
  checkFeeRanges(tx);
  let sender = options.sender;
  if (sender === undefined) {
    checkChainId(tx, rules, options.chainId);
    sender = recoverSender(tx, rules, options.signers);
  } else if (tx.type !== 0) {
    checkChainId(tx, rules, options.chainId);
  }
  const { intrinsicGas, floorGas } = checkBody(tx, rules);
  return { tx, sender, intrinsicGas, floorGas, [VALIDATED]: true };
}

/** Whether `value` came from `validateTransaction` (or a spread of what it returned). */
export function isValidated<T extends object>(value: T): value is T & ValidatedTransaction {
  return (value as Partial<ValidatedTransaction>)[VALIDATED] === true;
}

/**
 * A validated transaction with the signature the node then gave it for its known sender: the
 * signature of a known sender is not one of the rules, so the result stands.
 */
export function withSignature(validated: ValidatedTransaction, signed: Transaction): ValidatedTransaction {
  return { ...validated, tx: signed };
}

/** Gas, nonce, initcode, fee and per-type rules: what follows the signature. */
function checkBody(tx: Transaction, rules: Rules): { intrinsicGas: bigint; floorGas: bigint } {
  const gas = checkGasLimit(tx, rules);
  if (tx.nonce >= MAX_NONCE) throw invalidTransaction('NONCE_IS_MAX', 'nonce must be below 2^64 - 1 (EIP-2681)');
  // EIP-3860: oversized initcode makes a creation invalid.
  if (tx.to === null && tx.data.length > rules.maxInitcodeSize) {
    throw invalidTransaction('INITCODE_SIZE_EXCEEDED', `initcode of ${tx.data.length} bytes exceeds ${rules.maxInitcodeSize}`);
  }
  checkFees(tx);
  if (tx.type === 3) checkBlobTransaction(tx, rules);
  if (tx.type === 4) checkSetCodeTransaction(tx);
  return gas;
}

/** Type 1 from Berlin (EIP-2930), 2 from London (EIP-1559), 3 from Cancun, 4 from Prague. */
function checkTypeEnabled(tx: Transaction, rules: Rules): void {
  const enabled = [true, rules.berlin, rules.london, rules.cancun, rules.prague][tx.type];
  if (enabled) return;
  if (tx.type === 3) throw invalidTransaction('TYPE_3_TX_PRE_FORK', `blob transactions are not enabled at ${rules.name}`);
  if (tx.type === 4) throw invalidTransaction('TYPE_4_TX_PRE_FORK', `set-code transactions are not enabled at ${rules.name}`);
  throw invalidTransaction('TYPE_NOT_SUPPORTED', `type ${tx.type} transactions are not enabled at ${rules.name}`);
}

/** The fees per gas decode as unbounded integers (the spec's `Uint`); no balance pays 2^256. */
function checkFeeRanges(tx: Transaction): void {
  if ((tx.gasPrice ?? 0n) >= TWO_POW_256) throw invalidTransaction('GASPRICE_OVERFLOW', 'gasPrice exceeds 2^256 - 1');
  if ((tx.maxPriorityFeePerGas ?? 0n) >= TWO_POW_256) {
    throw invalidTransaction('PRIORITY_OVERFLOW', 'maxPriorityFeePerGas exceeds 2^256 - 1');
  }
  if ((tx.maxFeePerGas ?? 0n) >= TWO_POW_256) throw invalidTransaction('GASPRICE_OVERFLOW', 'maxFeePerGas exceeds 2^256 - 1');
}

/**
 * A typed transaction names its chain. A legacy one names it through v = 35/36 + 2·chainId
 * (EIP-155) or names none with v = 27/28. Any other v from 2 up claims some chain and, as it
 * cannot be ours, is INVALID_CHAINID; 0 and 1 are bare y-parities, which only typed
 * transactions carry, so those are a bad signature (the classification the fixtures use).
 */
function checkChainId(tx: Transaction, rules: Rules, chainId: bigint | undefined): void {
  if (tx.type !== 0) {
    if (chainId !== undefined && tx.chainId !== chainId) {
      throw invalidTransaction('INVALID_CHAINID', `chain id ${tx.chainId} is not ${chainId}`);
    }
    return;
  }
  const v = tx.v;
  if (v === 27n || v === 28n) return;
  if (!rules.eip155 || v < 2n) {
    throw invalidTransaction('INVALID_SIGNATURE_VRS', `v = ${v} is not a valid legacy v at ${rules.name}`);
  }
  if (v < 35n) {
    if (chainId === undefined) throw invalidTransaction('INVALID_SIGNATURE_VRS', `v = ${v} names no chain`);
    throw invalidTransaction('INVALID_CHAINID', `v = ${v} does not encode chain id ${chainId}`);
  }
  if (chainId !== undefined && tx.chainId !== chainId) {
    throw invalidTransaction('INVALID_CHAINID', `v = ${v} encodes chain id ${tx.chainId}, not ${chainId}`);
  }
}

/** The intrinsic gas, the EIP-7623 floor (Prague), and the EIP-7825 cap (Osaka). */
function checkGasLimit(tx: Transaction, rules: Rules): { intrinsicGas: bigint; floorGas: bigint } {
  const intrinsic = intrinsicGas(tx, rules);
  if (tx.gasLimit < intrinsic) {
    throw invalidTransaction('INTRINSIC_GAS_TOO_LOW', `gas limit ${tx.gasLimit} is below the intrinsic gas ${intrinsic}`);
  }
  const floor = calldataFloorGas(tx, rules);
  if (tx.gasLimit < floor) {
    throw invalidTransaction('INTRINSIC_GAS_BELOW_FLOOR_GAS_COST', `gas limit ${tx.gasLimit} is below the calldata floor ${floor}`);
  }
  if (rules.txGasLimitCap !== undefined && tx.gasLimit > rules.txGasLimitCap) {
    throw invalidTransaction('GAS_LIMIT_EXCEEDS_MAXIMUM', `gas limit ${tx.gasLimit} exceeds the cap ${rules.txGasLimitCap}`);
  }
  return { intrinsicGas: intrinsic, floorGas: floor };
}

function checkFees(tx: Transaction): void {
  const maxFee = tx.maxFeePerGas ?? tx.gasPrice ?? 0n;
  if (tx.maxPriorityFeePerGas !== undefined && tx.maxPriorityFeePerGas > maxFee) {
    throw invalidTransaction('PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS', 'maxPriorityFeePerGas exceeds maxFeePerGas');
  }
  // No balance can pay a fee that does not fit in 256 bits.
  if (tx.gasLimit * maxFee >= TWO_POW_256) {
    throw invalidTransaction('GASLIMIT_PRICE_PRODUCT_OVERFLOW', 'gas limit × fee per gas exceeds 2^256 - 1');
  }
}

/**
 * EIP-4844: a call (never a creation) with at least one blob, each hash of version 0x01.
 * Before Osaka a transaction may carry as many blobs as a block; from Osaka (EIP-7594) at most
 * `rules.maxBlobsPerTx`; going past the block's blob gas allowance is named as such in every fork.
 */
function checkBlobTransaction(tx: Transaction, rules: Rules): void {
  const hashes = tx.blobVersionedHashes ?? [];
  if (tx.to === null) throw invalidTransaction('TYPE_3_TX_CONTRACT_CREATION', 'a blob transaction cannot create a contract');
  if (hashes.length === 0) throw invalidTransaction('TYPE_3_TX_ZERO_BLOBS', 'a blob transaction needs at least one blob');
  const blobGas = BigInt(hashes.length) * GAS_PER_BLOB;
  if (blobGas > rules.maxBlobGasPerBlock) {
    throw invalidTransaction('TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED', `${hashes.length} blobs exceed the block's blob gas limit`);
  }
  if (rules.maxBlobsPerTx !== undefined && hashes.length > rules.maxBlobsPerTx) {
    throw invalidTransaction('TYPE_3_TX_BLOB_COUNT_EXCEEDED', `${hashes.length} blobs exceed ${rules.maxBlobsPerTx} per transaction`);
  }
  hashes.forEach((hash, i) => {
    if (hash[0] !== VERSIONED_HASH_VERSION_KZG) {
      throw invalidTransaction('TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH', `blob hash ${i} has version ${hash[0]}`);
    }
  });
}

/** EIP-7702: a call (never a creation) with a non-empty authorization list. */
function checkSetCodeTransaction(tx: Transaction): void {
  if (tx.to === null) throw invalidTransaction('TYPE_4_TX_CONTRACT_CREATION', 'a set-code transaction cannot create a contract');
  if ((tx.authorizationList ?? []).length === 0) {
    throw invalidTransaction('TYPE_4_EMPTY_AUTHORIZATION_LIST', 'a set-code transaction needs at least one authorization');
  }
}
