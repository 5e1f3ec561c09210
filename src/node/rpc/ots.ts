/**
 * The ots_ namespace Otterscan (the block explorer) reads, as Erigon and Anvil serve it, at API
 * level 8: block details and pages of transactions, the internal operations and call trace of a
 * transaction, its revert data, searching an address's transactions page by page, a sender's
 * transaction by nonce, a contract's creator; and erigon_getHeaderByNumber, which Otterscan also
 * calls.
 *
 * Searching needs every account a transaction's frames touched, not only its sender and
 * recipient: a block's transactions are re-run once with a frame tracer and what they touched is
 * kept. A block older than the node's state history cannot be re-run; for it the search matches
 * the sender, the recipient and the created contract only.
 *
 * ots_traceTransaction, ots_getInternalOperations and ots_getTransactionError run their trace in
 * a trace worker when the node has them (see debug.ts); the searches re-run blocks on the node's
 * thread.
 */
import { bigintToHex as q, bytesToHex } from '../../primitives/bytes.js';
import type { Address } from '../../primitives/address.js';
import type { Block } from '../../chain/block.js';
import { StateUnavailableError } from '../errors.js';
import { requireBlock, requireState, type MethodTable, type RpcContext } from './context.js';
import { invalidParams, serverError } from './errors.js';
import { formatBlock, formatHeader, formatReceipt, formatTransaction, firstLogIndexes, type Json } from './format.js';
import { blockJob, replayTransaction, transactionJob } from './trace.js';
import { runTraceJobHere, thenMap } from './trace-job.js';
import * as p from './params.js';

/** Otterscan's API level: the version of these methods it expects. */
const API_LEVEL = 8;
/** The most transactions one search page returns beyond the page size (whole blocks are kept). */
const MAX_PAGE_SIZE = 1000;

function mined(ctx: RpcContext, value: unknown, index = 0) {
  const hash = bytesToHex(p.hash(value, p.where(index, 'transaction hash')));
  const at = ctx.chain.blocks.transactionLocation(hash);
  if (at === undefined) throw serverError(`transaction ${hash} not found`);
  return { hash, ...at };
}

function blockNumberParam(ctx: RpcContext, value: unknown, index: number): Block {
  const ref = p.blockRef(value, p.where(index, 'block number'));
  if (ref.kind === 'hash') throw invalidParams(`parameter ${index + 1} (block number): expected a block number or tag`);
  return requireBlock(ctx.chain, ref);
}

function totalFees(block: Block): bigint {
  return block.receipts.reduce((sum, r) => sum + r.gasUsed * r.effectiveGasPrice, 0n);
}

/** ots_getBlockDetails: the block without its transactions, their count, and the fees they paid. */
function blockDetails(block: Block): Json {
  const json = formatBlock(block, false) as Record<string, Json>;
  delete json.transactions;
  json.transactionCount = block.transactions.length;
  json.logsBloom = null;
  return {
    block: json,
    // A proof-of-stake dev chain issues nothing.
    issuance: { blockReward: '0x0', uncleReward: '0x0', issuance: '0x0' },
    totalFees: q(totalFees(block)),
  };
}

/** A receipt as the ots_ pages give it: no logs or bloom, with the block's timestamp. */
function pageReceipt(block: Block, index: number, firstLog: number): Json {
  const json = formatReceipt(block, index, firstLog) as Record<string, Json>;
  json.logs = null;
  json.logsBloom = null;
  json.timestamp = Number(block.header.timestamp);
  return json;
}

// ---- the search index ----

const touched = new WeakMap<Block, Set<Address>[]>();

/** The accounts each of `block`'s transactions touched (re-run once, then kept). */
function touchedBy(ctx: RpcContext, block: Block): Set<Address>[] {
  const known = touched.get(block);
  if (known !== undefined) return known;
  let sets: Set<Address>[];
  try {
    const job = blockJob(ctx, block, { kind: 'otsTouchedAddresses' });
    sets = (runTraceJobHere(ctx.chain, job) as Address[][]).map((list) => new Set(list));
  } catch (error) {
    if (!(error instanceof StateUnavailableError)) throw error;
    // Older than the history: what the transactions and receipts say.
    sets = block.transactions.map((t, i) => {
      const set = new Set<Address>([t.sender]);
      if (t.tx.to !== null) set.add(t.tx.to);
      const created = block.receipts[i]?.contractAddress;
      if (created !== undefined) set.add(created);
      return set;
    });
  }
  touched.set(block, sets);
  return sets;
}

