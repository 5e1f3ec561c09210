#!/usr/bin/env node
// `npm run bench:wasm [-- --quick] [--json]`: what WebAssembly buys on polyvm. The same algorithms
// as Solidity on polyvm's EVM and as C compiled to a Stylus program (bench/wasm/), on one
// `createEvm({ fork: 'Osaka', wasm: true })` chain, in one run:
//
// - compute cases: milliseconds per message call and gas on each VM, and evmMs / wasmMs, warm
//   (after warm-up, the program compiled and cached), with the first call's time beside them; and
//   where the WebAssembly time goes (the bare module in V8, the metered module in V8, the call
//   through polyvm);
// - calls: the fixed cost of one call EVM→EVM, EVM→WASM, WASM→EVM and WASM→WASM, from a loop of
//   calls in one message call less the same loop without the call;
// - deploy: decompress, validate, instrument and compile a ~100 KiB module, cold (a distinct
//   module each run), and a whole create transaction of one.
//
// Every case's output is checked against a reference computed in JavaScript before it is timed.
// A full run writes bench/results/wasm-latest.json and bench/results/wasm-chart.svg (a --quick run
// writes wasm-partial.*.tmp). With --json the results array is printed on stdout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { machine, packageVersion } from './machine.mjs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { compressProgram } from '../dist/wasm/compress.js';
import { deployCode } from '../dist/wasm/format.js';
import { decompressProgram } from '../dist/wasm/decompress.js';
import { activateProgram } from '../dist/wasm/activate.js';
import { INK_LEFT_GLOBAL, INK_STATUS_GLOBAL, STACK_LEFT_GLOBAL } from '../dist/wasm/hostio.js';
import { C_SDK, findTool } from '../dist/wasm/testing/compile.js';
import { transaction } from '../dist/wasm/testing/transactions.js';
import {
  BENCH_SIZES,
  C_FLAGS,
  SOLC_SETTINGS,
  call,
  callLoopInput,
  checkCase,
  compilerVersions,
  deployBenchChain,
} from '../dist-tools/bench/wasm-contracts.js';
import { renderChart } from './chart.mjs';

const USAGE = `usage: npm run bench:wasm -- [--quick] [--json]
  --quick  fewer and shorter measurement rounds (writes wasm-partial.*.tmp, not wasm-latest.json)
  --json   print the results array as JSON on stdout instead of tables`;

