/**
 * Encoding a transaction (the inverse of `decodeTransaction`), the hash its signature signs, and
 * its hash. Integers are encoded minimally, so the encoding is canonical.
 */
import { addressToBytes } from '../primitives/address.js';
import { bigintToBytes, bigintToFixedBytes, concatBytes, EMPTY_BYTES } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { rlpEncode, type RlpInput } from '../primitives/rlp.js';
import type { AccessListEntry, Authorization, Transaction } from './types.js';

/** The canonical bytes: rlp(fields) for legacy, type ‖ rlp(fields) for typed transactions. */
export function encodeTransaction(tx: Transaction): Uint8Array {
  const signed = [...unsignedFields(tx), uint(tx.v), uint(tx.r), uint(tx.s)];
  return tx.type === 0 ? rlpEncode(signed) : typed(tx, signed);
}

/**
 * The hash the sender signs. Legacy: keccak(rlp([nonce, gasPrice, gasLimit, to, value, data])),
 * or with [chainId, 0, 0] appended when the transaction has a chain id (EIP-155). Typed:
 * keccak(type ‖ rlp(every field but the signature)).
 */
export function signingHash(tx: Transaction): Uint8Array {
  const unsigned = unsignedFields(tx);
  if (tx.type !== 0) return keccak256(typed(tx, unsigned));
  if (tx.chainId !== undefined) unsigned.push(uint(tx.chainId), EMPTY_BYTES, EMPTY_BYTES);
  return keccak256(rlpEncode(unsigned));
}

/** keccak256 of the canonical encoding. */
export function transactionHash(tx: Transaction): Uint8Array {
  return keccak256(encodeTransaction(tx));
}

function typed(tx: Transaction, fields: RlpInput[]): Uint8Array {
  return concatBytes(Uint8Array.of(tx.type), rlpEncode(fields));
}

/** Every field of the transaction's type except the signature, in encoding order. */
function unsignedFields(tx: Transaction): RlpInput[] {
  const to = tx.to === null ? EMPTY_BYTES : addressToBytes(tx.to);
  const gasAndAfter = [uint(tx.gasLimit), to, uint(tx.value), tx.data];
  switch (tx.type) {
    case 0:
      return [uint(tx.nonce), uint(required(tx.gasPrice, 'gasPrice')), ...gasAndAfter];
    case 1:
      return [
        uint(required(tx.chainId, 'chainId')),
        uint(tx.nonce),
        uint(required(tx.gasPrice, 'gasPrice')),
        ...gasAndAfter,
        accessList(tx.accessList),
      ];
  }
  const feeMarket = [
    uint(required(tx.chainId, 'chainId')),
    uint(tx.nonce),
    uint(required(tx.maxPriorityFeePerGas, 'maxPriorityFeePerGas')),
    uint(required(tx.maxFeePerGas, 'maxFeePerGas')),
    ...gasAndAfter,
    accessList(tx.accessList),
  ];
  switch (tx.type) {
    case 2:
      return feeMarket;
    case 3:
      return [
        ...feeMarket,
        uint(required(tx.maxFeePerBlobGas, 'maxFeePerBlobGas')),
        required(tx.blobVersionedHashes, 'blobVersionedHashes'),
      ];
    case 4:
      return [...feeMarket, required(tx.authorizationList, 'authorizationList').map(authorization)];
  }
}

function uint(value: bigint): Uint8Array {
  return bigintToBytes(value);
}

function accessList(entries: AccessListEntry[]): RlpInput {
  return entries.map((entry) => [addressToBytes(entry.address), entry.storageKeys.map((key) => bigintToFixedBytes(key, 32))]);
}

/** EIP-7702: [chainId, address, nonce, yParity, r, s] */
function authorization(auth: Authorization): RlpInput {
  return [uint(auth.chainId), addressToBytes(auth.address), uint(auth.nonce), uint(auth.yParity), uint(auth.r), uint(auth.s)];
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new TypeError(`transaction field ${field} is required for this type`);
  return value;
}
