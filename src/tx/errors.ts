/**
 * The reasons a transaction is rejected, named as the consensus test fixtures name them
 * (execution-spec-tests' `TransactionException`), so a runner can compare them and RPC can
 * report them. The names are typed so a misspelling fails to compile.
 */
import { InvalidTransactionError } from './types.js';

export type TransactionExceptionName =
  // The envelope and the RLP structure
  | 'TYPE_NOT_SUPPORTED'
  | 'RLP_ERROR_EOF'
  | 'RLP_ERROR_SIZE'
  | 'RLP_ERROR_SIZE_LEADING_ZEROS'
  | 'RLP_INVALID_HEADER'
  | 'RLP_TOO_FEW_ELEMENTS'
  | 'RLP_TOO_MANY_ELEMENTS'
  // One field: a list where a string belongs
  | 'RLP_INVALID_NONCE'
  | 'RLP_INVALID_GASLIMIT'
  | 'RLP_INVALID_TO'
  | 'RLP_INVALID_VALUE'
  | 'RLP_INVALID_DATA'
  | 'RLP_INVALID_SIGNATURE_R'
  | 'RLP_INVALID_SIGNATURE_S'
  // One field: a non-canonical length prefix
  | 'RLP_LEADING_ZEROS_NONCE_SIZE'
  | 'RLP_LEADING_ZEROS_DATA_SIZE'
  // One field: an integer with leading zero bytes
  | 'RLP_LEADING_ZEROS_NONCE'
  | 'RLP_LEADING_ZEROS_GASPRICE'
  | 'RLP_LEADING_ZEROS_PRIORITY_FEE'
  | 'RLP_LEADING_ZEROS_BASEFEE'
  | 'RLP_LEADING_ZEROS_GASLIMIT'
  | 'RLP_LEADING_ZEROS_VALUE'
  | 'RLP_LEADING_ZEROS_V'
  | 'RLP_LEADING_ZEROS_R'
  | 'RLP_LEADING_ZEROS_S'
  // One field: too large for its type, or of the wrong size
  | 'NONCE_OVERFLOW'
  | 'GASLIMIT_OVERFLOW'
  | 'GASPRICE_OVERFLOW'
  | 'PRIORITY_OVERFLOW'
  | 'VALUE_OVERFLOW'
  | 'ADDRESS_TOO_SHORT'
  | 'ADDRESS_TOO_LONG'
  | 'RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_SHORT'
  | 'RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_LONG'
  | 'RLP_INVALID_ACCESS_LIST_STORAGE_TOO_SHORT'
  | 'RLP_INVALID_ACCESS_LIST_STORAGE_TOO_LONG'
  | 'TYPE_4_INVALID_AUTHORIZATION_FORMAT'
  // The signature
  | 'INVALID_CHAINID'
  | 'INVALID_SIGNATURE_VRS'
  | 'EC_RECOVERY_FAIL'
  // Rules that need no state
  | 'NONCE_IS_MAX'
  | 'INTRINSIC_GAS_TOO_LOW'
  | 'INTRINSIC_GAS_BELOW_FLOOR_GAS_COST'
  | 'INITCODE_SIZE_EXCEEDED'
  | 'GAS_LIMIT_EXCEEDS_MAXIMUM'
  | 'GASLIMIT_PRICE_PRODUCT_OVERFLOW'
  | 'PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS'
  | 'TYPE_3_TX_PRE_FORK'
  | 'TYPE_4_TX_PRE_FORK'
  | 'TYPE_3_TX_CONTRACT_CREATION'
  | 'TYPE_3_TX_ZERO_BLOBS'
  | 'TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH'
  | 'TYPE_3_TX_BLOB_COUNT_EXCEEDED'
  | 'TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED'
  | 'TYPE_4_TX_CONTRACT_CREATION'
  | 'TYPE_4_EMPTY_AUTHORIZATION_LIST'
  // Rules that need the state or the block (checked in exec/)
  | 'GAS_ALLOWANCE_EXCEEDED'
  | 'INSUFFICIENT_MAX_FEE_PER_GAS'
  | 'INSUFFICIENT_MAX_FEE_PER_BLOB_GAS'
  | 'INSUFFICIENT_ACCOUNT_FUNDS'
  | 'NONCE_MISMATCH_TOO_LOW'
  | 'NONCE_MISMATCH_TOO_HIGH'
  | 'SENDER_NOT_EOA';

/** An `InvalidTransactionError` whose code is `TransactionException.<name>`. */
export function invalidTransaction(name: TransactionExceptionName, message: string): InvalidTransactionError {
  return new InvalidTransactionError(`TransactionException.${name}`, message);
}
