/**
 * Hardhat's network helpers (@nomicfoundation/hardhat-network-helpers, the real package,
 * unchanged) driving the node through its EIP-1193 provider: a Hardhat runtime is loaded from a
 * minimal config and its network's provider is this node.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type PolyvmNode } from './node.js';

const require = createRequire(import.meta.url);
const node: PolyvmNode = createNode();
const dir = mkdtempSync(join(tmpdir(), 'polyvm-hh-'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let helpers: any;

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const STRANGER = '0x00000000000000000000000000000000000b0b0b';

async function rpc(method: string, params: unknown[] = []): Promise<any> {
  return node.request({ method, params });
}

before(() => {
  const config = join(dir, 'hardhat.config.cjs');
  writeFileSync(config, 'module.exports = {};\n');
  process.env.HARDHAT_CONFIG = config;
  const hre = require('hardhat');
  hre.network.provider = node;
  helpers = require('@nomicfoundation/hardhat-network-helpers');
});

after(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the helpers accept the node (web3_clientVersion) and time.* moves block time exactly', async () => {
  const { time, mine } = helpers;
  const start = await time.latest();
  assert.equal(start, Number((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp));
  assert.equal(await time.increase(3600), start + 3600);
  assert.equal(Number((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp), start + 3600);
  await time.increaseTo(start + 10_000);
  assert.equal(await time.latest(), start + 10_000);
  await time.setNextBlockTimestamp(start + 20_000);
  await mine();
  assert.equal(await time.latest(), start + 20_000);
  const before = await time.latestBlock();
  await mine(5, { interval: 60 });
  assert.equal(await time.latestBlock(), before + 5);
  const stamps: number[] = [];
  for (let n = before + 1; n <= before + 5; n++)
    stamps.push(Number((await rpc('eth_getBlockByNumber', ['0x' + n.toString(16), false])).timestamp));
  assert.deepEqual(
    stamps.slice(1).map((t, i) => t - stamps[i]!),
    [60, 60, 60, 60],
  );
});

test('loadFixture deploys once and restores the chain on each later call', async () => {
  let runs = 0;
  async function deployFixture() {
    runs++;
    await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x64' }]);
    return { block: Number(await rpc('eth_blockNumber')) };
  }
  const first = await helpers.loadFixture(deployFixture);
  const balance = await rpc('eth_getBalance', [A1, 'latest']);
  await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]);
  const second = await helpers.loadFixture(deployFixture);
  assert.equal(runs, 1);
  assert.deepEqual(second, first);
  assert.equal(Number(await rpc('eth_blockNumber')), first.block);
  assert.equal(await rpc('eth_getBalance', [A1, 'latest']), balance);
});

test('takeSnapshot and restore', async () => {
  const snapshot = await helpers.takeSnapshot();
  const block = await rpc('eth_blockNumber');
  await helpers.mine(3);
  assert.equal(BigInt(await rpc('eth_blockNumber')), BigInt(block) + 3n);
  await snapshot.restore();
  assert.equal(await rpc('eth_blockNumber'), block);
  // A restored snapshot is taken again, so restore works twice.
  await helpers.mine(1);
  await snapshot.restore();
  assert.equal(await rpc('eth_blockNumber'), block);
});

test('impersonateAccount, setBalance, setCode, setNonce, setStorageAt', async () => {
  await helpers.setBalance(STRANGER, 10n ** 20n);
  assert.equal(BigInt(await rpc('eth_getBalance', [STRANGER, 'latest'])), 10n ** 20n);
  await helpers.impersonateAccount(STRANGER);
  const hash = await rpc('eth_sendTransaction', [{ from: STRANGER, to: A1, value: '0x5' }]);
  assert.equal((await rpc('eth_getTransactionReceipt', [hash])).status, '0x1');
  await helpers.stopImpersonatingAccount(STRANGER);
  await assert.rejects(rpc('eth_sendTransaction', [{ from: STRANGER, to: A1, value: '0x5' }]), /no signer/);
  const target = '0x00000000000000000000000000000000000c0de0';
  await helpers.setCode(target, '0x6001600055');
  assert.equal(await rpc('eth_getCode', [target, 'latest']), '0x6001600055');
  await helpers.setNonce(target, 42);
  assert.equal(await rpc('eth_getTransactionCount', [target, 'latest']), '0x2a');
  await helpers.setStorageAt(target, 7, 99);
  assert.equal(BigInt(await rpc('eth_getStorageAt', [target, '0x7', 'latest'])), 99n);
  assert.equal(BigInt(await helpers.getStorageAt(target, 7)), 99n);
});

test('setPrevRandao, setBlockGasLimit, setNextBlockBaseFeePerGas, setCoinbase', async () => {
  const randao = '0x' + 'ab'.repeat(32);
  await helpers.setPrevRandao(randao);
  await helpers.mine();
  assert.equal((await rpc('eth_getBlockByNumber', ['latest', false])).mixHash, randao);
  await helpers.mine();
  assert.notEqual((await rpc('eth_getBlockByNumber', ['latest', false])).mixHash, randao, 'only the next block');
  await helpers.setBlockGasLimit(25_000_000);
  await helpers.mine();
  assert.equal(Number((await rpc('eth_getBlockByNumber', ['latest', false])).gasLimit), 25_000_000);
  await helpers.setNextBlockBaseFeePerGas(12345);
  await helpers.mine();
  assert.equal(Number((await rpc('eth_getBlockByNumber', ['latest', false])).baseFeePerGas), 12345);
  await helpers.setCoinbase(STRANGER);
  await helpers.mine();
  assert.equal((await rpc('eth_getBlockByNumber', ['latest', false])).miner, STRANGER);
});

test('dropTransaction removes a pending transaction', async () => {
  await rpc('evm_setAutomine', [false]);
  try {
    const hash = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x7' }]);
    assert.equal((await rpc('txpool_status')).pending, '0x1');
    assert.equal(await helpers.dropTransaction(hash), true);
    assert.equal((await rpc('txpool_status')).pending, '0x0');
    assert.equal(await helpers.dropTransaction(hash), false);
  } finally {
    await rpc('evm_setAutomine', [true]);
  }
});
