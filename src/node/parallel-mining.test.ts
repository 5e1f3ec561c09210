/**
 * `--parallel`: a node that mines with Block-STM makes the same block as one that mines one
 * transaction after another (1,000 pending transactions, one evm_mine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParallelExecutor } from '../chain/parallel.js';
import type { StmStats } from '../chain/stm/scheduler.js';
import { BlockWorkers } from './block-workers.js';
import { createNode, type PolyvmNode } from './node.js';

const COUNTER = '0x00000000000000000000000000000000000000c1';
// slot 0 += 1
const COUNTER_CODE = '0x600054600101600055';
const COINBASE = '0x000000000000000000000000000000000000c0de';

async function mineThousand(node: PolyvmNode): Promise<{ block: any; receipts: any[]; balances: string[] }> {
  const rpc = (method: string, params: unknown[] = []): Promise<any> => node.request({ method, params });
  const accounts: string[] = await rpc('eth_accounts');
  await rpc('evm_setAutomine', [false]);
  await rpc('anvil_setCode', [COUNTER, COUNTER_CODE]);
  await rpc('anvil_setCoinbase', [COINBASE]);
  const hashes: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const from = accounts[i % accounts.length]!;
    // Transfers between the dev accounts (their balances conflict), to fresh addresses, to the
    // coinbase, and calls of one counter (every call conflicts).
    const kind = i % 4;
    const to =
      kind === 0
        ? accounts[(i * 7 + 3) % accounts.length]!
        : kind === 1
          ? '0x' + (0x1000 + i).toString(16).padStart(40, '0')
          : kind === 2
            ? COUNTER
            : COINBASE;
    hashes.push(await rpc('eth_sendTransaction', [{ from, to, value: '0x' + (i + 1).toString(16), gas: '0x186a0' }]));
  }
  await rpc('evm_setNextBlockTimestamp', [1_800_000_000]);
  await rpc('evm_mine');
  const block = await rpc('eth_getBlockByNumber', ['latest', false]);
  const receipts = await Promise.all(hashes.map((h) => rpc('eth_getTransactionReceipt', [h])));
  const balances = await Promise.all([COINBASE, ...accounts].map((a) => rpc('eth_getBalance', [a, 'latest'])));
  return { block, receipts, balances };
}

test('1,000 pending transactions mined with one evm_mine: the same block with parallel execution as without', async () => {
  const options = { accounts: 20, gasLimit: 200_000_000n, genesisTimestamp: 1_700_000_000 };
  const sequentialNode = createNode(options);
  const parallelNode = createNode(options);
  const pool = BlockWorkers.create(2)!;
  const reports: { stats?: StmStats; declined?: string }[] = [];
  // No early stop: the whole batch in parallel, though its senders and the counter conflict.
  parallelNode.chain.miner.executor = new ParallelExecutor({
    lanes: (job) => pool.lanes(job),
    bail: false,
    report: (r) => reports.push(r),
  });
  try {
    const sequential = await mineThousand(sequentialNode);
    const parallel = await mineThousand(parallelNode);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.declined, undefined);
    assert.ok(reports[0]!.stats!.executions >= 1000);
    assert.equal(sequential.block.transactions.length, 1000);
    assert.equal(parallel.block.hash, sequential.block.hash);
    assert.equal(parallel.block.stateRoot, sequential.block.stateRoot);
    assert.deepEqual(parallel.receipts, sequential.receipts);
    assert.deepEqual(parallel.balances, sequential.balances);
    // The counter was bumped by every call: 250.
    assert.equal(
      await parallelNode.request({ method: 'eth_getStorageAt', params: [COUNTER, '0x0', 'latest'] }),
      '0x' + (250).toString(16).padStart(64, '0'),
    );
  } finally {
    await pool.close();
    await sequentialNode.close();
    await parallelNode.close();
  }
});

test('createNode({ parallel }) mines through a parallel executor; 0 or none, one by one; a bad count is refused', async () => {
  const parallel = createNode({ parallel: 2 });
  const plain = createNode();
  try {
    assert.ok(parallel.chain.miner.executor instanceof ParallelExecutor);
    assert.equal(plain.chain.miner.executor, undefined);
    assert.throws(() => createNode({ parallel: -1 }), /parallel must be a whole number from 0 to 64/);
  } finally {
    await parallel.close();
    await plain.close();
  }
});
