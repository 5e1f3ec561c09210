/**
 * How a mined block is written down (LMDB records, anvil_dumpState): the header, the transaction
 * envelopes with their senders (impersonated senders cannot be recovered), and the receipts with
 * their RPC fields. Hashes are recomputed on reading.
 */
import { addressToBytes, bytesToAddress } from '../primitives/address.js';
import { keccak256 } from '../primitives/hash.js';
import { rlpDecode, rlpEncode, rlpBytes, rlpList } from '../primitives/rlp.js';
import { decodeTransaction } from '../tx/decode.js';
import { decodeHeader, encodeHeader, headerHash } from '../chain/header.js';
import { decodeStoredReceipt, encodeStoredReceipt } from '../chain/receipt.js';
import { encodeBlock, type Block, type BlockTransaction } from '../chain/block.js';

export function encodeBlockRecord(block: Block): Uint8Array {
  return rlpEncode([
    encodeHeader(block.header),
    block.transactions.map((t) => t.encoded),
    block.transactions.map((t) => addressToBytes(t.sender)),
    block.receipts.map(encodeStoredReceipt),
  ]);
}

export function decodeBlockRecord(bytes: Uint8Array): Block {
  const [headerBytes, txs, senders, receipts] = rlpList(rlpDecode(bytes), 'block record');
  const header = decodeHeader(rlpBytes(headerBytes!, 'header'));
  const senderList = rlpList(senders!, 'senders');
  const transactions: BlockTransaction[] = rlpList(txs!, 'transactions').map((item, i) => {
    const encoded = rlpBytes(item, 'transaction').slice();
    return {
      tx: decodeTransaction(encoded),
      sender: bytesToAddress(rlpBytes(senderList[i]!, 'sender')),
      hash: keccak256(encoded),
      encoded,
    };
  });
  const block: Block = {
    header,
    hash: headerHash(header),
    transactions,
    receipts: rlpList(receipts!, 'receipts').map((r) => decodeStoredReceipt(rlpBytes(r, 'receipt'))),
    size: 0,
  };
  block.size = encodeBlock(header, transactions).length;
  return block;
}
