#!/usr/bin/env node
// `npm run bench:compare -- --base DIR [--filter REGEX] [--rounds N] [--jit MODE] [--json]`: the benchmark cases
// of `npm run bench` on two builds of polyvm in one process, alternating: this checkout's dist/ and
// the dist/ of another checkout (DIR: e.g. a `git worktree` of an earlier commit, built). Reports
// milliseconds per execution for each and the change (this / base), so a refactor can show that
// no case got slower. Both builds run the same cases on the same pre-states; their gas must agree.
// A build whose engines own a code cache (`createEvm({ codeCache })`) gets one per case, shared by
// its runs, as a build with module-wide caches shares its own; `--jit` sets that cache's tier.
// `--cold` gives every run a fresh engine and cache instead (the cold column of `npm run bench`).
import { writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { createEvm } from '../dist/index.js';
import { CodeCache, JIT_MODES } from '../dist/evm/code-cache.js';
import { loadBenchCases } from './cases.mjs';

const USAGE = 'usage: npm run bench:compare -- --base DIR [--filter REGEX] [--rounds N] [--jit auto|always|never] [--cold] [--json]';

function parseOptions(argv) {
  const options = { base: undefined, filter: undefined, rounds: 9, json: false, jit: 'auto', cold: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--base') options.base = argv[++i];
    else if (arg === '--filter') options.filter = new RegExp(argv[++i] ?? '');
    else if (arg === '--rounds') options.rounds = Number(argv[++i]);
    else if (arg === '--json') options.json = true;
    else if (arg === '--cold') options.cold = true;
    else if (arg === '--jit') options.jit = argv[++i];
    else {
      process.stderr.write(`bench:compare: unknown option ${arg}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  if (!options.base) {
    process.stderr.write(`bench:compare: --base DIR is required\n${USAGE}\n`);
    process.exit(2);
  }
  if (!JIT_MODES.includes(options.jit)) {
    process.stderr.write(`bench:compare: --jit must be one of ${JIT_MODES.join(', ')}, got ${options.jit}\n`);
    process.exit(2);
  }
  if (!Number.isInteger(options.rounds) || options.rounds < 1) {
    process.stderr.write('bench:compare: --rounds must be a positive integer\n');
    process.exit(2);
  }
  return options;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function commitOf(dir) {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const baseDir = resolve(options.base);
  const base = await import(pathToFileURL(`${baseDir}/dist/index.js`).href);
  // The base's own code cache class, when it has one.
  const BaseCache = await import(pathToFileURL(`${baseDir}/dist/evm/code-cache.js`).href).then(
    (m) => m.CodeCache,
    () => undefined,
  );
  const builds = [
    ['base', base.createEvm, BaseCache],
    ['this', createEvm, CodeCache],
  ];
  const interactive = process.stderr.isTTY && !options.json;
  const cases = loadBenchCases().filter((c) => !options.filter || options.filter.test(c.name));
  const rows = [];
  for (const [i, c] of cases.entries()) {
    const timers = builds.map(([name, create, Cache]) => {
      let gasUsed;
      const shared = Cache === undefined || options.cold ? undefined : new Cache({ jit: options.jit });
      const once = () => {
        const codeCache = options.cold && Cache !== undefined ? new Cache({ jit: options.jit }) : shared;
        const evm = create({ fork: c.fork, block: c.block, codeCache });
        for (const [address, account] of c.pre) evm.setAccount(address, account);
        const t0 = performance.now();
        const result = evm.runCall({
          caller: c.call.caller,
          to: c.call.to,
          data: c.call.data,
          value: c.call.value,
          gas: c.call.gas,
          gasPrice: c.call.gasPrice,
        });
        const ms = performance.now() - t0;
        gasUsed = result.gasUsed;
        return ms;
      };
      return { name, once, gasUsed: () => gasUsed };
    });
    if (interactive) process.stderr.write(`\r\x1b[K[${i + 1}/${cases.length}] ${c.name}`);
    // Warm-up: both builds reach their optimised code before anything is timed.
    for (const t of timers) for (let w = 0, spent = 0; w < 3 || spent < 300; w++) spent += t.once();
    if (timers[0].gasUsed() !== timers[1].gasUsed())
      throw new Error(`${c.name}: gas differs: base ${timers[0].gasUsed()}, this ${timers[1].gasUsed()}`);
    const samples = timers.map(() => []);
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) {
        let spent = 0;
        let runs = 0;
        while (runs < 1 || spent < 150) {
          spent += timers[k].once();
          runs++;
        }
        samples[k].push(spent / runs);
      }
    }
    const baseMs = median(samples[0]);
    const thisMs = median(samples[1]);
    rows.push({ name: c.name, baseMs, thisMs, change: thisMs / baseMs });
  }
  if (interactive) process.stderr.write('\r\x1b[K');
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}`,
    base: { dir: baseDir, commit: commitOf(baseDir) },
    this: { commit: commitOf(resolve(new URL('..', import.meta.url).pathname)) },
    rounds: options.rounds,
    jit: options.jit,
    cold: options.cold,
    rows,
  };
  if (options.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    process.stdout.write(`base ${result.base.commit} (${baseDir}) vs this ${result.this.commit}; ${result.machine}\n`);
    process.stdout.write('case | base ms | this ms | this/base\n');
    for (const r of rows)
      process.stdout.write(`${r.name} | ${r.baseMs.toPrecision(3)} | ${r.thisMs.toPrecision(3)} | ${r.change.toFixed(3)}\n`);
    const geo = Math.exp(rows.reduce((s, r) => s + Math.log(r.change), 0) / rows.length);
    process.stdout.write(
      `geometric mean this/base: ${geo.toFixed(3)}; slowest change ${Math.max(...rows.map((r) => r.change)).toFixed(3)}\n`,
    );
  }
  if (!options.filter) {
    const dir = new URL('./results/', import.meta.url).pathname;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}compare-latest.json`, JSON.stringify(result, null, 2) + '\n');
  }
}

main().catch((error) => {
  process.stderr.write(`bench:compare: ${error.message}\n`);
  process.exit(1);
});
