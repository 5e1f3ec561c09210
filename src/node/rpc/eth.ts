/** The eth_ namespace: chain and state queries, calls, fees, logs and filters, proofs. */
import type { Address } from '../../primitives/address.js';
import { bigintToHex as q, bytesToHex } from '../../primitives/bytes.js';
import { KECCAK256_EMPTY } from '../../primitives/hash.js';
import type { Block } from '../../chain/block.js';
import { effectiveGasPrice } from '../../chain/builder.js';
import { headerBlobBaseFee, nextBaseFee, nextExcessBlobGas } from '../../chain/fees.js';
import { call, createAccessList, estimateGas, type BlockOverrides, type SimulationInput, type StateOverride } from './simulate.js';
import { queryLogs, type LogCriteria } from './filters.js';
import { RpcError, SERVER_ERROR, invalidParams } from './errors.js';
import { findBlock, requireBlock, requireLatestState, requireState, type Method, type MethodTable, type RpcContext } from './context.js';
import { formatBlock, formatReceipt, formatTransaction, firstLogIndexes, word, type Json } from './format.js';
import * as p from './params.js';
import { transactionRequest } from './tx-request.js';

/** The tip the node suggests (eth_maxPriorityFeePerGas), as Anvil and Hardhat do: 1 gwei. */
export const DEFAULT_PRIORITY_FEE = 1_000_000_000n;

export function stateOverrides(value: unknown, at: p.Where): Map<Address, StateOverride> | undefined {
  if (value === undefined || value === null) return undefined;
  const o = p.object(value, at);
  const out = new Map<Address, StateOverride>();
  for (const [key, raw] of Object.entries(o)) {
    const address = p.address(key, `${at} key`);
    const w = `${at}.${key}`;
    const entry = p.object(raw, w);
    p.onlyKeys(entry, ['balance', 'nonce', 'code', 'state', 'stateDiff'], w);
    if (entry.state !== undefined && entry.stateDiff !== undefined) throw invalidParams(`${w}: set "state" or "stateDiff", not both`);
    const slots = (v: unknown, name: string) => {
      const m = new Map<bigint, bigint>();
      for (const [slot, value] of Object.entries(p.object(v, `${w}.${name}`)))
        m.set(p.word(slot, `${w}.${name} key`), p.word(value, `${w}.${name}[${slot.slice(0, 20)}]`));
      return m;
    };
    out.set(address, {
      balance: p.optional(entry.balance, (v) => p.quantity(v, `${w}.balance`)),
      nonce: p.optional(entry.nonce, (v) => p.uint64(v, `${w}.nonce`)),
      code: p.optional(entry.code, (v) => p.data(v, `${w}.code`)),
      state: p.optional(entry.state, (v) => slots(v, 'state')),
      stateDiff: p.optional(entry.stateDiff, (v) => slots(v, 'stateDiff')),
    });
  }
  return out;
}

export function blockOverrides(value: unknown, at: p.Where): BlockOverrides | undefined {
  if (value === undefined || value === null) return undefined;
  const o = p.object(value, at);
  p.onlyKeys(
    o,
    ['number', 'time', 'gasLimit', 'feeRecipient', 'coinbase', 'prevRandao', 'random', 'baseFeePerGas', 'baseFee', 'blobBaseFee'],
    at,
  );
  return {
    number: p.optional(o.number, (v) => p.uint64(v, `${at}.number`)),
    time: p.optional(o.time, (v) => p.uint64(v, `${at}.time`)),
    gasLimit: p.optional(o.gasLimit, (v) => p.uint64(v, `${at}.gasLimit`)),
    feeRecipient: p.optional(o.feeRecipient ?? o.coinbase, (v) => p.address(v, `${at}.feeRecipient`)),
    prevRandao: p.optional(o.prevRandao ?? o.random, (v) => p.word(v, `${at}.prevRandao`)),
    baseFeePerGas: p.optional(o.baseFeePerGas ?? o.baseFee, (v) => p.quantity(v, `${at}.baseFeePerGas`)),
    blobBaseFee: p.optional(o.blobBaseFee, (v) => p.quantity(v, `${at}.blobBaseFee`)),
  };
}