interface Page {
  txs: Json[];
  receipts: Json[];
}

/** Collects `address`'s transactions from the blocks `numbers` gives, whole blocks, until `size` are found. */
function collect(ctx: RpcContext, address: Address, numbers: Iterable<bigint>, size: number): Page & { exhausted: boolean } {
  const page: Page = { txs: [], receipts: [] };
  for (const n of numbers) {
    const block = ctx.chain.blocks.byNumber(n)!;
    if (block.transactions.length === 0) continue;
    const sets = touchedBy(ctx, block);
    const firstLogs = firstLogIndexes(block);
    // Newest first within the block, as the pages list them.
    for (let i = block.transactions.length - 1; i >= 0; i--) {
      if (!sets[i]!.has(address)) continue;
      page.txs.push(formatTransaction(block.transactions[i]!, { block, index: i }));
      page.receipts.push(pageReceipt(block, i, firstLogs[i]!));
    }
    if (page.txs.length >= size) return { ...page, exhausted: false };
  }
  return { ...page, exhausted: true };
}

function searchParams(params: unknown): { address: Address; block: bigint; size: number } {
  const list = p.expectParams(params, 3, 3);
  const address = p.address(list[0], p.where(0, 'address'));
  const block = p.uint64(list[1], p.where(1, 'block number'));
  const size = Number(p.uint64(list[2], p.where(2, 'page size')));
  if (size === 0 || size > MAX_PAGE_SIZE) throw invalidParams(`parameter 3 (page size): expected 1 to ${MAX_PAGE_SIZE}`);
  return { address, block, size };
}

function* descending(from: bigint): Generator<bigint> {
  for (let n = from; n >= 1n; n--) yield n;
}

function* ascending(from: bigint, to: bigint): Generator<bigint> {
  for (let n = from; n <= to; n++) yield n;
}

// ---- finding by history ----

/** The first block in [lo, hi] for which `holds` is true, given that it stays true once it is (or undefined). */
function firstBlock(lo: bigint, hi: bigint, holds: (n: bigint) => boolean): bigint | undefined {
  if (!holds(hi)) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if (holds(mid)) hi = mid;
    else lo = mid + 1n;
  }
  return lo;
}

function transactionBySenderAndNonce(ctx: RpcContext, sender: Address, nonce: bigint): string | null {
  const chain = ctx.chain;
  const floor = chain.historyFloor;
  // The block where the sender's nonce first passed `nonce` holds the transaction.
  const at = firstBlock(floor, chain.blockNumber, (n) => chain.stateAt(n).getNonce(sender) > nonce);
  const candidates = at === undefined ? [] : at > floor ? [at] : [...descending(floor)].reverse();
  for (const n of candidates) {
    const block = chain.blocks.byNumber(n)!;
    const found = block.transactions.find((t) => t.sender === sender && t.tx.nonce === nonce);
    if (found !== undefined) return bytesToHex(found.hash);
  }
  return null;
}

function contractCreator(ctx: RpcContext, address: Address): Json {
  const chain = ctx.chain;
  if (chain.state.getCode(address).length === 0) return null;
  const floor = chain.historyFloor;
  const at = firstBlock(floor, chain.blockNumber, (n) => chain.stateAt(n).getCode(address).length > 0);
  if (at === undefined || at === 0n) return null;
  const numbers = at > floor ? [at] : [...descending(floor)].reverse();
  for (const n of numbers) {
    const block = chain.blocks.byNumber(n)!;
    for (let i = 0; i < block.transactions.length; i++) {
      if (!touchedBy(ctx, block)[i]!.has(address)) continue;
      const hash = bytesToHex(block.transactions[i]!.hash);
      const operations = runTraceJobHere(ctx.chain, transactionJob(ctx, hash, { kind: 'otsInternalOperations' })!);
      const creates = (operations as { type: number; from: string; to: string }[]).find(
        (op) => (op.type === 2 || op.type === 3) && op.to === address,
      );
      if (creates !== undefined) return { hash, creator: creates.from };
      if (block.receipts[i]!.contractAddress === address) return { hash, creator: block.transactions[i]!.sender };
    }
  }
  return null;
}

