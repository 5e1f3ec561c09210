/**
 * Anvil's node settings and information: metadata, logging, chain id, fees, block timestamps
 * and randomness, and the pool's dev methods (dropping and listing by sender). With their
 * hardhat_ and evm_ aliases where Anvil or Hardhat answer them.
 */
import { bytesToHex } from '../../primitives/bytes.js';
import { RpcError, SERVER_ERROR, invalidParams } from './errors.js';
import type { Method, MethodTable } from './context.js';
import * as p from './params.js';

/** anvil_metadata and hardhat_metadata: what the node is and where its chain stands (Anvil's fields). */
const metadata: Method = (ctx, params) => {
  p.expectParams(params, 0, 0);
  const chain = ctx.chain;
  return {
    clientVersion: ctx.clientVersion,
    chainId: Number(chain.chainId),
    instanceId: chain.instanceId,
    latestBlockNumber: Number(chain.blockNumber),
    latestBlockHash: bytesToHex(chain.latest().hash),
    forkedNetwork: null,
    snapshots: {},
  };
};

const setLoggingEnabled: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  ctx.settings.logging = p.boolean(list[0], p.where(0, 'enabled'));
  return null;
};

/** Traces are always kept (debug_ and trace_ methods answer for any block in the history). */
const enableTraces: Method = (_ctx, params) => (p.expectParams(params, 0, 0), null);

/** anvil_setRpcUrl: a forked chain reads from another URL serving the same chain (an archive node, say). */
const setRpcUrl: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const url = p.string(list[0], p.where(0, 'url'), 2048);
  if (!/^https?:\/\/\S+$/.test(url)) throw invalidParams('parameter 1 (url): expected an http(s) URL');
  const fork = ctx.chain.fork;
  if (fork === undefined)
    throw new RpcError(SERVER_ERROR, 'anvil_setRpcUrl changes the remote of a forked chain: this node is not forking another chain');
  fork.setUrl(url);
  return null;
};

const setChainId: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const chainId = p.uint64(list[0], p.where(0, 'chain id'));
  if (chainId === 0n) throw invalidParams('parameter 1 (chain id): must not be 0');
  ctx.chain.setChainId(chainId);
  return null;
};

const setMinGasPrice: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const price = p.quantity(list[0], p.where(0, 'gas price'));
  if (ctx.chain.rules.london)
    throw new RpcError(
      SERVER_ERROR,
      `anvil_setMinGasPrice is not supported when EIP-1559 is active (the chain runs ${ctx.chain.rules.name})`,
    );
  ctx.chain.minGasPrice = price;
  return null;
};

const setBlockTimestampInterval: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const seconds = p.uint64(list[0], p.where(0, 'seconds'));
  if (seconds >= 1n << 32n) throw invalidParams('parameter 1 (seconds): at most 2^32 - 1');
  ctx.chain.clock.interval = seconds;
  return null;
};

const removeBlockTimestampInterval: Method = (ctx, params) => {
  p.expectParams(params, 0, 0);
  const had = ctx.chain.clock.interval !== undefined;
  ctx.chain.clock.interval = undefined;
  return had;
};

const setPrevRandao: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  ctx.chain.miner.nextPrevRandao = p.hash(list[0], p.where(0, 'prevRandao'));
  return null;
};

const getGenesisTime: Method = (ctx, params) => (p.expectParams(params, 0, 0), Number(ctx.chain.blocks.all()[0]!.header.timestamp));

/** Seconds between interval-mined blocks, or null when interval mining is off. */
const getIntervalMining: Method = (ctx, params) => {
  p.expectParams(params, 0, 0);
  const ms = ctx.chain.miner.intervalMs;
  return ms > 0 ? Math.max(1, Math.round(ms / 1000)) : null;
};

const addBalance: Method = (ctx, params) => {
  const list = p.expectParams(params, 2, 2);
  const address = p.address(list[0], p.where(0, 'address'));
  const amount = p.quantity(list[1], p.where(1, 'amount'));
  ctx.chain.changeState((state) => {
    const balance = state.getBalance(address) + amount;
    if (balance >= 1n << 256n) throw invalidParams('parameter 2 (amount): the balance would exceed 2^256 - 1');
    state.setBalance(address, balance);
  });
  return null;
};

const dropAllTransactions: Method = (ctx, params) => {
  p.expectParams(params, 0, 0);
  ctx.chain.pool.clear();
  return null;
};

const removePoolTransactions: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const sender = p.address(list[0], p.where(0, 'address'));
  for (const pooled of [...ctx.chain.pool.all()]) if (pooled.sender === sender) ctx.chain.pool.remove(pooled.hashHex);
  return null;
};

export const anvilNodeMethods: MethodTable = {
  anvil_metadata: metadata,
  hardhat_metadata: metadata,
  anvil_setLoggingEnabled: setLoggingEnabled,
  hardhat_setLoggingEnabled: setLoggingEnabled,
  anvil_enableTraces: enableTraces,
  anvil_setRpcUrl: setRpcUrl,
  anvil_setChainId: setChainId,
  anvil_setMinGasPrice: setMinGasPrice,
  hardhat_setMinGasPrice: setMinGasPrice,
  anvil_setBlockTimestampInterval: setBlockTimestampInterval,
  anvil_removeBlockTimestampInterval: removeBlockTimestampInterval,
  hardhat_setPrevRandao: setPrevRandao,
  anvil_getGenesisTime: getGenesisTime,
  anvil_getIntervalMining: getIntervalMining,
  anvil_addBalance: addBalance,
  hardhat_addBalance: addBalance,
  // Tenderly's names, which Anvil answers too.
  tenderly_addBalance: addBalance,
  anvil_dropAllTransactions: dropAllTransactions,
  hardhat_dropAllTransactions: dropAllTransactions,
  anvil_removePoolTransactions: removePoolTransactions,
};
