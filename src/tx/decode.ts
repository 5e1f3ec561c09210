/**
 * Decoding a transaction from its canonical bytes (EIP-2718 envelopes). Strict: a wrong field
 * count, a list where a string belongs, a wrongly sized address or key, an integer with leading
 * zeros or too large for its type are all `InvalidTransactionError`s, named as the fixtures name
 * them. Decoding knows no fork: whether a type is enabled is for `validateTransactionStatic`.
 *
 * Integer types follow the spec (execution-specs `transactions.py`): value, v, r, s and
 * maxFeePerBlobGas are U256, the chain id U64; nonce and gas limit are bounded to U64 (EIP-2681,
 * and the fixtures' NONCE_OVERFLOW / GASLIMIT_OVERFLOW); the fees per gas are unbounded `Uint`.
 */
import { invalidTransaction } from './errors.js';
import { readAccessList, readAuthorizationList, readBlobVersionedHashes, readData, readTo, readUint, type UintField } from './fields.js';
import { rlpListItems, rlpStringPayload } from './framing.js';
import type { Transaction } from './types.js';

// The integer fields, with the spec's types (U64 or U256) and the names of their failures.
const U64 = 8;
const U256 = 32;
const CHAIN_ID: UintField = { name: 'chainId', maxBytes: U64, overflow: 'INVALID_CHAINID' };
const NONCE: UintField = {
  name: 'nonce',
  maxBytes: U64,
  overflow: 'NONCE_OVERFLOW',
  leadingZeros: 'RLP_LEADING_ZEROS_NONCE',
  notString: 'RLP_INVALID_NONCE',
  malformed: 'RLP_LEADING_ZEROS_NONCE_SIZE',
};
// The fees per gas are the spec's unbounded `Uint`; validation keeps them below 2^256, after it
// has checked that the transaction's type is enabled.
const GAS_PRICE: UintField = { name: 'gasPrice', leadingZeros: 'RLP_LEADING_ZEROS_GASPRICE' };
const MAX_PRIORITY_FEE: UintField = { name: 'maxPriorityFeePerGas', leadingZeros: 'RLP_LEADING_ZEROS_PRIORITY_FEE' };
const MAX_FEE: UintField = { name: 'maxFeePerGas', leadingZeros: 'RLP_LEADING_ZEROS_BASEFEE' };
const MAX_FEE_PER_BLOB_GAS: UintField = { name: 'maxFeePerBlobGas', maxBytes: U256, overflow: 'GASPRICE_OVERFLOW' };
const GAS_LIMIT: UintField = {
  name: 'gasLimit',
  maxBytes: U64,
  overflow: 'GASLIMIT_OVERFLOW',
  leadingZeros: 'RLP_LEADING_ZEROS_GASLIMIT',
  notString: 'RLP_INVALID_GASLIMIT',
};
const VALUE: UintField = {
  name: 'value',
  maxBytes: U256,
  overflow: 'VALUE_OVERFLOW',
  leadingZeros: 'RLP_LEADING_ZEROS_VALUE',
  notString: 'RLP_INVALID_VALUE',
};
/** Legacy v, or the y-parity of a typed transaction; its value is judged with the signature. */
const V: UintField = { name: 'v', maxBytes: U256, overflow: 'INVALID_SIGNATURE_VRS', leadingZeros: 'RLP_LEADING_ZEROS_V' };
const R: UintField = {
  name: 'r',
  maxBytes: U256,
  overflow: 'INVALID_SIGNATURE_VRS',
  leadingZeros: 'RLP_LEADING_ZEROS_R',
  notString: 'RLP_INVALID_SIGNATURE_R',
};
const S: UintField = {
  name: 's',
  maxBytes: U256,
  overflow: 'INVALID_SIGNATURE_VRS',
  leadingZeros: 'RLP_LEADING_ZEROS_S',
  notString: 'RLP_INVALID_SIGNATURE_S',
};

/**
 * Decodes a transaction: a legacy RLP list, or a type byte (0x01-0x04) followed by the RLP list
 * of that type's fields. A typed transaction wrapped in an RLP byte string, as it appears in a
 * block body's transaction list, is accepted too; `encodeTransaction` gives the bare envelope.
 */
export function decodeTransaction(bytes: Uint8Array): Transaction {
  if (bytes.length === 0) throw invalidTransaction('RLP_ERROR_EOF', 'empty transaction');
  const first = bytes[0]!;
  if (first >= 0xc0) return decodeLegacy(bytes);
  if (first >= 0x80) return decodeWrappedEnvelope(rlpStringPayload(bytes));
  return decodeTyped(first, bytes.subarray(1));
}

function decodeWrappedEnvelope(envelope: Uint8Array): Transaction {
  // EIP-2718: a type byte lies in [0, 0x7f]; a legacy list is never wrapped.
  if (envelope.length === 0 || envelope[0]! >= 0x80) {
    throw invalidTransaction('TYPE_NOT_SUPPORTED', 'a wrapped envelope must start with a type byte');
  }
  return decodeTyped(envelope[0]!, envelope.subarray(1));
}

