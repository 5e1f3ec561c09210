/**
 * Going back on the chain (anvil_rollback, anvil_reorg), sending and waiting for the receipt
 * in one call (eth_sendTransactionSync, eth_sendRawTransactionSync: EIP-7966), raw transactions
 * by block and index, and the blobs of blob transactions sent in network form.
 */
import { bytesToHex } from '../../primitives/bytes.js';
import type { Block } from '../../chain/block.js';
import { RpcError, invalidParams } from './errors.js';
import { findBlock, type Method, type MethodTable, type RpcContext } from './context.js';
import { ethSendMethods } from './eth-send.js';
import { formatReceipt } from './format.js';
import * as p from './params.js';

/** EIP-7966: sent, but no receipt within the timeout; the hash is in `data`. */
const SYNC_TIMEOUT = 4;

const rollback: Method = (ctx, params) => {
  const list = p.expectParams(params, 0, 1);
  const depth = list[0] === undefined || list[0] === null ? 1n : p.uint64(list[0], p.where(0, 'depth'));
  const chain = ctx.chain;
  if (depth > chain.blockNumber)
    throw invalidParams(`parameter 1 (depth): ${depth} is deeper than the chain (latest block ${chain.blockNumber})`);
  chain.rollbackTo(chain.blockNumber - depth);
  return null;
};

/**
 * anvil_reorg [depth, [[transaction, block offset], ...]]: drops the last `depth` blocks and mines
 * as many new ones; each transaction (a request from an account the node can send for, or raw
 * signed bytes) goes into the new block at its offset (0 is the first new block).
 */
const reorg: Method = (ctx, params) => {
  const list = p.expectParams(params, 2, 2);
  const depth = p.uint64(list[0], p.where(0, 'depth'));
  const chain = ctx.chain;
  if (depth === 0n) throw invalidParams('parameter 1 (depth): must be at least 1');
  if (depth > chain.blockNumber)
    throw invalidParams(`parameter 1 (depth): ${depth} is deeper than the chain (latest block ${chain.blockNumber})`);
  const pairs = p.array(list[1], p.where(1, 'transactions'), 10_000).map((pair, i) => {
    const at = `parameter 2 (transactions)[${i}]`;
    const item = p.array(pair, at, 2);
    if (item.length !== 2) throw invalidParams(`${at}: expected [transaction, block offset]`);
    const offset = p.uint64(item[1], `${at}[1] (block offset)`);
    if (offset >= depth) throw invalidParams(`${at}[1] (block offset): ${offset} is not below the depth ${depth}`);
    if (typeof item[0] === 'string') p.data(item[0], `${at}[0] (raw transaction)`, ctx.limits.maxBodyBytes);
    else p.object(item[0], `${at}[0] (transaction)`);
    return { tx: item[0], offset };
  });
  chain.rollbackTo(chain.blockNumber - depth);
  const automine = chain.miner.automine;
  chain.miner.automine = false;
  try {
    for (let offset = 0n; offset < depth; offset++) {
      for (const pair of pairs) {
        if (pair.offset !== offset) continue;
        if (typeof pair.tx === 'string') ethSendMethods.eth_sendRawTransaction!(ctx, [pair.tx]);
        else ethSendMethods.eth_sendTransaction!(ctx, [pair.tx]);
      }
      chain.miner.mine();
    }
  } finally {
    chain.miner.automine = automine;
  }
  return null;
};

function receiptOrTimeout(ctx: RpcContext, hash: string): unknown {
  const at = ctx.chain.blocks.transactionLocation(hash);
  if (at === undefined)
    throw new RpcError(
      SYNC_TIMEOUT,
      `the transaction ${hash} is in the pool but not mined (automine is off): poll eth_getTransactionReceipt`,
      hash,
    );
  return formatReceipt(at.block, at.index);
}

function timeoutParam(list: unknown[]): void {
  if (list[1] !== undefined && list[1] !== null) p.uint64(list[1], p.where(1, 'timeout (ms)'));
}

const sendTransactionSync: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 2);
  timeoutParam(list);
  return receiptOrTimeout(ctx, ethSendMethods.eth_sendTransaction!(ctx, [list[0]]) as string);
};

const sendRawTransactionSync: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 2);
  timeoutParam(list);
  return receiptOrTimeout(ctx, ethSendMethods.eth_sendRawTransaction!(ctx, [list[0]]) as string);
};

const rawTransactionByHash: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const hash = bytesToHex(p.hash(list[0], p.where(0, 'transaction hash')));
  const at = ctx.chain.blocks.transactionLocation(hash);
  if (at !== undefined) return bytesToHex(at.block.transactions[at.index]!.encoded);
  const pooled = ctx.chain.pool.get(hash);
  return pooled ? bytesToHex(pooled.encoded) : null;
};

/** The raw transaction at `index` of `block`, or null. */
function rawAt(block: Block | undefined, index: unknown): string | null {
  const i = Number(p.uint64(index, p.where(1, 'index')));
  const t = block?.transactions[i];
  return t ? bytesToHex(t.encoded) : null;
}

const rawTransactionByNumberAndIndex: Method = (ctx, params) => {
  const list = p.expectParams(params, 2, 2);
  return rawAt(findBlock(ctx.chain, p.blockRef(list[0], p.where(0, 'block'))), list[1]);
};

const rawTransactionByHashAndIndex: Method = (ctx, params) => {
  const list = p.expectParams(params, 2, 2);
  return rawAt(ctx.chain.blocks.byHash(bytesToHex(p.hash(list[0], p.where(0, 'block hash')))), list[1]);
};

const blobByHash: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const blob = ctx.chain.blobs.get(bytesToHex(p.hash(list[0], p.where(0, 'versioned hash'))));
  return blob ? bytesToHex(blob) : null;
};

const blobsByTransactionHash: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const hash = bytesToHex(p.hash(list[0], p.where(0, 'transaction hash')));
  const at = ctx.chain.blocks.transactionLocation(hash);
  const tx = at ? at.block.transactions[at.index]!.tx : ctx.chain.pool.get(hash)?.tx;
  if (tx?.blobVersionedHashes === undefined) return null;
  const blobs = tx.blobVersionedHashes.map((h) => ctx.chain.blobs.get(bytesToHex(h)));
  return blobs.every((b) => b !== undefined) ? blobs.map((b) => bytesToHex(b!)) : null;
};

export const chainEditMethods: MethodTable = {
  anvil_rollback: rollback,
  anvil_reorg: reorg,
  eth_sendTransactionSync: sendTransactionSync,
  eth_sendRawTransactionSync: sendRawTransactionSync,
  eth_getRawTransactionByHash: rawTransactionByHash,
  eth_getRawTransactionByBlockNumberAndIndex: rawTransactionByNumberAndIndex,
  eth_getRawTransactionByBlockHashAndIndex: rawTransactionByHashAndIndex,
  anvil_getBlobByHash: blobByHash,
  anvil_getBlobsByTransactionHash: blobsByTransactionHash,
};
