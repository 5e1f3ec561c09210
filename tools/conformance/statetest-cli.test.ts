/**
 * The statetest command on a real fixture, as a user runs it: a malformed file reported with its
 * file and field while the run goes on, the --json result objects, and --trace's EIP-3155 lines.
 * It reads the shared fixtures, so it lives with the tools, not in the engine's src/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/polyvm.js');
const fixtures = process.env.POLYVM_FIXTURES ?? resolve(root, '../shared/fixtures');

function polyvm(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

test('statetest: a malformed fixture is reported with its file and field, and the run goes on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-cli-'));
  const good = join(fixtures, 'ethereum-tests/GeneralStateTests/stExample/add11.json');
  writeFileSync(join(dir, 'a-good.json'), readFileSync(good));
  const broken = JSON.parse(readFileSync(good, 'utf8'));
  const name = Object.keys(broken)[0]!;
  broken[name].transaction.gasLimit = ['0xzz'];
  writeFileSync(join(dir, 'b-broken.json'), JSON.stringify(broken));
  writeFileSync(join(dir, 'c-not-json.json'), '{ nope');
  const r = polyvm('statetest', dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /b-broken\.json: add11\.transaction\.gasLimit\[0\]: /);
  assert.match(r.stderr, /c-not-json\.json: cannot read as JSON/);
  const last = r.stderr.trim().split('\n').pop();
  assert.match(last!, /^\d+ passed, 2 failed$/);
  assert.ok(Number(last!.split(' ')[0]) > 0, 'the good file still ran');
});

test('statetest --json prints the geth-style result objects', () => {
  const r = polyvm('statetest', '--json', '--fork', 'Cancun', join(fixtures, 'ethereum-tests/GeneralStateTests/stExample/add11.json'));
  assert.equal(r.status, 0, r.stderr);
  const results = JSON.parse(r.stdout);
  assert.ok(results.length >= 1);
  for (const x of results) {
    assert.deepEqual(Object.keys(x).sort(), ['error', 'fork', 'index', 'logsHash', 'name', 'pass', 'stateRoot'].sort());
    assert.equal(x.fork, 'Cancun');
    assert.match(x.stateRoot, /^0x[0-9a-f]{64}$/);
  }
  assert.match(r.stderr.trim(), /^\d+ passed, 0 failed$/);
});

test('statetest --trace ends each vector with the EIP-3155 summary and the state root', () => {
  const r = polyvm('statetest', '--trace', '--fork', 'Cancun', join(fixtures, 'ethereum-tests/GeneralStateTests/stExample/add11.json'));
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines.at(-1)!, /^1 passed, 0 failed$/);
  const root = JSON.parse(lines.at(-2)!);
  const summary = JSON.parse(lines.at(-3)!);
  assert.match(root.stateRoot, /^0x[0-9a-f]{64}$/);
  assert.deepEqual(Object.keys(summary).sort(), ['error', 'gasUsed', 'output']);
  assert.equal(JSON.parse(lines[0]!).opName, 'PUSH1');
});
