/**
 * Conformance: the official state tests, run through the CLI's own `statetest --json`, compared
 * with the committed list of known failures (KNOWN_FAILURES.json). A new failure fails the test;
 * so does a listed failure that now passes (the list may only shrink, and must be kept true).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const fixtures = process.env.POLYVM_FIXTURES ?? resolve(root, '../shared/fixtures');
const knownFailures = JSON.parse(readFileSync(join(root, 'KNOWN_FAILURES.json'), 'utf8')) as Record<string, Record<string, string>>;

interface Result {
  name: string;
  fork: string;
  index: { data: number; gas: number; value: number };
  pass: boolean;
  error: string;
}

export function vectorId(r: Result): string {
  return `${r.name} ${r.fork} d${r.index.data} g${r.index.gas} v${r.index.value}`;
}

function runSuite(suite: string, path: string): void {
  const full = join(fixtures, path);
  if (!existsSync(full)) throw new Error(`fixtures not found at ${full} (set POLYVM_FIXTURES)`);
  const run = spawnSync(process.execPath, [join(root, 'bin/polyvm.js'), 'statetest', '--json', full], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const lastLine = run.stderr.trim().split('\n').pop() ?? '';
  assert.match(lastLine, /^\d+ passed, \d+ failed$/, `statetest did not finish: ${run.stderr.slice(-2000)}`);
  const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('error:'));
  assert.deepEqual(errorLines, [], 'fixture or engine errors');
  const results = JSON.parse(run.stdout) as Result[];
  assert.ok(results.length > 0, 'no vectors ran');
  const known = knownFailures[suite] ?? {};
  const failing = new Set(results.filter((r) => !r.pass).map(vectorId));
  const unexpected = [...failing].filter((id) => !(id in known));
  const fixed = Object.keys(known).filter((id) => !failing.has(id) && results.some((r) => vectorId(r) === id));
  const passed = results.length - failing.size;
  console.log(`${suite}: ${passed} of ${results.length} vectors pass (${failing.size} known failures)`);
  assert.deepEqual(unexpected, [], `${unexpected.length} new failures`);
  assert.deepEqual(fixed, [], `${fixed.length} known failures now pass: remove them from KNOWN_FAILURES.json`);
}

test('GeneralStateTests match the fixtures (except KNOWN_FAILURES.json)', { timeout: 20 * 60_000 }, () => {
  runSuite('GeneralStateTests', 'ethereum-tests/GeneralStateTests');
});

test('execution-spec-tests fusaka-devnet-5 (Prague and Osaka) match the fixtures', { timeout: 10 * 60_000 }, () => {
  runSuite('fusaka-devnet-5', 'execution-spec-tests/fusaka-devnet-5/state_tests');
});
