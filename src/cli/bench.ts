/**
 * `polyvm bench block`: parallel block execution (Block-STM on worker threads) against
 * sequential execution, in the same run, on four kinds of synthetic blocks of about a gigagas
 * each (`chain/stm/generator.ts`): plain transfers, ERC-20 transfers between disjoint accounts,
 * swaps on 100 constant-product pairs, a fully conflicting block (every transaction bumps one
 * counter), and heavy independent transactions (hashing). What is timed is the execution of the block's transactions on a fresh copy of the
 * pre-state, through `BlockBuilder.addAll` (for the parallel run: the pre-state sent to the
 * workers, the scheduling, and the writes applied to the state); the state root, the same work
 * either way, is computed after the clock stops, and the two blocks are compared in full.
 */
import { cpus, loadavg } from 'node:os';
import { getRules } from '../forks/index.js';
import { BlockBuilder } from '../chain/builder.js';
import { ParallelExecutor } from '../chain/parallel.js';
import { generateBlock, type GeneratedBlock, type TxKind } from '../chain/stm/generator.js';
import { blockDifferences, generatedBlockOptions, preState } from '../chain/stm/compare.js';
import type { RunBlockResult } from '../chain/run-block.js';
import type { BlockExecutor } from '../chain/executor.js';
import { BlockWorkers } from '../node/block-workers.js';
import { parseArgs, UsageError } from './args.js';

const USAGE = `usage: polyvm bench block [options]
  --gas N        gas of each block (default 1000000000)
  --workers N[,N]  worker threads of the parallel runs (default 2; several: a row each)
  --rounds N     timed rounds of each (default 3; the median is kept)
  --kind K[,K]   only these: transfers, erc20, swaps, conflicting, compute (heavy: ~200k gas
                 of hashing a transaction)
  --json         one JSON array of {kind, transactions, gas, workers, sequentialMs, parallelMs,
                 speedup, sameResult} on stdout`;

interface BlockKind {
  name: string;
  kinds: TxKind[];
  conflict: number;
}

const KINDS: BlockKind[] = [
  { name: 'transfers', kinds: ['transfer'], conflict: 0 },
  { name: 'erc20', kinds: ['erc20'], conflict: 0 },
  { name: 'swaps', kinds: ['swap'], conflict: 0 },
  { name: 'conflicting', kinds: ['counter'], conflict: 1 },
  // Not one of the issue's four: heavy independent transactions (~200k gas of hashing each).
  { name: 'compute', kinds: ['compute'], conflict: 0 },
];