function simulationInput(ctx: RpcContext, params: unknown[], withBlockOverrides: boolean): SimulationInput {
  const request = transactionRequest(params[0], p.where(0, 'transaction'), ctx.limits.maxBodyBytes);
  const ref = p.blockRef(params[1], p.where(1, 'block'));
  const { block, pending, state } = requireState(ctx.chain, ref);
  return {
    request,
    state,
    context: ctx.chain.blockContext(block, pending),
    stateOverrides: stateOverrides(params[2], p.where(2, 'state overrides')),
    blockOverrides: withBlockOverrides ? blockOverrides(params[3], p.where(3, 'block overrides')) : undefined,
    gasCap: ctx.limits.callGasCap,
  };
}

/** eth_getLogs / eth_newFilter criteria. */
export function logFilter(
  ctx: RpcContext,
  value: unknown,
  at: p.Where,
): { criteria: LogCriteria; from: bigint | undefined; to: bigint | undefined; blockHash: Uint8Array | undefined } {
  const o = value === undefined || value === null ? {} : p.object(value, at);
  p.onlyKeys(o, ['fromBlock', 'toBlock', 'address', 'topics', 'blockHash'], at);
  let addresses: Address[] | undefined;
  if (o.address !== undefined && o.address !== null) {
    addresses = Array.isArray(o.address)
      ? p.array(o.address, `${at}.address`, 1000).map((a, i) => p.address(a, `${at}.address[${i}]`))
      : [p.address(o.address, `${at}.address`)];
  }
  const topics: (bigint[] | undefined)[] = [];
  if (o.topics !== undefined && o.topics !== null) {
    const list = p.array(o.topics, `${at}.topics`, 4);
    list.forEach((t, i) => {
      const w = `${at}.topics[${i}]`;
      if (t === null) topics.push(undefined);
      else if (Array.isArray(t))
        topics.push(t.length === 0 ? undefined : p.array(t, w, 1000).map((x, j) => BigInt(bytesToHex(p.hash(x, `${w}[${j}]`)))));
      else topics.push([BigInt(bytesToHex(p.hash(t, w)))]);
    });
  }
  const criteria = { addresses, topics };
  if (o.blockHash !== undefined && o.blockHash !== null) {
    if (o.fromBlock !== undefined || o.toBlock !== undefined)
      throw invalidParams(`${at}: blockHash cannot be combined with fromBlock/toBlock`);
    return { criteria, from: undefined, to: undefined, blockHash: p.hash(o.blockHash, `${at}.blockHash`) };
  }
  const number = (v: unknown, name: string): bigint | undefined => {
    if (v === undefined || v === null) return undefined;
    const ref = p.blockRef(v, `${at}.${name}`);
    if (ref.kind === 'tag' && (ref.tag === 'latest' || ref.tag === 'pending' || ref.tag === 'safe' || ref.tag === 'finalized'))
      return undefined;
    const block = findBlock(ctx.chain, ref);
    if (ref.kind === 'number') return ref.number;
    if (!block) throw new RpcError(SERVER_ERROR, `${at}.${name}: unknown block`);
    return block.header.number;
  };
  return { criteria, from: number(o.fromBlock, 'fromBlock'), to: number(o.toBlock, 'toBlock'), blockHash: undefined };
}

function transactionAt(block: Block | undefined, index: bigint): Json {
  if (!block || index >= BigInt(block.transactions.length)) return null;
  return formatTransaction(block.transactions[Number(index)]!, { block, index: Number(index) });
}

