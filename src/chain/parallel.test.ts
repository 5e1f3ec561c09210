import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getRules } from '../forks/index.js';
import { bytesToHex } from '../primitives/bytes.js';
import { InvalidTransactionError } from '../tx/types.js';
import { ParallelExecutor } from './parallel.js';
import { LocalParts } from './stm/split.js';
import { ALL_KINDS, COINBASE_READER, SET_CODE_KINDS, generateBlock, type TxKind } from './stm/generator.js';
import { blockDifferences, runGenerated } from './stm/compare.js';
import type { StmStats } from './stm/scheduler.js';

/** Runs the block both ways; asserts the parallel run happened and equals the sequential one. */
function assertSame(
  seed: number,
  fork: string,
  options: { transactions: number; conflict: number; lanes: number; kinds?: readonly TxKind[] },
) {
  const rules = getRules(fork);
  const block = generateBlock({ seed, transactions: options.transactions, conflict: options.conflict, kinds: options.kinds });
  const sequential = runGenerated(block, rules);
  let report: { stats?: StmStats; declined?: string } | undefined;
  const executor = new ParallelExecutor({ localLanes: options.lanes, seed, bail: false, report: (r) => (report = r) });
  const parallel = runGenerated(block, rules, executor);
  assert.equal(report?.declined, undefined, `seed ${seed}: declined`);
  assert.deepEqual(blockDifferences(sequential, parallel), [], `seed ${seed} ${fork} conflict ${options.conflict} lanes ${options.lanes}`);
  return { sequential, stats: report!.stats! };
}

test('parallel execution equals sequential on 240 generated blocks (every kind, EIP-7702 ones at Osaka, conflict 0 to 1, 1 to 8 lanes, 3 forks)', () => {
  let aborts = 0;
  let blocked = 0;
  let failures = 0;
  for (let seed = 1; seed <= 240; seed++) {
    const fork = ['Shanghai', 'Cancun', 'Osaka'][seed % 3]!;
    const { sequential, stats } = assertSame(seed, fork, {
      transactions: 20 + (seed % 50),
      conflict: (seed % 9) / 8,
      lanes: 1 + (seed % 8),
      // EIP-7702's set-code transactions from Prague on.
      kinds: fork === 'Osaka' ? [...ALL_KINDS, ...SET_CODE_KINDS] : undefined,
    });
    aborts += stats.aborts;
    blocked += stats.blocked;
    failures += sequential.results.filter((r) => !r.success).length;
  }
  // The blocks did exercise conflicts, dependencies and failing transactions.
  assert.ok(aborts > 100, `aborts ${aborts}`);
  assert.ok(blocked > 100, `blocked ${blocked}`);
  assert.ok(failures > 100, `failures ${failures}`);
});

test('each kind alone, fully conflicting, equals sequential', () => {
  for (const kind of ALL_KINDS) {
    for (const seed of [3, 4]) assertSame(seed, 'Osaka', { transactions: 40, conflict: 1, lanes: 4, kinds: [kind] });
  }
});

test('EIP-7702: authorities delegated, re-delegated, cleared and called in one block, conflicting or not, equal sequential', () => {
  let delegated = 0;
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    const fork = seed % 2 === 0 ? 'Prague' : 'Osaka';
    const kinds = [...SET_CODE_KINDS, 'transfer', 'counter'] as const;
    const { sequential } = assertSame(seed, fork, { transactions: 48, conflict: (seed % 3) / 2, lanes: 4, kinds });
    // Plain calls of an authority (no authorization of their own) that cost more than a transfer
    // ran the code it was delegated to.
    delegated += sequential.block.transactions.filter(
      (t, i) => t.tx.type === 2 && t.tx.data.length === 0 && t.tx.gasLimit === 100_000n && sequential.results[i]!.gasUsed > 21_000n,
    ).length;
  }
  assert.ok(delegated > 10, `${delegated} calls ran delegated code`);
});

test('a transaction reading the coinbase sees every fee before it, though fees are applied lazily', () => {
  const { sequential } = assertSame(8, 'Osaka', { transactions: 40, conflict: 0, lanes: 6, kinds: ['transfer', 'coinbase-reader'] });
  // Equal state roots: each reader stored the coinbase balance it saw, as sequential execution does.
  const readers = sequential.block.transactions.filter((t) => t.tx.to === COINBASE_READER);
  assert.ok(readers.length > 5, `${readers.length} readers`);
});

