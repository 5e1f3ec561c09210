#!/usr/bin/env node
// `npm run bench [-- --filter REGEX] [--quick] [--json]`: every benchmark and input of the evmone
// benchmark set, and the precompile cases (precompile-cases.mjs: BLAKE2F, MODEXP, the BN254 and
// BLS12-381 pairings, P256VERIFY), on polyvm and on @ethereumjs/evm in this process, the two alternating after a
// warm-up. Per case: the gas each used (they must agree), milliseconds per execution, and the ratio
// (ethereumjs time / polyvm time); then the geometric mean of the ratios. polyvm is timed three
// ways: warm (one engine whose code cache holds the analysis and compiled code from earlier runs,
// as a node serving repeated calls sees it), warm with the interpreter only (`jit: 'never'`), and
// cold (a fresh engine per run: hashing, analysis and any compiling inside the timed run, as
// @ethereumjs/evm, which caches nothing between runs, always is). A full run writes
// bench/results/latest.json and bench/results/chart.svg (a --quick or --filter run writes
// partial.*.tmp beside them). Exits non-zero when the engines disagree.
//
// What is timed is the message call of the benchmark's transaction on a state built beforehand:
// polyvm's `createEvm(...).runCall` on a fresh copy of the pre-state (warm: every copy shares one
// code cache), and @ethereumjs/evm's
// `evm.runCall` on the pre-state under a state-manager checkpoint that is reverted afterwards.
import { mkdirSync, writeFileSync } from 'node:fs';
import { machine, packageVersion } from './machine.mjs';
import { createEvm } from '../dist/index.js';
import { CodeCache } from '../dist/evm/code-cache.js';
import { EthereumjsPeer } from '../dist-tools/peer/ethereumjs.js';
import { loadBenchCases } from './cases.mjs';
import { loadPrecompileCases } from './precompile-cases.mjs';
import { renderChart } from './chart.mjs';
import { Anvil, findAnvil } from './anvil.mjs';

const USAGE = `usage: npm run bench -- [--filter REGEX] [--quick] [--json] [--no-anvil]
  --filter REGEX  run only the cases whose name (group/benchmark/input) matches
  --quick         fewer and shorter measurement rounds
  --json          print the results as JSON on stdout instead of a table
  --no-anvil      skip the Anvil column even when @foundry-rs/anvil-linux-amd64 is installed`;

