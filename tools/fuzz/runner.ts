/**
 * The differential fuzz loop: generates cases from a seed, runs each through both engines,
 * counts, and investigates divergences and crashes. Bounded by a case count and/or seconds.
 * No file system here: findings go to a callback (the CLI saves them, tests assert on them).
 */
import type { ForkName } from '../../dist/forks/index.js';
import { differenceKind } from './compare.js';
import { Differential, type CaseResult, type Finding } from './differential.js';
import type { FuzzCase } from './case.js';
import { generateCase } from './generators/index.js';
import { createMachines } from '../../dist/exec/code.js';
import type { JitMode } from '../../dist/evm/code-cache.js';

/** Which generated cases a fuzz loop runs: what the EVM modes (against the peer, between tiers) share. */
export interface CaseSelection {
  seed: number;
  /** Stop after this many cases (default: unbounded when `seconds` is given, else 1000). */
  cases?: number;
  seconds?: number;
  /** First case index (to resume, or to run one case: start N, cases 1). */
  start?: number;
  forks?: readonly ForkName[];
  generators?: readonly string[];
  /** Shrink divergences to minimal reproducers (default true). */
  shrink?: boolean;
  /** Investigate at most this many findings of the same kind; the rest are only counted. */
  perKindLimit?: number;
}

export interface EvmFuzzOptions extends CaseSelection {
  /**
   * Run the peer in a worker and cut off a case it has not finished after this many seconds
   * (counted as a peer timeout and reported as a finding). Without it a case runs to its end.
   */
  caseTimeoutSeconds?: number;
  /**
   * With `caseTimeoutSeconds`: peer workers, each with a case in flight (default 1). Results are
   * still handled in case order, so a run's findings and counts do not depend on this.
   */
  peerWorkers?: number;
  /** polyvm's compiler tier for the run (default 'auto'; 'always' compares compiled code with the peer). */
  jit?: JitMode;
  onFinding?: (finding: Finding) => void | Promise<void>;
  onProgress?: (stats: EvmFuzzStats) => void;
}

/** What every EVM fuzz loop counts. */
export interface CaseCounts {
  seed: number;
  start: number;
  cases: number;
  agree: number;
  diverged: number;
  /** Findings by kind ("diverge gasUsed", "polyvm-crash TypeError"), with the first case index. */
  kinds: Record<string, { count: number; first: number }>;
  byGenerator: Record<string, number>;
  elapsedMs: number;
}

export interface EvmFuzzStats extends CaseCounts {
  /** Divergences excused by a known @ethereumjs/evm bug, by its id. */
  excluded: Record<string, number>;
  /** Divergences from polyvm bugs found before and not fixed yet, by id. */
  knownPolyvmBugs: Record<string, number>;
  polyvmCrashes: number;
  peerCrashes: number;
  /** Cases the peer did not finish within the case timeout (polyvm did not run them). */
  peerTimeouts: number;
  outcomes: Record<string, number>;
  polyvmMs: number;
  peerMs: number;
  slowest: { index: number; generator: string; polyvmMs: number }[];
}

function generatorFamily(name: string): string {
  return name.split('/')[0]!;
}

export async function fuzzEvm(options: EvmFuzzOptions): Promise<EvmFuzzStats> {
  const start = options.start ?? 0;
  const limit = options.cases ?? (options.seconds !== undefined ? Infinity : 1000);
  const deadline = options.seconds !== undefined ? performance.now() + options.seconds * 1000 : Infinity;
  const perKindLimit = options.perKindLimit ?? 3;
  const workers = options.caseTimeoutSeconds === undefined ? 1 : Math.max(1, options.peerWorkers ?? 1);
  const differential = new Differential(
    options.caseTimeoutSeconds === undefined ? undefined : options.caseTimeoutSeconds * 1000,
    workers,
    createMachines({ jit: options.jit ?? 'auto' }),
  );
  const began = performance.now();
  const stats: EvmFuzzStats = {
    seed: options.seed,
    start,
    cases: 0,
    agree: 0,
    diverged: 0,
    excluded: {},
    knownPolyvmBugs: {},
    polyvmCrashes: 0,
    peerCrashes: 0,
    peerTimeouts: 0,
    kinds: {},
    byGenerator: {},
    outcomes: {},
    polyvmMs: 0,
    peerMs: 0,
    elapsedMs: 0,
    slowest: [],
  };
  let lastProgress = began;
  // Up to `workers` cases in flight, handled oldest first.
  const inFlight: Promise<{ index: number; c: FuzzCase; result: CaseResult }>[] = [];
  let next = start;
  for (;;) {
    while (inFlight.length < workers && next - start < limit && performance.now() < deadline) {
      const index = next++;
      const c = generateCase(options.seed, index, { forks: options.forks, generators: options.generators });
      inFlight.push(differential.run(c).then((result) => ({ index, c, result })));
    }
    if (inFlight.length === 0) break;
    const { index, c, result } = await inFlight.shift()!;
    stats.cases++;
    stats.polyvmMs += result.polyvmMs;
    stats.peerMs += result.peerMs;
    const family = generatorFamily(c.generator);
    stats.byGenerator[family] = (stats.byGenerator[family] ?? 0) + 1;
    if (result.polyvm) stats.outcomes[result.polyvm.outcome] = (stats.outcomes[result.polyvm.outcome] ?? 0) + 1;
    if (stats.slowest.length < 5 || result.polyvmMs > stats.slowest[stats.slowest.length - 1]!.polyvmMs) {
      stats.slowest.push({ index, generator: c.generator, polyvmMs: Math.round(result.polyvmMs * 10) / 10 });
      stats.slowest.sort((x, y) => y.polyvmMs - x.polyvmMs);
      stats.slowest.length = Math.min(stats.slowest.length, 5);
    }
    switch (result.verdict) {
      case 'agree':
        stats.agree++;
        break;
      case 'excluded':
        stats.excluded[result.bug!.id] = (stats.excluded[result.bug!.id] ?? 0) + 1;
        break;
      case 'known-polyvm-bug':
        stats.knownPolyvmBugs[result.bug!.id] = (stats.knownPolyvmBugs[result.bug!.id] ?? 0) + 1;
        break;
      default: {
        if (result.verdict === 'diverge') stats.diverged++;
        else if (result.verdict === 'polyvm-crash') stats.polyvmCrashes++;
        else if (result.verdict === 'peer-timeout') stats.peerTimeouts++;
        else stats.peerCrashes++;
        const kind =
          result.verdict === 'diverge'
            ? `diverge ${[...new Set(result.differences.map(differenceKind))].slice(0, 3).join(' ')} (${family})`
            : result.verdict === 'peer-timeout'
              ? `peer-timeout (${family})`
              : `${result.verdict} ${(result.error ?? '').split('\n')[0]!.slice(0, 80)}`;
        const entry = (stats.kinds[kind] ??= { count: 0, first: index });
        entry.count++;
        if (entry.count <= perKindLimit && options.onFinding) {
          const finding = await differential.investigate(c, result, { seed: options.seed, index }, options.shrink ?? true);
          await options.onFinding(finding);
        }
      }
    }
    const now = performance.now();
    if (options.onProgress && now - lastProgress > 500) {
      lastProgress = now;
      stats.elapsedMs = now - began;
      options.onProgress(stats);
    }
  }
  stats.elapsedMs = performance.now() - began;
  await differential.close();
  return stats;
}