export interface BlockBenchRow {
  kind: string;
  transactions: number;
  gas: number;
  workers: number;
  sequentialMs: number;
  parallelMs: number;
  speedup: number;
  sameResult: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Executes the block's transactions on a fresh pre-state; the time of that alone, and the sealed block. */
function timedRun(block: GeneratedBlock, executor: BlockExecutor | undefined): { ms: number; result: RunBlockResult } {
  const rules = getRules('Osaka');
  const { state, tracker } = preState(block);
  const builder = new BlockBuilder(state, generatedBlockOptions(block, rules));
  const start = performance.now();
  const executed = builder.addAll(block.transactions, executor);
  const ms = performance.now() - start;
  const commit = builder.finish(tracker, state.takeChangedAddresses());
  const result = {
    ...commit,
    results: executed.map((e) => e.result),
    receipts: commit.block.receipts,
    gasUsed: commit.block.header.gasUsed,
  };
  return { ms, result };
}

/** A block of `kind` of about `gas` gas: the gas of one transaction measured on a small block first. */
function sizedBlock(kind: BlockKind, gas: bigint): GeneratedBlock {
  const sample = generateBlock({ seed: 1, transactions: 200, conflict: kind.conflict, kinds: kind.kinds });
  const perTx = timedRun(sample, undefined).result.gasUsed / 200n;
  const transactions = Number(gas / perTx);
  return generateBlock({ seed: 1, transactions, conflict: kind.conflict, kinds: kind.kinds });
}

export async function benchCommand(argv: string[]): Promise<number> {
  const [what, ...rest] = argv;
  if (what === '--help' || what === undefined) {
    process.stdout.write(USAGE + '\n');
    return what === undefined ? 2 : 0;
  }
  if (what !== 'block') throw new UsageError(`unknown benchmark "${what}"\n${USAGE}`);
  const args = parseArgs(rest, ['json', 'help'], ['gas', 'workers', 'rounds', 'kind']);
  if (args.options.has('help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const text = (name: string): string | undefined => {
    const v = args.options.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const whole = (name: string, value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a whole number above 0, got "${value}"`);
    return Number(value);
  };
  const gas = BigInt(whole('gas', text('gas') ?? '1000000000'));
  const workerCounts = (text('workers') ?? '2').split(',').map((w) => whole('workers', w));
  const rounds = whole('rounds', text('rounds') ?? '3');
  // The issue's four by default; `compute` on request.
  const names = (text('kind') ?? 'transfers,erc20,swaps,conflicting').split(',');
  for (const n of names)
    if (!KINDS.some((k) => k.name === n)) throw new UsageError(`no block kind "${n}" (${KINDS.map((k) => k.name).join(', ')})`);
  const json = args.options.has('json');
  const say = (line: string): void => {
    if (!json) process.stderr.write(line + '\n');
  };
  say(
    `bench block: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, Node ${process.version}`,
  );

  const rows: BlockBenchRow[] = [];
  for (const kind of KINDS.filter((k) => names.includes(k.name))) {
    const block = sizedBlock(kind, gas);
    for (const workers of workerCounts) {
      const pool = BlockWorkers.create(workers);
      if (pool === undefined) throw new UsageError('no worker threads here');
      const executor = new ParallelExecutor({ parts: (job) => pool.parts(job) });
      try {
        // One untimed run of each warms the code and starts the workers.
        timedRun(block, undefined);
        timedRun(block, executor);
        const sequential: number[] = [];
        const parallel: number[] = [];
        let same = true;
        for (let round = 0; round < rounds; round++) {
          // The order flips every round.
          const runs = round % 2 === 0 ? [undefined, executor] : [executor, undefined];
          const out: Record<string, { ms: number; result: RunBlockResult }> = {};
          for (const e of runs) out[e === undefined ? 'seq' : 'par'] = timedRun(block, e);
          sequential.push(out.seq!.ms);
          parallel.push(out.par!.ms);
          if (blockDifferences(out.seq!.result, out.par!.result).length > 0) same = false;
        }
        const row: BlockBenchRow = {
          kind: kind.name,
          transactions: block.transactions.length,
          gas: Number(timedRun(block, undefined).result.gasUsed),
          workers,
          sequentialMs: Math.round(median(sequential)),
          parallelMs: Math.round(median(parallel)),
          speedup: 0,
          sameResult: same,
        };
        row.speedup = Math.round((row.sequentialMs / row.parallelMs) * 100) / 100;
        rows.push(row);
        say(
          `${kind.name.padEnd(12)} ${String(row.transactions).padStart(6)} txs ${(row.gas / 1e9).toFixed(2)} Ggas  ${workers} workers  ` +
            `sequential ${row.sequentialMs} ms  parallel ${row.parallelMs} ms  ${row.speedup.toFixed(2)}x  ${same ? 'same result' : 'DIFFERENT RESULT'}`,
        );
      } finally {
        await pool.close();
      }
    }
  }
  if (json) process.stdout.write(JSON.stringify(rows) + '\n');
  else {
    process.stdout.write('\nspeed-up over sequential (| = 1x)\n');
    const max = Math.max(2, ...rows.map((r) => r.speedup));
    for (const r of rows) {
      const width = Math.round((r.speedup / max) * 40);
      const one = Math.round((1 / max) * 40);
      const bar = Array.from({ length: Math.max(width, one + 1) }, (_, i) => (i === one ? '|' : i < width ? '#' : ' ')).join('');
      process.stdout.write(`${`${r.kind} (${r.workers}w)`.padEnd(18)} ${bar} ${r.speedup.toFixed(2)}x\n`);
    }
  }
  return rows.every((r) => r.sameResult) ? 0 : 1;
}