test('independent transfers run without an abort; a counter every transaction bumps conflicts', () => {
  assert.equal(assertSame(5, 'Osaka', { transactions: 64, conflict: 0, lanes: 4, kinds: ['transfer'] }).stats.aborts, 0);
  const counter = assertSame(5, 'Osaka', { transactions: 64, conflict: 1, lanes: 4, kinds: ['counter'] }).stats;
  assert.ok(counter.aborts + counter.blocked > 30, JSON.stringify(counter));
});

test('a small batch, or one before EIP-161, runs one by one (declined), same result', () => {
  const reasons: (string | undefined)[] = [];
  const executor = new ParallelExecutor({ report: (r) => reasons.push(r.declined) });
  const small = generateBlock({ seed: 1, transactions: 5, conflict: 0.5 });
  assert.deepEqual(blockDifferences(runGenerated(small, getRules('Osaka')), runGenerated(small, getRules('Osaka'), executor)), []);
  const old = generateBlock({ seed: 2, transactions: 40, conflict: 0.5, kinds: ['transfer', 'erc20'] });
  for (const t of old.transactions)
    Object.assign(t.tx, { type: 0, gasPrice: 100n, maxFeePerGas: undefined, maxPriorityFeePerGas: undefined, chainId: undefined });
  assert.deepEqual(blockDifferences(runGenerated(old, getRules('Homestead')), runGenerated(old, getRules('Homestead'), executor)), []);
  assert.deepEqual(reasons, ['a small batch', 'rules before EIP-161']);
});

/** A block whose transaction `index` has a nonce from the future (invalid whatever the order) fails through `executor` as sequential execution fails. */
function assertFailsAsSequential(transactions: number, index: number, executor: ParallelExecutor): void {
  const block = generateBlock({ seed: 9, transactions, conflict: 0.3, kinds: ['transfer', 'erc20'] });
  const bad = block.transactions[index]!;
  bad.tx = { ...bad.tx, nonce: bad.tx.nonce + 5n };
  const rules = getRules('Osaka');
  const error = (run: () => unknown): string => {
    try {
      run();
    } catch (e) {
      assert.ok(e instanceof InvalidTransactionError);
      return e.message;
    }
    return 'no error';
  };
  const sequential = error(() => runGenerated(block, rules));
  assert.match(sequential, /NONCE_MISMATCH_TOO_HIGH/);
  assert.equal(
    error(() => runGenerated(block, rules, executor)),
    sequential,
    `transaction ${index}`,
  );
}

test('a block with a transaction the protocol rejects fails as sequential execution fails', () => {
  assertFailsAsSequential(30, 17, new ParallelExecutor({ localLanes: 4 }));
});

test('the same block gives the same block hash whatever the lanes and their order', () => {
  const block = generateBlock({ seed: 11, transactions: 80, conflict: 0.6 });
  const rules = getRules('Osaka');
  const hashes = new Set<string>();
  for (let seed = 1; seed <= 12; seed++)
    hashes.add(
      bytesToHex(runGenerated(block, rules, new ParallelExecutor({ localLanes: 1 + seed, seed, bail: seed % 2 === 0 })).block.hash),
    );
  hashes.add(bytesToHex(runGenerated(block, rules).block.hash));
  assert.equal(hashes.size, 1);
});

test('on a block where conflicts outweigh parallelism, the executor stops early: a prefix in parallel, the rest one by one, same result', () => {
  const rules = getRules('Osaka');
  const block = generateBlock({ seed: 21, transactions: 300, conflict: 1, kinds: ['counter'] });
  let stats: StmStats | undefined;
  const parallel = runGenerated(block, rules, new ParallelExecutor({ localLanes: 8, seed: 3, report: (r) => (stats = r.stats) }));
  assert.deepEqual(blockDifferences(runGenerated(block, rules), parallel), []);
  assert.ok(stats!.committed !== undefined && stats!.committed < 300, JSON.stringify(stats));
  // It gave up soon: not many more executions than the threshold plus the lanes.
  assert.ok(stats!.executions < 48 + 8 + 1, JSON.stringify(stats));
  // Independent transfers never stop early.
  const transfers = generateBlock({ seed: 21, transactions: 300, conflict: 0, kinds: ['transfer'] });
  runGenerated(transfers, rules, new ParallelExecutor({ localLanes: 8, seed: 3, report: (r) => (stats = r.stats) }));
  assert.equal(stats!.committed, undefined);
  assert.equal(stats!.executions, 300);
});

