/**
 * Runs a case through polyvm and @ethereumjs/evm, compares, and turns a divergence into a
 * finding: the first differing trace step, a shrunk reproducer, both results.
 */
import { bytesToHex } from '../../dist/primitives/bytes.js';
import { EthereumjsPeer } from '../peer/ethereumjs.js';
import { runPolyvmCall, tracePolyvmCall } from '../peer/polyvm.js';
import type { CallOutcome } from '../peer/types.js';
import { caseToJson, type FuzzCase, type FuzzCaseJson } from './case.js';
import { compareOutcomes, differenceKind, firstTraceDivergence, type Difference, type TraceDivergence } from './compare.js';
import { knownBug, type KnownBug } from './known-bugs.js';
import { shrinkCase } from './shrink.js';
import { WorkerPeer } from './peer-worker.js';
import type { Machines } from '../../dist/exec/code.js';

/**
 * agree; diverge (unexplained); excluded (a known @ethereumjs/evm bug); known-polyvm-bug (found
 * before, not fixed yet); or one engine threw.
 */
export type Verdict = 'agree' | 'diverge' | 'excluded' | 'known-polyvm-bug' | 'polyvm-crash' | 'peer-crash' | 'peer-timeout';

export interface CaseResult {
  verdict: Verdict;
  differences: Difference[];
  polyvm?: CallOutcome;
  peer?: CallOutcome;
  error?: string;
  bug?: KnownBug;
  polyvmMs: number;
  peerMs: number;
}

export interface OutcomeSummary {
  outcome: string;
  error: string | null;
  gasUsed: string;
  refund: string;
  output: string;
  logs: { address: string; topics: string[]; data: string }[];
}

export interface Finding {
  verdict: Verdict;
  seed: number | null;
  index: number | null;
  fork: string;
  generator: string;
  differences: Difference[];
  error?: string;
  polyvm?: OutcomeSummary;
  peer?: OutcomeSummary;
  trace?: TraceDivergence;
  case: FuzzCaseJson;
  minimized?: { case: FuzzCaseJson; differences: Difference[]; trace?: TraceDivergence; polyvm?: OutcomeSummary; peer?: OutcomeSummary };
}

export function summarize(o: CallOutcome): OutcomeSummary {
  return {
    outcome: o.outcome,
    error: o.error ?? null,
    gasUsed: o.gasUsed.toString(),
    refund: o.refund.toString(),
    output: bytesToHex(o.output),
    logs: o.logs.map((l) => ({ address: l.address, topics: l.topics.map((t) => '0x' + t.toString(16)), data: bytesToHex(l.data) })),
  };
}

const TRACE_LIMIT = 20_000;

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
}

export class Differential {
  private readonly peers = new Map<string, EthereumjsPeer>();
  private readonly workers: WorkerPeer[];
  private nextWorker = 0;

