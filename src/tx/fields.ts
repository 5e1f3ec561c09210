/**
 * Reading one transaction field from its RLP encoding, strictly: each kind of mistake has the
 * name the fixtures give it for that field (see `errors.ts`).
 */
import { bytesToAddress } from '../primitives/address.js';
import type { Address } from '../primitives/address.js';
import { bytesToBigint } from '../primitives/bytes.js';
import { RlpError, rlpDecode, type RlpItem } from '../primitives/rlp.js';
import { invalidTransaction, type TransactionExceptionName } from './errors.js';
import type { AccessListEntry, Authorization } from './types.js';

/** How an integer field is bounded and what each way of getting it wrong is called. */
export interface UintField {
  name: string;
  /** The most bytes the value may take: 8 for U64, 32 for U256; undefined for the spec's `Uint`. */
  maxBytes?: number;
  overflow?: TransactionExceptionName;
  leadingZeros?: TransactionExceptionName;
  notString?: TransactionExceptionName;
  malformed?: TransactionExceptionName;
}

/** Decodes one item's encoding with the strict decoder, blaming a non-canonical form on the field. */
function decodeItem(encoding: Uint8Array, field: string, malformed: TransactionExceptionName): RlpItem {
  try {
    return rlpDecode(encoding);
  } catch (error) {
    if (error instanceof RlpError) throw invalidTransaction(malformed, `${field}: ${error.message}`);
    throw error;
  }
}

/**
 * Whether an item is a string or a list shows in its first byte, and is judged before its
 * contents: a list where a string belongs is that, whatever the list holds.
 */
function isListEncoding(encoding: Uint8Array): boolean {
  return encoding[0]! >= 0xc0;
}

function readString(
  encoding: Uint8Array,
  field: string,
  notString: TransactionExceptionName,
  malformed: TransactionExceptionName,
): Uint8Array {
  if (isListEncoding(encoding)) throw invalidTransaction(notString, `${field} must be a string, got a list`);
  return decodeItem(encoding, field, malformed) as Uint8Array;
}

/**
 * A canonical unsigned integer within its type. The order of the two checks follows geth, whose
 * outcomes the fixtures record: a 64-bit field refuses a string longer than 8 bytes before looking
 * at its bytes (a 9-byte nonce overflows whatever it holds), while a 256-bit field is first read
 * as a canonical big number and then range-checked.
 */
export function readUint(encoding: Uint8Array, field: UintField): bigint {
  if (isListEncoding(encoding)) throw notAString(field);
  return uintOf(decodeItem(encoding, field.name, field.malformed ?? 'RLP_ERROR_SIZE_LEADING_ZEROS'), field);
}

function uintOf(item: RlpItem, field: UintField): bigint {
  if (!(item instanceof Uint8Array)) throw notAString(field);
  const maxBytes = field.maxBytes ?? Infinity;
  if (item.length > maxBytes && maxBytes <= 8) throw overflow(field, item.length);
  if (item.length > 0 && item[0] === 0) {
    throw invalidTransaction(field.leadingZeros ?? 'RLP_ERROR_SIZE_LEADING_ZEROS', `${field.name} has leading zero bytes`);
  }
  if (item.length > maxBytes) throw overflow(field, item.length);
  return bytesToBigint(item);
}

function notAString(field: UintField) {
  return invalidTransaction(field.notString ?? 'RLP_INVALID_HEADER', `${field.name} must be a string, got a list`);
}

function overflow(field: UintField, length: number) {
  const message = `${field.name} takes ${length} bytes, at most ${field.maxBytes} allowed`;
  return invalidTransaction(field.overflow ?? 'RLP_ERROR_SIZE', message);
}

/** The recipient: an address, or empty for a contract creation (null). */
export function readTo(encoding: Uint8Array): Address | null {
  const bytes = readString(encoding, 'to', 'RLP_INVALID_TO', 'RLP_ERROR_SIZE_LEADING_ZEROS');
  if (bytes.length === 0) return null;
  if (bytes.length < 20) throw invalidTransaction('ADDRESS_TOO_SHORT', `to has ${bytes.length} bytes, not 20`);
  if (bytes.length > 20) throw invalidTransaction('ADDRESS_TOO_LONG', `to has ${bytes.length} bytes, not 20`);
  return bytesToAddress(bytes);
}

export function readData(encoding: Uint8Array): Uint8Array {
  // A copy, so the transaction does not keep the whole input alive.
  return readString(encoding, 'data', 'RLP_INVALID_DATA', 'RLP_LEADING_ZEROS_DATA_SIZE').slice();
}

