/**
 * The wasm fuzz mode's part of `npm test`: a short run at a fixed seed finds nothing and meets
 * both activated and refused programs; bugs planted in a stub chain are caught by each oracle;
 * and the saved wasm regression cases (fuzz/regressions/wasm/) give no finding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Evm } from '../../dist/index.js';
import { checkWasmCase, formatWasmFinding, fuzzWasm, wasmChain, type WasmFinding } from './wasm.js';
import { generateWasmCase, type WasmCase } from './wasm-generate.js';

const SMOKE_SEED = 20_261_201;
const SMOKE_CASES = 200;

test(`wasm fuzz smoke run (seed ${SMOKE_SEED}, ${SMOKE_CASES} cases): no findings, programs both activated and refused`, async () => {
  const findings: WasmFinding[] = [];
  const stats = await fuzzWasm({ seed: SMOKE_SEED, cases: SMOKE_CASES, onFinding: (f) => void findings.push(f) });
  assert.equal(stats.cases, SMOKE_CASES);
  assert.equal(stats.findings, 0, findings.map(formatWasmFinding).join('\n\n'));
  assert.ok(stats.deploys.activated + stats.deploys.placed > 50, JSON.stringify(stats.deploys));
  assert.ok(stats.deploys.refused > 20, JSON.stringify(stats.deploys));
  assert.ok(stats.topRefusals.length >= 10, 'refused for many different reasons');
  for (const outcome of ['succeeded', 'reverted', 'out of gas']) assert.ok((stats.calls[outcome] ?? 0) > 0, `some call ${outcome}`);
  for (const family of ['valid', 'broken', 'container']) assert.ok((stats.byGenerator[family] ?? 0) > 0, `${family} cases ran`);
});

test('a case is a pure function of seed and index', () => {
  assert.deepEqual(generateWasmCase(5, 17), generateWasmCase(5, 17));
  assert.notDeepEqual(generateWasmCase(5, 17), generateWasmCase(5, 18));
});

/** The first valid program of a seed whose first call comes straight from the EOA. */
function validCase(): WasmCase {
  for (let i = 0; ; i++) {
    const c = generateWasmCase(1, i);
    if (c.generator === 'valid' && c.deploy === 'create' && c.calls[0]!.via === 'eoa') return c;
  }
}

/** A real chain with `runCall` replaced. */
function stubChain(runCall: (evm: Evm, params: Parameters<Evm['runCall']>[0]) => ReturnType<Evm['runCall']>): () => Evm {
  return () => {
    const evm = wasmChain();
    return { ...evm, runCall: (params) => runCall(evm, params) };
  };
}

function kinds(findings: readonly WasmFinding[]): string[] {
  return [...new Set(findings.map((f) => f.kind))];
}

test('planted bugs are caught: a thrown error, gas over the limit, state changed by a failed call, nondeterminism', () => {
  const c = validCase();
  const where = { seed: 1, index: 0 };
  assert.deepEqual(checkWasmCase(c, where).findings, [], 'the real chain passes');

  const thrown = checkWasmCase(c, where, {
    createChain: stubChain(() => {
      throw new TypeError('planted');
    }),
  });
  assert.deepEqual(kinds(thrown.findings), ['crash']);
  assert.match(thrown.findings[0]!.problem, /TypeError: planted/);

  const greedy = checkWasmCase(c, where, { createChain: stubChain((evm, p) => ({ ...evm.runCall(p), gasUsed: p.gas + 1n })) });
  assert.ok(kinds(greedy.findings).includes('gas'));

  const leaky = checkWasmCase(c, where, {
    createChain: stubChain((evm, p) => {
      evm.setAccount('0x0000000000000000000000000000000000001eac', { balance: 1n });
      return { ...evm.runCall(p), success: false, error: 'execution reverted' };
    }),
  });
  assert.ok(kinds(leaky.findings).includes('state-on-failure'));

  let runs = 0;
  const flaky = checkWasmCase(c, where, {
    createChain: () => {
      runs++;
      return stubChain((evm, p) => ({ ...evm.runCall(p), gasUsed: BigInt(runs) }))();
    },
  });
  assert.deepEqual(kinds(flaky.findings), ['nondeterminism']);

  const slow = checkWasmCase(c, where, { slowMs: 0 });
  assert.deepEqual(kinds(slow.findings), ['slow']);
});

test('a checker that throws is a crash finding of the run, not the end of it', async () => {
  const findings: WasmFinding[] = [];
  const stats = await fuzzWasm({
    seed: 3,
    cases: 4,
    check: (c, where) => {
      if (where.index === 2) throw new Error('planted');
      return { generator: c.generator, deploy: 'placed', calls: [], ms: 0, findings: [] };
    },
    onFinding: (f) => void findings.push(f),
  });
  assert.equal(stats.cases, 4);
  assert.deepEqual(
    findings.map((f) => [f.kind, f.index]),
    [['crash', 2]],
  );
});

test('a case a worker does not finish in time is a hang finding, and the next case gets a fresh worker', async () => {
  const findings: WasmFinding[] = [];
  const stats = await fuzzWasm({ seed: 3, cases: 2, jobs: 1, caseTimeoutSeconds: 0.001, onFinding: (f) => void findings.push(f) });
  assert.equal(stats.cases, 2);
  assert.deepEqual(
    findings.map((f) => [f.kind, f.index]),
    [
      ['hang', 0],
      ['hang', 1],
    ],
  );
});

const REGRESSIONS = new URL('../../fuzz/regressions/wasm/', import.meta.url);

interface WasmRegression {
  title: string;
  status: 'open' | 'fixed';
  explanation: string;
  finding: WasmFinding;
}

for (const file of existsSync(REGRESSIONS)
  ? readdirSync(REGRESSIONS)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : []) {
  const regression = JSON.parse(readFileSync(new URL(file, REGRESSIONS), 'utf8')) as WasmRegression;
  const todo = regression.status === 'open' ? `open bug (fuzz/regressions/wasm/${file}): ${regression.title}` : undefined;
  // An open performance finding takes seconds to show: replay it by hand (npm run fuzz -- --replay FILE).
  const skip =
    regression.status === 'open' && regression.finding.kind === 'slow' ? `open performance finding: ${regression.title}` : undefined;
  test(`wasm fuzz regression ${file}: ${regression.title}`, { todo, skip }, () => {
    const check = checkWasmCase(regression.finding.case, { seed: null, index: null });
    assert.deepEqual(check.findings.map(formatWasmFinding), [], regression.explanation);
  });
}