/** eth_feeHistory: per block the base fee, gas used ratio, blob fees, and tip percentiles. */
function feeHistory(ctx: RpcContext, params: unknown[]): Json {
  const chain = ctx.chain;
  const count = p.uint64(params[0], p.where(0, 'block count'));
  if (count === 0n) return { oldestBlock: '0x0', baseFeePerGas: [], gasUsedRatio: [], baseFeePerBlobGas: [], blobGasUsedRatio: [] };
  const newest = requireBlock(chain, p.blockRef(params[1], p.where(1, 'newest block')));
  let percentiles: number[] | undefined;
  if (params[2] !== undefined && params[2] !== null) {
    percentiles = p.array(params[2], p.where(2, 'reward percentiles'), 100).map((v, i) => {
      if (typeof v !== 'number' || !(v >= 0 && v <= 100))
        throw invalidParams(`parameter 3 (reward percentiles)[${i}]: expected a number from 0 to 100`);
      return v;
    });
    for (let i = 1; i < percentiles.length; i++) {
      if (percentiles[i]! < percentiles[i - 1]!) throw invalidParams('parameter 3 (reward percentiles): must be in ascending order');
    }
  }
  const blocks = count > 1024n ? 1024n : count;
  const newestNumber = newest.header.number;
  const first = chain.blocks.first;
  const oldest = newestNumber + 1n - first >= blocks ? newestNumber + 1n - blocks : first;
  const baseFees: string[] = [];
  const ratios: number[] = [];
  const blobFees: string[] = [];
  const blobRatios: number[] = [];
  const rewards: string[][] = [];
  const rules = chain.rules;
  for (let n = oldest; n <= newestNumber; n++) {
    const block = chain.blocks.byNumber(n)!;
    const h = block.header;
    baseFees.push(q(h.baseFeePerGas ?? 0n));
    ratios.push(h.gasLimit === 0n ? 0 : Number(h.gasUsed) / Number(h.gasLimit));
    blobFees.push(q(rules.cancun ? headerBlobBaseFee(h, rules) : 0n));
    blobRatios.push(rules.cancun ? Number(h.blobGasUsed ?? 0n) / Number(rules.maxBlobGasPerBlock) : 0);
    if (percentiles) rewards.push(blockRewards(block, percentiles));
  }
  const last = newest.header;
  baseFees.push(q(newest === chain.latest() ? chain.miner.nextBaseFee() : rules.london ? nextBaseFee(last) : 0n));
  blobFees.push(q(rules.cancun ? headerBlobBaseFee({ excessBlobGas: nextExcessBlobGas(last, rules) }, rules) : 0n));
  const json: Record<string, Json> = {
    oldestBlock: q(oldest),
    baseFeePerGas: baseFees,
    gasUsedRatio: ratios,
    baseFeePerBlobGas: blobFees,
    blobGasUsedRatio: blobRatios,
  };
  if (percentiles) json.reward = rewards;
  return json;
}

/** The tips at the given percentiles of the block's gas, weighting each transaction by its gas. */
function blockRewards(block: Block, percentiles: number[]): string[] {
  const baseFee = block.header.baseFeePerGas ?? 0n;
  if (block.transactions.length === 0) return percentiles.map(() => '0x0');
  const entries = block.transactions
    .map((t, i) => ({ tip: effectiveGasPrice(t.tx, baseFee) - baseFee, gas: block.receipts[i]!.gasUsed }))
    .sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
  const total = Number(block.header.gasUsed);
  return percentiles.map((pct) => {
    const threshold = (total * pct) / 100;
    let sum = 0;
    for (const entry of entries) {
      sum += Number(entry.gas);
      if (sum >= threshold) return q(entry.tip);
    }
    return q(entries[entries.length - 1]!.tip);
  });
}

/**
 * The 'pending' block: what mining now would make, with the pool's executable transactions run
 * on a throw-away state. Not mined, so it has no hash and no roots (null, as geth answers).
 */