function decodeTyped(type: number, payload: Uint8Array): Transaction {
  switch (type) {
    case 1:
      return decodeAccessListTransaction(payload);
    case 2:
      return decodeFeeMarketTransaction(payload);
    case 3:
      return decodeBlobTransaction(payload);
    case 4:
      return decodeSetCodeTransaction(payload);
    default:
      throw invalidTransaction('TYPE_NOT_SUPPORTED', `unknown transaction type 0x${type.toString(16).padStart(2, '0')}`);
  }
}

/** The encodings of the fields, which must number exactly `count`. */
function fields(payload: Uint8Array, count: number, kind: string): Uint8Array[] {
  const items = rlpListItems(payload);
  if (items.length < count) {
    throw invalidTransaction('RLP_TOO_FEW_ELEMENTS', `${kind} has ${items.length} fields, expected ${count}`);
  }
  if (items.length > count) {
    throw invalidTransaction('RLP_TOO_MANY_ELEMENTS', `${kind} has ${items.length} fields, expected ${count}`);
  }
  return items;
}

const NO_FEE_MARKET = { maxPriorityFeePerGas: undefined, maxFeePerGas: undefined };
const NOT_BLOB = { maxFeePerBlobGas: undefined, blobVersionedHashes: undefined };
const NOT_SET_CODE = { authorizationList: undefined };

/** [nonce, gasPrice, gasLimit, to, value, data, v, r, s] */
function decodeLegacy(bytes: Uint8Array): Transaction {
  const f = fields(bytes, 9, 'legacy transaction');
  const tx: Transaction = {
    type: 0,
    chainId: undefined,
    nonce: readUint(f[0]!, NONCE),
    gasPrice: readUint(f[1]!, GAS_PRICE),
    ...NO_FEE_MARKET,
    gasLimit: readUint(f[2]!, GAS_LIMIT),
    to: readTo(f[3]!),
    value: readUint(f[4]!, VALUE),
    data: readData(f[5]!),
    accessList: [],
    ...NOT_BLOB,
    ...NOT_SET_CODE,
    v: readUint(f[6]!, V),
    r: readUint(f[7]!, R),
    s: readUint(f[8]!, S),
  };
  // EIP-155: v = 35 + 2·chainId + yParity. Smaller values other than 27/28 name no chain;
  // validation rejects them.
  if (tx.v >= 35n) tx.chainId = (tx.v - 35n) >> 1n;
  return tx;
}

/** EIP-2930: [chainId, nonce, gasPrice, gasLimit, to, value, data, accessList, yParity, r, s] */
function decodeAccessListTransaction(payload: Uint8Array): Transaction {
  const f = fields(payload, 11, 'type 1 transaction');
  return {
    type: 1,
    chainId: readUint(f[0]!, CHAIN_ID),
    nonce: readUint(f[1]!, NONCE),
    gasPrice: readUint(f[2]!, GAS_PRICE),
    ...NO_FEE_MARKET,
    gasLimit: readUint(f[3]!, GAS_LIMIT),
    to: readTo(f[4]!),
    value: readUint(f[5]!, VALUE),
    data: readData(f[6]!),
    accessList: readAccessList(f[7]!),
    ...NOT_BLOB,
    ...NOT_SET_CODE,
    ...readSignature(f, 8),
  };
}

/**
 * The nine fields types 2, 3 and 4 begin with:
 * [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList]
 */
function readFeeMarketFields(f: Uint8Array[]) {
  return {
    chainId: readUint(f[0]!, CHAIN_ID),
    nonce: readUint(f[1]!, NONCE),
    gasPrice: undefined,
    maxPriorityFeePerGas: readUint(f[2]!, MAX_PRIORITY_FEE),
    maxFeePerGas: readUint(f[3]!, MAX_FEE),
    gasLimit: readUint(f[4]!, GAS_LIMIT),
    to: readTo(f[5]!),
    value: readUint(f[6]!, VALUE),
    data: readData(f[7]!),
    accessList: readAccessList(f[8]!),
  };
}

function readSignature(f: Uint8Array[], at: number) {
  return { v: readUint(f[at]!, V), r: readUint(f[at + 1]!, R), s: readUint(f[at + 2]!, S) };
}

/** EIP-1559: the nine fee-market fields, then yParity, r, s. */
function decodeFeeMarketTransaction(payload: Uint8Array): Transaction {
  const f = fields(payload, 12, 'type 2 transaction');
  return { type: 2, ...readFeeMarketFields(f), ...NOT_BLOB, ...NOT_SET_CODE, ...readSignature(f, 9) };
}

/** EIP-4844 (without the network wrapper): fee-market fields, maxFeePerBlobGas, hashes, signature. */
function decodeBlobTransaction(payload: Uint8Array): Transaction {
  const f = fields(payload, 14, 'type 3 transaction');
  return {
    type: 3,
    ...readFeeMarketFields(f),
    maxFeePerBlobGas: readUint(f[9]!, MAX_FEE_PER_BLOB_GAS),
    blobVersionedHashes: readBlobVersionedHashes(f[10]!),
    ...NOT_SET_CODE,
    ...readSignature(f, 11),
  };
}

/** EIP-7702: fee-market fields, the authorization list, signature. */
function decodeSetCodeTransaction(payload: Uint8Array): Transaction {
  const f = fields(payload, 13, 'type 4 transaction');
  return {
    type: 4,
    ...readFeeMarketFields(f),
    ...NOT_BLOB,
    authorizationList: readAuthorizationList(f[9]!),
    ...readSignature(f, 10),
  };
}