export const otsMethods: MethodTable = {
  ots_getApiLevel: (_ctx, params) => {
    p.expectParams(params, 0, 0);
    return API_LEVEL;
  },
  ots_hasCode: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const address = p.address(list[0], p.where(0, 'address'));
    const { state } = requireState(ctx.chain, p.blockRef(list[1] ?? 'latest', p.where(1, 'block')));
    return state.getCode(address).length > 0;
  },
  ots_getInternalOperations: (ctx, params) => {
    const { hash } = mined(ctx, p.expectParams(params, 1, 1)[0]);
    return replayTransaction(ctx, hash, { kind: 'otsInternalOperations' });
  },
  ots_traceTransaction: (ctx, params) => {
    const { hash } = mined(ctx, p.expectParams(params, 1, 1)[0]);
    return replayTransaction(ctx, hash, { kind: 'otsCallTrace' });
  },
  ots_getTransactionError: (ctx, params) => {
    const { block, index } = mined(ctx, p.expectParams(params, 1, 1)[0]);
    if (block.receipts[index]!.success) return '0x';
    const trace = replayTransaction(ctx, bytesToHex(block.transactions[index]!.hash), { kind: 'otsCallTrace' })!;
    return thenMap(trace, (calls) => (calls as { output: string | null }[])[0]?.output ?? '0x');
  },
  ots_getBlockDetails: (ctx, params) => blockDetails(blockNumberParam(ctx, p.expectParams(params, 1, 1)[0], 0)),
  ots_getBlockDetailsByHash: (ctx, params) => {
    const hash = p.hash(p.expectParams(params, 1, 1)[0], p.where(0, 'block hash'));
    return blockDetails(requireBlock(ctx.chain, { kind: 'hash', hash, requireCanonical: false }));
  },
  ots_getBlockTransactions: (ctx, params) => {
    const list = p.expectParams(params, 3, 3);
    const block = blockNumberParam(ctx, list[0], 0);
    const page = Number(p.uint64(list[1], p.where(1, 'page number')));
    const size = Number(p.uint64(list[2], p.where(2, 'page size')));
    if (size === 0 || size > MAX_PAGE_SIZE) throw invalidParams(`parameter 3 (page size): expected 1 to ${MAX_PAGE_SIZE}`);
    const start = page * size;
    const end = Math.min(start + size, block.transactions.length);
    const fullblock = formatBlock(block, true) as Record<string, Json>;
    fullblock.transactions = (fullblock.transactions as Json[]).slice(start, end);
    fullblock.transactionCount = block.transactions.length;
    const firstLogs = firstLogIndexes(block);
    const receipts: Json[] = [];
    for (let i = start; i < end; i++) receipts.push(pageReceipt(block, i, firstLogs[i]!));
    return { fullblock, receipts };
  },
  ots_searchTransactionsBefore: (ctx, params) => {
    const { address, block, size } = searchParams(params);
    // Block 0 means "from the newest".
    const from = block === 0n || block > ctx.chain.blockNumber ? ctx.chain.blockNumber : block - 1n;
    const found = collect(ctx, address, descending(from), size);
    return { txs: found.txs, receipts: found.receipts, firstPage: block === 0n, lastPage: found.exhausted };
  },
  ots_searchTransactionsAfter: (ctx, params) => {
    const { address, block, size } = searchParams(params);
    const numbers = [...ascending(block + 1n, ctx.chain.blockNumber)];
    // Oldest first while collecting; the page lists newest first.
    const page: Page = { txs: [], receipts: [] };
    let exhausted = true;
    for (const n of numbers) {
      const found = collect(ctx, address, [n], Infinity);
      page.txs.unshift(...found.txs);
      page.receipts.unshift(...found.receipts);
      if (page.txs.length >= size) {
        exhausted = n === ctx.chain.blockNumber;
        break;
      }
    }
    return { txs: page.txs, receipts: page.receipts, firstPage: exhausted, lastPage: block === 0n };
  },
  ots_getTransactionBySenderAndNonce: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    return transactionBySenderAndNonce(ctx, p.address(list[0], p.where(0, 'sender')), p.uint64(list[1], p.where(1, 'nonce')));
  },
  ots_getContractCreator: (ctx, params) => contractCreator(ctx, p.address(p.expectParams(params, 1, 1)[0], p.where(0, 'address'))),
  erigon_getHeaderByNumber: (ctx, params) => formatHeader(blockNumberParam(ctx, p.expectParams(params, 1, 1)[0], 0)),
};
