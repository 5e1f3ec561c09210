/** JSON shapes of blocks, transactions, receipts and logs, as Ethereum clients read them. */
import { bigintToHex as q, bigintToFixedBytes, bytesToHex } from '../../primitives/bytes.js';
import type { Transaction } from '../../tx/types.js';
import type { Log } from '../../host/index.js';
import type { Block, BlockTransaction } from '../../chain/block.js';
import { effectiveGasPrice } from '../../chain/builder.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

export function word(value: bigint): string {
  return bytesToHex(bigintToFixedBytes(value, 32));
}

export function formatBlock(block: Block, fullTransactions: boolean): Json {
  const h = block.header;
  const hash = bytesToHex(block.hash);
  const json: Record<string, Json | undefined> = {
    number: q(h.number),
    hash,
    parentHash: bytesToHex(h.parentHash),
    nonce: bytesToHex(h.nonce),
    sha3Uncles: bytesToHex(h.ommersHash),
    logsBloom: bytesToHex(h.logsBloom),
    transactionsRoot: bytesToHex(h.transactionsRoot),
    stateRoot: bytesToHex(h.stateRoot),
    receiptsRoot: bytesToHex(h.receiptsRoot),
    miner: h.coinbase,
    difficulty: q(h.difficulty),
    totalDifficulty: q(h.difficulty * (h.number + 1n)),
    extraData: bytesToHex(h.extraData),
    size: q(BigInt(block.size)),
    gasLimit: q(h.gasLimit),
    gasUsed: q(h.gasUsed),
    timestamp: q(h.timestamp),
    transactions: fullTransactions
      ? block.transactions.map((t, i) => formatTransaction(t, { block, index: i }))
      : block.transactions.map((t) => bytesToHex(t.hash)),
    uncles: [],
    mixHash: bytesToHex(h.mixHash),
  };
  if (h.baseFeePerGas !== undefined) json.baseFeePerGas = q(h.baseFeePerGas);
  if (h.withdrawalsRoot !== undefined) {
    json.withdrawalsRoot = bytesToHex(h.withdrawalsRoot);
    json.withdrawals = [];
  }
  if (h.blobGasUsed !== undefined) json.blobGasUsed = q(h.blobGasUsed);
  if (h.excessBlobGas !== undefined) json.excessBlobGas = q(h.excessBlobGas);
  if (h.parentBeaconBlockRoot !== undefined) json.parentBeaconBlockRoot = bytesToHex(h.parentBeaconBlockRoot);
  if (h.requestsHash !== undefined) json.requestsHash = bytesToHex(h.requestsHash);
  return json;
}

/** A header for newHeads subscriptions: the block without transactions and size. */
export function formatHeader(block: Block): Json {
  const json = formatBlock(block, false) as Record<string, Json | undefined>;
  delete json.transactions;
  delete json.uncles;
  delete json.size;
  delete json.withdrawals;
  delete json.totalDifficulty;
  return json;
}

export function formatTransaction(t: BlockTransaction, at: { block: Block; index: number } | undefined): Json {
  const tx = t.tx;
  const json: Record<string, Json | undefined> = {
    blockHash: at ? bytesToHex(at.block.hash) : null,
    blockNumber: at ? q(at.block.header.number) : null,
    transactionIndex: at ? q(BigInt(at.index)) : null,
    hash: bytesToHex(t.hash),
    from: t.sender,
    to: tx.to,
    gas: q(tx.gasLimit),
    gasPrice: q(at && tx.type >= 2 ? effectiveGasPrice(tx, at.block.header.baseFeePerGas ?? 0n) : (tx.gasPrice ?? tx.maxFeePerGas!)),
    input: bytesToHex(tx.data),
    nonce: q(tx.nonce),
    value: q(tx.value),
    type: q(BigInt(tx.type)),
    v: q(tx.v),
    r: q(tx.r),
    s: q(tx.s),
  };
  if (tx.chainId !== undefined) json.chainId = q(tx.chainId);
  if (tx.type >= 1) {
    json.accessList = formatAccessList(tx);
    json.yParity = q(tx.v);
  }
  if (tx.type >= 2) {
    json.maxFeePerGas = q(tx.maxFeePerGas!);
    json.maxPriorityFeePerGas = q(tx.maxPriorityFeePerGas!);
  }
  if (tx.type === 3) {
    json.maxFeePerBlobGas = q(tx.maxFeePerBlobGas!);
    json.blobVersionedHashes = tx.blobVersionedHashes!.map(bytesToHex);
  }
  if (tx.type === 4) {
    json.authorizationList = tx.authorizationList!.map((a) => ({
      chainId: q(a.chainId),
      address: a.address,
      nonce: q(a.nonce),
      yParity: q(a.yParity),
      r: q(a.r),
      s: q(a.s),
    }));
  }
  return json;
}

function formatAccessList(tx: Transaction): Json {
  return tx.accessList.map((entry) => ({ address: entry.address, storageKeys: entry.storageKeys.map(word) }));
}

/** A log with its place in the chain. */
export function formatLog(log: Log, block: Block, txIndex: number, logIndex: number, removed = false): Json {
  return {
    address: log.address,
    topics: log.topics.map(word),
    data: bytesToHex(log.data),
    blockNumber: q(block.header.number),
    blockHash: bytesToHex(block.hash),
    blockTimestamp: q(block.header.timestamp),
    transactionHash: bytesToHex(block.transactions[txIndex]!.hash),
    transactionIndex: q(BigInt(txIndex)),
    logIndex: q(BigInt(logIndex)),
    removed,
  };
}

/** The index of the first log of each transaction in the block. */
export function firstLogIndexes(block: Block): number[] {
  const first: number[] = [];
  let n = 0;
  for (const receipt of block.receipts) {
    first.push(n);
    n += receipt.logs.length;
  }
  return first;
}

export function formatReceipt(block: Block, index: number, firstLogIndex?: number): Json {
  const receipt = block.receipts[index]!;
  const t = block.transactions[index]!;
  const start = firstLogIndex ?? firstLogIndexes(block)[index]!;
  const json: Record<string, Json | undefined> = {
    transactionHash: bytesToHex(t.hash),
    transactionIndex: q(BigInt(index)),
    blockHash: bytesToHex(block.hash),
    blockNumber: q(block.header.number),
    blockTimestamp: q(block.header.timestamp),
    from: t.sender,
    to: t.tx.to,
    cumulativeGasUsed: q(receipt.cumulativeGasUsed),
    gasUsed: q(receipt.gasUsed),
    contractAddress: receipt.contractAddress ?? null,
    logs: receipt.logs.map((log, i) => formatLog(log, block, index, start + i)),
    logsBloom: bytesToHex(receipt.logsBloom),
    type: q(BigInt(receipt.type)),
    status: receipt.success ? '0x1' : '0x0',
    effectiveGasPrice: q(receipt.effectiveGasPrice),
  };
  if (receipt.type === 3) json.blobGasUsed = q(receipt.blobGasUsed);
  if (receipt.blobGasPrice !== undefined) json.blobGasPrice = q(receipt.blobGasPrice);
  return json;
}