/** A split executor whose parts run on this thread (`LocalParts`), through the encoding workers use. */
function splitExecutor(parts: number, share: number, report?: (r: { stats?: StmStats; declined?: string }) => void): ParallelExecutor {
  return new ParallelExecutor({
    parts: (job) => new LocalParts(parts, job.base, job.transactions, job.setting),
    share,
    bail: false,
    report,
  });
}

test('split execution equals sequential on 240 generated blocks (every kind, EIP-7702 ones at Osaka, conflict 0 to 1, 1 to 3 parts, 3 forks)', () => {
  let committed = 0;
  let again = 0;
  for (let seed = 1; seed <= 240; seed++) {
    const fork = ['Shanghai', 'Cancun', 'Osaka'][seed % 3]!;
    const rules = getRules(fork);
    const kinds = fork === 'Osaka' ? [...ALL_KINDS, ...SET_CODE_KINDS] : undefined;
    const block = generateBlock({ seed, transactions: 20 + ((seed * 7) % 150), conflict: (seed % 9) / 8, kinds });
    let report: { stats?: StmStats; declined?: string } | undefined;
    const parts = 1 + (seed % 3);
    const share = [0.1, 0.3, 0.5, 0.8][seed % 4]!;
    const parallel = runGenerated(
      block,
      rules,
      splitExecutor(parts, share, (r) => (report = r)),
    );
    assert.equal(report?.declined, undefined, `seed ${seed}: declined`);
    assert.deepEqual(blockDifferences(runGenerated(block, rules), parallel), [], `seed ${seed} ${fork} parts ${parts} share ${share}`);
    const own = Math.round(block.transactions.length * share);
    // Each transaction of the parts was committed from them or run again.
    committed += block.transactions.length - own - report!.stats!.aborts;
    again += report!.stats!.aborts;
  }
  // Both happened, many times.
  assert.ok(committed > 3000, `committed ${committed}`);
  assert.ok(again > 100, `run again ${again}`);
});

test('split execution commits every independent transaction from its part, and none of a block on one counter', () => {
  const rules = getRules('Osaka');
  for (const kinds of [['transfer'], ['erc20'], ['compute']] as TxKind[][]) {
    const block = generateBlock({ seed: 5, transactions: 300, conflict: 0, kinds });
    let stats: StmStats | undefined;
    const parallel = runGenerated(
      block,
      rules,
      splitExecutor(2, 0.3, (r) => (stats = r.stats)),
    );
    assert.deepEqual(blockDifferences(runGenerated(block, rules), parallel), []);
    assert.equal(stats!.aborts, 0, kinds.join());
    assert.equal(stats!.executions, 300);
  }
  const counter = generateBlock({ seed: 5, transactions: 300, conflict: 1, kinds: ['counter'] });
  let stats: StmStats | undefined;
  const parallel = runGenerated(
    counter,
    rules,
    splitExecutor(1, 0.5, (r) => (stats = r.stats)),
  );
  assert.deepEqual(blockDifferences(runGenerated(counter, rules), parallel), []);
  // The first of each range of the part read the counter the coordinator changed: the rest of the range ran again directly.
  assert.equal(stats!.aborts, Math.ceil(150 / 64));
  assert.equal(stats!.executions, 300 + 150);
});

test('split execution: coinbase readers and payments to the coinbase end a range, creations, self-destructs and EIP-7702 delegations commit', () => {
  const rules = getRules('Osaka');
  for (const kinds of [
    [...SET_CODE_KINDS, 'transfer', 'counter'],
    ['transfer', 'coinbase-reader'],
    ['erc20', 'pay-coinbase'],
    ['create', 'call-created', 'selfdestruct', 'revert'],
  ] as TxKind[][]) {
    for (const seed of [2, 3]) {
      const block = generateBlock({ seed, transactions: 200, conflict: 0, kinds });
      let stats: StmStats | undefined;
      const parallel = runGenerated(
        block,
        rules,
        splitExecutor(2, 0.25, (r) => (stats = r.stats)),
      );
      assert.deepEqual(blockDifferences(runGenerated(block, rules), parallel), [], `${kinds.join()} seed ${seed}`);
      assert.ok(stats!.aborts < 150, JSON.stringify(stats));
    }
  }
});

test('split execution: a transaction the protocol rejects fails as sequential execution fails, in either part', () => {
  // In the coordinator's part, then in the part's.
  for (const index of [10, 70]) assertFailsAsSequential(100, index, splitExecutor(1, 0.5));
});
