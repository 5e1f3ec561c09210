/**
 * The fuzzer's part of `npm test`: every regression case under fuzz/regressions/, then short
 * fuzz runs with fixed seeds (differential, compiler tiers and decoding), so a bug found once
 * stays found.
 * Long runs are for people: `npm run fuzz -- --seconds 3600`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { runPolyvmCall } from '../peer/polyvm.js';
import { caseFromJson } from './case.js';
import { compareOutcomes } from './compare.js';
import { Differential } from './differential.js';
import { fuzzDecoding, type DecodeFinding } from './decoding.js';
import { formatFinding } from './report.js';
import { unmetExpectations, type Regression } from './regression.js';
import { fuzzEvm } from './runner.js';
import { fuzzTiers, type TierFinding } from './tiers.js';
import type { Finding } from './differential.js';

const REGRESSIONS = new URL('../../fuzz/regressions/', import.meta.url);

const SMOKE_SEED = 20_240_601;
const SMOKE_EVM_CASES = 1000;
const SMOKE_DECODE_CASES = 5000;
const SMOKE_TIER_CASES = 3000;

const differential = new Differential();

for (const file of readdirSync(REGRESSIONS)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const regression = JSON.parse(readFileSync(new URL(file, REGRESSIONS), 'utf8')) as Regression;
  const todo = regression.status === 'polyvm-bug' ? `open polyvm bug (fuzz/regressions/${file}): ${regression.title}` : undefined;
  test(`fuzz regression ${file}: ${regression.title}`, { todo }, async () => {
    const c = caseFromJson(regression.case);
    const ours = runPolyvmCall(c.pre, c.call, c);
    assert.deepEqual(unmetExpectations(regression, ours), [], regression.explanation);
    if (regression.status !== 'peer-bug') {
      const theirs = await (await differential.peerFor(c.fork)).run(c.pre, c.call, c.block);
      assert.deepEqual(compareOutcomes(ours, theirs), [], 'polyvm and @ethereumjs/evm disagree');
    }
  });
}

test(`differential fuzz smoke run (seed ${SMOKE_SEED}, ${SMOKE_EVM_CASES} cases)`, async (t) => {
  const findings: Finding[] = [];
  const stats = await fuzzEvm({
    seed: SMOKE_SEED,
    cases: SMOKE_EVM_CASES,
    shrink: true,
    perKindLimit: 1,
    onFinding: (f) => void findings.push(f),
  });
  for (const [id, count] of Object.entries(stats.knownPolyvmBugs)) t.diagnostic(`${count} case(s) hit the open polyvm bug ${id}`);
  for (const [id, count] of Object.entries(stats.excluded))
    t.diagnostic(`${count} case(s) excluded as the known @ethereumjs/evm bug ${id}`);
  assert.equal(stats.cases, SMOKE_EVM_CASES);
  assert.equal(stats.diverged + stats.polyvmCrashes + stats.peerCrashes, 0, findings.map(formatFinding).join('\n\n'));
});

test(`compiler-tier fuzz smoke run (seed ${SMOKE_SEED}, ${SMOKE_TIER_CASES} cases): interpreter and compiled code agree`, async () => {
  const findings: TierFinding[] = [];
  const stats = await fuzzTiers({ seed: SMOKE_SEED, cases: SMOKE_TIER_CASES, perKindLimit: 1, onFinding: (f) => void findings.push(f) });
  assert.equal(stats.cases, SMOKE_TIER_CASES);
  assert.ok(stats.compiledRegions > 1000, `only ${stats.compiledRegions} regions compiled: the compiled side did not run compiled code`);
  assert.equal(stats.diverged + stats.crashes, 0, JSON.stringify(findings, null, 1).slice(0, 4000));
});

test(`decoding fuzz smoke run (seed ${SMOKE_SEED}, ${SMOKE_DECODE_CASES} cases)`, async () => {
  const findings: DecodeFinding[] = [];
  const stats = await fuzzDecoding({ seed: SMOKE_SEED, cases: SMOKE_DECODE_CASES, slowMs: 1000, onFinding: (f) => void findings.push(f) });
  assert.equal(stats.cases, SMOKE_DECODE_CASES);
  assert.deepEqual(findings, []);
});