function parseOptions(argv) {
  const options = { quick: false, json: false };
  for (const arg of argv) {
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench:wasm: unknown option ${arg}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return options;
}

const RESULTS = new URL('./results/', import.meta.url).pathname;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs `once` (which returns the milliseconds it timed) until `budgetMs` are measured, at least `minRuns` times. */
function measure(once, budgetMs, minRuns) {
  let total = 0;
  let runs = 0;
  while (runs < minRuns || total < budgetMs) {
    total += once();
    runs++;
  }
  return total / runs;
}

function timed(fn) {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

/** Warm-up, then `rounds` rounds alternating between the engines; the median of each engine's round means. */
function compare(engines, settings, progress) {
  for (const [, once] of engines) measure(once, settings.warmupMs, settings.warmupRuns);
  const samples = engines.map(() => []);
  for (let round = 0; round < settings.rounds; round++) {
    progress(`round ${round + 1}/${settings.rounds}`);
    const order = round % 2 === 0 ? engines.map((e, i) => i) : engines.map((e, i) => engines.length - 1 - i);
    for (const i of order) samples[i].push(measure(engines[i][1], settings.roundMs, 1));
  }
  return samples.map(median);
}

// ---- where the WebAssembly time goes: the module alone in V8, with stub host functions ----

/** Host functions enough for the compute programs, outside polyvm: arguments in, result out, math_* in bigint. */
function stubHooks(state, input) {
  const bytes = () => new Uint8Array(state.memory.buffer);
  const wordAt = (ptr) => BigInt('0x' + Buffer.from(bytes().subarray(ptr, ptr + 32)).toString('hex'));
  const putWord = (ptr, value) => bytes().set(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'), ptr);
  return {
    vm_hooks: {
      read_args: (dest) => bytes().set(input, dest),
      write_result: (ptr, len) => void (state.output = bytes().slice(ptr, ptr + len)),
      pay_for_memory_grow: () => {},
      math_mod: (a, m) => {
        const mod = wordAt(m);
        putWord(a, mod === 0n ? 0n : wordAt(a) % mod);
      },
      math_mul_mod: (a, b, m) => {
        const mod = wordAt(m);
        putWord(a, mod === 0n ? 0n : (wordAt(a) * wordAt(b)) % mod);
      },
    },
  };
}

/** One run of a module in V8 (instantiate + entrypoint), with the ink and stack globals set when it is metered. */
function runInV8(module, input) {
  const state = { memory: undefined, output: undefined };
  const t0 = performance.now();
  const imports = stubHooks(state, input);
  // The instrumented module imports its memory (polyvm hands each call one); the bare one defines it.
  const memoryImport = WebAssembly.Module.imports(module).find((i) => i.kind === 'memory');
  if (memoryImport) imports[memoryImport.module] = { [memoryImport.name]: new WebAssembly.Memory({ initial: 16 }) }; // at least any of these modules' minimum, no maximum
  const instance = new WebAssembly.Instance(module, imports);
  state.memory = instance.exports.memory;
  if (instance.exports[INK_LEFT_GLOBAL]) {
    instance.exports[INK_LEFT_GLOBAL].value = 1n << 62n;
    instance.exports[INK_STATUS_GLOBAL].value = 0;
    instance.exports[STACK_LEFT_GLOBAL].value = 22_000;
  }
  const status = instance.exports.user_entrypoint(input.length);
  const ms = performance.now() - t0;
  return { ms, status, output: state.output };
}

// ---- the ~100 KiB module of the deploy measurement ----

const LARGE_FUNCTIONS = 425;
const SALT = 'polyvm-bench-salt-0000000000000';

/** C source of a program of `n` distinct functions reached through a table, ~240 bytes of code each at -O2. */
function largeProgramSource(n) {
  let s = `#include "stylus.h"\nstatic uint8_t salt[32] = "${SALT}";\nstatic uint8_t io[64];\n`;
  for (let i = 0; i < n; i++) {
    const a = (i * 2654435761) >>> 0;
    const b = (i * 40503 + 17) >>> 0;
    s += `static uint64_t f${i}(uint64_t x, const uint8_t *p) {
  uint64_t acc = ${a}u;
  for (int k = 0; k < ${(i % 29) + 3}; k++) {
    acc ^= (x + k) * ${b}u;
    acc = (acc << ${(i % 31) + 1}) | (acc >> ${63 - (i % 31)});
    if (acc & ${1 << (i % 16)}) acc += p[k & 31]; else acc -= p[(k + ${i}) & 31];
    switch ((acc >> 3) & 3) { case 0: acc *= ${b | 1}u; break; case 1: acc /= ${(i % 7) + 2}u; break; case 2: acc %= ${a | 1}u; break; default: acc = ~acc; }
  }
  return acc ^ x;
}
`;
  }
  s += `typedef uint64_t (*fn)(uint64_t, const uint8_t *);
static const fn table[${n}] = {${Array.from({ length: n }, (_, i) => `f${i}`).join(',')}};
ENTRYPOINT {
  pay_for_memory_grow(0);
  read_args(io);
  uint64_t x = 0;
  for (int i = 0; i < 8; i++) x = x << 8 | io[i];
  x = table[x % ${n}](x, salt);
  for (int i = 0; i < 8; i++) io[i] = (uint8_t)(x >> (56 - 8 * i));
  write_result(io, 8);
  return 0;
}
`;
  return s;
}

/** Compiles the large program once (clang -O2 takes a few seconds on it). */
function compileLargeProgram() {
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-bench-'));
  try {
    writeFileSync(join(dir, 'large.c'), largeProgramSource(LARGE_FUNCTIONS));
    const flags = ['--target=wasm32', '-mcpu=mvp', ...C_FLAGS, '-nostdlib', '-ffreestanding', '-I', C_SDK];
    execFileSync(findTool('clang'), [...flags, '-c', 'large.c', '-o', 'large.o'], { cwd: dir, stdio: 'pipe' });
    const ldFlags = ['--no-entry', '--export=user_entrypoint', '--stack-first', '-z', 'stack-size=8192', '--gc-sections'];
    execFileSync(findTool('wasm-ld'), [...ldFlags, 'large.o', '-o', 'large.wasm'], { cwd: dir, stdio: 'pipe' });
    return new Uint8Array(readFileSync(join(dir, 'large.wasm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The module with its salt (a data segment) replaced by `n`, so every variant has its own code hash. */
function variant(wasm, n) {
  const salt = Buffer.from(SALT);
  const at = Buffer.from(wasm).indexOf(salt);
  if (at < 0) throw new Error('the salt is not in the large module');
  const out = wasm.slice();
  out.set(Buffer.from(`run-${n}`.padEnd(SALT.length, '.')), at);
  return out;
}

// ---- the run ----

function main() {
  const options = parseOptions(process.argv.slice(2));
  const interactive = process.stderr.isTTY && !options.json;
  const progress = (text) => {
    if (interactive) process.stderr.write(`\r\x1b[K${text}`);
  };
  const settings = options.quick
    ? { warmupRuns: 2, warmupMs: 50, rounds: 3, roundMs: 60, callLoop: 100, deployRuns: 3 }
    : { warmupRuns: 3, warmupMs: 300, rounds: 7, roundMs: 250, callLoop: 500, deployRuns: 9 };

  progress('compiling (solc-js, clang) and deploying');
  const chain = deployBenchChain(BENCH_SIZES);
  return chain.then((chain) => run(chain, options, settings, progress, interactive));
}

function run(chain, options, settings, progress, interactive) {
  // The machine's load before and after: other work on it moves the absolute times (less the ratios, which are of one run).
  const loadBefore = loadavg()[0];
  const results = [];
  const wasmModules = new Map(chain.cases.map((c) => [c.name, c.module]));

  // Compute cases.
  for (const [i, c] of chain.cases.entries()) {
    const label = `[${i + 1}/${chain.cases.length}] ${c.name}`;
    progress(`${label}: checking`);
    // The first call of each: checked against the reference, and timed as the cold number.
    const cold = checkCase(chain, c);
    progress(`${label}: warming up`);
    const engines = [
      ['evm', () => timed(() => call(chain, c.evm, c.input)).ms],
      ['wasm', () => timed(() => call(chain, c.wasm, c.input)).ms],
    ];
    const [evmMs, wasmMs] = compare(engines, settings, (text) => progress(`${label}: ${text}`));

    // The same program outside polyvm: the bare module and the metered one, in V8 with stub hooks.
    progress(`${label}: the module alone in V8`);
    const bare = new WebAssembly.Module(wasmModules.get(c.name));
    const metered = new WebAssembly.Module(activateProgram(wasmModules.get(c.name), { debug: true }).wasm);
    for (const [what, module] of [
      ['bare', bare],
      ['metered', metered],
    ]) {
      const r = runInV8(module, c.input);
      if (r.status !== 0 || !Buffer.from(r.output ?? []).equals(Buffer.from(c.expected)))
        throw new Error(`${c.name}: the ${what} module in V8 gave a wrong result`);
    }
    const [v8BareMs, v8MeteredMs] = compare(
      [
        ['bare', () => runInV8(bare, c.input).ms],
        ['metered', () => runInV8(metered, c.input).ms],
      ],
      settings,
      (text) => progress(`${label}: V8 ${text}`),
    );

    const row = {
      case: c.name,
      kind: 'compute',
      evmMs,
      wasmMs,
      ratio: evmMs / wasmMs,
      evmGas: Number(cold.evmGas),
      wasmGas: Number(cold.wasmGas),
      coldEvmMs: cold.evmMs,
      coldWasmMs: cold.wasmMs,
      v8BareMs,
      v8MeteredMs,
      description: c.description,
    };
    results.push(row);
    if (interactive) process.stderr.write(`\r\x1b[K${formatCompute(row)}\n`);
  }

  // Calls: a loop of N calls in one message call, less the same loop without the call.
  const { evmLoop, wasmLoop, evmEmpty, wasmEmpty } = chain.calls;
  const pairs = [
    ['EVM→EVM', evmLoop, evmEmpty],
    ['EVM→WASM', evmLoop, wasmEmpty],
    ['WASM→EVM', wasmLoop, evmEmpty],
    ['WASM→WASM', wasmLoop, wasmEmpty],
  ];
  const n = settings.callLoop;
  for (const [name, loop, target] of pairs) {
    progress(`call ${name}: measuring`);
    const withCalls = callLoopInput(target, n, true);
    const without = callLoopInput(target, n, false);
    const gas = [call(chain, loop, withCalls), call(chain, loop, without)];
    for (const g of gas) if (!g.output.every((b) => b === 0)) throw new Error(`call ${name}: some calls failed`);
    const [withMs, withoutMs] = compare(
      [
        ['calls', () => timed(() => call(chain, loop, withCalls)).ms],
        ['loop', () => timed(() => call(chain, loop, without)).ms],
      ],
      settings,
      (text) => progress(`call ${name}: ${text}`),
    );
    const row = {
      case: `call ${name}`,
      kind: 'call',
      ms: (withMs - withoutMs) / n,
      gas: Number(gas[0].gasUsed - gas[1].gasUsed) / n,
      calls: n,
      loopMs: withoutMs,
    };
    results.push(row);
    if (interactive) process.stderr.write(`\r\x1b[K${formatCall(row)}\n`);
  }
  // And a whole message call into an empty contract of each VM, from outside.
  for (const [name, target] of [
    ['EVM', evmEmpty],
    ['WASM', wasmEmpty],
  ]) {
    const gas = call(chain, target, new Uint8Array()).gasUsed;
    const [ms] = compare([['empty', () => timed(() => call(chain, target, new Uint8Array())).ms]], settings, (text) =>
      progress(`empty ${name} message call: ${text}`),
    );
    const row = { case: `message call to an empty ${name} contract`, kind: 'call', ms, gas: Number(gas), calls: 1 };
    results.push(row);
    if (interactive) process.stderr.write(`\r\x1b[K${formatCall(row)}\n`);
  }

  // Deploy: a ~100 KiB module, a distinct variant each run, so nothing is cached.
  progress('deploy: compiling the large module');
  const large = compileLargeProgram();
  const stages = {
    decompressMs: [],
    validateInstrumentMs: [],
    compileMs: [],
    firstCallMs: [],
    totalMs: [],
    eagerCompileMs: [],
    createTxMs: [],
  };
  const compressed = [];
  let createGas = 0;
  let variantNumber = 0;
  for (let run = 0; run < settings.deployRuns; run++) {
    progress(`deploy: run ${run + 1}/${settings.deployRuns}`);
    const code = compressProgram(variant(large, variantNumber++));
    compressed.push(code.length);
    const decompress = timed(() => decompressProgram(code));
    const activate = timed(() => activateProgram(decompress.value, { debug: true }));
    const compile = timed(() => new WebAssembly.Module(activate.value.wasm));
    const first = runInV8(compile.value, new Uint8Array(8));
    stages.decompressMs.push(decompress.ms);
    stages.validateInstrumentMs.push(activate.ms);
    stages.compileMs.push(compile.ms);
    stages.firstCallMs.push(first.ms);
    stages.totalMs.push(decompress.ms + activate.ms + compile.ms);
    // V8 compiles functions lazily, on their first call: the whole module eagerly, for comparison.
    setFlagsFromString('--no-wasm-lazy-compilation');
    try {
      stages.eagerCompileMs.push(timed(() => new WebAssembly.Module(activateProgram(decompressProgram(code), { debug: true }).wasm)).ms);
    } finally {
      setFlagsFromString('--wasm-lazy-compilation');
    }
    // A whole create transaction of another variant, as a node runs it (activation included).
    const initcode = deployCode(compressProgram(variant(large, variantNumber++)));
    const tx = timed(() => chain.evm.runTx(transaction(null, initcode, chain.nextNonce(), 1n << 24n), chain.caller));
    if (!tx.value.success) throw new Error(`deploying the large module failed: ${tx.value.error} ${tx.value.reason ?? ''}`);
    stages.createTxMs.push(tx.ms);
    createGas = Number(tx.value.gasUsed);
  }
  const deploy = {
    case: `deploy ${(large.length / 1024).toFixed(0)} KiB module`,
    kind: 'deploy',
    ms: median(stages.totalMs),
    bytes: large.length,
    compressedBytes: median(compressed),
    functions: LARGE_FUNCTIONS + 1,
    gas: createGas,
    runs: settings.deployRuns,
    ...Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, median(v)])),
    codeHashes: 'distinct per run',
  };
  results.push(deploy);
  if (interactive) process.stderr.write(`\r\x1b[K${formatDeploy(deploy)}\n`);
  progress('');

  const compilers = compilerVersions();
  const report = {
    date: new Date().toISOString(),
    machine: {
      ...machine(),
      v8: process.versions.v8,
      loadAverage1m: { before: loadBefore, after: loadavg()[0] },
    },
    versions: { polyvm: packageVersion('polyvm'), ...compilers },
    build: {
      solidity: `solc-js ${compilers.solc}, ${JSON.stringify(SOLC_SETTINGS)}`,
      c: `${compilers.clang}: clang --target=wasm32 -mcpu=mvp ${C_FLAGS.join(' ')} -nostdlib -ffreestanding; wasm-ld --no-entry --stack-first --gc-sections`,
      sources: 'bench/wasm/',
    },
    method:
      'createEvm({ fork: Osaka, wasm: true }).runCall of each contract (deployed by create transactions) with the input as calldata; ' +
      `${settings.warmupRuns}+ warm-up runs, then the median of ${settings.rounds} alternating rounds of >= ${settings.roundMs} ms; ` +
      'cold = the first call after deploy (the program compiled at deploy, its functions not yet); ' +
      'v8BareMs / v8MeteredMs = the module before / after instrumentation, instantiated and run in V8 with stub host functions; ' +
      `calls: (loop of ${settings.callLoop} calls - the same loop without the call) / ${settings.callLoop}; ` +
      `deploy: median of ${settings.deployRuns} runs, each on a module with its own code hash`,
    settings: { quick: options.quick, sizes: BENCH_SIZES, ...settings },
    results,
  };
  const partial = options.quick;
  const jsonPath = partial ? 'wasm-partial.json.tmp' : 'wasm-latest.json';
  const chartPath = partial ? 'wasm-partial.svg.tmp' : 'wasm-chart.svg';
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}${jsonPath}`, JSON.stringify(report, null, 2) + '\n');
  const compute = results.filter((r) => r.kind === 'compute');
  const geomean = Math.exp(compute.reduce((s, r) => s + Math.log(r.ratio), 0) / compute.length);
  writeFileSync(
    `${RESULTS}${chartPath}`,
    renderChart(
      { ...report, geomean, cases: compute.map((r) => ({ name: r.case, ratio: r.ratio })) },
      {
        title: 'WebAssembly (C) vs EVM (Solidity) on polyvm, same algorithm (higher is better)',
        subtitle: `time per call, EVM ÷ WASM, warm · geometric mean ${geomean.toFixed(1)}×`,
        target: 10,
      },
    ),
  );

  if (options.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else {
    const lines = [formatComputeHeader(), ...compute.map(formatCompute), ''];
    lines.push(...results.filter((r) => r.kind === 'call').map(formatCall), '', formatDeploy(deploy), '');
    const load = report.machine.loadAverage1m;
    lines.push(
      `${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node} (V8 ${report.machine.v8}); load average ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after`,
    );
    lines.push(`EVM: ${report.build.solidity}`, `WASM: ${report.build.c}`);
    lines.push(`written: bench/results/${jsonPath}, bench/results/${chartPath}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
}

const ms = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toFixed(4));

function formatComputeHeader() {
  return `${'case'.padEnd(28)} ${'EVM gas'.padStart(11)} ${'EVM ms'.padStart(9)} ${'WASM gas'.padStart(9)} ${'WASM ms'.padStart(9)} ${'ratio'.padStart(8)} ${'cold EVM/WASM ms'.padStart(18)} ${'V8 bare/metered ms'.padStart(19)}`;
}

function formatCompute(r) {
  return `${r.case.padEnd(28)} ${String(r.evmGas).padStart(11)} ${ms(r.evmMs).padStart(9)} ${String(r.wasmGas).padStart(9)} ${ms(r.wasmMs).padStart(9)} ${(r.ratio.toFixed(1) + '×').padStart(8)} ${`${ms(r.coldEvmMs)}/${ms(r.coldWasmMs)}`.padStart(18)} ${`${ms(r.v8BareMs)}/${ms(r.v8MeteredMs)}`.padStart(19)}`;
}

function formatCall(r) {
  return `${r.case.padEnd(40)} ${(ms(r.ms * 1000) + ' µs').padStart(12)} ${(r.gas.toFixed(0) + ' gas').padStart(12)}${r.calls > 1 ? ` per call (loop of ${r.calls})` : ''}`;
}

function formatDeploy(d) {
  return (
    `${d.case} (${d.bytes} bytes, ${d.compressedBytes} compressed, ${d.functions} functions): ${ms(d.ms)} ms median of ${d.runs} ` +
    `(decompress ${ms(d.decompressMs)}, validate+instrument ${ms(d.validateInstrumentMs)}, compile ${ms(d.compileMs)}; ` +
    `eager compile ${ms(d.eagerCompileMs)}; first call ${ms(d.firstCallMs)}); create transaction ${ms(d.createTxMs)} ms, ${d.gas} gas`
  );
}

main().catch((error) => {
  process.stderr.write(`bench:wasm: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 70;
});
