// npm run bench:node — polyvm's dev node against Hardhat's (EDR) and Anvil, in one run, over
// HTTP JSON-RPC on this machine:
//   eth_call: requests per second for a view call on a small contract (8 in flight);
//   transfers: 1,000 eth_sendTransaction transfers from a dev account, each mined in its own
//   block (automine), sent one after the other; transfers per second;
//   raw transfers: the same with transactions signed beforehand (eth_sendRawTransaction).
// A peer that is not installed is skipped with a message. Options: --calls N --transfers N.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import http from 'node:http';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const CALLS = option('calls', 5000);
const TRANSFERS = option('transfers', 1000);
const CONCURRENCY = 8;

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const KEY2 = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';

// ---- peers ----

function waitFor(child, pattern, name, timeoutMs = 60_000) {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output.slice(-2000)}`)), timeoutMs);
    const onData = (chunk) => {
      if (output === undefined) return; // started: drain the peer's logging without keeping it
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        output = undefined;
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (output === undefined) return;
      reject(new Error(`${name} exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

const PEERS = [
  {
    name: 'polyvm',
    available: () => (existsSync(join(root, 'dist', 'cli', 'main.js')) ? undefined : 'run npm run build first'),
    async start(port) {
      const child = spawn(process.execPath, [join(root, 'bin', 'polyvm.js'), 'node', '--port', String(port), '--quiet'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await waitFor(child, /Listening on/, 'polyvm node');
      return child;
    },
  },
  {
    name: 'hardhat',
    available() {
      try {
        require.resolve('hardhat/internal/cli/cli.js', { paths: [root] });
        return undefined;
      } catch {
        return 'hardhat@2 is not installed (npm install -D hardhat@2)';
      }
    },
    async start(port) {
      const cli = require.resolve('hardhat/internal/cli/cli.js', { paths: [root] });
      const child = spawn(process.execPath, [cli, 'node', '--port', String(port)], {
        cwd: join(here, 'hardhat'),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
      });
      await waitFor(child, /Started HTTP and WebSocket JSON-RPC server/, 'hardhat node');
      return child;
    },
  },
  {
    name: 'anvil',
    binary() {
      try {
        const pkg = require.resolve('@foundry-rs/anvil-linux-amd64/package.json', { paths: [root] });
        const bin = join(dirname(pkg), 'bin', 'anvil');
        return existsSync(bin) ? bin : undefined;
      } catch {
        return undefined;
      }
    },
    available() {
      if (process.platform !== 'linux' || process.arch !== 'x64') return 'the Anvil package is for linux-x64';
      return this.binary() ? undefined : '@foundry-rs/anvil-linux-amd64 is not installed';
    },
    async start(port) {
      const child = spawn(this.binary(), ['--port', String(port), '--silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
      // --silent prints nothing: poll until it answers.
      for (let i = 0; i < 200; i++) {
        try {
          await rpc(port, 'eth_chainId', []);
          return child;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      throw new Error('anvil did not start');
    },
  },
];

// ---- a small JSON-RPC client over keep-alive HTTP ----

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
let nextId = 1;

function rpc(port, method, params) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            const json = JSON.parse(Buffer.concat(chunks).toString());
            if (json.error) reject(new Error(`${method}: ${json.error.message}`));
            else resolve(json.result);
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---- the workloads ----

function compileContract() {
  const solc = require('solc');
  const source = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Token {
  mapping(address => uint256) public balanceOf;
  uint256 public totalSupply;
  constructor() { balanceOf[msg.sender] = 1e24; totalSupply = 1e24; }
  function transfer(address to, uint256 amount) external returns (bool) {
    balanceOf[msg.sender] -= amount;
    balanceOf[to] += amount;
    return true;
  }
}`;
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'Token.sol': { content: source } },
        settings: {
          evmVersion: 'cancun',
          optimizer: { enabled: true, runs: 200 },
          outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
        },
      }),
    ),
  );
  return '0x' + output.contracts['Token.sol'].Token.evm.bytecode.object;
}

async function waitReceipt(port, hash) {
  for (let i = 0; i < 1000; i++) {
    const receipt = await rpc(port, 'eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no receipt for ${hash}`);
}

async function callBench(port, token) {
  // balanceOf(A0)
  const data = '0x70a08231' + A0.slice(2).padStart(64, '0');
  const params = [{ to: token, data }, 'latest'];
  const run = async (count) => {
    let sent = 0;
    const worker = async () => {
      while (sent < count) {
        sent++;
        await rpc(port, 'eth_call', params);
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return (count / (performance.now() - start)) * 1000;
  };
  await run(Math.min(500, CALLS));
  return run(CALLS);
}

/**
 * Sends `send(i)` for i < count one after the other, then waits until the last is mined.
 * Returns transactions per second and the number of blocks they took (automine makes one block
 * per transaction; Anvil's automine answers before mining, so a following transaction may join
 * the block being mined).
 */
async function timedSends(port, count, send) {
  const before = BigInt(await rpc(port, 'eth_blockNumber', []));
  const start = performance.now();
  let last;
  for (let i = 0; i < count; i++) last = await send(i);
  await waitReceipt(port, last);
  const elapsed = performance.now() - start;
  const blocks = BigInt(await rpc(port, 'eth_blockNumber', [])) - before;
  return { rate: (count / elapsed) * 1000, blocks: Number(blocks) };
}

async function transferBench(port, count) {
  const tx = { from: A0, to: A1, value: '0x1', gas: '0x5208' };
  for (let i = 0; i < 50; i++) await rpc(port, 'eth_sendTransaction', [tx]);
  await waitReceipt(port, await rpc(port, 'eth_sendTransaction', [tx]));
  return timedSends(port, count, () => rpc(port, 'eth_sendTransaction', [tx]));
}

/** Transfers signed by the client before the clock starts, sent as raw transactions. */
async function rawTransferBench(port, count) {
  const { privateKeyToAccount } = await import('viem/accounts');
  const account = privateKeyToAccount(KEY2);
  const nonce = Number(await rpc(port, 'eth_getTransactionCount', [account.address, 'pending']));
  const block = await rpc(port, 'eth_getBlockByNumber', ['latest', false]);
  const maxFeePerGas = BigInt(block.baseFeePerGas ?? 0) * 2n + 2_000_000_000n;
  const signed = [];
  for (let i = 0; i < count; i++) {
    signed.push(
      await account.signTransaction({
        type: 'eip1559',
        chainId: 31337,
        nonce: nonce + i,
        to: A1,
        value: 1n,
        gas: 21000n,
        maxFeePerGas,
        maxPriorityFeePerGas: 1_000_000_000n,
      }),
    );
  }
  return timedSends(port, count, (i) => rpc(port, 'eth_sendRawTransaction', [signed[i]]));
}

async function measure(peer, port, bytecode) {
  const child = await peer.start(port);
  try {
    const hash = await rpc(port, 'eth_sendTransaction', [{ from: A0, data: bytecode, gas: '0x200000' }]);
    const receipt = await waitReceipt(port, hash);
    const calls = await callBench(port, receipt.contractAddress);
    const transfers = await transferBench(port, TRANSFERS);
    const raw = await rawTransferBench(port, TRANSFERS);
    return { calls, transfers: transfers.rate, raw: raw.rate, blocks: transfers.blocks, rawBlocks: raw.blocks };
  } finally {
    await stop(child);
  }
}

const bytecode = compileContract();
const results = new Map();
let port = 18645;
for (const peer of PEERS) {
  const missing = peer.available();
  if (missing) {
    console.log(`${peer.name}: skipped (${missing})`);
    continue;
  }
  process.stdout.write(`${peer.name}: measuring...\n`);
  try {
    results.set(peer.name, await measure(peer, port++, bytecode));
  } catch (error) {
    console.log(`${peer.name}: failed: ${error.message.split('\n')[0]}`);
  }
}
agent.destroy();

const rows = [
  ['eth_call (requests/s)', 'calls'],
  [`transfers, ${TRANSFERS} one per block (tx/s)`, 'transfers'],
  [`raw transfers, ${TRANSFERS} one per block (tx/s)`, 'raw'],
];
const names = [...results.keys()];
const base = results.get('polyvm');
const header = [
  'workload'.padEnd(40),
  ...names.map((n) => n.padStart(10)),
  ...names.filter((n) => n !== 'polyvm' && base).map((n) => `vs ${n}`.padStart(12)),
];
console.log('\n' + header.join(' '));
for (const [label, key] of rows) {
  const cells = [label.padEnd(40), ...names.map((n) => results.get(n)[key].toFixed(0).padStart(10))];
  if (base)
    for (const n of names.filter((n) => n !== 'polyvm')) cells.push(`${(base[key] / results.get(n)[key]).toFixed(2)}×`.padStart(12));
  console.log(cells.join(' '));
}
console.log('\nblocks the transfers took: ' + names.map((n) => `${n} ${results.get(n).blocks} and ${results.get(n).rawBlocks}`).join(', '));
console.log(`(ratios: polyvm ÷ peer; above 1 means polyvm is faster; ${process.platform}-${process.arch}, node ${process.versions.node})`);
