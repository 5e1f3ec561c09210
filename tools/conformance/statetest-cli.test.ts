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
    assert.deepEqual(Object.keys(x).sort(), ['error', 'file', 'fork', 'index', 'logsHash', 'ms', 'name', 'pass', 'stateRoot'].sort());
    assert.equal(x.fork, 'Cancun');
    assert.equal(x.file, join(fixtures, 'ethereum-tests/GeneralStateTests/stExample/add11.json'));
    assert.ok(typeof x.ms === 'number' && x.ms >= 0, `ms: ${x.ms}`);
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

test('statetest --slow N lists the vectors slower than N ms, slowest first, before the totals', () => {
  const file = join(fixtures, 'ethereum-tests/GeneralStateTests/stExample/add11.json');
  const all = polyvm('statetest', '--slow', '0', file);
  assert.equal(all.status, 0, all.stderr);
  const lines = all.stderr.trim().split('\n');
  const total = Number(lines.at(-1)!.split(' ')[0]);
  const listed = lines.filter((l) => l.startsWith('slow '));
  assert.match(lines[0]!, new RegExp(`^${listed.length} vectors slower than 0 ms:$`));
  assert.ok(listed.length > 0 && listed.length <= total);
  const ms = listed.map((l) => Number(/^slow ([\d.]+) ms /.exec(l)![1]));
  assert.deepEqual(
    ms,
    [...ms].sort((a, b) => b - a),
  );
  assert.match(listed[0]!, new RegExp(` ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} add11 \\w+ d\\d+ g\\d+ v\\d+$`));
  const none = polyvm('statetest', '--slow', '1e9', file);
  assert.match(none.stderr, /^0 vectors slower than 1000000000 ms:\n\d+ passed, 0 failed\n$/);
  assert.match(polyvm('statetest', '--slow', 'soon', file).stderr, /--slow must be a number of milliseconds, got soon/);
});