function readList(encoding: Uint8Array, field: string): RlpItem[] {
  if (!isListEncoding(encoding)) throw invalidTransaction('RLP_INVALID_HEADER', `${field} must be a list`);
  return decodeItem(encoding, field, 'RLP_ERROR_SIZE_LEADING_ZEROS') as RlpItem[];
}

/** EIP-2930: [[address, [storageKey, ...]], ...] with 20-byte addresses and 32-byte keys. */
export function readAccessList(encoding: Uint8Array): AccessListEntry[] {
  return readList(encoding, 'accessList').map((entry, i) => {
    if (entry instanceof Uint8Array) throw invalidTransaction('RLP_INVALID_HEADER', `accessList[${i}] must be a list`);
    if (entry.length < 2) throw invalidTransaction('RLP_TOO_FEW_ELEMENTS', `accessList[${i}] needs [address, keys]`);
    if (entry.length > 2) throw invalidTransaction('RLP_TOO_MANY_ELEMENTS', `accessList[${i}] needs [address, keys]`);
    const [address, keys] = entry as [RlpItem, RlpItem];
    return { address: accessListAddress(address, i), storageKeys: storageKeys(keys, i) };
  });
}

function accessListAddress(item: RlpItem, i: number): Address {
  if (!(item instanceof Uint8Array)) throw invalidTransaction('RLP_INVALID_HEADER', `accessList[${i}].address must be a string`);
  if (item.length < 20)
    throw invalidTransaction('RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_SHORT', `accessList[${i}].address has ${item.length} bytes`);
  if (item.length > 20)
    throw invalidTransaction('RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_LONG', `accessList[${i}].address has ${item.length} bytes`);
  return bytesToAddress(item);
}

function storageKeys(item: RlpItem, i: number): bigint[] {
  if (item instanceof Uint8Array) throw invalidTransaction('RLP_INVALID_HEADER', `accessList[${i}].storageKeys must be a list`);
  return item.map((key, j) => {
    const where = `accessList[${i}].storageKeys[${j}]`;
    if (!(key instanceof Uint8Array)) throw invalidTransaction('RLP_INVALID_HEADER', `${where} must be a string`);
    if (key.length < 32) throw invalidTransaction('RLP_INVALID_ACCESS_LIST_STORAGE_TOO_SHORT', `${where} has ${key.length} bytes`);
    if (key.length > 32) throw invalidTransaction('RLP_INVALID_ACCESS_LIST_STORAGE_TOO_LONG', `${where} has ${key.length} bytes`);
    return bytesToBigint(key);
  });
}

/** EIP-4844: a list of 32-byte versioned hashes (their version byte is checked in validation). */
export function readBlobVersionedHashes(encoding: Uint8Array): Uint8Array[] {
  return readList(encoding, 'blobVersionedHashes').map((hash, i) => {
    if (!(hash instanceof Uint8Array) || hash.length !== 32) {
      throw invalidTransaction('TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH', `blobVersionedHashes[${i}] is not 32 bytes`);
    }
    return hash.slice();
  });
}

/** EIP-7702: [[chain_id, address, nonce, y_parity, r, s], ...]; any malformed tuple is a format error. */
export function readAuthorizationList(encoding: Uint8Array): Authorization[] {
  return readList(encoding, 'authorizationList').map((tuple, i) => {
    const where = `authorizationList[${i}]`;
    if (tuple instanceof Uint8Array || tuple.length !== 6) {
      throw invalidTransaction('TYPE_4_INVALID_AUTHORIZATION_FORMAT', `${where} must be a list of 6 items`);
    }
    const [chainId, address, nonce, yParity, r, s] = tuple as [RlpItem, RlpItem, RlpItem, RlpItem, RlpItem, RlpItem];
    return {
      chainId: uintOf(chainId, authorizationField(`${where}.chainId`, 32)),
      address: authorizationAddress(address, where),
      nonce: uintOf(nonce, authorizationField(`${where}.nonce`, 8)),
      yParity: uintOf(yParity, authorizationField(`${where}.yParity`, 1)),
      r: uintOf(r, authorizationField(`${where}.r`, 32)),
      s: uintOf(s, authorizationField(`${where}.s`, 32)),
    };
  });
}

function authorizationField(name: string, maxBytes: number): UintField {
  const code = 'TYPE_4_INVALID_AUTHORIZATION_FORMAT';
  return { name, maxBytes, overflow: code, leadingZeros: code, notString: code, malformed: code };
}

function authorizationAddress(bytes: RlpItem, where: string): Address {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 20) {
    throw invalidTransaction('TYPE_4_INVALID_AUTHORIZATION_FORMAT', `${where}.address is not 20 bytes`);
  }
  return bytesToAddress(bytes);
}
