/**
 * Forking, end to end: a remote chain in another process (`polyvm node`, and Anvil) holding a
 * Uniswap V2 pair of two ERC-20 tokens from @uniswap/v2-core's npm build, forked in-process by
 * createNode({ forking }). The remote must be another process: this thread blocks while the
 * fork reads from it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFunctionResult, encodeDeployData, encodeFunctionData, getAddress, type Abi, type Address, type Hex } from 'viem';
import { createNode, type PolyvmNode } from '../node.js';
import { spawnNode, startAnvil, type SpawnedNode } from '../testing/spawn-node.js';

const require = createRequire(import.meta.url);
interface Artifact {
  abi: Abi;
  bytecode: string;
}
const artifact = (name: string): Artifact => require(`@uniswap/v2-core/build/${name}.json`) as Artifact;
const ERC20 = artifact('ERC20');
const FACTORY = artifact('UniswapV2Factory');
const PAIR = artifact('UniswapV2Pair');
const bytecode = (a: Artifact): Hex => (a.bytecode.startsWith('0x') ? a.bytecode : `0x${a.bytecode}`) as Hex;

type Rpc = (method: string, params?: unknown[]) => Promise<any>;

function httpRpc(url: string): Rpc {
  let id = 0;
  return async (method, params = []) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
    });
    const json = (await response.json()) as { result?: unknown; error?: { message: string } };
    if (json.error) throw new Error(`${method}: ${json.error.message}`);
    return json.result;
  };
}

const nodeRpc =
  (node: PolyvmNode): Rpc =>
  (method, params = []) =>
    node.request({ method, params });

/** Sends a transaction from an unlocked account and returns its receipt (it must succeed). */
async function send(rpc: Rpc, from: Address, to: Address | undefined, data: Hex): Promise<any> {
  const hash = await rpc('eth_sendTransaction', [{ from, to, data, gas: '0x7a1200' }]);
  for (let i = 0; i < 200; i++) {
    const receipt = await rpc('eth_getTransactionReceipt', [hash]);
    if (receipt) {
      assert.equal(receipt.status, '0x1', `transaction ${hash} failed`);
      return receipt;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no receipt for ${hash}`);
}

async function call<T>(rpc: Rpc, to: Address, abi: Abi, functionName: string, args: unknown[] = [], block: string = 'latest'): Promise<T> {
  const data = encodeFunctionData({ abi, functionName, args });
  const result = await rpc('eth_call', [{ to, data }, block]);
  return decodeFunctionResult({ abi, functionName, data: result }) as T;
}

interface Market {
  alice: Address;
  bob: Address;
  tokenA: Address;
  tokenB: Address;
  pair: Address;
  /** The block after the pair got its liquidity, and the hash of the mint transaction. */
  liquidBlock: bigint;
  mintTx: Hex;
}

const SUPPLY = 10n ** 24n;
const LIQUIDITY = 10n ** 21n;

/** Two tokens, a factory and a pair holding LIQUIDITY of each, on the chain `rpc` reaches. */
async function buildMarket(rpc: Rpc): Promise<Market> {
  const [alice, bob] = (await rpc('eth_accounts')) as Address[];
  const deploy = async (a: Artifact, args: unknown[]) =>
    getAddress((await send(rpc, alice!, undefined, encodeDeployData({ abi: a.abi, bytecode: bytecode(a), args }))).contractAddress);
  const tokenA = await deploy(ERC20, [SUPPLY]);
  const tokenB = await deploy(ERC20, [SUPPLY]);
  const factory = await deploy(FACTORY, [alice]);
  await send(rpc, alice!, factory, encodeFunctionData({ abi: FACTORY.abi, functionName: 'createPair', args: [tokenA, tokenB] }));
  const pair = getAddress(await call<string>(rpc, factory, FACTORY.abi, 'getPair', [tokenA, tokenB]));
  for (const token of [tokenA, tokenB]) {
    await send(rpc, alice!, token, encodeFunctionData({ abi: ERC20.abi, functionName: 'transfer', args: [pair, LIQUIDITY] }));
  }
  const mint = await send(rpc, alice!, pair, encodeFunctionData({ abi: PAIR.abi, functionName: 'mint', args: [alice] }));
  // Some blocks after, so the fork is not at the chain's tip when pinned earlier.
  await send(rpc, alice!, tokenA, encodeFunctionData({ abi: ERC20.abi, functionName: 'transfer', args: [bob, 5n] }));
  return { alice: alice!, bob: bob!, tokenA, tokenB, pair, liquidBlock: BigInt(mint.blockNumber), mintTx: mint.transactionHash };
}

/** Uniswap V2's price: what `amountIn` buys from reserves (the 0.3% fee taken). */
function amountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  return (amountIn * 997n * reserveOut) / (reserveIn * 1000n + amountIn * 997n);
}

/** Swaps `amountIn` of the pair's token0 for token1, for `who`; returns what it received. */
async function swapToken0(rpc: Rpc, m: Market, who: Address, amountIn: bigint): Promise<bigint> {
  const token0 = getAddress(await call<string>(rpc, m.pair, PAIR.abi, 'token0'));
  const token1 = token0 === m.tokenA ? m.tokenB : m.tokenA;
  const [r0, r1] = await call<[bigint, bigint, number]>(rpc, m.pair, PAIR.abi, 'getReserves');
  const out = amountOut(amountIn, r0, r1);
  const before = await call<bigint>(rpc, token1, ERC20.abi, 'balanceOf', [who]);
  await send(rpc, who, token0, encodeFunctionData({ abi: ERC20.abi, functionName: 'transfer', args: [m.pair, amountIn] }));
  await send(rpc, who, m.pair, encodeFunctionData({ abi: PAIR.abi, functionName: 'swap', args: [0n, out, who, '0x'] }));
  const after = await call<bigint>(rpc, token1, ERC20.abi, 'balanceOf', [who]);
  assert.equal(after - before, out);
  return out;
}

let remote: SpawnedNode;
let remoteRpc: Rpc;
let market: Market;

before(async () => {
  remote = await spawnNode(['--silent']);
  remoteRpc = httpRpc(remote.url);
  market = await buildMarket(remoteRpc);
});

after(async () => {
  await remote?.stop();
});

const hex = (n: bigint) => `0x${n.toString(16)}`;

test('a fork of a polyvm chain: Uniswap V2 swaps on the fork, the remote untouched', async () => {
  const remoteLatest = BigInt(await remoteRpc('eth_blockNumber'));
  const node = createNode({ forking: { url: remote.url, retries: 0 } });
  try {
    const rpc = nodeRpc(node);
    assert.equal(BigInt(await rpc('eth_blockNumber')), remoteLatest);
    assert.equal(await rpc('eth_chainId'), await remoteRpc('eth_chainId'));
    const m = market;
    // The remote's state, read through.
    assert.equal(await call<bigint>(rpc, m.tokenA, ERC20.abi, 'balanceOf', [m.pair]), LIQUIDITY);
    // At the fork block, proofs are the remote's.
    const proof = await rpc('eth_getProof', [m.pair, ['0x8'], `0x${remoteLatest.toString(16)}`]);
    assert.deepEqual(proof, await remoteRpc('eth_getProof', [m.pair, ['0x8'], 'latest']));
    assert.deepEqual(
      (await call<[bigint, bigint, number]>(rpc, m.pair, PAIR.abi, 'getReserves')).slice(0, 2),
      (await call<[bigint, bigint, number]>(remoteRpc, m.pair, PAIR.abi, 'getReserves')).slice(0, 2),
    );
    // Bob swaps on the fork (he holds token0 once Alice gives him some).
    const token0 = getAddress(await call<string>(rpc, m.pair, PAIR.abi, 'token0'));
    await send(rpc, m.alice, token0, encodeFunctionData({ abi: ERC20.abi, functionName: 'transfer', args: [m.bob, 10n ** 20n] }));
    const got = await swapToken0(rpc, m, m.bob, 10n ** 19n);
    assert.ok(got > 0n);
    const [r0] = await call<[bigint, bigint, number]>(rpc, m.pair, PAIR.abi, 'getReserves');
    assert.equal(r0, LIQUIDITY + 10n ** 19n);
    // The remote saw none of it.
    const [remoteR0] = await call<[bigint, bigint, number]>(remoteRpc, m.pair, PAIR.abi, 'getReserves');
    assert.equal(remoteR0, LIQUIDITY);
    assert.equal(BigInt(await remoteRpc('eth_blockNumber')), remoteLatest);
    // The fork's blocks follow the remote's.
    const forkBlock = await rpc('eth_getBlockByNumber', [`0x${remoteLatest.toString(16)}`, false]);
    const next = await rpc('eth_getBlockByNumber', [`0x${(remoteLatest + 1n).toString(16)}`, false]);
    assert.equal(forkBlock.hash, (await remoteRpc('eth_getBlockByNumber', [`0x${remoteLatest.toString(16)}`, false])).hash);
    assert.equal(next.parentHash, forkBlock.hash);
    // A local transaction can be traced: its replay reads the remote state beneath.
    const receipt = await rpc('eth_getTransactionReceipt', [next.transactions[0]]);
    const trace = await rpc('debug_traceTransaction', [receipt.transactionHash, { tracer: 'callTracer' }]);
    assert.equal(trace.to.toLowerCase(), token0.toLowerCase());
    assert.equal(trace.error, undefined);
    // anvil_setRpcUrl: another URL of the same chain is taken; one that cannot be reached is not.
    assert.equal(await rpc('anvil_setRpcUrl', [remote.url.replace('127.0.0.1', 'localhost')]), null);
    await assert.rejects(rpc('anvil_setRpcUrl', ['http://127.0.0.1:1']), /cannot reach/);
    // Reads after the change still reach the remote (an account not read before).
    assert.equal(
      await rpc('eth_getCode', [m.tokenB, hex(remoteLatest - 1n)]),
      await remoteRpc('eth_getCode', [m.tokenB, hex(remoteLatest - 1n)]),
    );
  } finally {
    await node.close();
  }
});

test("a fork at an earlier block: history before and at it is the remote's, snapshots and reset work", async () => {
  const m = market;
  const at = m.liquidBlock;
  const node = createNode({ forking: { url: remote.url, blockNumber: at } });
  try {
    const rpc = nodeRpc(node);
    assert.equal(BigInt(await rpc('eth_blockNumber')), at);
    // Bob got his 5 tokens after the fork block: not on this fork.
    assert.equal(await call<bigint>(rpc, m.tokenA, ERC20.abi, 'balanceOf', [m.bob]), 0n);
    // Earlier blocks, their transactions, receipts and logs come from the remote.
    assert.deepEqual(
      await rpc('eth_getBlockByNumber', [hex(at - 1n), true]),
      await remoteRpc('eth_getBlockByNumber', [hex(at - 1n), true]),
    );
    assert.deepEqual(await rpc('eth_getTransactionReceipt', [m.mintTx]), await remoteRpc('eth_getTransactionReceipt', [m.mintTx]));
    assert.deepEqual(await rpc('eth_getTransactionByHash', [m.mintTx]), await remoteRpc('eth_getTransactionByHash', [m.mintTx]));
    // Traces of the remote's transactions are the remote's.
    const remoteTrace = await remoteRpc('debug_traceTransaction', [m.mintTx, { tracer: 'callTracer' }]);
    assert.deepEqual(await rpc('debug_traceTransaction', [m.mintTx, { tracer: 'callTracer' }]), remoteTrace);
    assert.equal(remoteTrace.to.toLowerCase(), m.pair.toLowerCase());
    // The state before the pair had liquidity, read at that block.
    assert.equal(await call<bigint>(rpc, m.tokenA, ERC20.abi, 'balanceOf', [m.pair], hex(at - 4n)), 0n);
    assert.equal(await rpc('eth_getBalance', [m.alice, hex(at - 1n)]), await remoteRpc('eth_getBalance', [m.alice, hex(at - 1n)]));
    // eth_getProof at the fork block goes to the remote, which (polyvm) proves its latest state only.
    await assert.rejects(rpc('eth_getProof', [m.pair, ['0x8'], hex(at)]), /serves the latest block only/);
    // Logs across the fork: the remote's up to the fork block, then the fork's.
    const token0 = getAddress(await call<string>(rpc, m.pair, PAIR.abi, 'token0'));
    await send(rpc, m.alice, token0, encodeFunctionData({ abi: ERC20.abi, functionName: 'transfer', args: [m.bob, 7n] }));
    await assert.rejects(rpc('eth_getProof', [m.pair, [], 'latest']), /fork block/);
    const logs = await rpc('eth_getLogs', [{ fromBlock: '0x0', toBlock: 'latest', address: token0 }]);
    const remoteLogs = await remoteRpc('eth_getLogs', [{ fromBlock: '0x0', toBlock: hex(at), address: token0 }]);
    assert.equal(logs.length, remoteLogs.length + 1);
    assert.deepEqual(logs.slice(0, -1), remoteLogs);
    assert.equal(BigInt(logs.at(-1).blockNumber), at + 1n);
    // A snapshot and a revert on the fork.
    const snapshot = await rpc('evm_snapshot');
    await swapToken0(rpc, m, m.alice, 10n ** 18n);
    const [moved] = await call<[bigint, bigint, number]>(rpc, m.pair, PAIR.abi, 'getReserves');
    assert.equal(moved, LIQUIDITY + 10n ** 18n);
    assert.equal(await rpc('evm_revert', [snapshot]), true);
    assert.equal((await call<[bigint, bigint, number]>(rpc, m.pair, PAIR.abi, 'getReserves'))[0], LIQUIDITY);
    assert.equal(await call<bigint>(rpc, token0, ERC20.abi, 'balanceOf', [m.bob]), 7n);
    // Reset: to the fork block as it was, then to the remote's latest, then unforked.
    await rpc('anvil_reset', []);
    assert.equal(BigInt(await rpc('eth_blockNumber')), at);
    assert.equal(await call<bigint>(rpc, token0, ERC20.abi, 'balanceOf', [m.bob]), 0n);
    await rpc('hardhat_reset', [{ forking: { jsonRpcUrl: remote.url } }]);
    assert.equal(await rpc('eth_blockNumber'), await remoteRpc('eth_blockNumber'));
    assert.equal(await call<bigint>(rpc, m.tokenA, ERC20.abi, 'balanceOf', [m.bob]), 5n);
    await rpc('anvil_reset', [{ forking: null }]);
    assert.equal(await rpc('eth_blockNumber'), '0x0');
    assert.equal(await rpc('eth_getCode', [m.pair, 'latest']), '0x');
  } finally {
    await node.close();
  }
});

test('with a data directory, what a fork fetched is fetched once across restarts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-fork-cache-'));
  const m = market;
  try {
    const read = async (node: PolyvmNode) => {
      const rpc = nodeRpc(node);
      return [
        await call<bigint>(rpc, m.tokenA, ERC20.abi, 'balanceOf', [m.pair]),
        await call<[bigint, bigint, number]>(rpc, m.pair, PAIR.abi, 'getReserves'),
      ];
    };
    const first = createNode({ forking: { url: remote.url, blockNumber: m.liquidBlock }, dataDir: dir });
    const answers = await read(first);
    const fetched = first.chain.fork!.requestCount();
    await first.close();
    assert.ok(readdirSync(join(dir, 'fork-cache')).length === 1);
    const second = createNode({ forking: { url: remote.url, blockNumber: m.liquidBlock }, dataDir: dir });
    try {
      const opening = second.chain.fork!.requestCount();
      assert.deepEqual(await read(second), answers);
      // Opening the fork asks for the block; the state reads were all in the cache.
      assert.equal(second.chain.fork!.requestCount(), opening);
      assert.ok(fetched > opening + 3, `the first run fetched state (${fetched} requests)`);
    } finally {
      await second.close();
    }
    // A directory holding someone else's files is refused and left as it was.
    const foreign = mkdtempSync(join(tmpdir(), 'polyvm-fork-foreign-'));
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    assert.throws(
      () => createNode({ forking: { url: remote.url }, dataDir: foreign }),
      /holds files polyvm did not write \("notes\.txt"\)/,
    );
    assert.deepEqual(readdirSync(foreign), ['notes.txt']);
    rmSync(foreign, { recursive: true });
    // Without storage caching, nothing is written.
    const uncached = mkdtempSync(join(tmpdir(), 'polyvm-fork-nocache-'));
    const third = createNode({ forking: { url: remote.url, storageCaching: false }, dataDir: uncached });
    await read(third);
    await third.close();
    assert.deepEqual(readdirSync(uncached), []);
    rmSync(uncached, { recursive: true });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a remote that cannot be reached, or lacks the block, is a clear error', () => {
  assert.throws(
    () => createNode({ forking: { url: 'http://127.0.0.1:1', retries: 1, retryBackoffMs: 5 } }),
    /cannot fork http:\/\/127\.0\.0\.1:1: cannot reach the fork's remote .*\(after 2 attempts\)/,
  );
  assert.throws(() => createNode({ forking: { url: 'ftp://example.com' } }), /must be http:\/\/ or https:\/\//);
  assert.throws(() => createNode({ forking: { url: remote.url, blockNumber: 10_000_000 } }), /at block 10000000: its blocks are 0 to \d+/);
});

test('a fork of Anvil: its chain id, balances and contracts, and a token transfer on the fork', async (t) => {
  let anvil;
  try {
    anvil = await startAnvil();
  } catch (error) {
    t.skip(`Anvil is not available here: ${(error as Error).message.split('\n')[0]}`);
    return;
  }
  try {
    const anvilRpc = httpRpc(anvil.url);
    const m = await buildMarket(anvilRpc);
    const node = createNode({ forking: { url: anvil.url } });
    try {
      const rpc = nodeRpc(node);
      assert.equal(await rpc('eth_chainId'), await anvilRpc('eth_chainId'));
      assert.equal(await rpc('eth_blockNumber'), await anvilRpc('eth_blockNumber'));
      assert.equal(await rpc('eth_getCode', [m.pair, 'latest']), await anvilRpc('eth_getCode', [m.pair, 'latest']));
      assert.equal(await call<bigint>(rpc, m.tokenA, ERC20.abi, 'balanceOf', [m.bob]), 5n);
      const token0 = getAddress(await call<string>(rpc, m.pair, PAIR.abi, 'token0'));
      await send(rpc, m.alice, token0, encodeFunctionData({ abi: ERC20.abi, functionName: 'transfer', args: [m.bob, 10n ** 20n] }));
      assert.ok((await swapToken0(rpc, m, m.bob, 10n ** 19n)) > 0n);
      assert.equal((await call<[bigint, bigint, number]>(anvilRpc, m.pair, PAIR.abi, 'getReserves'))[0], LIQUIDITY);
      // Another chain (the polyvm remote) cannot stand in for Anvil.
      await assert.rejects(rpc('anvil_setRpcUrl', [remote.url]), /does not hold this fork's block/);
    } finally {
      await node.close();
    }
  } finally {
    anvil.stop();
  }
});

test("forking.chainId (Anvil's --fork-chain-id) is the fork's chain id", async () => {
  const node = createNode({ forking: { url: remote.url, chainId: 5 } });
  try {
    assert.equal(await node.request({ method: 'eth_chainId', params: [] }), '0x5');
    assert.notEqual(await remoteRpc('eth_chainId'), '0x5');
  } finally {
    await node.close();
  }
});