  /**
   * @param caseTimeoutMs when given, the peer runs in a worker and a case it has not finished
   * after this long is cut off (verdict peer-timeout) before polyvm runs it, so no case can stall
   * a run (polyvm, about ten times faster, then runs only cases the peer finished)
   * @param workers peer workers, used in turn (concurrent `run` calls go to different workers)
   * @param machines polyvm's VMs (default: the engine's shared default, compiler tier `auto`);
   * `createMachines({ jit: 'always' })` puts every frame in compiled code
   */
  constructor(
    caseTimeoutMs?: number,
    workers = 1,
    private readonly machines?: Machines,
  ) {
    this.workers = caseTimeoutMs === undefined ? [] : Array.from({ length: workers }, () => new WorkerPeer(caseTimeoutMs));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  async peerFor(fork: string): Promise<EthereumjsPeer> {
    let peer = this.peers.get(fork);
    if (!peer) {
      peer = await EthereumjsPeer.create({ fork });
      this.peers.set(fork, peer);
    }
    return peer;
  }

  async run(c: FuzzCase): Promise<CaseResult> {
    if (this.workers.length > 0) return this.runWithWorker(c, this.workers[this.nextWorker++ % this.workers.length]!);
    let polyvm: CallOutcome;
    const t0 = performance.now();
    try {
      polyvm = runPolyvmCall(c.pre, c.call, c, undefined, this.machines);
    } catch (error) {
      return { verdict: 'polyvm-crash', differences: [], error: message(error), polyvmMs: performance.now() - t0, peerMs: 0 };
    }
    const t1 = performance.now();
    let peer: CallOutcome;
    try {
      peer = await (await this.peerFor(c.fork)).run(c.pre, c.call, c.block);
    } catch (error) {
      // A fresh instance next time: a throw may have left the old one mid-run.
      this.peers.delete(c.fork);
      return { verdict: 'peer-crash', differences: [], polyvm, error: message(error), polyvmMs: t1 - t0, peerMs: performance.now() - t1 };
    }
    const t2 = performance.now();
    return this.verdict(c, polyvm, peer, t1 - t0, t2 - t1);
  }

  /** The peer first, in the worker and bounded in time; then polyvm. */
  private async runWithWorker(c: FuzzCase, worker: WorkerPeer): Promise<CaseResult> {
    const t0 = performance.now();
    const run = await worker.run(c.fork, c.pre, c.call, c.block);
    const t1 = performance.now();
    if (run === 'timeout')
      return {
        verdict: 'peer-timeout',
        differences: [],
        error: `the peer did not finish in ${Math.round(t1 - t0)} ms`,
        polyvmMs: 0,
        peerMs: t1 - t0,
      };
    if ('error' in run) return { verdict: 'peer-crash', differences: [], error: run.error, polyvmMs: 0, peerMs: t1 - t0 };
    let polyvm: CallOutcome;
    try {
      polyvm = runPolyvmCall(c.pre, c.call, c, undefined, this.machines);
    } catch (error) {
      return {
        verdict: 'polyvm-crash',
        differences: [],
        error: message(error),
        peer: run.outcome,
        polyvmMs: performance.now() - t1,
        peerMs: t1 - t0,
      };
    }
    return this.verdict(c, polyvm, run.outcome, performance.now() - t1, t1 - t0);
  }

  private verdict(c: FuzzCase, polyvm: CallOutcome, peer: CallOutcome, polyvmMs: number, peerMs: number): CaseResult {
    const differences = compareOutcomes(polyvm, peer);
    let verdict: Verdict = differences.length === 0 ? 'agree' : 'diverge';
    let bug: KnownBug | undefined;
    if (verdict === 'diverge') {
      bug = knownBug(c, polyvm, peer, differences);
      if (bug) verdict = bug.side === 'peer' ? 'excluded' : 'known-polyvm-bug';
    }
    return { verdict, differences, polyvm, peer, bug, polyvmMs, peerMs };
  }

  /** The first differing step within the first `TRACE_LIMIT` steps of each engine. */
  async trace(c: FuzzCase): Promise<TraceDivergence | undefined> {
    const ours = tracePolyvmCall(c.pre, c.call, c, TRACE_LIMIT);
    const theirs = await (await this.peerFor(c.fork)).trace(c.pre, c.call, c.block, TRACE_LIMIT);
    return firstTraceDivergence(ours.steps, theirs.steps, TRACE_LIMIT);
  }

  /** Everything a person needs to look at a divergence or crash; shrinks it when asked. */
  async investigate(
    c: FuzzCase,
    result: CaseResult,
    where: { seed: number | null; index: number | null },
    shrink = true,
  ): Promise<Finding> {
    const finding: Finding = {
      verdict: result.verdict,
      seed: where.seed,
      index: where.index,
      fork: c.fork,
      generator: c.generator,
      differences: result.differences,
      error: result.error,
      polyvm: result.polyvm ? summarize(result.polyvm) : undefined,
      peer: result.peer ? summarize(result.peer) : undefined,
      case: caseToJson(c),
    };
    if (result.verdict !== 'diverge') return finding;
    finding.trace = await this.trace(c);
    if (!shrink) return finding;
    const wanted = differenceKind(result.differences[0]!);
    const stillDiverges = async (candidate: FuzzCase) => {
      const r = await this.run(candidate);
      return r.verdict === 'diverge' && r.differences.some((d) => differenceKind(d) === wanted);
    };
    const small = await shrinkCase(c, stillDiverges);
    if (small !== c) {
      const r = await this.run(small);
      finding.minimized = {
        case: caseToJson(small),
        differences: r.differences,
        trace: await this.trace(small),
        polyvm: r.polyvm ? summarize(r.polyvm) : undefined,
        peer: r.peer ? summarize(r.peer) : undefined,
      };
    }
    return finding;
  }
}
