/**
 * The blocktest command on real fixtures, as a user runs it: a malformed file reported with its
 * file and field while the run goes on, the --json result objects and the filters, and a test
 * whose expectations are changed failing for the right reason. It reads the shared fixtures, so
 * it lives with the tools.
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
const EXAMPLE = join(fixtures, 'ethereum-tests/BlockchainTests/ValidBlocks/bcExample/basefeeExample.json');
const TRANSITION = join(
  fixtures,
  'execution-spec-tests/v5.4.0/blockchain_tests/prague/eip7702_set_code_tx/test_set_code_type_tx_pre_fork.json',
);

function polyvm(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

test('blocktest: a malformed fixture is reported with its file and field, and the run goes on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-blocktest-'));
  writeFileSync(join(dir, 'a-good.json'), readFileSync(EXAMPLE));
  const broken = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
  const name = Object.keys(broken)[0]!;
  broken[name].genesisBlockHeader.gasLimit = '0xzz';
  writeFileSync(join(dir, 'b-broken.json'), JSON.stringify(broken));
  writeFileSync(join(dir, 'c-not-json.json'), '{ nope');
  const r = polyvm('blocktest', '--workers', '1', dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /b-broken\.json: basefeeExample_Cancun\.genesisBlockHeader\.gasLimit: /);
  assert.match(r.stderr, /c-not-json\.json: /);
  assert.match(r.stderr.trim().split('\n').pop()!, /^1 passed, 2 failed$/);
});

test('blocktest: a changed expectation fails, naming the block and the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-blocktest-'));
  const json = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
  const t = json.basefeeExample_Cancun;
  t.blocks[0].expectException = 'BlockException.INVALID_STATE_ROOT';
  writeFileSync(join(dir, 'accepted.json'), JSON.stringify(json));
  t.blocks[0].expectException = undefined;
  t.lastblockhash = '0x' + '11'.repeat(32);
  writeFileSync(join(dir, 'head.json'), JSON.stringify(json));
  // One byte of the block changed: the header no longer hashes to what its child names, or its
  // roots no longer match; either way the block is rejected.
  t.lastblockhash = json.basefeeExample_Cancun.lastblockhash;
  const rlp: string = t.blocks[0].rlp;
  const at = rlp.length - 10;
  t.blocks[0].rlp = rlp.slice(0, at) + (rlp[at] === '0' ? '1' : '0') + rlp.slice(at + 1);
  writeFileSync(join(dir, 'tampered.json'), JSON.stringify(json));
  const r = polyvm('blocktest', '--json', '--workers', '1', dir);
  assert.equal(r.status, 1);
  const results = JSON.parse(r.stdout) as { file: string; error: string; pass: boolean }[];
  const byFile = (f: string) => results.find((x) => x.file.endsWith(f))!;
  assert.match(byFile('accepted.json').error, /^block 1 accepted, expected BlockException\.INVALID_STATE_ROOT/);
  assert.match(byFile('head.json').error, /^head 0x[0-9a-f]{64} \(block 1\), expected 0x1111/);
  assert.match(byFile('tampered.json').error, /^block 1 rejected: /);
  assert.ok(results.every((x) => !x.pass));
});

test('blocktest --json prints {name, fork, pass, error}; --fork and --run select tests', () => {
  const all = JSON.parse(polyvm('blocktest', '--json', '--workers', '1', EXAMPLE, TRANSITION).stdout) as { name: string; fork: string }[];
  const networks = new Set(all.map((x) => x.fork));
  assert.deepEqual([...networks].sort(), ['Cancun', 'CancunToPragueAtTime15k']);
  const r = polyvm('blocktest', '--json', '--fork', 'CancunToPragueAtTime15k', '--workers', '1', EXAMPLE, TRANSITION);
  assert.equal(r.status, 0, r.stderr);
  const selected = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert.ok(selected.length > 0 && selected.length < all.length);
  for (const x of selected) {
    assert.deepEqual(Object.keys(x).sort(), ['error', 'file', 'fork', 'name', 'pass']);
    assert.equal(x.fork, 'CancunToPragueAtTime15k');
    assert.equal(x.pass, true);
  }
  assert.match(r.stderr.trim(), new RegExp(`^${selected.length} passed, 0 failed$`));
  const run = polyvm('blocktest', '--json', '--run', 'tx_value_1\\]', '--workers', '1', EXAMPLE, TRANSITION);
  const one = JSON.parse(run.stdout) as { name: string }[];
  assert.equal(one.length, 1);
  assert.match(one[0]!.name, /tx_value_1\]$/);
});

test('blocktest: bad arguments are usage errors', () => {
  assert.equal(polyvm('blocktest').status, 2);
  assert.equal(polyvm('blocktest', '--run', '(', EXAMPLE).status, 2);
  assert.equal(polyvm('blocktest', '--workers', '0', EXAMPLE).status, 2);
  const missing = polyvm('blocktest', join(fixtures, 'no-such-folder'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read .*no-such-folder/);
});
