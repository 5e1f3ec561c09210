/**
 * Dev methods under Anvil's names, with their Hardhat (hardhat_) and evm_ aliases: state
 * editing, impersonation, mining control, time, snapshots, reset, and dumping and loading the
 * whole chain.
 */
import { bigintToHex as q, bytesToHex } from '../../primitives/bytes.js';
import { dumpChain, loadDump, DumpError } from '../state-dump.js';
import { RpcError, SERVER_ERROR, invalidParams } from './errors.js';
import type { Method, MethodTable, RpcContext } from './context.js';
import type { Block } from '../../chain/block.js';
import type { ForkConfig } from '../dev-chain.js';
import { formatBlock } from './format.js';
import * as p from './params.js';
import { nodeBuiltin } from '../../primitives/node-require.js';

/** Dumps are gzipped JSON, through Node's zlib, loaded when a dump is made or loaded. */
function zlib(method: string): typeof import('node:zlib') {
  const zlib = nodeBuiltin<typeof import('node:zlib')>('node:zlib');
  if (!zlib) throw new RpcError(SERVER_ERROR, `${method} needs Node.js (gzip through node:zlib), not available in this environment`);
  return zlib;
}
/** A bound on what one anvil_mine may ask for. */
const MAX_MINE = 100_000n;

const setBalance: Method = (ctx, params) => {
  const list = p.expectParams(params, 2, 2);
  const address = p.address(list[0], p.where(0, 'address'));
  const balance = p.quantity(list[1], p.where(1, 'balance'));
  ctx.chain.changeState((state) => state.setBalance(address, balance));
  return null;
};

const setCode: Method = (ctx, params) => {
  const list = p.expectParams(params, 2, 2);
  const address = p.address(list[0], p.where(0, 'address'));
  const code = p.data(list[1], p.where(1, 'code'), ctx.limits.maxBodyBytes);
  ctx.chain.changeState((state) => state.setCode(address, code));
  return null;
};

const setNonce: Method = (ctx, params) => {
  const list = p.expectParams(params, 2, 2);
  const address = p.address(list[0], p.where(0, 'address'));
  const nonce = p.uint64(list[1], p.where(1, 'nonce'));
  ctx.chain.changeState((state) => state.setNonce(address, nonce));
  return null;
};

const setStorageAt: Method = (ctx, params) => {
  const list = p.expectParams(params, 3, 3);
  const address = p.address(list[0], p.where(0, 'address'));
  const slot = p.word(list[1], p.where(1, 'slot'));
  const value = p.word(list[2], p.where(2, 'value'));
  ctx.chain.changeState((state) => state.setStorage(address, slot, value));
  return true;
};

const impersonate: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  ctx.chain.keys.impersonated.add(p.address(list[0], p.where(0, 'address')));
  return null;
};

const impersonateSignature: Method = (ctx, params) => {
  const list = p.expectParams(params, 2, 2);
  const signature = p.data(list[0], p.where(0, 'signature'));
  const address = p.address(list[1], p.where(1, 'address'));
  try {
    ctx.chain.keys.impersonateSignature(signature, address);
  } catch (error) {
    if (error instanceof RangeError) throw invalidParams(`parameter 1 (signature): ${error.message}`);
    throw error;
  }
  return null;
};

const stopImpersonating: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  ctx.chain.keys.impersonated.delete(p.address(list[0], p.where(0, 'address')));
  return null;
};

/** anvil_mine / hardhat_mine: [count, interval in seconds], both optional. */
const mineBlocks: Method = (ctx, params) => {
  const list = p.expectParams(params, 0, 2);
  const count = list[0] === undefined || list[0] === null ? 1n : p.uint64(list[0], p.where(0, 'block count'));
  if (count > MAX_MINE) throw invalidParams(`parameter 1 (block count): at most ${MAX_MINE} blocks per call`);
  const interval = list[1] === undefined || list[1] === null ? undefined : p.uint64(list[1], p.where(1, 'interval'));
  ctx.chain.miner.mineMany(Number(count), interval);
  return null;
};

/** evm_mine: [timestamp] or [{timestamp, blocks}]; returns the mined blocks. */
function evmMineBlocks(ctx: RpcContext, params: unknown): Block[] {
  const list = p.expectParams(params, 0, 1);
  const arg = list[0];
  let timestamp: bigint | undefined;
  let blocks = 1n;
  if (arg !== undefined && arg !== null) {
    if (typeof arg === 'object' && !Array.isArray(arg)) {
      const o = arg as Record<string, unknown>;
      p.onlyKeys(o, ['timestamp', 'blocks'], p.where(0, 'options'));
      timestamp = p.optional(o.timestamp, (v) => p.uint64(v, 'parameter 1 (options).timestamp'));
      blocks = p.optional(o.blocks, (v) => p.uint64(v, 'parameter 1 (options).blocks')) ?? 1n;
      if (blocks > MAX_MINE) throw invalidParams(`parameter 1 (options).blocks: at most ${MAX_MINE}`);
    } else {
      timestamp = p.uint64(arg, p.where(0, 'timestamp'));
    }
  }
  if (timestamp !== undefined) ctx.chain.setNextTimestamp(timestamp);
  return ctx.chain.miner.mineMany(Number(blocks));
}

