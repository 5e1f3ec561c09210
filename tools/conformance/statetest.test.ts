/**
 * Conformance: the official state tests, run through the CLI's own `statetest --json`, checked
 * by suite-check.ts against what the fixture files declare and the committed KNOWN_FAILURES.json
 * (a vector that did not run fails, a new failure fails, a listed failure that passes or no
 * longer runs fails). Prints the counts per suite and fork, and each run's ten slowest vectors.
 * Every suite runs twice: on the interpreter alone (`--jit never`) and with every frame in
 * compiled code (`--jit always`), so both tiers are held to the fixtures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkSuite, fixtureDir, jsonFiles, readKnownFailures, root, type Declared, type Outcome } from './suite-check.js';

const knownFailures = readKnownFailures();
/** How many of each run's slowest vectors the test's output lists, with their times. */
const SLOWEST = 10;

interface Result {
  name: string;
  fork: string;
  index: { data: number; gas: number; value: number };
  pass: boolean;
  error: string;
  file: string;
  ms: number;
}

export function vectorId(file: string, name: string, fork: string, index: { data: number; gas: number; value: number }): string {
  return `${file} ${name} ${fork} d${index.data} g${index.gas} v${index.value}`;
}

/** Every vector the state-test files under `dir` declare: each entry of each fork's post list. */
function declaredVectors(dir: string): Declared[] {
  const declared: Declared[] = [];
  for (const path of jsonFiles(dir)) {
    const file = relative(dir, path);
    const tests = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { post?: Record<string, { indexes: Result['index'] }[]> }>;
    for (const [name, t] of Object.entries(tests)) {
      assert.ok(t.post !== undefined && typeof t.post === 'object', `${file}: ${name} has no post section`);
      for (const [fork, entries] of Object.entries(t.post)) {
        for (const entry of entries) declared.push({ id: vectorId(file, name, fork, entry.indexes), fork });
      }
    }
  }
  return declared;
}

function runSuite(suite: string, path: string, jit: 'never' | 'always'): void {
  const dir = fixtureDir(path);
  const args = ['statetest', '--json', '--jit', jit, dir];
  const run = spawnSync(process.execPath, [join(root, 'bin/polyvm.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const lastLine = run.stderr.trim().split('\n').pop() ?? '';
  assert.match(lastLine, /^\d+ passed, \d+ failed$/, `statetest did not finish: ${run.stderr.slice(-2000)}`);
  const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('error:'));
  assert.deepEqual(errorLines, [], 'fixture or engine errors');
  const results = JSON.parse(run.stdout) as Result[];
  for (const r of [...results].sort((a, b) => b.ms - a.ms).slice(0, SLOWEST)) {
    console.log(`${suite} (--jit ${jit}) slowest: ${r.ms} ms ${vectorId(relative(dir, r.file), r.name, r.fork, r.index)}`);
  }
  const outcomes: Outcome[] = results.map((r) => ({
    id: vectorId(relative(dir, r.file), r.name, r.fork, r.index),
    fork: r.fork,
    pass: r.pass,
    error: r.error,
  }));
  checkSuite(suite, declaredVectors(dir), outcomes, knownFailures[suite] ?? {});
}

const SUITES: [suite: string, path: string, title: string, minutes: number][] = [
  ['GeneralStateTests', 'ethereum-tests/GeneralStateTests', 'GeneralStateTests', 20],
  ['v5.4.0', 'execution-spec-tests/v5.4.0/state_tests', 'execution-spec-tests v5.4.0 state tests (Frontier … Osaka)', 20],
  ['pectra-devnet-5', 'execution-spec-tests/pectra-devnet-5/state_tests', 'execution-spec-tests pectra-devnet-5 (final EIP-2537)', 10],
  ['fusaka-devnet-5', 'execution-spec-tests/fusaka-devnet-5/state_tests', 'execution-spec-tests fusaka-devnet-5 (Prague and Osaka)', 10],
];

for (const jit of ['never', 'always'] as const) {
  const tier = jit === 'never' ? 'interpreter' : 'compiled code';
  for (const [suite, path, title, minutes] of SUITES) {
    test(`${title} match the fixtures on the ${tier} (except KNOWN_FAILURES.json)`, { timeout: minutes * 60_000 }, () => {
      runSuite(suite, path, jit);
    });
  }
}
