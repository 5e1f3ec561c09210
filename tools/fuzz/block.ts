/**
 * `fuzz --mode block`: Block-STM against sequential execution. Each case is a generated block
 * (`chain/stm/generator.ts`: a random number of transactions, a random conflict rate, a random
 * subset of the transaction kinds, a fork) run one by one and in parallel with a random number
 * of lanes completing in a random order (the case's seed); every tenth case runs on two worker
 * threads instead; three cases in ten may stop early on conflicts (a prefix in parallel, the rest
 * one by one); half the cases run split instead (`chain/stm/split.ts`: the coordinator runs a
 * random share itself, one to three parts or the two workers the rest). Any difference (roots,
 * gas, receipts, logs, refunds, created addresses) is a finding, as is a batch the executor
 * declined.
 */
import { getRules, type ForkName } from '../../dist/forks/index.js';
import { ParallelExecutor, seededRandom } from '../../dist/chain/parallel.js';
import { ALL_KINDS, SET_CODE_KINDS, generateBlock, type TxKind } from '../../dist/chain/stm/generator.js';
import { blockDifferences, runGenerated } from '../../dist/chain/stm/compare.js';
import { LocalParts } from '../../dist/chain/stm/split.js';
import type { StmStats } from '../../dist/chain/stm/scheduler.js';
import { BlockWorkers } from '../../dist/node/block-workers.js';

const FORKS: ForkName[] = ['Shanghai', 'Cancun', 'Prague', 'Osaka'];

export interface BlockCase {
  seed: number;
  index: number;
  fork: ForkName;
  transactions: number;
  conflict: number;
  kinds: TxKind[];
  lanes: number | 'workers';
  /** Whether the executor may stop early on conflicts (a prefix in parallel, the rest one by one). */
  bail: boolean;
  /**
   * Split execution (`chain/stm/split.ts`) instead of Block-STM's lanes: the coordinator's share
   * of the block; the parts are the lanes (on this thread) or the two workers.
   */
  split?: number;
}

export interface BlockFinding extends BlockCase {
  mode: 'block';
  problems: string[];
}

export interface BlockFuzzStats {
  cases: number;
  transactions: number;
  findings: number;
  executions: number;
  aborts: number;
  blocked: number;
  onWorkers: number;
  elapsedMs: number;
}

/** The case `index` of a run with `seed` (the same arguments give the same case). */
export function blockCase(seed: number, index: number): BlockCase {
  const random = seededRandom((seed * 1_000_003 + index) >>> 0);
  const int = (n: number) => Math.floor(random() * n);
  let kinds = ALL_KINDS.filter(() => random() < 0.5);
  if (kinds.length === 0) kinds = [ALL_KINDS[int(ALL_KINDS.length)]!];
  const c: BlockCase = {
    seed,
    index,
    fork: FORKS[int(FORKS.length)]!,
    transactions: 16 + int(150),
    conflict: [0, 0.05, 0.2, 0.5, 1][int(5)]! * (0.5 + random() / 2),
    kinds,
    lanes: index % 10 === 9 ? 'workers' : 1 + int(8),
    bail: random() < 0.3,
  };
  // From Prague, half the cases also send EIP-7702 set-code transactions (drawn last, so the
  // fields above are those earlier runs of a seed drew).
  if (getRules(c.fork).prague && random() < 0.5) c.kinds = [...kinds, ...SET_CODE_KINDS];
  // Half run split (drawn after everything earlier runs drew: their cases are unchanged but for this).
  if (random() < 0.5) c.split = [0.05, 0.2, 0.5, 0.8][int(4)];
  return c;
}

/** Runs one case; the problems found (none: parallel equals sequential). */
export function checkBlockCase(c: BlockCase, workers: BlockWorkers | undefined): { problems: string[]; stats?: StmStats } {
  const rules = getRules(c.fork);
  const block = generateBlock({ seed: c.seed * 7919 + c.index, transactions: c.transactions, conflict: c.conflict, kinds: c.kinds });
  const sequential = runGenerated(block, rules);
  let stats: StmStats | undefined;
  let declined: string | undefined;
  const { split, lanes } = c;
  const executor = new ParallelExecutor({
    parts:
      split === undefined
        ? undefined
        : lanes === 'workers'
          ? workers && ((job) => workers.parts(job))
          : (job) => new LocalParts(Math.min(lanes, 3), job.base, job.transactions, job.setting),
    share: split,
    localLanes: c.lanes === 'workers' ? 1 : c.lanes,
    seed: c.seed + c.index,
    bail: c.bail,
    lanes: c.lanes === 'workers' && workers !== undefined ? (job) => workers.lanes(job) : undefined,
    report: (r) => ((stats = r.stats), (declined = r.declined)),
  });
  const parallel = runGenerated(block, rules, executor);
  const problems = blockDifferences(sequential, parallel);
  if (declined !== undefined) problems.push(`declined: ${declined}`);
  return { problems, stats };
}

export async function fuzzBlocks(options: {
  seed: number;
  cases: number | undefined;
  seconds: number | undefined;
  start: number;
  onFinding: (finding: BlockFinding) => void;
  onProgress: (stats: BlockFuzzStats & { start: number }) => void;
}): Promise<BlockFuzzStats> {
  const stats: BlockFuzzStats = {
    cases: 0,
    transactions: 0,
    findings: 0,
    executions: 0,
    aborts: 0,
    blocked: 0,
    onWorkers: 0,
    elapsedMs: 0,
  };
  const started = performance.now();
  const workers = BlockWorkers.create(2);
  let lastProgress = 0;
  try {
    for (let index = options.start; ; index++) {
      if (options.cases !== undefined && stats.cases >= options.cases) break;
      if (options.seconds !== undefined && performance.now() - started >= options.seconds * 1000) break;
      const c = blockCase(options.seed, index);
      const { problems, stats: s } = checkBlockCase(c, workers);
      stats.cases++;
      stats.transactions += c.transactions;
      if (c.lanes === 'workers') stats.onWorkers++;
      if (s !== undefined) {
        stats.executions += s.executions;
        stats.aborts += s.aborts;
        stats.blocked += s.blocked;
      }
      if (problems.length > 0) {
        stats.findings++;
        options.onFinding({ ...c, mode: 'block', problems });
      }
      stats.elapsedMs = performance.now() - started;
      if (stats.elapsedMs - lastProgress > 1000) {
        lastProgress = stats.elapsedMs;
        options.onProgress({ ...stats, start: options.start });
      }
    }
  } finally {
    await workers?.close();
  }
  stats.elapsedMs = performance.now() - started;
  return stats;
}