const evmMine: Method = (ctx, params) => (evmMineBlocks(ctx, params), '0x0');

/** anvil_mine_detailed / evm_mine_detailed: as evm_mine, answering the mined blocks with their transactions. */
const mineDetailed: Method = (ctx, params) => evmMineBlocks(ctx, params).map((block) => formatBlock(block, true));

const snapshot: Method = (ctx, params) => (p.expectParams(params, 0, 0), q(BigInt(ctx.chain.snapshot())));

const revert: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const id = p.quantity(list[0], p.where(0, 'snapshot id'), BigInt(Number.MAX_SAFE_INTEGER));
  return ctx.chain.revert(Number(id));
};

const increaseTime: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const seconds = p.uint64(list[0], p.where(0, 'seconds'));
  return q(ctx.chain.clock.increase(seconds, ctx.chain.latest().header.timestamp));
};

const setNextBlockTimestamp: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  ctx.chain.setNextTimestamp(p.uint64(list[0], p.where(0, 'timestamp')));
  return null;
};

const setTime: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  ctx.chain.clock.setTime(p.uint64(list[0], p.where(0, 'timestamp')));
  return null;
};

const setAutomine: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const miner = ctx.chain.miner;
  miner.automine = p.boolean(list[0], p.where(0, 'enabled'));
  if (miner.automine && ctx.chain.pool.size > 0) miner.mine();
  return null;
};

const getAutomine: Method = (ctx, params) => (p.expectParams(params, 0, 0), ctx.chain.miner.automine);

/** evm_setIntervalMining takes milliseconds (Hardhat); anvil_setIntervalMining seconds. */
function setIntervalMining(unitMs: number): Method {
  return (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const interval = p.uint64(list[0], p.where(0, 'interval'));
    if (interval * BigInt(unitMs) > 86_400_000n) throw invalidParams('parameter 1 (interval): at most one day');
    ctx.chain.miner.setIntervalMining(Number(interval) * unitMs);
    return null;
  };
}

const setNextBlockBaseFee: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const baseFee = p.quantity(list[0], p.where(0, 'base fee'));
  if (!ctx.chain.rules.london)
    throw new RpcError(SERVER_ERROR, `there is no base fee before London (the chain runs ${ctx.chain.rules.name})`);
  ctx.chain.miner.nextBaseFeeOverride = baseFee;
  return null;
};

const setCoinbase: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  ctx.chain.miner.coinbase = p.address(list[0], p.where(0, 'address'));
  return null;
};

const setBlockGasLimit: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const limit = p.uint64(list[0], p.where(0, 'gas limit'));
  if (limit < 21000n) throw invalidParams('parameter 1 (gas limit): below 21000');
  ctx.chain.miner.gasLimit = limit;
  return true;
};

function dropTransaction(result: 'hash' | 'boolean'): Method {
  return (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const hashHex = bytesToHex(p.hash(list[0], p.where(0, 'transaction hash')));
    const dropped = ctx.chain.pool.remove(hashHex);
    if (result === 'boolean') return dropped !== undefined;
    return dropped ? hashHex : null;
  };
}

/**
 * anvil_reset / hardhat_reset: with no options, the chain starts over as it started (on the
 * same fork, if it forked); with `forking: {jsonRpcUrl, blockNumber}`, it forks that remote block
 * (the current fork's URL when none is given; the remote's latest block when no number is);
 * with `forking: null`, it starts over unforked.
 */
const reset: Method = (ctx, params) => {
  const list = p.expectParams(params, 0, 1);
  let fork: ForkConfig | null | undefined;
  if (list[0] !== undefined && list[0] !== null) {
    const at = p.where(0, 'options');
    const o = p.object(list[0], at);
    if (o.forking === null) fork = null;
    else if (o.forking !== undefined) {
      const f = p.object(o.forking, `${at}.forking`);
      p.onlyKeys(f, ['jsonRpcUrl', 'blockNumber'], `${at}.forking`);
      const url = p.optional(f.jsonRpcUrl, (v) => p.string(v, `${at}.forking.jsonRpcUrl`, 2048)) ?? ctx.chain.fork?.config.url;
      if (url === undefined) throw invalidParams(`${at}.forking.jsonRpcUrl: give the URL of the chain to fork`);
      fork = { url, blockNumber: p.optional(f.blockNumber, (v) => p.uint64(v, `${at}.forking.blockNumber`)) };
    }
  }
  ctx.chain.reset(fork);
  return null;
};

