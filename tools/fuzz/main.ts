/**
 * `npm run fuzz -- [options]`: differential fuzzing of polyvm against @ethereumjs/evm, decoding
 * fuzz of RLP, transactions and hex, and WebAssembly program fuzz (random Stylus programs,
 * valid and broken, deployed and called). Findings are printed and saved under fuzz/findings/.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { bytesToHex } from '../../dist/primitives/bytes.js';
import { keccak256 } from '../../dist/primitives/hash.js';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseFork, type ForkName } from '../../dist/forks/index.js';
import { caseFromJson, type FuzzCaseJson } from './case.js';
import { fuzzDecoding, type DecodeFinding } from './decoding.js';
import { Differential, type Finding } from './differential.js';
import { DEFAULT_FORKS, GENERATORS } from './generators/index.js';
import { formatFinding } from './report.js';
import { fuzzEvm, type CaseSelection, type EvmFuzzStats } from './runner.js';
import { JIT_MODES, type JitMode } from '../../dist/evm/code-cache.js';
import { fuzzTiers, type TierFinding, type TierFuzzStats } from './tiers.js';
import { fuzzBlocks, type BlockFuzzStats } from './block.js';
import { checkWasmCase, formatWasmFinding, fuzzWasm, type WasmFinding, type WasmFuzzStats } from './wasm.js';

const USAGE = `usage: npm run fuzz -- [options]
  --seed N          the run's seed (default: chosen from the clock and printed)
  --cases N         cases per mode (default 1000 unless --seconds is given)
  --seconds N       stop after N seconds (per mode when both run)
  --mode M          evm, decode, wasm, tiers, both (evm and decode; the default) or all four;
                    or block (parallel block execution against sequential: tools/fuzz/block.ts)
                    tiers: each EVM case on polyvm's interpreter and in compiled code
                    (every frame compiled), which must agree exactly
                    wasm: random Stylus programs (valid, broken, damaged containers)
                    deployed on a fresh chain and called; findings are crashes, hangs,
                    slow cases, gas over the limit, state changed by a failed call,
                    activation against expectation and nondeterminism
  --jit MODE        evm mode: polyvm's compiler tier, auto (default), always or never
  --fork F[,F]      forks for EVM cases (default ${DEFAULT_FORKS.join(',')})
  --generator G[,G] only these generators: ${GENERATORS.map((g) => g.name).join(', ')}
  --start N         first case index (with --cases 1: rerun one case of a seed)
  --no-shrink       report divergences without shrinking them
  --findings DIR    where findings are saved (default fuzz/findings)
  --replay FILE     rerun a saved finding or regression case and report
  --original        with --replay: the finding's case as generated, not the shrunk one
  --progress        a progress line a minute on stderr even when it is not a terminal
  --case-timeout S  cut off a case the peer (evm) or a worker (wasm) has not finished after
                    S seconds (default 60; 0: never, and wasm cases run on the main thread)
  --jobs N          peer workers (evm) or case workers (wasm), each running a case
                    (default: the machine's cores, at most 4)
  --json            print the summary as JSON
  --record          write the run's summary to fuzz/runs/ (commit it: the README's totals add up from those files)`;

interface Options {
  seed: number;
  cases: number | undefined;
  seconds: number | undefined;
  mode: 'evm' | 'decode' | 'wasm' | 'tiers' | 'both' | 'all' | 'block';
  jit: JitMode;
  forks: ForkName[] | undefined;
  generators: string[] | undefined;
  start: number;
  shrink: boolean;
  findings: string;
  replay: string | undefined;
  original: boolean;
  json: boolean;
  progress: boolean;
  caseTimeout: number;
  jobs: number;
  record: boolean;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    seed: Date.now() % 2 ** 31,
    cases: undefined,
    seconds: undefined,
    mode: 'both',
    jit: 'auto',
    forks: undefined,
    generators: undefined,
    start: 0,
    shrink: true,
    findings: new URL('../../fuzz/findings/', import.meta.url).pathname,
    replay: undefined,
    original: false,
    json: false,
    progress: false,
    caseTimeout: 60,
    jobs: Math.min(4, availableParallelism()),
    record: false,
  };
  const number = (name: string, value: string | undefined) => {
    const n = Number(value);
    if (value === undefined || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} needs a non-negative integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--seed':
        options.seed = number('seed', value());
        break;
      case '--cases':
        options.cases = number('cases', value());
        break;
      case '--seconds':
        options.seconds = number('seconds', value());
        break;
      case '--start':
        options.start = number('start', value());
        break;
      case '--mode': {
        const m = value();
        if (m !== 'evm' && m !== 'decode' && m !== 'wasm' && m !== 'tiers' && m !== 'both' && m !== 'all' && m !== 'block')
          throw new UsageError('--mode is evm, decode, wasm, tiers, both, all or block');
        options.mode = m;
        break;
      }
      case '--jit': {
        const j = value() ?? '';
        if (!(JIT_MODES as readonly string[]).includes(j)) throw new UsageError(`--jit is one of ${JIT_MODES.join(', ')}`);
        options.jit = j as JitMode;
        break;
      }
      case '--fork':
        options.forks = (value() ?? '').split(',').map((f) => parseFork(f));
        break;
      case '--generator': {
        const names = (value() ?? '').split(',');
        for (const n of names) if (!GENERATORS.some((g) => g.name === n)) throw new UsageError(`no generator ${n}`);
        options.generators = names;
        break;
      }
      case '--jobs':
        options.jobs = Math.max(1, number('jobs', value()));
        break;
      case '--case-timeout':
        options.caseTimeout = number('case-timeout', value());
        break;
      case '--no-shrink':
        options.shrink = false;
        break;
      case '--findings':
        options.findings = value() ?? options.findings;
        break;
      case '--replay':
        options.replay = value();
        break;
      case '--original':
        options.original = true;
        break;
      case '--json':
        options.json = true;
        break;
      case '--record':
        options.record = true;
        break;
      case '--progress':
        options.progress = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
      default:
        throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    }
  }
  if (options.cases === undefined && options.seconds === undefined) options.cases = 1000;
  return options;
}

function saveFinding(dir: string, name: string, json: unknown, text: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(json, null, 2) + '\n');
  writeFileSync(join(dir, `${name}.txt`), text + '\n');
  return join(dir, `${name}.json`);
}

function replayWasm(options: Options, saved: WasmFinding): number {
  const check = checkWasmCase(saved.case, { seed: null, index: null });
  for (const f of check.findings) process.stdout.write((options.json ? JSON.stringify(f, null, 2) : formatWasmFinding(f)) + '\n');
  if (check.findings.length === 0)
    process.stdout.write(`wasm case ${saved.generator}: no finding now (deploy ${check.deploy}, calls ${check.calls.join(', ')})\n`);
  return check.findings.length > 0 ? 1 : 0;
}

async function replay(options: Options): Promise<number> {
  const saved = JSON.parse(readFileSync(options.replay!, 'utf8')) as Partial<Finding> &
    Partial<FuzzCaseJson> & { mode?: string; finding?: WasmFinding };
  // A wasm finding, or a wasm regression case (fuzz/regressions/wasm/) holding one.
  if (saved.mode === 'wasm') return replayWasm(options, saved as unknown as WasmFinding);
  if (saved.finding?.mode === 'wasm') return replayWasm(options, saved.finding);
  const json = (saved.case ? (options.original ? saved.case : (saved.minimized?.case ?? saved.case)) : saved) as FuzzCaseJson;
  const c = caseFromJson(json);
  const differential = new Differential();
  const result = await differential.run(c);
  const finding = await differential.investigate(c, result, { seed: null, index: null }, false);
  process.stdout.write(options.json ? JSON.stringify(finding, null, 2) + '\n' : formatFinding(finding) + '\n');
  if (result.bug) process.stdout.write(`known ${result.bug.side} bug ${result.bug.id}: ${result.bug.summary}\n`);
  return result.verdict === 'agree' || result.verdict === 'excluded' ? 0 : 1;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.replay) return replay(options);
  const interactive = process.stderr.isTTY === true && !options.json;
  const say = (text: string) => {
    if (!options.json) process.stdout.write(text + '\n');
  };
  say(
    `fuzz: seed ${options.seed}${options.cases !== undefined ? `, ${options.cases} cases` : ''}${options.seconds !== undefined ? `, ${options.seconds} s` : ''} per mode, mode ${options.mode}`,
  );
  let problems = 0;
  const summary: {
    seed: number;
    evm?: EvmFuzzStats;
    decode?: unknown;
    wasm?: WasmFuzzStats;
    tiers?: TierFuzzStats;
    block?: BlockFuzzStats;
  } = {
    seed: options.seed,
  };
  const runs = (mode: 'evm' | 'decode' | 'wasm' | 'tiers') =>
    options.mode === mode || options.mode === 'all' || (options.mode === 'both' && (mode === 'evm' || mode === 'decode'));

  // What every mode's run takes: the seed and how many cases, from which; the EVM modes also
  // choose forks and generators.
  const span = { seed: options.seed, cases: options.cases, seconds: options.seconds, start: options.start };
  const selection: CaseSelection = { ...span, forks: options.forks, generators: options.generators, shrink: options.shrink };
  /** Prints a finding and saves it under the findings folder. */
  const report = (name: string, finding: unknown, text: string) => {
    const path = saveFinding(options.findings, name, finding, text);
    if (interactive) process.stderr.write('\r\x1b[K');
    say(`${text}\nsaved ${path}\n`);
  };
  /** A progress line: rewritten on a terminal, else once a minute with --progress. */
  const progress = <S extends { elapsedMs: number; start?: number; cases: number }>(line: (s: S) => string) => {
    let lastLogged = 0;
    return (s: S) => {
      const text = line(s);
      if (interactive) process.stderr.write(`\r\x1b[K${text}`);
      else if (options.progress && s.elapsedMs - lastLogged >= 60_000) {
        lastLogged = s.elapsedMs;
        process.stderr.write(`${new Date().toISOString()} ${text} (next case ${(s.start ?? options.start) + s.cases})\n`);
      }
    };
  };

  if (runs('evm')) {
    const stats = await fuzzEvm({
      ...selection,
      caseTimeoutSeconds: options.caseTimeout > 0 ? options.caseTimeout : undefined,
      peerWorkers: options.jobs,
      jit: options.jit,
      onFinding: (finding) => report(`${finding.verdict}-${finding.seed}-${finding.index}`, finding, formatFinding(finding)),
      onProgress: progress(
        (s: EvmFuzzStats) =>
          `evm: ${s.cases} cases (${(s.cases / (s.elapsedMs / 1000)).toFixed(0)}/s), ${s.diverged} diverged, ${s.polyvmCrashes + s.peerCrashes} crashed, ${s.peerTimeouts} timed out, ${Object.values(s.excluded).reduce((x, y) => x + y, 0)} excluded`,
      ),
    });
    if (interactive) process.stderr.write('\r\x1b[K');
    summary.evm = stats;
    problems += stats.diverged + stats.polyvmCrashes + stats.peerCrashes + stats.peerTimeouts;
    say(
      `evm: ${stats.cases} cases in ${(stats.elapsedMs / 1000).toFixed(1)} s (polyvm ${(stats.polyvmMs / 1000).toFixed(1)} s, ethereumjs ${(stats.peerMs / 1000).toFixed(1)} s): ` +
        `${stats.agree} agree, ${stats.diverged} diverged, ${stats.polyvmCrashes} polyvm crashes, ${stats.peerCrashes} ethereumjs crashes, ${stats.peerTimeouts} ethereumjs timeouts, excluded (peer bugs) ${JSON.stringify(stats.excluded)}, known open polyvm bugs ${JSON.stringify(stats.knownPolyvmBugs)}`,
    );
    say(`  outcomes ${JSON.stringify(stats.outcomes)}; generators ${JSON.stringify(stats.byGenerator)}`);
    say(`  slowest polyvm cases ${JSON.stringify(stats.slowest)}; memory ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
    for (const [kind, { count, first }] of Object.entries(stats.kinds)) say(`  ${count}× ${kind} (first: case ${first})`);
  }

  if (runs('decode')) {
    const findings: DecodeFinding[] = [];
    const stats = await fuzzDecoding({
      ...span,
      onFinding: (f) => {
        findings.push(f);
        if (findings.length <= 20) {
          const text = `DECODE ${f.target} (seed ${f.seed}, case ${f.index}): ${f.problem}${f.error ? `\n  error: ${f.error}` : ''}\n  input: ${f.input.slice(0, 400)}`;
          saveFinding(options.findings, `decode-${f.target}-${f.seed}-${f.index}`, f, text);
          say(text);
        }
      },
    });
    summary.decode = stats;
    problems += stats.findings;
    say(
      `decode: ${stats.cases} cases in ${(stats.elapsedMs / 1000).toFixed(1)} s, ${stats.findings} findings, slowest ${stats.slowestMs.toFixed(1)} ms; ${JSON.stringify(stats.byTarget)}`,
    );
  }
  if (runs('wasm')) {
    const stats = await fuzzWasm({
      ...span,
      jobs: options.caseTimeout > 0 ? options.jobs : 0,
      caseTimeoutSeconds: options.caseTimeout,
      onFinding: (f) => report(`wasm-${f.kind}-${f.seed}-${f.index}`, f, formatWasmFinding(f)),
      onProgress: progress(
        (s: WasmFuzzStats) =>
          `wasm: ${s.cases} cases (${(s.cases / (s.elapsedMs / 1000)).toFixed(0)}/s), ${s.deploys.activated} activated, ${s.deploys.refused} refused, ${s.findings} findings`,
      ),
    });
    if (interactive) process.stderr.write('\r\x1b[K');
    summary.wasm = stats;
    problems += stats.findings;
    const d = stats.deploys;
    say(
      `wasm: ${stats.cases} cases in ${(stats.elapsedMs / 1000).toFixed(1)} s (${(stats.cases / (stats.elapsedMs / 1000)).toFixed(0)}/s), ${stats.findings} findings; ` +
        `programs: ${d.activated} activated at deploy, ${d.placed} placed and activated at first call, ${d.refused} refused, ${d.failed} deploys failed otherwise`,
    );
    say(`  calls ${JSON.stringify(stats.calls)}; generators ${JSON.stringify(stats.byGenerator)}`);
    say(`  top refusals:`);
    for (const [reason, count] of stats.topRefusals) say(`    ${count}× ${reason}`);
    say(`  slowest cases ${JSON.stringify(stats.slowest)}; memory ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
    for (const [kind, { count, first }] of Object.entries(stats.kinds)) say(`  ${count}× ${kind} (first: case ${first})`);
  }
  if (runs('tiers')) {
    const stats = await fuzzTiers({
      ...selection,
      onFinding: (finding) => report(`tiers-${finding.verdict}-${finding.seed}-${finding.index}`, finding, formatTierFinding(finding)),
      onProgress: progress(
        (s: TierFuzzStats) =>
          `tiers: ${s.cases} cases (${(s.cases / (s.elapsedMs / 1000)).toFixed(0)}/s), ${s.diverged} diverged, ${s.crashes} crashed, ${s.compiledRegions} regions compiled`,
      ),
    });
    if (interactive) process.stderr.write('\r\x1b[K');
    summary.tiers = stats;
    problems += stats.diverged + stats.crashes;
    say(
      `tiers: ${stats.cases} cases in ${(stats.elapsedMs / 1000).toFixed(1)} s (interpreter ${(stats.interpreterMs / 1000).toFixed(1)} s, compiled ${(stats.compiledMs / 1000).toFixed(1)} s, ${stats.compiledRegions} regions compiled): ` +
        `${stats.agree} agree, ${stats.diverged} diverged, ${stats.crashes} crashed; generators ${JSON.stringify(stats.byGenerator)}`,
    );
    for (const [kind, { count, first }] of Object.entries(stats.kinds)) say(`  ${count}× ${kind} (first: case ${first})`);
  }
  if (options.mode === 'block') {
    const stats = await fuzzBlocks({
      ...span,
      onFinding: (f) =>
        report(
          `block-${f.seed}-${f.index}`,
          f,
          `BLOCK (seed ${f.seed}, case ${f.index}, ${f.fork}, ${f.transactions} transactions, conflict ${f.conflict.toFixed(3)}, kinds ${f.kinds.join(',')}, lanes ${f.lanes}):\n  ${f.problems.slice(0, 20).join('\n  ')}`,
        ),
      onProgress: progress(
        (s: BlockFuzzStats) =>
          `block: ${s.cases} blocks (${(s.cases / (s.elapsedMs / 1000)).toFixed(1)}/s), ${s.transactions} transactions, ${s.aborts} aborts, ${s.findings} findings`,
      ),
    });
    if (interactive) process.stderr.write('\r\x1b[K');
    summary.block = stats;
    problems += stats.findings;
    say(
      `block: ${stats.cases} blocks (${stats.transactions} transactions, ${stats.onWorkers} on worker threads) in ${(stats.elapsedMs / 1000).toFixed(1)} s: ` +
        `${stats.findings} differences; ${stats.executions} executions, ${stats.aborts} aborts, ${stats.blocked} blocked on an estimate`,
    );
  }
  if (options.record) {
    const path = recordRun(new URL('../../fuzz/runs/', import.meta.url).pathname, options, summary);
    say(`recorded ${path}`);
  }
  if (options.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  return problems > 0 ? 1 : 0;
}

/**
 * A run's record, committed under fuzz/runs/: what ran (seed, first case, modes, forks,
 * generators and their version), how many cases, and what came out (divergences, crashes, peer
 * timeouts, excluded cases by peer bug, findings). The README's totals are the sum of these.
 */
function recordRun(dir: string, options: Options, summary: Record<string, unknown>): string {
  const { evm, decode, wasm, tiers, block } = summary as {
    evm?: EvmFuzzStats;
    decode?: { cases: number; findings?: unknown[] };
    wasm?: WasmFuzzStats;
    tiers?: TierFuzzStats;
    block?: BlockFuzzStats;
  };
  const record = {
    date: new Date().toISOString(),
    seed: options.seed,
    start: options.start,
    mode: options.mode,
    jit: evm ? options.jit : undefined,
    forks: options.forks ?? DEFAULT_FORKS,
    generators: options.generators ?? GENERATORS.map((g) => g.name),
    generatorVersion: generatorVersion(),
    node: process.version,
    evm: evm && {
      cases: evm.cases,
      agree: evm.agree,
      diverged: evm.diverged,
      polyvmCrashes: evm.polyvmCrashes,
      peerCrashes: evm.peerCrashes,
      peerTimeouts: evm.peerTimeouts,
      excluded: evm.excluded,
      knownPolyvmBugs: evm.knownPolyvmBugs,
    },
    decode: decode && { cases: decode.cases, findings: Array.isArray(decode.findings) ? decode.findings.length : decode.findings },
    wasm: wasm && { cases: wasm.cases, findings: wasm.findings },
    tiers: tiers && {
      cases: tiers.cases,
      agree: tiers.agree,
      diverged: tiers.diverged,
      crashes: tiers.crashes,
      compiledRegions: tiers.compiledRegions,
    },
    block: block && { cases: block.cases, transactions: block.transactions, findings: block.findings, aborts: block.aborts },
  };
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${record.date.slice(0, 10)}-seed${options.seed}-${options.mode}.json`);
  writeFileSync(path, JSON.stringify(record, null, 2) + '\n');
  return path;
}

/** A hash of the generators' code: cases are reproducible from a seed only for the same generators. */
function generatorVersion(): string {
  const dir = new URL('./generators/', import.meta.url).pathname;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort();
  const text = files.map((f) => f + '\n' + readFileSync(join(dir, f), 'utf8')).join('\n');
  return bytesToHex(keccak256(new TextEncoder().encode(text))).slice(0, 18);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`fuzz: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`fuzz: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 70;
    }
  },
);

/** A tier finding as text: where, what differs, and the case to replay. */
function formatTierFinding(f: TierFinding): string {
  const lines = [`TIERS ${f.verdict} (seed ${f.seed}, case ${f.index}, ${f.fork}, ${f.generator})`];
  if (f.error) lines.push(`  error: ${f.error}`);
  for (const d of (f.minimized?.differences ?? f.differences).slice(0, 8))
    lines.push(`  ${d.field}: interpreter ${d.polyvm}, compiled ${d.peer}`);
  if (f.minimized) lines.push(`  shrunk code of the callee: ${f.minimized.case.pre[f.minimized.case.call.to]?.code ?? '?'}`);
  return lines.join('\n');
}