function pendingBlock(ctx: RpcContext, full: boolean): Json {
  const { parent, builder } = ctx.chain.miner.pendingBlock();
  const c = builder.context;
  const json: Record<string, Json> = {
    number: q(c.number),
    hash: null,
    parentHash: bytesToHex(parent.hash),
    nonce: null,
    sha3Uncles: bytesToHex(parent.header.ommersHash),
    logsBloom: null,
    transactionsRoot: null,
    stateRoot: null,
    receiptsRoot: null,
    miner: c.coinbase,
    difficulty: '0x0',
    extraData: '0x',
    gasLimit: q(c.gasLimit),
    gasUsed: q(builder.gasUsed),
    timestamp: q(c.timestamp),
    transactions: builder.transactions.map((t) => (full ? formatTransaction(t, undefined) : bytesToHex(t.hash))),
    uncles: [],
    mixHash: word(c.prevRandao),
  };
  if (ctx.chain.rules.london) json.baseFeePerGas = q(c.baseFee);
  if (ctx.chain.rules.cancun) json.blobGasUsed = q(builder.blobGasUsed);
  return json;
}

const accounts: Method = (ctx, params) => (p.expectParams(params, 0, 0), ctx.chain.devAccounts.map((a) => a.address));

export const ethMethods: MethodTable = {
  eth_chainId: (ctx, params) => (p.expectParams(params, 0, 0), q(ctx.chain.chainId)),
  eth_blockNumber: (ctx, params) => (p.expectParams(params, 0, 0), q(ctx.chain.blockNumber)),
  eth_accounts: accounts,
  // EIP-1102's request for accounts: a dev node has them unlocked.
  eth_requestAccounts: accounts,
  eth_coinbase: (ctx, params) => (p.expectParams(params, 0, 0), ctx.chain.miner.coinbase),
  eth_mining: (ctx, params) => (p.expectParams(params, 0, 0), ctx.chain.miner.automine || ctx.chain.miner.intervalMining),
  eth_hashrate: (_ctx, params) => (p.expectParams(params, 0, 0), '0x0'),
  eth_syncing: (_ctx, params) => (p.expectParams(params, 0, 0), false),
  eth_protocolVersion: (_ctx, params) => (p.expectParams(params, 0, 0), '0x44'),

  eth_gasPrice: (ctx, params) => (p.expectParams(params, 0, 0), q(ctx.chain.miner.nextBaseFee() + DEFAULT_PRIORITY_FEE)),
  eth_maxPriorityFeePerGas: (_ctx, params) => (p.expectParams(params, 0, 0), q(DEFAULT_PRIORITY_FEE)),
  eth_blobBaseFee: (ctx, params) => (p.expectParams(params, 0, 0), q(ctx.chain.miner.nextBlobBaseFee())),
  eth_feeHistory: (ctx, params) => feeHistory(ctx, p.expectParams(params, 2, 3)),

  eth_getBalance: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const address = p.address(list[0], p.where(0, 'address'));
    const { state } = requireState(ctx.chain, p.blockRef(list[1], p.where(1, 'block')));
    return q(state.getBalance(address));
  },
  eth_getCode: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const address = p.address(list[0], p.where(0, 'address'));
    const { state } = requireState(ctx.chain, p.blockRef(list[1], p.where(1, 'block')));
    return bytesToHex(state.getCode(address));
  },
  eth_getStorageAt: (ctx, params) => {
    const list = p.expectParams(params, 2, 3);
    const address = p.address(list[0], p.where(0, 'address'));
    const slot = p.word(list[1], p.where(1, 'slot'));
    const { state } = requireState(ctx.chain, p.blockRef(list[2], p.where(2, 'block')));
    return word(state.getStorage(address, slot));
  },
  eth_getTransactionCount: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const address = p.address(list[0], p.where(0, 'address'));
    const { pending, state } = requireState(ctx.chain, p.blockRef(list[1], p.where(1, 'block')));
    return q(pending ? ctx.chain.pendingNonce(address) : state.getNonce(address));
  },

  eth_call: (ctx, params) => bytesToHex(call(ctx.chain, simulationInput(ctx, p.expectParams(params, 1, 4), true))),
  eth_estimateGas: (ctx, params) => q(estimateGas(ctx.chain, simulationInput(ctx, p.expectParams(params, 1, 3), false))),
  eth_createAccessList: (ctx, params) => {
    const result = createAccessList(ctx.chain, simulationInput(ctx, p.expectParams(params, 1, 3), false));
    const json: Record<string, Json> = {
      accessList: result.accessList.map((e) => ({ address: e.address, storageKeys: e.storageKeys.map(word) })),
      gasUsed: q(result.gasUsed),
    };
    if (result.error) json.error = result.error;
    return json;
  },

  eth_getBlockByNumber: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const ref = p.blockRef(list[0], p.where(0, 'block'));
    const full = list[1] === undefined ? false : p.boolean(list[1], p.where(1, 'full transactions'));
    if (ref.kind === 'tag' && ref.tag === 'pending') return pendingBlock(ctx, full);
    const block = findBlock(ctx.chain, ref);
    return block ? formatBlock(block, full) : null;
  },
  eth_getBlockByHash: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const block = ctx.chain.blocks.byHash(bytesToHex(p.hash(list[0], p.where(0, 'block hash'))));
    const full = list[1] === undefined ? false : p.boolean(list[1], p.where(1, 'full transactions'));
    return block ? formatBlock(block, full) : null;
  },
  eth_getBlockTransactionCountByNumber: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const block = findBlock(ctx.chain, p.blockRef(list[0], p.where(0, 'block')));
    return block ? q(BigInt(block.transactions.length)) : null;
  },
  eth_getBlockTransactionCountByHash: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const block = ctx.chain.blocks.byHash(bytesToHex(p.hash(list[0], p.where(0, 'block hash'))));
    return block ? q(BigInt(block.transactions.length)) : null;
  },
  eth_getUncleCountByBlockNumber: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    return findBlock(ctx.chain, p.blockRef(list[0], p.where(0, 'block'))) ? '0x0' : null;
  },
  eth_getUncleCountByBlockHash: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    return ctx.chain.blocks.byHash(bytesToHex(p.hash(list[0], p.where(0, 'block hash')))) ? '0x0' : null;
  },
  eth_getUncleByBlockNumberAndIndex: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    p.blockRef(list[0], p.where(0, 'block'));
    p.quantity(list[1], p.where(1, 'index'));
    return null;
  },
  eth_getUncleByBlockHashAndIndex: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    p.hash(list[0], p.where(0, 'block hash'));
    p.quantity(list[1], p.where(1, 'index'));
    return null;
  },
  eth_getBlockReceipts: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const block = findBlock(ctx.chain, p.blockRef(list[0], p.where(0, 'block')));
    if (!block) return null;
    const first = firstLogIndexes(block);
    return block.receipts.map((_, i) => formatReceipt(block, i, first[i]));
  },

  eth_getTransactionByHash: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const hashHex = bytesToHex(p.hash(list[0], p.where(0, 'transaction hash')));
    const at = ctx.chain.blocks.transactionLocation(hashHex);
    if (at) return formatTransaction(at.block.transactions[at.index]!, at);
    const pooled = ctx.chain.pool.get(hashHex);
    return pooled ? formatTransaction(pooled, undefined) : null;
  },
  eth_getTransactionByBlockHashAndIndex: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    const block = ctx.chain.blocks.byHash(bytesToHex(p.hash(list[0], p.where(0, 'block hash'))));
    return transactionAt(block, p.uint64(list[1], p.where(1, 'index')));
  },
  eth_getTransactionByBlockNumberAndIndex: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    const block = findBlock(ctx.chain, p.blockRef(list[0], p.where(0, 'block')));
    return transactionAt(block, p.uint64(list[1], p.where(1, 'index')));
  },
  eth_getTransactionReceipt: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const at = ctx.chain.blocks.transactionLocation(bytesToHex(p.hash(list[0], p.where(0, 'transaction hash'))));
    return at ? formatReceipt(at.block, at.index) : null;
  },

  eth_getLogs: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const filter = logFilter(ctx, list[0], p.where(0, 'filter'));
    const { maxLogsRange, maxLogs } = ctx.limits;
    if (filter.blockHash) {
      const block = ctx.chain.blocks.byHash(bytesToHex(filter.blockHash));
      if (!block) throw new RpcError(SERVER_ERROR, 'unknown block');
      return queryLogs(ctx.chain, filter.criteria, block.header.number, block.header.number, maxLogsRange, maxLogs);
    }
    const latest = ctx.chain.blockNumber;
    const from = filter.from ?? latest;
    const to = filter.to ?? latest;
    if (from > to && filter.from !== undefined && filter.to !== undefined)
      throw invalidParams('parameter 1 (filter): fromBlock is after toBlock');
    return queryLogs(ctx.chain, filter.criteria, from, to, maxLogsRange, maxLogs);
  },
  eth_newFilter: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const filter = logFilter(ctx, list[0], p.where(0, 'filter'));
    if (filter.blockHash) {
      const block = ctx.chain.blocks.byHash(bytesToHex(filter.blockHash));
      if (!block) throw new RpcError(SERVER_ERROR, 'unknown block');
      return ctx.filters.newLogFilter(filter.criteria, block.header.number, block.header.number);
    }
    return ctx.filters.newLogFilter(filter.criteria, filter.from, filter.to);
  },
  eth_newBlockFilter: (ctx, params) => (p.expectParams(params, 0, 0), ctx.filters.newBlockFilter()),
  eth_newPendingTransactionFilter: (ctx, params) => (p.expectParams(params, 0, 1), ctx.filters.newPendingTransactionFilter()),
  eth_getFilterChanges: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    return ctx.filters.changes(filterId(list[0]), ctx.limits.maxLogsRange, ctx.limits.maxLogs);
  },
  eth_getFilterLogs: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    return ctx.filters.logs(filterId(list[0]), ctx.limits.maxLogsRange, ctx.limits.maxLogs);
  },
  eth_uninstallFilter: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    return ctx.filters.uninstall(filterId(list[0]));
  },
  eth_subscribe: (ctx, params) => {
    const list = p.expectParams(params, 1, 2);
    const kind = p.string(list[0], p.where(0, 'subscription'), 64);
    if (!ctx.sink) throw new RpcError(-32601, 'subscriptions need a WebSocket connection (notifications are not supported over HTTP)');
    if (kind === 'logs') {
      return ctx.filters.subscribe(ctx.sink, kind, { criteria: logFilter(ctx, list[1], p.where(1, 'filter')).criteria });
    }
    if (kind === 'newPendingTransactions') {
      const full = list[1] === undefined || list[1] === null ? false : p.boolean(list[1], p.where(1, 'full transactions'));
      return ctx.filters.subscribe(ctx.sink, kind, { fullTransactions: full });
    }
    if (list.length > 1) throw invalidParams(`parameter 2: "${kind.slice(0, 40)}" takes no options`);
    return ctx.filters.subscribe(ctx.sink, kind, {});
  },
  eth_unsubscribe: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    return ctx.filters.unsubscribe(filterId(list[0]));
  },

  eth_getProof: (ctx, params) => {
    const list = p.expectParams(params, 2, 3);
    const address = p.address(list[0], p.where(0, 'address'));
    const keys = p.array(list[1], p.where(1, 'storage keys'), 1000).map((k, i) => p.word(k, `parameter 2 (storage keys)[${i}]`));
    requireLatestState(ctx.chain, p.blockRef(list[2], p.where(2, 'block')), 'eth_getProof');
    const chain = ctx.chain;
    chain.commitState();
    const account = chain.state.getAccount(address);
    const { proof, storageRoot } = chain.tracker.accountProof(address);
    return {
      address,
      balance: q(account?.balance ?? 0n),
      nonce: q(account?.nonce ?? 0n),
      codeHash: bytesToHex(account?.codeHash ?? KECCAK256_EMPTY),
      storageHash: bytesToHex(storageRoot),
      accountProof: proof.map(bytesToHex),
      storageProof: keys.map((key) => ({
        key: word(key),
        value: q(chain.state.getStorage(address, key)),
        proof: chain.tracker.storageProof(address, key).map(bytesToHex),
      })),
    };
  },
};

function filterId(value: unknown): string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(value))
    throw invalidParams(`parameter 1 (filter id): expected a hex id, got ${JSON.stringify(value)?.slice(0, 50)}`);
  return value.toLowerCase();
}
