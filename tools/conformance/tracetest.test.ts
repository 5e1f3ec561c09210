/**
 * Conformance: geth's own tracer tests (callTracer, flatCallTracer, prestateTracer, ...), run
 * through the CLI's `tracetest --json` and compared with KNOWN_FAILURES.json's "tracers" list,
 * which may only shrink; suite-check.ts also fails on a file that did not run and on a stale entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { checkSuite, fixtureDir, jsonFiles, readKnownFailures, root } from './suite-check.js';

const knownFailures = readKnownFailures();

interface Result {
  name: string;
  tracer: string;
  pass: boolean;
  error: string;
}

test("geth's tracer tests match (except KNOWN_FAILURES.json)", { timeout: 5 * 60_000 }, () => {
  const full = fixtureDir('go-ethereum/tracers');
  const run = spawnSync(process.execPath, [join(root, 'bin/polyvm.js'), 'tracetest', '--json', full], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const lastLine = run.stderr.trim().split('\n').pop() ?? '';
  assert.match(lastLine, /^\d+ passed, \d+ failed$/, `tracetest did not finish: ${run.stderr.slice(-2000)}`);
  const results = JSON.parse(run.stdout) as Result[];
  for (const r of results) assert.equal(typeof r.tracer, 'string');
  // One vector per file, named `<folder>/<file>` (the folder names the tracer); counted per folder.
  const declared = jsonFiles(full).map((path) => ({ id: `${basename(dirname(path))}/${basename(path)}`, fork: basename(dirname(path)) }));
  const outcomes = results.map((r) => ({ id: r.name, fork: r.name.split('/')[0]!, pass: r.pass, error: r.error }));
  checkSuite('tracers', declared, outcomes, knownFailures.tracers ?? {});
});
