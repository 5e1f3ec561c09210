/**
 * Conformance: the blockchain tests, run through the CLI's own `blocktest --json`, compared with
 * the committed known failures (KNOWN_FAILURES.json, key `BlockchainTests`; each ID is the
 * fixture file and the test name, each entry gives its reason). Every test of the fixtures must
 * have run, counted per folder and network from the files themselves; a new failure fails, so
 * does a listed failure that passes or no longer runs, and so do missing fixtures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const fixtures = process.env.POLYVM_FIXTURES ?? resolve(root, '../shared/fixtures');
const knownFailures = (JSON.parse(readFileSync(join(root, 'KNOWN_FAILURES.json'), 'utf8')) as Record<string, Record<string, string>>)
  .BlockchainTests;

const SUITES = [
  'execution-spec-tests/v5.4.0/blockchain_tests',
  'ethereum-tests/BlockchainTests/ValidBlocks',
  'ethereum-tests/BlockchainTests/InvalidBlocks',
  'ethereum-tests/BlockchainTests/TransitionTests',
];

interface Result {
  file: string;
  name: string;
  fork: string;
  pass: boolean;
  error: string;
}

function jsonFiles(path: string): string[] {
  if (statSync(path).isDirectory())
    return readdirSync(path)
      .sort()
      .flatMap((name) => jsonFiles(join(path, name)));
  return path.endsWith('.json') ? [path] : [];
}

/** The suite folder an ID's file belongs to. */
function suiteOf(file: string): string {
  return SUITES.find((s) => file.startsWith(s + '/')) ?? '?';
}

/** Tests per "suite network", read from the fixture files (not from the runner). */
function expectedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const suite of SUITES) {
    for (const file of jsonFiles(join(fixtures, suite))) {
      const tests = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { network: string }>;
      for (const t of Object.values(tests)) {
        const key = `${suite} ${t.network}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  return counts;
}

test('blockchain tests match the fixtures (except KNOWN_FAILURES.json BlockchainTests)', { timeout: 10 * 60_000 }, () => {
  assert.ok(knownFailures !== undefined, 'KNOWN_FAILURES.json has no BlockchainTests key');
  for (const [id, reason] of Object.entries(knownFailures))
    assert.ok(typeof reason === 'string' && reason.length > 10, `${id}: give a reason`);
  const paths = SUITES.map((s) => join(fixtures, s));
  for (const path of paths) assert.ok(existsSync(path), `fixtures not found at ${path} (set POLYVM_FIXTURES)`);
  const run = spawnSync(process.execPath, [join(root, 'bin/polyvm.js'), 'blocktest', '--json', ...paths], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const lastLine = run.stderr.trim().split('\n').pop() ?? '';
  assert.match(lastLine, /^\d+ passed, \d+ failed$/, `blocktest did not finish: ${run.stderr.slice(-2000)}`);
  assert.deepEqual(
    run.stderr.split('\n').filter((l) => l.startsWith('error:')),
    [],
    'fixture or engine errors',
  );
  const results = (JSON.parse(run.stdout) as Result[]).map((r) => ({ ...r, file: relative(fixtures, r.file) }));
  const id = (r: Result) => `${r.file} ${r.name}`;

  // Every test of the fixtures ran, per folder and network.
  const ran = new Map<string, { total: number; passed: number }>();
  for (const r of results) {
    const key = `${suiteOf(r.file)} ${r.fork}`;
    const entry = ran.get(key) ?? { total: 0, passed: 0 };
    entry.total++;
    if (r.pass) entry.passed++;
    ran.set(key, entry);
  }
  const expected = expectedCounts();
  const lines = [...expected].sort().map(([key, n]) => `${key}: ${ran.get(key)?.passed ?? 0}/${n}`);
  console.log(`blockchain tests passing per folder and network:\n  ${lines.join('\n  ')}`);
  assert.deepEqual(new Map([...ran].map(([key, { total }]) => [key, total])), expected, 'the tests that ran are not the fixtures');
  assert.equal(new Set(results.map(id)).size, results.length, 'test IDs collide');

  const failing = new Set(results.filter((r) => !r.pass).map(id));
  const all = new Set(results.map(id));
  const unexpected = results.filter((r) => !r.pass && !(id(r) in knownFailures)).map((r) => `${id(r)}: ${r.error}`);
  const fixed = Object.keys(knownFailures).filter((k) => all.has(k) && !failing.has(k));
  const stale = Object.keys(knownFailures).filter((k) => !all.has(k));
  console.log(`BlockchainTests: ${results.length - failing.size} of ${results.length} pass (${failing.size} known failures)`);
  assert.deepEqual(unexpected, [], `${unexpected.length} new failures`);
  assert.deepEqual(fixed, [], `${fixed.length} known failures now pass: remove them from KNOWN_FAILURES.json`);
  assert.deepEqual(stale, [], `${stale.length} known failures no longer run: remove them from KNOWN_FAILURES.json`);
});
