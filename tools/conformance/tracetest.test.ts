/**
 * Conformance: geth's own tracer tests (callTracer, flatCallTracer, prestateTracer, ...), run
 * through the CLI's `tracetest --json` and compared with KNOWN_FAILURES.json's "tracers" list,
 * which may only shrink: a new failure fails the test, and so does a listed file that passes.
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
  tracer: string;
  pass: boolean;
  error: string;
}

test("geth's tracer tests match (except KNOWN_FAILURES.json)", { timeout: 5 * 60_000 }, () => {
  const full = join(fixtures, 'go-ethereum/tracers');
  if (!existsSync(full)) throw new Error(`fixtures not found at ${full} (set POLYVM_FIXTURES)`);
  const run = spawnSync(process.execPath, [join(root, 'bin/polyvm.js'), 'tracetest', '--json', full], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const lastLine = run.stderr.trim().split('\n').pop() ?? '';
  assert.match(lastLine, /^\d+ passed, \d+ failed$/, `tracetest did not finish: ${run.stderr.slice(-2000)}`);
  const results = JSON.parse(run.stdout) as Result[];
  assert.ok(results.length >= 80, `only ${results.length} files ran`);
  for (const r of results) assert.equal(typeof r.tracer, 'string');
  const known = knownFailures.tracers ?? {};
  const failing = new Map(results.filter((r) => !r.pass).map((r) => [r.name, r.error]));
  const unexpected = [...failing].filter(([name]) => !(name in known)).map(([name, error]) => `${name}: ${error}`);
  const fixed = Object.keys(known).filter((name) => !failing.has(name));
  console.log(`tracers: ${results.length - failing.size} of ${results.length} files pass (${failing.size} known failures)`);
  assert.deepEqual(unexpected, [], `${unexpected.length} new failures`);
  assert.deepEqual(fixed, [], `${fixed.length} known failures now pass: remove them from KNOWN_FAILURES.json`);
});
