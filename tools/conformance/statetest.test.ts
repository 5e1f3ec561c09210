/**
 * Conformance: the official state tests, run through the CLI's own `statetest --json`, checked
 * by suite-check.ts against what the fixture files declare and the committed KNOWN_FAILURES.json
 * (a vector that did not run fails, a new failure fails, a listed failure that passes or no
 * longer runs fails). Prints the counts per suite and fork, and the vectors slower than 10 s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkSuite, fixtureDir, jsonFiles, readKnownFailures, root, type Declared, type Outcome } from './suite-check.js';

const knownFailures = readKnownFailures();
/** Vectors slower than this are listed in the test's output. */
const SLOW_MS = 10_000;

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

function runSuite(suite: string, path: string): void {
  const dir = fixtureDir(path);
  const run = spawnSync(process.execPath, [join(root, 'bin/polyvm.js'), 'statetest', '--json', '--slow', String(SLOW_MS), dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const lastLine = run.stderr.trim().split('\n').pop() ?? '';
  assert.match(lastLine, /^\d+ passed, \d+ failed$/, `statetest did not finish: ${run.stderr.slice(-2000)}`);
  const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('error:'));
  assert.deepEqual(errorLines, [], 'fixture or engine errors');
  for (const line of run.stderr.split('\n').filter((l) => l.startsWith('slow '))) console.log(`${suite}: ${line}`);
  const results = JSON.parse(run.stdout) as Result[];
  const outcomes: Outcome[] = results.map((r) => ({
    id: vectorId(relative(dir, r.file), r.name, r.fork, r.index),
    fork: r.fork,
    pass: r.pass,
    error: r.error,
  }));
  checkSuite(suite, declaredVectors(dir), outcomes, knownFailures[suite] ?? {});
}

test('GeneralStateTests match the fixtures (except KNOWN_FAILURES.json)', { timeout: 20 * 60_000 }, () => {
  runSuite('GeneralStateTests', 'ethereum-tests/GeneralStateTests');
});

test('execution-spec-tests v5.4.0 state tests (Frontier … Osaka) match the fixtures', { timeout: 20 * 60_000 }, () => {
  runSuite('v5.4.0', 'execution-spec-tests/v5.4.0/state_tests');
});

test('execution-spec-tests pectra-devnet-5 (final EIP-2537) match the fixtures', { timeout: 10 * 60_000 }, () => {
  runSuite('pectra-devnet-5', 'execution-spec-tests/pectra-devnet-5/state_tests');
});

test('execution-spec-tests fusaka-devnet-5 (Prague and Osaka) match the fixtures', { timeout: 10 * 60_000 }, () => {
  runSuite('fusaka-devnet-5', 'execution-spec-tests/fusaka-devnet-5/state_tests');
});
