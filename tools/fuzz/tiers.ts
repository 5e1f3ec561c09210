/**
 * The tier fuzzer (`--mode tiers`): every generated case runs on polyvm's interpreter alone and
 * with every frame compiled (`jit: 'always'`), and the two must agree exactly: outcome, gas,
 * refund, output, logs and the whole post-state. Each side keeps one code cache for the run, so
 * cached analysis and compiled code are exercised across cases too. A divergence is shrunk to a
 * small reproducer like the peer fuzzer's.
 */
import { createMachines, type Machines } from '../../dist/exec/code.js';
import { runPolyvmCall } from '../peer/polyvm.js';
import type { CallOutcome } from '../peer/types.js';
import { caseToJson, type FuzzCase, type FuzzCaseJson } from './case.js';
import { compareOutcomes, differenceKind, type Difference } from './compare.js';
import { summarize, type OutcomeSummary } from './differential.js';
import { generateCase } from './generators/index.js';
import { shrinkCase } from './shrink.js';
import type { CaseCounts, CaseSelection } from './runner.js';

export interface TierFuzzOptions extends CaseSelection {
  onFinding?: (finding: TierFinding) => void | Promise<void>;
  onProgress?: (stats: TierFuzzStats) => void;
}

export interface TierFuzzStats extends CaseCounts {
  /** Cases where one tier threw. */
  crashes: number;
  /** Regions compiled over the run (the compiled side's code cache). */
  compiledRegions: number;
  interpreterMs: number;
  compiledMs: number;
}

export interface TierFinding {
  mode: 'tiers';
  verdict: 'diverge' | 'crash';
  seed: number;
  index: number;
  fork: string;
  generator: string;
  differences: Difference[];
  error?: string;
  interpreter?: OutcomeSummary;
  compiled?: OutcomeSummary;
  case: FuzzCaseJson;
  minimized?: { case: FuzzCaseJson; differences: Difference[] };
}

interface TierResult {
  differences: Difference[];
  error?: string;
  interpreter?: CallOutcome;
  compiled?: CallOutcome;
  interpreterMs: number;
  compiledMs: number;
}

/** Both tiers on one case. */
export function compareTiers(c: FuzzCase, interpreter: Machines, compiled: Machines): TierResult {
  const t0 = performance.now();
  let a: CallOutcome;
  let b: CallOutcome;
  try {
    a = runPolyvmCall(c.pre, c.call, c, undefined, interpreter);
  } catch (error) {
    return { differences: [], error: `interpreter: ${String(error)}`, interpreterMs: performance.now() - t0, compiledMs: 0 };
  }
  const t1 = performance.now();
  try {
    b = runPolyvmCall(c.pre, c.call, c, undefined, compiled);
  } catch (error) {
    return {
      differences: [],
      error: `compiled: ${String(error)}`,
      interpreter: a,
      interpreterMs: t1 - t0,
      compiledMs: performance.now() - t1,
    };
  }
  // compareOutcomes names its sides polyvm/peer: here the interpreter is "polyvm", compiled "peer".
  return { differences: compareOutcomes(a, b), interpreter: a, compiled: b, interpreterMs: t1 - t0, compiledMs: performance.now() - t1 };
}

export async function fuzzTiers(options: TierFuzzOptions): Promise<TierFuzzStats> {
  const start = options.start ?? 0;
  const limit = options.cases ?? (options.seconds !== undefined ? Infinity : 1000);
  const deadline = options.seconds !== undefined ? performance.now() + options.seconds * 1000 : Infinity;
  const perKindLimit = options.perKindLimit ?? 3;
  const interpreter = createMachines({ jit: 'never' });
  const compiled = createMachines({ jit: 'always' });
  const began = performance.now();
  const stats: TierFuzzStats = {
    seed: options.seed,
    start,
    cases: 0,
    agree: 0,
    diverged: 0,
    crashes: 0,
    kinds: {},
    byGenerator: {},
    compiledRegions: 0,
    interpreterMs: 0,
    compiledMs: 0,
    elapsedMs: 0,
  };
  let lastProgress = began;
  for (let index = start; index - start < limit && performance.now() < deadline; index++) {
    const c = generateCase(options.seed, index, { forks: options.forks, generators: options.generators });
    const result = compareTiers(c, interpreter, compiled);
    stats.cases++;
    stats.interpreterMs += result.interpreterMs;
    stats.compiledMs += result.compiledMs;
    const family = c.generator.split('/')[0]!;
    stats.byGenerator[family] = (stats.byGenerator[family] ?? 0) + 1;
    if (result.error === undefined && result.differences.length === 0) {
      stats.agree++;
    } else {
      const crash = result.error !== undefined;
      if (crash) stats.crashes++;
      else stats.diverged++;
      const kind = crash
        ? `crash ${result.error!.split('\n')[0]!.slice(0, 80)}`
        : `diverge ${[...new Set(result.differences.map(differenceKind))].slice(0, 3).join(' ')} (${family})`;
      const entry = (stats.kinds[kind] ??= { count: 0, first: index });
      entry.count++;
      if (entry.count <= perKindLimit && options.onFinding) {
        await options.onFinding(await investigate(c, result, options.seed, index, options.shrink ?? true, interpreter, compiled));
      }
    }
    const now = performance.now();
    if (options.onProgress && now - lastProgress > 500) {
      lastProgress = now;
      stats.elapsedMs = now - began;
      stats.compiledRegions = compiled.codeCache.stats.compilations;
      options.onProgress(stats);
    }
  }
  stats.compiledRegions = compiled.codeCache.stats.compilations;
  stats.elapsedMs = performance.now() - began;
  return stats;
}

async function investigate(
  c: FuzzCase,
  result: TierResult,
  seed: number,
  index: number,
  shrink: boolean,
  interpreter: Machines,
  compiled: Machines,
): Promise<TierFinding> {
  const finding: TierFinding = {
    mode: 'tiers',
    verdict: result.error === undefined ? 'diverge' : 'crash',
    seed,
    index,
    fork: c.fork,
    generator: c.generator,
    differences: result.differences,
    error: result.error,
    interpreter: result.interpreter && summarize(result.interpreter),
    compiled: result.compiled && summarize(result.compiled),
    case: caseToJson(c),
  };
  if (!shrink || finding.verdict !== 'diverge') return finding;
  const wanted = differenceKind(result.differences[0]!);
  const small = await shrinkCase(c, async (candidate) => {
    const r = compareTiers(candidate, interpreter, compiled);
    return r.error === undefined && r.differences.some((d) => differenceKind(d) === wanted);
  });
  if (small !== c) finding.minimized = { case: caseToJson(small), differences: compareTiers(small, interpreter, compiled).differences };
  return finding;
}
