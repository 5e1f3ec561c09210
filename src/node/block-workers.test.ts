import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getRules } from '../forks/index.js';
import { ParallelExecutor } from '../chain/parallel.js';
import { generateBlock } from '../chain/stm/generator.js';
import { blockDifferences, runGenerated } from '../chain/stm/compare.js';
import type { StmStats } from '../chain/stm/scheduler.js';
import { BlockWorkers } from './block-workers.js';

test('Block-STM on worker threads gives the sequential result, block after block, whatever the conflict', async () => {
  const pool = BlockWorkers.create(2)!;
  try {
    let executions = 0;
    let aborts = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const fork = seed % 2 === 0 ? 'Osaka' : 'Shanghai';
      const block = generateBlock({ seed, transactions: 40 + seed * 5, conflict: (seed % 5) / 4 });
      const rules = getRules(fork);
      let stats: StmStats | undefined;
      let declined: string | undefined;
      // Odd seeds run twice: the same workers, a new batch.
      const executor = new ParallelExecutor({
        lanes: (job) => pool.lanes(job, seed % 4 === 0 ? 'replicas' : 'chunks'),
        bail: seed % 3 === 0,
        report: (r) => ((stats = r.stats), (declined = r.declined)),
      });
      const sequential = runGenerated(block, rules);
      for (let run = 0; run < (seed % 2 === 1 ? 2 : 1); run++) {
        const parallel = runGenerated(block, rules, executor);
        assert.equal(declined, undefined, `seed ${seed}`);
        assert.deepEqual(blockDifferences(sequential, parallel), [], `seed ${seed}`);
        executions += stats!.executions;
        aborts += stats!.aborts;
      }
    }
    assert.ok(aborts > 0, 'some blocks had conflicts');
    assert.ok(executions > 3000);
  } finally {
    await pool.close();
  }
});

test('split execution on worker threads gives the sequential result, block after block, whatever the conflict', async () => {
  const pool = BlockWorkers.create(2)!;
  try {
    let committed = 0;
    let again = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const fork = ['Osaka', 'Shanghai', 'Cancun'][seed % 3]!;
      // Some large blocks: many ranges and groups of answers per worker.
      const transactions = seed % 5 === 0 ? 1500 : 40 + seed * 7;
      const block = generateBlock({ seed, transactions, conflict: (seed % 5) / 4 });
      const rules = getRules(fork);
      let stats: StmStats | undefined;
      let declined: string | undefined;
      const share = [0.2, 0.5, 0.05][seed % 3]!;
      const executor = new ParallelExecutor({
        parts: (job) => pool.parts(job),
        share,
        bail: false,
        report: (r) => ((stats = r.stats), (declined = r.declined)),
      });
      const sequential = runGenerated(block, rules);
      const parallel = runGenerated(block, rules, executor);
      assert.equal(declined, undefined, `seed ${seed}`);
      assert.deepEqual(blockDifferences(sequential, parallel), [], `seed ${seed}`);
      committed += transactions - Math.round(transactions * share) - stats!.aborts;
      again += stats!.aborts;
    }
    assert.ok(committed > 3000, `committed ${committed}`);
    assert.ok(again > 10, `run again ${again}`);
  } finally {
    await pool.close();
  }
});

test('no worker pool without a size', () => {
  assert.equal(BlockWorkers.create(0), undefined);
});
