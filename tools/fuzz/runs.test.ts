/**
 * The fuzzing totals the README states are the sum of the committed run records in fuzz/runs/
 * (written by `npm run fuzz -- --record`), and every record is complete and clean or says what
 * it found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const dir = join(root, 'fuzz', 'runs');

interface RunRecord {
  date: string;
  seed: number;
  mode: string;
  generatorVersion: string;
  evm?: {
    cases: number;
    diverged: number;
    polyvmCrashes: number;
    peerCrashes: number;
    peerTimeouts: number;
    excluded: Record<string, number>;
  };
  decode?: { cases: number; findings: number };
  wasm?: { cases: number; findings: number };
  tiers?: { cases: number; diverged: number; crashes: number };
  block?: { cases: number; findings: number };
}

test('the README fuzzing totals add up from the run records in fuzz/runs/', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0, 'no run records in fuzz/runs/');
  const totals = { evm: 0, tiers: 0, decode: 0, wasm: 0, block: 0, findings: 0 };
  for (const file of files) {
    const r = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RunRecord;
    for (const key of ['date', 'seed', 'mode', 'generatorVersion'] as const) assert.ok(r[key] !== undefined, `${file}: no ${key}`);
    assert.ok(r.evm || r.decode || r.wasm || r.tiers || r.block, `${file}: no results`);
    if (r.evm) {
      totals.evm += r.evm.cases;
      totals.findings += r.evm.diverged + r.evm.polyvmCrashes + r.evm.peerCrashes;
    }
    if (r.decode) {
      totals.decode += r.decode.cases;
      totals.findings += r.decode.findings;
    }
    if (r.wasm) {
      totals.wasm += r.wasm.cases;
      totals.findings += r.wasm.findings;
    }
    if (r.tiers) {
      totals.tiers += r.tiers.cases;
      totals.findings += r.tiers.diverged + r.tiers.crashes;
    }
    if (r.block) {
      totals.block += r.block.cases;
      totals.findings += r.block.findings;
    }
  }
  const readme = readFileSync(join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const claim =
    /Recorded runs \(`fuzz\/runs\/`, (\d+) files?\): ([\d,]+) differential, ([\d,]+) compiler-tier, ([\d,]+) decoding, ([\d,]+) WebAssembly and ([\d,]+) parallel-block cases, ([\d,]+) unexplained findings/.exec(
      readme,
    );
  assert.ok(claim, 'the README does not state the recorded totals');
  const n = (text: string) => Number(text.replace(/,/g, ''));
  assert.deepEqual(
    {
      files: n(claim[1]!),
      evm: n(claim[2]!),
      tiers: n(claim[3]!),
      decode: n(claim[4]!),
      wasm: n(claim[5]!),
      block: n(claim[6]!),
      findings: n(claim[7]!),
    },
    { files: files.length, ...totals },
  );
});