function parseOptions(argv) {
  const options = { filter: undefined, quick: false, json: false, anvil: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--no-anvil') options.anvil = false;
    else if (arg === '--filter') options.filter = new RegExp(argv[++i] ?? '');
    else if (arg.startsWith('--filter=')) options.filter = new RegExp(arg.slice('--filter='.length));
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown option ${arg}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return options;
}

const RESULTS = new URL('./results/', import.meta.url).pathname;

const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const toHex = (bytes) => '0x' + Buffer.from(bytes).toString('hex');
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs `once` (which returns the milliseconds it timed) until `budgetMs` are measured, at least `minRuns` times. */
async function measure(once, budgetMs, minRuns) {
  let total = 0;
  let runs = 0;
  while (runs < minRuns || total < budgetMs) {
    total += await once();
    runs++;
  }
  return total / runs;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const interactive = process.stderr.isTTY && !options.json;
  const progress = (text) => {
    if (interactive) process.stderr.write(`\r\x1b[K${text}`);
  };
  const settings = options.quick
    ? { warmupRuns: 1, warmupMs: 50, rounds: 2, roundMs: 60, minRunsPerRound: 1 }
    : { warmupRuns: 3, warmupMs: 1000, rounds: 5, roundMs: 250, minRunsPerRound: 1 };

  const cases = [...loadBenchCases(), ...loadPrecompileCases()].filter((c) => !options.filter || options.filter.test(c.name));
  if (cases.length === 0) {
    process.stderr.write('bench: no case matches the filter\n');
    process.exit(2);
  }

  let anvilBinary = options.anvil ? findAnvil() : undefined;
  const peers = new Map();
  const anvils = new Map();
  const results = [];
  const failures = [];
  const anvilOverhead = new Map();

  try {
    for (const [i, c] of cases.entries()) {
      const label = `[${i + 1}/${cases.length}] ${c.name}`;
      let peer = peers.get(c.fork);
      if (!peer) peers.set(c.fork, (peer = await EthereumjsPeer.create({ fork: c.fork })));
      await peer.load(c.pre);

      let anvil;
      if (anvilBinary) {
        anvil = anvils.get(c.fork);
        if (!anvil) {
          try {
            anvils.set(c.fork, (anvil = await Anvil.start(anvilBinary, c.fork)));
            anvilOverhead.set(c.fork, await measureAnvilOverhead(anvil));
          } catch (error) {
            // Anvil is optional: without it the run goes on with two columns.
            process.stderr.write(`bench: anvil left out: ${error.message}\n`);
            anvilBinary = undefined;
            anvil = undefined;
          }
        }
        if (anvil) {
          await anvil.rpc('anvil_reset', []);
          await anvil.load(c.pre);
        }
      }

      let polyvmResult;
      let coldCompileMs = 0;
      /** One timed call on a fresh copy of the pre-state; `codeCache` undefined: a cold engine. */
      const polyvmCall = (codeCache) => {
        const evm = createEvm({ fork: c.fork, block: c.block, codeCache });
        for (const [address, account] of c.pre) evm.setAccount(address, account);
        const t0 = performance.now();
        polyvmResult = evm.runCall({
          caller: c.call.caller,
          to: c.call.to,
          data: c.call.data,
          value: c.call.value,
          gas: c.call.gas,
          gasPrice: c.call.gasPrice,
        });
        const ms = performance.now() - t0;
        if (codeCache === undefined) coldCompileMs = evm.codeCache.stats.compileMs;
        return ms;
      };
      const warmCache = new CodeCache({ jit: 'auto' });
      const interpreterCache = new CodeCache({ jit: 'never' });
      const polyvmOnce = () => polyvmCall(warmCache);
      let peerResult;
      const peerOnce = async () => {
        const t0 = performance.now();
        peerResult = await peer.execute(c.call, c.block);
        const ms = performance.now() - t0;
        await peer.reset();
        return ms;
      };
      let anvilOutput;
      const anvilOnce = async () => {
        const t0 = performance.now();
        anvilOutput = await anvil.call(c.call);
        return performance.now() - t0;
      };
      const engines = [
        ['polyvm', polyvmOnce],
        ['interpreter', () => polyvmCall(interpreterCache)],
        ['cold', () => polyvmCall(undefined)],
        ['ethereumjs', peerOnce],
      ];
      if (anvil) engines.push(['anvil', anvilOnce]);

      // One run each first: the engines must agree before their times mean anything.
      progress(`${label}: checking`);
      await polyvmOnce();
      await peerOnce();
      const row = { name: c.name, group: c.group, benchmark: c.benchmark, input: c.input, fork: c.fork };
      const exec = peerResult.execResult;
      row.gasUsed = { polyvm: polyvmResult.gasUsed.toString(), ethereumjs: exec.executionGasUsed.toString() };
      const problems = [];
      if (polyvmResult.gasUsed !== exec.executionGasUsed)
        problems.push(`gas used differs: polyvm ${polyvmResult.gasUsed}, ethereumjs ${exec.executionGasUsed}`);
      if (polyvmResult.success !== (exec.exceptionError === undefined)) {
        problems.push(`outcome differs: polyvm ${polyvmResult.error ?? 'success'}, ethereumjs ${exec.exceptionError?.error ?? 'success'}`);
      }
      if (!equalBytes(polyvmResult.output, exec.returnValue))
        problems.push(
          `return data differs: polyvm ${toHex(polyvmResult.output).slice(0, 80)}, ethereumjs ${toHex(exec.returnValue).slice(0, 80)}`,
        );
      if (!polyvmResult.success) problems.push(`the benchmark failed: ${polyvmResult.error}`);
      if (anvil) {
        await anvilOnce();
        if (anvilOutput !== toHex(polyvmResult.output)) problems.push(`anvil's return data differs: ${String(anvilOutput).slice(0, 80)}`);
      }
      if (problems.length > 0) {
        row.failure = problems.join('; ');
        failures.push(`${c.name}: ${row.failure}`);
        results.push(row);
        if (interactive) process.stderr.write(`\r\x1b[K${c.name}: FAILED: ${row.failure}\n`);
        continue;
      }

      progress(`${label}: warming up`);
      for (const [, once] of engines) await measure(once, settings.warmupMs, settings.warmupRuns);
      const samples = new Map(engines.map(([name]) => [name, []]));
      for (let round = 0; round < settings.rounds; round++) {
        progress(`${label}: round ${round + 1}/${settings.rounds}`);
        // Alternate which engine goes first, so neither always runs on a warmer (or hotter) machine.
        const order = round % 2 === 0 ? engines : [...engines].reverse();
        for (const [name, once] of order) samples.get(name).push(await measure(once, settings.roundMs, settings.minRunsPerRound));
      }
      row.polyvmMs = median(samples.get('polyvm'));
      row.interpreterMs = median(samples.get('interpreter'));
      row.coldMs = median(samples.get('cold'));
      row.ethereumjsMs = median(samples.get('ethereumjs'));
      row.ratio = row.ethereumjsMs / row.polyvmMs;
      row.interpreterRatio = row.ethereumjsMs / row.interpreterMs;
      row.coldRatio = row.ethereumjsMs / row.coldMs;
      // What compiling cost: over the whole case on the warm engine, and inside the last cold run.
      row.compile = {
        regions: warmCache.stats.compilations,
        declined: warmCache.stats.declined,
        warmTotalMs: Math.round(warmCache.stats.compileMs * 100) / 100,
        coldRunMs: Math.round(coldCompileMs * 100) / 100,
      };
      if (anvil) {
        row.anvilMs = median(samples.get('anvil'));
        row.anvilOverheadMs = anvilOverhead.get(c.fork);
      }
      results.push(row);
      if (interactive) process.stderr.write(`\r\x1b[K${formatRow(row, !!anvil)}\n`);
    }
  } finally {
    for (const anvil of anvils.values()) anvil.stop();
  }
  progress('');

  // The means are over the evmone set: the precompile cases time the precompiles alone (no EVM code).
  const measured = results.filter((r) => typeof r.ratio === 'number' && !r.name.startsWith('precompile/'));
  const mean = (key) => (measured.length ? Math.exp(measured.reduce((s, r) => s + Math.log(r[key]), 0) / measured.length) : null);
  const geomean = mean('ratio');
  const geomeans = { warm: geomean, interpreter: mean('interpreterRatio'), cold: mean('coldRatio') };
  const lowest = (key) => (measured.length ? Math.min(...measured.map((r) => r[key])) : null);
  const lowests = { warm: lowest('ratio'), interpreter: lowest('interpreterRatio'), cold: lowest('coldRatio') };
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    versions: {
      polyvm: packageVersion('polyvm'),
      '@ethereumjs/evm': packageVersion('@ethereumjs/evm'),
      '@ethereumjs/common': packageVersion('@ethereumjs/common'),
      '@ethereumjs/statemanager': packageVersion('@ethereumjs/statemanager'),
      '@ethereumjs/util': packageVersion('@ethereumjs/util'),
      ...(anvilBinary ? { '@foundry-rs/anvil-linux-amd64': packageVersion('@foundry-rs/anvil-linux-amd64') } : {}),
    },
    method:
      'message call of each benchmark transaction (gas = limit - intrinsic) on a pre-built state; ' +
      'polyvm createEvm().runCall on a fresh copy of the pre-state (warm: one shared code cache, jit auto; interpreter: one shared cache, jit never; cold: a fresh engine each run), @ethereumjs/evm runCall under a reverted checkpoint' +
      (anvilBinary ? '; anvil eth_call over local HTTP' : '') +
      `; ${settings.warmupRuns}+ warm-up runs, then median of ${settings.rounds} alternating rounds of >= ${settings.roundMs} ms each`,
    settings: { quick: options.quick, filter: options.filter ? options.filter.source : null, ...settings },
    geomean,
    geomeans,
    lowest: lowests,
    cases: results,
    failures,
  };
  // Only a full run replaces the committed results; a filtered or quick one goes to *.tmp files.
  const partial = options.quick || options.filter !== undefined;
  const jsonPath = partial ? 'partial.json.tmp' : 'latest.json';
  const chartPath = partial ? 'partial.svg.tmp' : 'chart.svg';
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}${jsonPath}`, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(`${RESULTS}${chartPath}`, renderChart(report));

  if (options.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    const lines = [formatHeader(!!anvilBinary), ...results.map((r) => formatRow(r, !!anvilBinary))];
    const x = (v) => (v === null ? 'n/a' : v.toFixed(2) + '×');
    lines.push(
      `geometric mean of ratios over the ${measured.length} cases of the evmone set: warm ${x(geomeans.warm)} (lowest ${x(lowests.warm)}), ` +
        `interpreter ${x(geomeans.interpreter)} (lowest ${x(lowests.interpreter)}), cold ${x(geomeans.cold)} (lowest ${x(lowests.cold)})`,
    );
    if (anvilBinary)
      lines.push(`anvil: eth_call round-trip overhead (empty call) ${[...anvilOverhead.values()].map((v) => v.toFixed(3)).join(', ')} ms`);
    else if (options.anvil) lines.push('anvil: not installed (npm i -D @foundry-rs/anvil-linux-amd64, or set ANVIL_BIN), column skipped');
    lines.push(
      `${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}; @ethereumjs/evm ${report.versions['@ethereumjs/evm']}`,
    );
    lines.push(`written: bench/results/${jsonPath}, bench/results/${chartPath}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (failures.length > 0) {
    process.stderr.write(`bench: ${failures.length} case(s) FAILED:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

async function measureAnvilOverhead(anvil) {
  const address = '0x00000000000000000000000000000000000e0e0e';
  await anvil.rpc('anvil_setCode', [address, '0x00']);
  const call = { caller: address, to: address, data: new Uint8Array(0), value: 0n, gas: 100000n };
  for (let i = 0; i < 20; i++) await anvil.call(call);
  const times = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await anvil.call(call);
    times.push(performance.now() - t0);
  }
  return median(times);
}

function formatHeader(withAnvil) {
  const head =
    `${'case'.padEnd(38)} ${'gas used'.padStart(12)} ${'warm ms'.padStart(10)} ${'interp ms'.padStart(10)} ${'cold ms'.padStart(10)} ` +
    `${'ethjs ms'.padStart(10)} ${'warm'.padStart(8)} ${'interp'.padStart(8)} ${'cold'.padStart(8)} ${'compile'.padStart(8)}`;
  return withAnvil ? `${head} ${'anvil ms'.padStart(10)}` : head;
}

function formatRow(r, withAnvil) {
  if (r.failure) return `${r.name.padEnd(38)} FAILED: ${r.failure}`;
  const ms = (v) => (v >= 100 ? v.toFixed(1) : v >= 1 ? v.toFixed(3) : v.toFixed(4));
  const x = (v) => (v.toFixed(2) + '×').padStart(8);
  const line =
    `${r.name.padEnd(38)} ${r.gasUsed.polyvm.padStart(12)} ${ms(r.polyvmMs).padStart(10)} ${ms(r.interpreterMs).padStart(10)} ${ms(r.coldMs).padStart(10)} ` +
    `${ms(r.ethereumjsMs).padStart(10)} ${x(r.ratio)} ${x(r.interpreterRatio)} ${x(r.coldRatio)} ${(r.compile.warmTotalMs.toFixed(1) + 'ms').padStart(8)}`;
  return withAnvil ? `${line} ${ms(r.anvilMs).padStart(10)}` : line;
}

main().catch((error) => {
  process.stderr.write(`bench: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 70;
});
