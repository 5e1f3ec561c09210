/**
 * Block headers: the fields each fork adds, their RLP encoding (Yellow Paper §4.3 plus the
 * EIPs that appended fields), and the block hash.
 */
import type { Address } from '../primitives/address.js';
import { addressToBytes, bytesToAddress } from '../primitives/address.js';
import { bigintToBytes, bytesToHex } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { rlpDecode, rlpEncode, rlpList, rlpBytes, rlpToBigint, type RlpInput } from '../primitives/rlp.js';

export interface BlockHeader {
  parentHash: Uint8Array;
  /** keccak256(rlp([])): there are no ommers after the merge, and none on a dev chain. */
  ommersHash: Uint8Array;
  coinbase: Address;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  difficulty: bigint;
  number: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  extraData: Uint8Array;
  /** prevRandao after the merge (EIP-4399). */
  mixHash: Uint8Array;
  nonce: Uint8Array;
  /** London (EIP-1559). */
  baseFeePerGas?: bigint;
  /** Shanghai (EIP-4895). */
  withdrawalsRoot?: Uint8Array;
  /** Cancun (EIP-4844, EIP-4788). */
  blobGasUsed?: bigint;
  excessBlobGas?: bigint;
  parentBeaconBlockRoot?: Uint8Array;
  /** Prague (EIP-7685). */
  requestsHash?: Uint8Array;
}

/** keccak256(rlp([])) */
export const EMPTY_OMMERS_HASH = keccak256(rlpEncode([]));
export const ZERO_HASH = new Uint8Array(32);
export const ZERO_NONCE = new Uint8Array(8);

/**
 * The header's RLP list. The optional fields are appended in the order the forks added them;
 * a field is present when it or any later one is (an absent later field never precedes a present
 * earlier one in a valid header).
 */
export function headerFields(header: BlockHeader): RlpInput[] {
  const fields: RlpInput[] = [
    header.parentHash,
    header.ommersHash,
    addressToBytes(header.coinbase),
    header.stateRoot,
    header.transactionsRoot,
    header.receiptsRoot,
    header.logsBloom,
    bigintToBytes(header.difficulty),
    bigintToBytes(header.number),
    bigintToBytes(header.gasLimit),
    bigintToBytes(header.gasUsed),
    bigintToBytes(header.timestamp),
    header.extraData,
    header.mixHash,
    header.nonce,
  ];
  const optional: (RlpInput | undefined)[] = [
    header.baseFeePerGas === undefined ? undefined : bigintToBytes(header.baseFeePerGas),
    header.withdrawalsRoot,
    header.blobGasUsed === undefined ? undefined : bigintToBytes(header.blobGasUsed),
    header.excessBlobGas === undefined ? undefined : bigintToBytes(header.excessBlobGas),
    header.parentBeaconBlockRoot,
    header.requestsHash,
  ];
  let last = -1;
  optional.forEach((field, i) => {
    if (field !== undefined) last = i;
  });
  for (let i = 0; i <= last; i++) {
    const field = optional[i];
    if (field === undefined) throw new Error(`header field ${OPTIONAL_NAMES[i]} is missing before a later field`);
    fields.push(field);
  }
  return fields;
}

const OPTIONAL_NAMES = ['baseFeePerGas', 'withdrawalsRoot', 'blobGasUsed', 'excessBlobGas', 'parentBeaconBlockRoot', 'requestsHash'];

export function encodeHeader(header: BlockHeader): Uint8Array {
  return rlpEncode(headerFields(header));
}

export function headerHash(header: BlockHeader): Uint8Array {
  return keccak256(encodeHeader(header));
}

export function decodeHeader(bytes: Uint8Array): BlockHeader {
  const f = rlpList(rlpDecode(bytes), 'header');
  if (f.length < 15 || f.length > 21) throw new Error(`a header has 15 to 21 fields, got ${f.length}`);
  const b = (i: number) => rlpBytes(f[i]!, 'header field');
  const n = (i: number) => rlpToBigint(f[i]!, 'header field');
  const header: BlockHeader = {
    parentHash: b(0),
    ommersHash: b(1),
    coinbase: bytesToAddress(b(2)),
    stateRoot: b(3),
    transactionsRoot: b(4),
    receiptsRoot: b(5),
    logsBloom: b(6),
    difficulty: n(7),
    number: n(8),
    gasLimit: n(9),
    gasUsed: n(10),
    timestamp: n(11),
    extraData: b(12),
    mixHash: b(13),
    nonce: b(14),
  };
  if (f.length > 15) header.baseFeePerGas = n(15);
  if (f.length > 16) header.withdrawalsRoot = b(16);
  if (f.length > 17) header.blobGasUsed = n(17);
  if (f.length > 18) header.excessBlobGas = n(18);
  if (f.length > 19) header.parentBeaconBlockRoot = b(19);
  if (f.length > 20) header.requestsHash = b(20);
  return header;
}

/** A short description for logs and errors. */
export function describeHeader(header: BlockHeader): string {
  return `block ${header.number} (${bytesToHex(headerHash(header)).slice(0, 18)}…)`;
}
