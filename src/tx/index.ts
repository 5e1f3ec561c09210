/** The transaction layer: types 0-4 decoded, encoded, hashed, signed, recovered and validated. */
export type { TxType, AccessListEntry, Authorization, Transaction } from './types.js';
export { InvalidTransactionError } from './types.js';
export { invalidTransaction, type TransactionExceptionName } from './errors.js';
export { decodeTransaction } from './decode.js';
export { encodeTransaction, signingHash, transactionHash } from './encode.js';
export {
  recoverSender,
  signTransaction,
  type SignOptions,
  recoverAuthority,
  signAuthorization,
  authorizationSigningHash,
  SECP256K1N,
} from './sender.js';
export {
  intrinsicGas,
  calldataFloorGas,
  TX_BASE_GAS,
  TX_CREATE_GAS,
  TX_DATA_ZERO_GAS,
  TX_ACCESS_LIST_ADDRESS_GAS,
  TX_ACCESS_LIST_STORAGE_KEY_GAS,
  INITCODE_WORD_GAS,
  PER_EMPTY_ACCOUNT_COST,
  TX_FLOOR_GAS_PER_TOKEN,
} from './intrinsic-gas.js';
export {
  validateTransaction,
  isValidated,
  withSignature,
  MAX_NONCE,
  type ValidatedTransaction,
  type ValidationOptions,
} from './validate.js';
export { privateKeyToAddress, publicKeyToAddress } from './keys.js';
export { KnownSigners, signHashPublicKey } from './signers.js';
