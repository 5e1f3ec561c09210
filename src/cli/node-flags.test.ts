/**
 * `polyvm node`'s flags under Anvil's names: -p, --hardfork (and the deprecated --fork NAME),
 * --chain-id, --accounts, --balance, --mnemonic, --gas-limit, --base-fee, --block-time, hex
 * numbers, --silent, --version, and the state files (--state, --dump-state, --load-state),
 * including a state dump made by Anvil itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POLYVM_BIN, spawnNode, startAnvil } from '../node/testing/spawn-node.js';

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

function polyvm(...args: string[]) {
  return spawnSync(process.execPath, [POLYVM_BIN, 'node', ...args], { encoding: 'utf8', timeout: 20_000 });
}

test('--version, -V, -h; an unknown short option and fork settings without a fork URL are usage errors (exit 2)', () => {
  const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  for (const flag of ['--version', '-V']) {
    const r = polyvm(flag);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `polyvm ${version}\n`);
  }
  const help = polyvm('-h');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--hardfork NAME/);
  const unknown = polyvm('-x');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown option -x/);
  const noUrl = polyvm('--fork-block-number', '5');
  assert.equal(noUrl.status, 2);
  assert.match(noUrl.stderr, /--fork-block-number needs --fork-url URL/);
  const badHeader = polyvm('--fork-url', 'http://127.0.0.1:1', '--fork-header', 'no-colon');
  assert.equal(badHeader.status, 2);
  assert.match(badHeader.stderr, /--fork-header must be KEY:VALUE/);
  const stray = polyvm('--no-rate-limit');
  assert.equal(stray.status, 2);
  assert.match(stray.stderr, /--no-rate-limit needs --fork-url URL/);
  const unreachable = polyvm('--fork-url', 'http://127.0.0.1:1', '--fork-retries', '0', '--compute-units-per-second', '330');
  assert.equal(unreachable.status, 2);
  assert.match(unreachable.stderr, /cannot fork http:\/\/127\.0\.0\.1:1: cannot reach/);
  const both = polyvm('--fork', 'cancun', '--hardfork', 'prague');
  assert.equal(both.status, 2);
  const hex = polyvm('--accounts', '0xzz');
  assert.equal(hex.status, 2);
  assert.match(hex.stderr, /--accounts must be a whole number/);
  const workers = polyvm('--trace-workers', '65');
  assert.equal(workers.status, 2);
  assert.match(workers.stderr, /--trace-workers must be a whole number up to 64, got "65"/);
});

test('Anvil-named settings, hex numbers, --silent', async () => {
  const node = await spawnNode([
    '-p',
    '0',
    '--hardfork',
    'cancun',
    '--chain-id',
    '0x10',
    '--accounts',
    '3',
    '--balance',
    '5',
    '--gas-limit',
    '0x2000000',
    '--base-fee',
    '7',
    '--mnemonic',
    'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
    '--timestamp',
    '0x6553f100',
    '--auto-impersonate',
    '--silent',
  ]);
  try {
    assert.equal(await rpc(node.url, 'eth_chainId'), '0x10');
    const accounts = await rpc(node.url, 'eth_accounts');
    assert.equal(accounts.length, 3);
    // The first account of the "abandon ... about" mnemonic at m/44'/60'/0'/0/0.
    assert.equal(accounts[0], '0x9858effd232b4033e47d90003d41ec34ecaeda94');
    assert.equal(BigInt(await rpc(node.url, 'eth_getBalance', [accounts[0], 'latest'])), 5n * 10n ** 18n);
    const genesis = await rpc(node.url, 'eth_getBlockByNumber', ['0x0', false]);
    assert.equal(BigInt(genesis.gasLimit), 0x2000000n);
    assert.equal(BigInt(genesis.baseFeePerGas), 7n);
    assert.equal(BigInt(genesis.timestamp), 0x6553f100n);
    // --auto-impersonate: an address without a key sends.
    const stranger = '0x00000000000000000000000000000000000a11ce';
    await rpc(node.url, 'anvil_setBalance', [stranger, '0xde0b6b3a7640000']);
    const hash = await rpc(node.url, 'eth_sendTransaction', [{ from: stranger, to: accounts[1], value: '0x1' }]);
    assert.equal((await rpc(node.url, 'eth_getTransactionReceipt', [hash])).status, '0x1');
    assert.equal((await rpc(node.url, 'anvil_nodeInfo')).hardFork, 'Cancun');
    assert.equal(node.output().trim().split('\n').length, 1, node.output());
  } finally {
    await node.stop();
  }
});

test('--fork NAME still selects the hardfork, with a deprecation message; --block-time mines on its own', async () => {
  const node = await spawnNode(['--fork', 'prague', '--block-time', '1', '--quiet']);
  try {
    assert.equal((await rpc(node.url, 'anvil_nodeInfo')).hardFork, 'Prague');
    assert.match(node.output(), /--fork NAME is deprecated; use --hardfork prague/);
    await new Promise((r) => setTimeout(r, 2200));
    assert.ok(BigInt(await rpc(node.url, 'eth_blockNumber')) >= 1n);
  } finally {
    await node.stop();
  }
});

const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';

test('--state keeps the chain across restarts; --dump-state and --load-state', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-state-'));
  try {
    const file = join(dir, 'chain.json');
    let node = await spawnNode(['--state', file, '--quiet']);
    const [a0] = await rpc(node.url, 'eth_accounts');
    await rpc(node.url, 'eth_sendTransaction', [{ from: a0, to: A1, value: '0x1234' }]);
    const balance = await rpc(node.url, 'eth_getBalance', [A1, 'latest']);
    const head = await rpc(node.url, 'eth_getBlockByNumber', ['latest', false]);
    await node.stop();
    assert.ok(existsSync(file));
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).format, 'polyvm-chain');

    node = await spawnNode(['--state', file, '--quiet']);
    assert.equal(await rpc(node.url, 'eth_getBalance', [A1, 'latest']), balance);
    assert.equal((await rpc(node.url, 'eth_getBlockByNumber', ['latest', false])).hash, head.hash);
    await node.stop();

    const dumped = join(dir, 'dump.json');
    node = await spawnNode(['--load-state', file, '--dump-state', dumped, '--quiet']);
    await rpc(node.url, 'evm_mine');
    await node.stop();
    const dump = JSON.parse(readFileSync(dumped, 'utf8'));
    assert.equal(dump.blocks.length, Number(head.number) + 2);

    writeFileSync(join(dir, 'bad.json'), '{"format":"polyvm-chain","version":9}');
    const bad = polyvm('--load-state', join(dir, 'bad.json'), '-p', '0');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bad\.json: dump version 9 is not 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a state dump made by Anvil loads into polyvm (--load-state and anvil_loadState)', async (t) => {
  let anvil;
  try {
    anvil = await startAnvil();
  } catch (error) {
    t.skip(`the Anvil binary does not run here: ${(error as Error).message}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-anvil-dump-'));
  try {
    const who = '0x00000000000000000000000000000000000a11ce';
    await rpc(anvil.url, 'anvil_setBalance', [who, '0xde0b6b3a7640000']);
    await rpc(anvil.url, 'anvil_setCode', [who, '0x6001600055']);
    await rpc(anvil.url, 'anvil_setNonce', [who, '0x7']);
    await rpc(anvil.url, 'anvil_setStorageAt', [who, '0x5', '0x' + '2a'.padStart(64, '0')]);
    const hex: string = await rpc(anvil.url, 'anvil_dumpState');
    const json = gunzipSync(Buffer.from(hex.slice(2), 'hex')).toString('utf8');
    assert.ok(JSON.parse(json).accounts, 'an Anvil dump has accounts');
    const file = join(dir, 'anvil-state.json');
    writeFileSync(file, json);

    const node = await spawnNode(['--load-state', file, '--quiet']);
    try {
      assert.equal(BigInt(await rpc(node.url, 'eth_getBalance', [who, 'latest'])), 10n ** 18n);
      assert.equal(await rpc(node.url, 'eth_getCode', [who, 'latest']), '0x6001600055');
      assert.equal(await rpc(node.url, 'eth_getTransactionCount', [who, 'latest']), '0x7');
      assert.equal(BigInt(await rpc(node.url, 'eth_getStorageAt', [who, '0x5', 'latest'])), 42n);
      // The same dump through the RPC method, gzipped as Anvil returns it.
      await rpc(node.url, 'anvil_setBalance', [who, '0x0']);
      assert.equal(await rpc(node.url, 'anvil_loadState', [hex]), true);
      assert.equal(BigInt(await rpc(node.url, 'eth_getBalance', [who, 'latest'])), 10n ** 18n);
    } finally {
      await node.stop();
    }
  } finally {
    anvil.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--prune-history keeps only recent states; --allow-origin and --no-cors set the CORS headers', async () => {
  let node = await spawnNode(['--prune-history', '--allow-origin', 'http://app.test', '--quiet']);
  try {
    await rpc(node.url, 'evm_mine');
    await rpc(node.url, 'evm_mine');
    await assert.rejects(rpc(node.url, 'eth_getBalance', [A1, '0x0']), /state at block 0 is not available/);
    const preflight = await fetch(node.url, { method: 'OPTIONS' });
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://app.test');
  } finally {
    await node.stop();
  }
  // Tracing on the node's thread (no workers) gives the same answers.
  node = await spawnNode(['--prune-history', '1', '--no-cors', '--trace-workers', '0', '--quiet']);
  try {
    await rpc(node.url, 'evm_mine');
    await rpc(node.url, 'evm_mine');
    assert.match(await rpc(node.url, 'eth_getBalance', [A1, '0x1']), /^0x/);
    await assert.rejects(rpc(node.url, 'eth_getBalance', [A1, '0x0']), /not available/);
    const hash = await rpc(node.url, 'eth_sendTransaction', [{ from: A0, to: A1, value: '0x2a' }]);
    const trace = await rpc(node.url, 'debug_traceTransaction', [hash, { tracer: 'callTracer' }]);
    assert.deepEqual([trace.from, trace.to, trace.value, trace.gasUsed], [A0, A1, '0x2a', '0x5208']);
    const answer = await fetch(node.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}',
    });
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
  } finally {
    await node.stop();
  }
  assert.equal(polyvm('--no-cors', '--allow-origin', '*').status, 2);
});

test("--fork-url (and Hardhat's --fork URL) with a block number counted back from the remote's latest", async () => {
  const remote = await spawnNode(['--silent']);
  try {
    const [alice] = (await rpc(remote.url, 'eth_accounts')) as string[];
    for (let i = 0; i < 3; i++) await rpc(remote.url, 'eth_sendTransaction', [{ from: alice, to: alice, value: '0x1' }]);
    for (const flags of [
      ['--fork-url', remote.url, '--fork-header', 'X-Test: yes'],
      ['--fork', remote.url],
    ]) {
      const fork = await spawnNode([...flags, '--fork-block-number', '-1', '--chain-id', '0x10']);
      try {
        assert.match(fork.output(), new RegExp(`Fork: +${remote.url.replace(/[.:/]/g, '\\$&')} at block 2 \\(0x[0-9a-f]{64}\\)`));
        assert.equal(await rpc(fork.url, 'eth_blockNumber'), '0x2');
        assert.equal(await rpc(fork.url, 'eth_chainId'), '0x10');
        assert.equal(await rpc(fork.url, 'eth_getTransactionCount', [alice, 'latest']), '0x2');
      } finally {
        await fork.stop();
      }
    }
  } finally {
    await remote.stop();
  }
});
