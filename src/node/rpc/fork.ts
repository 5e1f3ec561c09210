/**
 * On a forked chain, what happened up to the fork block is the remote's: its blocks, their
 * transactions, receipts and logs, and proofs of its state. These methods answer such requests
 * with the remote's own answer (as Anvil does); everything after the fork block is local. A
 * method not wrapped here reads earlier state through the fork's remote state instead.
 */
import { bytesToHex } from '../../primitives/bytes.js';
import type { DevChain } from '../dev-chain.js';
import type { Method, MethodTable, RpcContext } from './context.js';
import { RpcError, SERVER_ERROR } from './errors.js';
import * as p from './params.js';
import { RemoteRpcError } from '../fork/remote.js';

type Forward = (chain: DevChain, list: unknown[]) => boolean;

/** Whether a block parameter names the fork block or an earlier one. */
function atOrBeforeFork(chain: DevChain, value: unknown, at: p.Where): boolean {
  const ref = p.blockRef(value, at);
  if (ref.kind === 'tag') return ref.tag === 'earliest';
  if (ref.kind === 'number') return ref.number <= chain.blocks.first;
  const block = chain.blocks.byHash(bytesToHex(ref.hash));
  return block === undefined || block.header.number === chain.blocks.first;
}

const byBlock =
  (index: number): Forward =>
  (chain, list) =>
    atOrBeforeFork(chain, list[index], p.where(index, 'block'));

/** A block hash that is the fork block's or not this chain's. */
const byBlockHash: Forward = (chain, list) => {
  const block = chain.blocks.byHash(bytesToHex(p.hash(list[0], p.where(0, 'block hash'))));
  return block === undefined || block.header.number === chain.blocks.first;
};

/** A transaction this chain did not mine. */
const byTransaction: Forward = (chain, list) =>
  chain.blocks.transactionLocation(bytesToHex(p.hash(list[0], p.where(0, 'transaction hash')))) === undefined;

const FORWARDED: Record<string, Forward> = {
  eth_getBlockByNumber: byBlock(0),
  eth_getBlockByHash: byBlockHash,
  eth_getBlockTransactionCountByNumber: byBlock(0),
  eth_getBlockTransactionCountByHash: byBlockHash,
  eth_getTransactionByBlockNumberAndIndex: byBlock(0),
  eth_getTransactionByBlockHashAndIndex: byBlockHash,
  eth_getRawTransactionByBlockNumberAndIndex: byBlock(0),
  eth_getRawTransactionByBlockHashAndIndex: byBlockHash,
  eth_getBlockReceipts: byBlock(0),
  eth_getUncleCountByBlockNumber: byBlock(0),
  eth_getUncleCountByBlockHash: byBlockHash,
  eth_getUncleByBlockNumberAndIndex: byBlock(0),
  eth_getUncleByBlockHashAndIndex: byBlockHash,
  eth_getTransactionByHash: byTransaction,
  eth_getRawTransactionByHash: byTransaction,
  debug_getRawTransaction: byTransaction,
  eth_getTransactionReceipt: byTransaction,
  // Traces of what the remote mined (the remote must serve the debug_ or trace_ namespace).
  debug_traceTransaction: byTransaction,
  debug_traceBlockByNumber: byBlock(0),
  debug_traceBlockByHash: byBlockHash,
  trace_transaction: byTransaction,
  trace_replayTransaction: byTransaction,
  trace_block: byBlock(0),
  trace_replayBlockTransactions: byBlock(0),
  debug_getRawHeader: byBlock(0),
  debug_getRawBlock: byBlock(0),
  debug_getRawReceipts: byBlock(0),
};

/** Sends a request to the fork's remote; its JSON-RPC error comes back as it was. */
export function forwardToRemote(chain: DevChain, method: string, params: readonly unknown[]): unknown {
  try {
    return chain.fork!.request(method, params);
  } catch (error) {
    if (error instanceof RemoteRpcError) throw new RpcError(error.code, error.remoteMessage, error.data);
    throw error;
  }
}

/**
 * eth_getProof after the fork block: local changes sit on the remote's state, so no proof
 * against one state root covers both. Earlier blocks are the remote's proofs.
 */
function forkProof(local: Method): Method {
  return (ctx, params) => {
    const chain = ctx.chain;
    const list = Array.isArray(params) ? params : [];
    if (chain.fork === undefined || list.length < 3) return local(ctx, params);
    if (atOrBeforeFork(chain, list[2], p.where(2, 'block'))) return forwardToRemote(chain, 'eth_getProof', list);
    throw new RpcError(
      SERVER_ERROR,
      `eth_getProof on a forked chain proves the remote's state, at the fork block ${chain.blocks.first} or earlier: later blocks hold local changes that no proof against one state root covers`,
    );
  };
}

function forwarding(method: string, local: Method, forward: Forward): Method {
  return (ctx: RpcContext, params: unknown) => {
    const fork = ctx.chain.fork;
    if (fork === undefined) return local(ctx, params);
    const list = Array.isArray(params) ? params : [];
    if (list.length === 0 || !forward(ctx.chain, list)) return local(ctx, params);
    return forwardToRemote(ctx.chain, method, list);
  };
}

/**
 * eth_getLogs over a range that starts at or before the fork block: the remote's logs up to it,
 * then this chain's.
 */
function forkLogs(local: Method): Method {
  return (ctx, params) => {
    const chain = ctx.chain;
    const list = Array.isArray(params) ? params : [];
    const filter = list[0];
    if (chain.fork === undefined || filter === null || typeof filter !== 'object') return local(ctx, params);
    const f = filter as Record<string, unknown>;
    if (f.blockHash !== undefined) return forwarding('eth_getLogs', local, (c) => byBlockHash(c, [f.blockHash]))(ctx, params);
    if (f.fromBlock === undefined || !atOrBeforeFork(chain, f.fromBlock, p.where(0, 'filter.fromBlock'))) return local(ctx, params);
    const forkNumber = chain.blocks.first;
    const to = f.toBlock === undefined ? undefined : p.blockRef(f.toBlock, p.where(0, 'filter.toBlock'));
    let remoteTo = forkNumber;
    if (to !== undefined && to.kind === 'number' && to.number < forkNumber) remoteTo = to.number;
    if (to !== undefined && to.kind === 'tag' && to.tag === 'earliest') remoteTo = 0n;
    const remote = forwardToRemote(chain, 'eth_getLogs', [{ ...f, toBlock: `0x${remoteTo.toString(16)}` }]);
    if (!Array.isArray(remote)) throw new RpcError(SERVER_ERROR, "the fork's remote answered eth_getLogs with something other than a list");
    if (remoteTo < forkNumber) return remote;
    const after = local(ctx, [{ ...f, fromBlock: `0x${(forkNumber + 1n).toString(16)}` }]) as unknown[];
    return [...remote, ...after];
  };
}

/** `methods` with the fork's history forwarded to its remote (on a forked chain only). */
export function forkAware(methods: MethodTable): MethodTable {
  const out: MethodTable = { ...methods };
  for (const [name, forward] of Object.entries(FORWARDED)) {
    const local = methods[name];
    if (local !== undefined) out[name] = forwarding(name, local, forward);
  }
  if (methods.eth_getLogs !== undefined) out.eth_getLogs = forkLogs(methods.eth_getLogs);
  if (methods.eth_getProof !== undefined) out.eth_getProof = forkProof(methods.eth_getProof);
  return out;
}
