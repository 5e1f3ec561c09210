/**
 * A block as the chain keeps it: the header, the transactions with their senders and hashes,
 * and the receipts. Also the roots a header commits to and the block's RLP size (EIP-7934).
 */
import type { Address } from '../primitives/address.js';
import { bigintToBytes } from '../primitives/bytes.js';
import { rlpEncode, rlpEncodeList } from '../primitives/rlp.js';
import { trieRoot } from '../state/trie.js';
import type { Transaction } from '../tx/types.js';
import type { ValidatedTransaction } from '../tx/validate.js';
import { encodeHeader, type BlockHeader } from './header.js';
import { encodeReceipt, type Receipt } from './receipt.js';
import { encodeWithdrawal, type Withdrawal } from './withdrawals.js';

export interface BlockTransaction {
  tx: Transaction;
  sender: Address;
  hash: Uint8Array;
  /** The canonical envelope: rlp(fields) for legacy, type ‖ rlp(fields) for typed. */
  encoded: Uint8Array;
  /**
   * Sent on a dev chain without the sender's key (impersonation): the sender may have code, as
   * Anvil and Hardhat allow, instead of EIP-3607's rejection. Never set for a block from elsewhere.
   */
  impersonated?: boolean;
}

/** A block transaction that passed the stateless rules (the pool holds these). */
export type ValidatedBlockTransaction = BlockTransaction & ValidatedTransaction;

export interface Block {
  header: BlockHeader;
  hash: Uint8Array;
  transactions: BlockTransaction[];
  receipts: Receipt[];
  /** The length of the block's RLP encoding. */
  size: number;
}

/** EIP-7934 (Osaka): a block's RLP may take at most 10 MiB less a 2 MiB margin. */
export const MAX_BLOCK_SIZE = 10_485_760;
export const SAFETY_MARGIN = 2_097_152;
export const MAX_RLP_BLOCK_SIZE = MAX_BLOCK_SIZE - SAFETY_MARGIN;

const EMPTY_LIST = rlpEncode([]);

/** How a transaction appears in a block body: a legacy list as is, a typed envelope as an RLP string. */
export function transactionBodyItem(encoded: Uint8Array, type: number): Uint8Array {
  return type === 0 ? encoded : rlpEncode(encoded);
}

/** rlp([header, transactions, ommers, withdrawals?]); withdrawals from Shanghai. */
export function encodeBlock(
  header: BlockHeader,
  transactions: readonly BlockTransaction[],
  ommers: readonly BlockHeader[] = [],
  withdrawals: readonly Withdrawal[] = [],
): Uint8Array {
  const items = [
    encodeHeader(header),
    rlpEncodeList(transactions.map((t) => transactionBodyItem(t.encoded, t.tx.type))),
    ommers.length === 0 ? EMPTY_LIST : rlpEncodeList(ommers.map(encodeHeader)),
  ];
  if (header.withdrawalsRoot !== undefined)
    items.push(withdrawals.length === 0 ? EMPTY_LIST : rlpEncodeList(withdrawals.map(encodeWithdrawal)));
  return rlpEncodeList(items);
}

export function transactionsRoot(transactions: readonly BlockTransaction[]): Uint8Array {
  return trieRoot(transactions.map((t, i) => [rlpEncode(bigintToBytes(BigInt(i))), t.encoded] as const));
}

export function receiptsRoot(receipts: readonly Receipt[]): Uint8Array {
  return trieRoot(receipts.map((r, i) => [rlpEncode(bigintToBytes(BigInt(i))), encodeReceipt(r)] as const));
}
