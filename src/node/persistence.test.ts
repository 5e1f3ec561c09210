/**
 * `--data-dir`: a node killed with SIGKILL and restarted on the same directory finds every
 * mined block, receipt and balance, and goes on mining; a directory of another chain is refused.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnNode, type SpawnedNode } from './testing/spawn-node.js';
import { createNode } from './node.js';

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
// Initcode storing 0x2a in slot 1 and deploying an empty contract with code 0x00.
const STORE_INITCODE = '0x602a600155600160006000396001' + '6000f3';

const dir = mkdtempSync(join(tmpdir(), 'polyvm-data-'));
const started: SpawnedNode[] = [];
after(async () => {
  for (const node of started) await node.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const json = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (json.error) throw new Error(`${method}: ${json.error.message}`);
  return json.result;
}

async function start(args: string[] = []): Promise<SpawnedNode> {
  const node = await spawnNode(['--data-dir', dir, ...args]);
  started.push(node);
  return node;
}

test('a restart after SIGKILL finds every block, receipt and balance', async () => {
  const first = await start();
  const hashes: string[] = [];
  for (let i = 0; i < 12; i++)
    hashes.push(await rpc(first.url, 'eth_sendTransaction', [{ from: A0, to: A1, value: '0x' + (i + 1).toString(16) }]));
  hashes.push(await rpc(first.url, 'eth_sendTransaction', [{ from: A1, data: STORE_INITCODE }]));
  const contract = (await rpc(first.url, 'eth_getTransactionReceipt', [hashes[12]])).contractAddress;
  await rpc(first.url, 'anvil_setBalance', ['0x00000000000000000000000000000000000000ab', '0x1234']);
  await rpc(first.url, 'anvil_mine', ['0x2']);
  const number = await rpc(first.url, 'eth_blockNumber');
  const blocks = await Promise.all(
    Array.from({ length: Number(number) + 1 }, (_, i) => rpc(first.url, 'eth_getBlockByNumber', ['0x' + i.toString(16), true])),
  );
  const receipts = await Promise.all(hashes.map((h) => rpc(first.url, 'eth_getTransactionReceipt', [h])));
  const balances = await Promise.all(
    [A0, A1, '0x00000000000000000000000000000000000000ab'].map((a) => rpc(first.url, 'eth_getBalance', [a])),
  );
  await first.kill();

  const second = await start();
  assert.match(second.output(), /at block 15/);
  assert.equal(await rpc(second.url, 'eth_blockNumber'), number);
  for (const block of blocks) assert.deepEqual(await rpc(second.url, 'eth_getBlockByNumber', [block.number, true]), block);
  for (const receipt of receipts) assert.deepEqual(await rpc(second.url, 'eth_getTransactionReceipt', [receipt.transactionHash]), receipt);
  assert.deepEqual(
    await Promise.all([A0, A1, '0x00000000000000000000000000000000000000ab'].map((a) => rpc(second.url, 'eth_getBalance', [a]))),
    balances,
  );
  assert.equal(BigInt(await rpc(second.url, 'eth_getStorageAt', [contract, '0x1'])), 0x2an);
  // The chain goes on, with a state root that matches the recomputed state.
  const next = await rpc(second.url, 'eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]);
  const receipt = await rpc(second.url, 'eth_getTransactionReceipt', [next]);
  assert.equal(receipt.blockNumber, '0x10');
  // A snapshot revert is persisted too.
  const id = await rpc(second.url, 'evm_snapshot');
  await rpc(second.url, 'anvil_mine', ['0x3']);
  await rpc(second.url, 'evm_revert', [id]);
  await second.kill();

  const third = await start();
  assert.equal(await rpc(third.url, 'eth_blockNumber'), '0x10');
  assert.equal((await rpc(third.url, 'eth_getTransactionReceipt', [next])).status, '0x1');
  await third.stop();
});

test('a data directory of another chain id or fork is refused with a clear message', async () => {
  assert.throws(() => createNode({ dataDir: dir, chainId: 1 }), /holds chain id 31337, not 1/);
  assert.throws(() => createNode({ dataDir: dir, fork: 'Cancun' }), /written for fork Osaka, not Cancun/);
  await assert.rejects(spawnNode(['--data-dir', dir, '--chain-id', '5']), /holds chain id 31337, not 5/);
});
