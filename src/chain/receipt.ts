/**
 * Transaction receipts: the consensus encoding (EIP-2718 typed, Byzantium status) that the
 * receipts root commits to, and the fields RPC reports beside it.
 */
import type { Address } from '../primitives/address.js';
import { addressToBytes, bytesToAddress } from '../primitives/address.js';
import { bigintToBytes, bigintToFixedBytes, bytesToBigint, concatBytes, EMPTY_BYTES } from '../primitives/bytes.js';
import { rlpDecode, rlpEncode, rlpBytes, rlpList, rlpToBigint, type RlpInput, type RlpItem } from '../primitives/rlp.js';
import type { Log } from '../host/index.js';
import type { TxType } from '../tx/types.js';
import { logsBloom } from './bloom.js';

export interface Receipt {
  type: TxType;
  success: boolean;
  cumulativeGasUsed: bigint;
  logsBloom: Uint8Array;
  logs: Log[];
  // Beside the consensus fields, for RPC:
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  blobGasUsed: bigint;
  /** The blob base fee paid, for blob transactions. */
  blobGasPrice: bigint | undefined;
  contractAddress: Address | undefined;
  /** Before Byzantium (EIP-658) a receipt carries the state root after its transaction instead of a status. */
  postState?: Uint8Array;
}

export function createReceipt(fields: Omit<Receipt, 'logsBloom'>): Receipt {
  return { ...fields, logsBloom: logsBloom(fields.logs) };
}

function logFields(log: Log): RlpInput {
  return [addressToBytes(log.address), log.topics.map((t) => bigintToFixedBytes(t, 32)), log.data];
}

/** The consensus encoding: rlp([status, cumulativeGasUsed, bloom, logs]), prefixed by the type byte for typed transactions. */
export function encodeReceipt(receipt: Receipt): Uint8Array {
  const body = rlpEncode([
    receipt.postState ?? (receipt.success ? Uint8Array.of(1) : EMPTY_BYTES),
    bigintToBytes(receipt.cumulativeGasUsed),
    receipt.logsBloom,
    receipt.logs.map(logFields),
  ]);
  return receipt.type === 0 ? body : concatBytes(Uint8Array.of(receipt.type), body);
}

function decodeLog(item: RlpItem): Log {
  const [address, topics, data] = rlpList(item, 'log') as [RlpItem, RlpItem, RlpItem];
  return {
    address: bytesToAddress(rlpBytes(address, 'log address')),
    topics: rlpList(topics, 'log topics').map((t) => bytesToBigint(rlpBytes(t, 'topic'))),
    data: rlpBytes(data, 'log data').slice(),
  };
}

/** The receipt with its RPC fields, as the node stores it. */
export function encodeStoredReceipt(receipt: Receipt): Uint8Array {
  return rlpEncode([
    encodeReceipt(receipt),
    bigintToBytes(receipt.gasUsed),
    bigintToBytes(receipt.effectiveGasPrice),
    bigintToBytes(receipt.blobGasUsed),
    receipt.blobGasPrice === undefined ? [] : [bigintToBytes(receipt.blobGasPrice)],
    receipt.contractAddress === undefined ? EMPTY_BYTES : addressToBytes(receipt.contractAddress),
  ]);
}

export function decodeStoredReceipt(bytes: Uint8Array): Receipt {
  return decodeStoredReceiptItem(rlpDecode(bytes));
}

export function decodeStoredReceiptItem(item: RlpItem): Receipt {
  const f = rlpList(item, 'stored receipt');
  const consensus = rlpBytes(f[0]!, 'receipt');
  const type = consensus[0]! < 0xc0 ? (consensus[0]! as TxType) : 0;
  const [status, cumulative, bloom, logs] = rlpList(rlpDecode(type === 0 ? consensus : consensus.subarray(1)), 'receipt') as RlpItem[];
  const blobGasPrice = rlpList(f[4]!, 'blobGasPrice');
  const contract = rlpBytes(f[5]!, 'contractAddress');
  return {
    type,
    success: rlpBytes(status!, 'status').length === 1,
    cumulativeGasUsed: rlpToBigint(cumulative!),
    logsBloom: rlpBytes(bloom!, 'bloom').slice(),
    logs: rlpList(logs!, 'logs').map(decodeLog),
    gasUsed: rlpToBigint(f[1]!),
    effectiveGasPrice: rlpToBigint(f[2]!),
    blobGasUsed: rlpToBigint(f[3]!),
    blobGasPrice: blobGasPrice.length === 0 ? undefined : rlpToBigint(blobGasPrice[0]!),
    contractAddress: contract.length === 0 ? undefined : bytesToAddress(contract),
  };
}