const dumpState: Method = (ctx, params) => {
  p.expectParams(params, 0, 0);
  return bytesToHex(zlib('anvil_dumpState').gzipSync(JSON.stringify(dumpChain(ctx.chain))));
};

/** Takes what anvil_dumpState gives (gzipped JSON), polyvm's or Anvil's, or the same JSON not gzipped. */
const loadState: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  const bytes = p.data(list[0], p.where(0, 'state'), ctx.limits.maxBodyBytes);
  let dump: unknown;
  try {
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib('anvil_loadState').gunzipSync(bytes, { maxOutputLength: 1 << 30 }) : bytes;
    dump = JSON.parse(new TextDecoder().decode(text));
  } catch {
    throw invalidParams('parameter 1 (state): not a dump from anvil_dumpState (expected gzipped JSON or JSON)');
  }
  try {
    loadDump(ctx.chain, dump);
  } catch (error) {
    if (error instanceof DumpError) throw invalidParams(`parameter 1 (state): ${error.message}`);
    throw error;
  }
  return true;
};

const nodeInfo: Method = (ctx, params) => {
  p.expectParams(params, 0, 0);
  const chain = ctx.chain;
  return {
    currentBlockNumber: q(chain.blockNumber),
    currentBlockTimestamp: q(chain.latest().header.timestamp),
    currentBlockHash: bytesToHex(chain.latest().hash),
    hardFork: chain.rules.name,
    chainId: q(chain.chainId),
    environment: { baseFee: q(chain.miner.nextBaseFee()), gasLimit: q(chain.miner.gasLimit) },
    miningMode: chain.miner.automine ? 'automine' : chain.miner.intervalMining ? 'interval' : 'manual',
  };
};

const autoImpersonate: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 1);
  ctx.chain.keys.autoImpersonate = p.boolean(list[0], p.where(0, 'enabled'));
  return null;
};

export const anvilMethods: MethodTable = {
  anvil_setBalance: setBalance,
  hardhat_setBalance: setBalance,
  tenderly_setBalance: setBalance,
  anvil_setCode: setCode,
  hardhat_setCode: setCode,
  anvil_setNonce: setNonce,
  hardhat_setNonce: setNonce,
  evm_setAccountNonce: setNonce,
  anvil_setStorageAt: setStorageAt,
  hardhat_setStorageAt: setStorageAt,
  anvil_impersonateAccount: impersonate,
  anvil_impersonateSignature: impersonateSignature,
  hardhat_impersonateAccount: impersonate,
  anvil_stopImpersonatingAccount: stopImpersonating,
  hardhat_stopImpersonatingAccount: stopImpersonating,
  anvil_autoImpersonateAccount: autoImpersonate,
  hardhat_autoImpersonateAccount: autoImpersonate,
  anvil_mine: mineBlocks,
  hardhat_mine: mineBlocks,
  evm_mine: evmMine,
  evm_mine_detailed: mineDetailed,
  anvil_mine_detailed: mineDetailed,
  evm_snapshot: snapshot,
  anvil_snapshot: snapshot,
  evm_revert: revert,
  anvil_revert: revert,
  evm_increaseTime: increaseTime,
  anvil_increaseTime: increaseTime,
  evm_setNextBlockTimestamp: setNextBlockTimestamp,
  anvil_setNextBlockTimestamp: setNextBlockTimestamp,
  evm_setTime: setTime,
  anvil_setTime: setTime,
  evm_setAutomine: setAutomine,
  anvil_setAutomine: setAutomine,
  anvil_getAutomine: getAutomine,
  hardhat_getAutomine: getAutomine,
  evm_setIntervalMining: setIntervalMining(1),
  anvil_setIntervalMining: setIntervalMining(1000),
  anvil_setNextBlockBaseFeePerGas: setNextBlockBaseFee,
  hardhat_setNextBlockBaseFeePerGas: setNextBlockBaseFee,
  anvil_setCoinbase: setCoinbase,
  hardhat_setCoinbase: setCoinbase,
  anvil_setBlockGasLimit: setBlockGasLimit,
  evm_setBlockGasLimit: setBlockGasLimit,
  anvil_dropTransaction: dropTransaction('hash'),
  hardhat_dropTransaction: dropTransaction('boolean'),
  anvil_reset: reset,
  hardhat_reset: reset,
  anvil_dumpState: dumpState,
  hardhat_dumpState: dumpState,
  anvil_loadState: loadState,
  hardhat_loadState: loadState,
  anvil_nodeInfo: nodeInfo,
};
