// npm run bench:node [-- --rounds N --calls N --transfers N --json]: polyvm's dev node against
// Anvil and Hardhat's node (hardhat 2, EDR), over HTTP JSON-RPC from one client on this machine.
// Every node runs silent (polyvm --quiet, anvil --silent, Hardhat's logging turned off with
// hardhat_setLoggingEnabled), and each round starts a fresh node of each, in an order that
// rotates from round to round. Per round and node:
//   start-up: spawn to the first answer to eth_chainId (ms);
//   first deploy: the Uniswap V2 pair's 11.6 kB init code on the fresh node, sent and mined (ms);
//   later deploys: the median of 20 more (ms);
//   awaited transfers: 200 eth_sendTransaction transfers, each awaited to its receipt (ms);
//   sequential calls: 1,000 eth_call of balanceOf, one after the other (ms);
//   eth_call: requests per second with 8 in flight;
//   transfers / raw transfers: --transfers eth_sendTransaction (or pre-signed
//   eth_sendRawTransaction) transfers sent back to back, each mined in its own block (tx/s);
//   forked: a node forking one Anvil that holds a Uniswap V2 pair of two ERC-20 tokens (the same
//   remote for every node): start-up to the first answer, the first swap on the fresh fork (its
//   state read from the remote; two transactions, each awaited, after reading the reserves), and
//   the median of 10 later swaps.
// The table gives each workload's median over the rounds, with the spread (min-max); every
// round's raw numbers go to bench/results/node-latest.json with machine, versions and date.
// With --json the medians are printed as one JSON array of {workload, unit, polyvm, anvil, hardhat}.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import http from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { machine, packageVersion } from '../machine.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const args = process.argv.slice(2);
const KNOWN = new Set(['--rounds', '--calls', '--transfers', '--json']);
for (let i = 0; i < args.length; i++) {
  if (!KNOWN.has(args[i])) {
    process.stderr.write(`bench:node: unknown option ${args[i]} (options: --rounds N --calls N --transfers N --json)\n`);
    process.exit(2);
  }
  if (args[i] !== '--json') {
    const value = Number(args[++i]);
    if (!Number.isInteger(value) || value < 1) {
      process.stderr.write(`bench:node: ${args[i - 1]} needs a whole number, got "${args[i]}"\n`);
      process.exit(2);
    }
  }
}
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const JSON_OUTPUT = args.includes('--json');
const ROUNDS = option('rounds', 3);
const CALLS = option('calls', 5000);
const TRANSFERS = option('transfers', 1000);
const AWAITED = 200;
const SEQUENTIAL_CALLS = 1000;
const LATER_DEPLOYS = 20;
/** Progress on a terminal only. */
const progress = (text) => {
  if (process.stderr.isTTY && !JSON_OUTPUT) process.stderr.write(`\r${text.padEnd(60)}`);
};
const CONCURRENCY = 8;

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const KEY2 = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';

// ---- peers ----

/**
 * Starts a peer and measures its start-up the same way for all: from spawn to the first answer
 * to eth_chainId (polled every 5 ms). The peer's output is drained and kept only for errors.
 */
async function startNode(peer, port, fork) {
  const start = performance.now();
  const child = peer.spawn(port, fork);
  let output = '';
  const keep = (chunk) => {
    if (output.length < 20_000) output += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  for (let i = 0; i < 12_000; i++) {
    if (child.exitCode !== null) throw new Error(`${peer.name} exited with ${child.exitCode}:\n${output.slice(-2000)}`);
    try {
      await rpc(port, 'eth_chainId', []);
      const startupMs = performance.now() - start;
      if (peer.quiet) await peer.quiet(port);
      return { child, startupMs };
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${peer.name} did not answer within 60 s:\n${output.slice(-2000)}`);
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
    spawn(port, fork) {
      const forking = fork ? ['--fork-url', fork] : [];
      return spawn(process.execPath, [join(root, 'bin', 'polyvm.js'), 'node', '--port', String(port), '--quiet', ...forking], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
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
    spawn(port, fork) {
      const cli = require.resolve('hardhat/internal/cli/cli.js', { paths: [root] });
      const forking = fork ? ['--fork', fork] : [];
      return spawn(process.execPath, [cli, 'node', '--port', String(port), ...forking], {
        cwd: join(here, 'hardhat'),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
      });
    },
    // `hardhat node` logs every request; the others run silent, so it is turned off here.
    quiet: (port) => rpc(port, 'hardhat_setLoggingEnabled', [false]),
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
    spawn(port, fork) {
      const forking = fork ? ['--fork-url', fork] : [];
      return spawn(this.binary(), ['--port', String(port), '--silent', ...forking], { stdio: ['ignore', 'pipe', 'pipe'] });
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

/** ms for `run()`. */
async function timed(run) {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function deploy(port, initcode) {
  const hash = await rpc(port, 'eth_sendTransaction', [{ from: A0, data: initcode, gas: '0x1000000' }]);
  const receipt = await waitReceipt(port, hash);
  if (receipt.status !== '0x1') throw new Error('a deploy failed');
  return receipt.contractAddress;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One round on a fresh node of `peer`: every workload once. */
async function measure(peer, port, contracts) {
  const { child, startupMs } = await startNode(peer, port);
  try {
    const out = { startup: startupMs };
    out.firstDeploy = await timed(() => deploy(port, contracts.pair));
    const later = [];
    for (let i = 0; i < LATER_DEPLOYS; i++) later.push(await timed(() => deploy(port, contracts.pair)));
    out.laterDeploy = median(later);
    const token = await deploy(port, contracts.token);
    const tx = { from: A0, to: A1, value: '0x1', gas: '0x5208' };
    out.awaitedTransfers = await timed(async () => {
      for (let i = 0; i < AWAITED; i++) await waitReceipt(port, await rpc(port, 'eth_sendTransaction', [tx]));
    });
    const call = [{ to: token, data: '0x70a08231' + A0.slice(2).padStart(64, '0') }, 'latest'];
    out.sequentialCalls = await timed(async () => {
      for (let i = 0; i < SEQUENTIAL_CALLS; i++) await rpc(port, 'eth_call', call);
    });
    out.calls = await callBench(port, token);
    out.transfers = (await transferBench(port, TRANSFERS)).rate;
    out.raw = (await rawTransferBench(port, TRANSFERS)).rate;
    return out;
  } finally {
    await stop(child);
  }
}

// ---- the forked workload ----

const tokenAbi = [
  {
    type: 'function',
    name: 'transfer',
    stateMutability: 'nonpayable',
    inputs: [{ type: 'address' }, { type: 'uint256' }],
    outputs: [{ type: 'bool' }],
  },
];
const FORK_SUPPLY = 10n ** 24n;
const FORK_LIQUIDITY = 10n ** 21n;
const SWAP_IN = 10n ** 18n;
const LATER_SWAPS = 10;

/** The remote every forked node reads: an Anvil holding two tokens and their Uniswap V2 pair. */
async function startRemote(contracts) {
  const anvil = PEERS.find((p) => p.name === 'anvil');
  if (anvil.available()) return undefined;
  const port = 18600;
  const { child } = await startNode(anvil, port);
  const { encodeDeployData, encodeFunctionData } = await import('viem');
  const erc20 = JSON.parse(readFileSync(require.resolve('@uniswap/v2-core/build/ERC20.json', { paths: [root] }), 'utf8'));
  const factory = JSON.parse(readFileSync(require.resolve('@uniswap/v2-core/build/UniswapV2Factory.json', { paths: [root] }), 'utf8'));
  const send = async (to, data) => {
    const receipt = await waitReceipt(port, await rpc(port, 'eth_sendTransaction', [{ from: A0, to, data, gas: '0x7a1200' }]));
    if (receipt.status !== '0x1') throw new Error('building the forked market failed');
    return receipt;
  };
  const deployed = (artifact, args) => deploy(port, encodeDeployData({ abi: artifact.abi, bytecode: `0x${artifact.bytecode}`, args }));
  const tokenA = await deployed(erc20, [FORK_SUPPLY]);
  const tokenB = await deployed(erc20, [FORK_SUPPLY]);
  const f = await deployed(factory, [A0]);
  await send(f, encodeFunctionData({ abi: factory.abi, functionName: 'createPair', args: [tokenA, tokenB] }));
  const pair =
    '0x' +
    (
      await rpc(port, 'eth_call', [
        { to: f, data: encodeFunctionData({ abi: factory.abi, functionName: 'getPair', args: [tokenA, tokenB] }) },
        'latest',
      ])
    ).slice(26);
  for (const token of [tokenA, tokenB])
    await send(token, encodeFunctionData({ abi: tokenAbi, functionName: 'transfer', args: [pair, FORK_LIQUIDITY] }));
  await send(pair, '0x6a627842' + A0.slice(2).padStart(64, '0')); // mint(A0)
  const token0 = '0x' + (await rpc(port, 'eth_call', [{ to: pair, data: '0x0dfe1681' }, 'latest'])).slice(26);
  return { url: `http://127.0.0.1:${port}`, child, pair, token0, encodeFunctionData };
}

/** One swap of SWAP_IN token0 for token1 by A0, as a dapp does it: read reserves, send, await. */
async function swap(port, remote) {
  const reserves = await rpc(port, 'eth_call', [{ to: remote.pair, data: '0x0902f1ac' }, 'latest']); // getReserves()
  const r0 = BigInt('0x' + reserves.slice(2, 66));
  const r1 = BigInt('0x' + reserves.slice(66, 130));
  const out = (SWAP_IN * 997n * r1) / (r0 * 1000n + SWAP_IN * 997n);
  const transfer = remote.encodeFunctionData({ abi: tokenAbi, functionName: 'transfer', args: [remote.pair, SWAP_IN] });
  await waitReceipt(port, await rpc(port, 'eth_sendTransaction', [{ from: A0, to: remote.token0, data: transfer, gas: '0x30d40' }]));
  // swap(0, out, A0, "")
  const data =
    '0x022c0d9f' +
    '0'.repeat(64) +
    out.toString(16).padStart(64, '0') +
    A0.slice(2).padStart(64, '0') +
    (128).toString(16).padStart(64, '0') +
    '0'.repeat(64);
  const receipt = await waitReceipt(port, await rpc(port, 'eth_sendTransaction', [{ from: A0, to: remote.pair, data, gas: '0x493e0' }]));
  if (receipt.status !== '0x1') throw new Error('a swap on the fork failed');
}

/** The forked workload on a fresh forking node of `peer`. */
async function measureFork(peer, port, remote) {
  const { child, startupMs } = await startNode(peer, port, remote.url);
  try {
    const out = { forkStartup: startupMs };
    out.firstSwap = await timed(() => swap(port, remote));
    const later = [];
    for (let i = 0; i < LATER_SWAPS; i++) later.push(await timed(() => swap(port, remote)));
    out.laterSwap = median(later);
    return out;
  } finally {
    await stop(child);
  }
}

const WORKLOADS = [
  ['startup', 'start-up to first answer', 'ms'],
  ['firstDeploy', 'first deploy (11.6 kB init code)', 'ms'],
  ['laterDeploy', 'later deploy, median of 20', 'ms'],
  ['awaitedTransfers', `${AWAITED} transfers, each awaited`, 'ms'],
  ['sequentialCalls', `${SEQUENTIAL_CALLS} sequential eth_call`, 'ms'],
  ['calls', 'eth_call, 8 in flight', 'requests/s'],
  ['transfers', `${TRANSFERS} transfers, one per block`, 'tx/s'],
  ['raw', `${TRANSFERS} raw transfers, one per block`, 'tx/s'],
  ['forkStartup', 'forked: start-up to first answer', 'ms'],
  ['firstSwap', 'forked: first Uniswap V2 swap', 'ms'],
  ['laterSwap', `forked: later swap, median of ${LATER_SWAPS}`, 'ms'],
];

const pairJson = JSON.parse(readFileSync(require.resolve('@uniswap/v2-core/build/UniswapV2Pair.json', { paths: [root] }), 'utf8'));
const contracts = { token: compileContract(), pair: '0x' + pairJson.bytecode };
const peers = [];
for (const peer of PEERS) {
  const missing = peer.available();
  if (missing) process.stderr.write(`${peer.name}: skipped (${missing})\n`);
  else peers.push(peer);
}
/** rounds[peer] = one object of workload numbers per round. */
const rounds = Object.fromEntries(peers.map((p) => [p.name, []]));
const failures = {};
let port = 18645;
const remote = await startRemote(contracts).catch((error) => {
  process.stderr.write(`forked workload skipped: ${error.message.split('\n')[0]}\n`);
  return undefined;
});
for (let round = 0; round < ROUNDS; round++) {
  // Rotate who goes first, so no node always runs on a cooler (or warmer) machine.
  const order = peers.map((_, i) => peers[(i + round) % peers.length]);
  for (const peer of order) {
    progress(`round ${round + 1}/${ROUNDS}: ${peer.name}`);
    try {
      const result = await measure(peer, port++, contracts);
      if (remote !== undefined) {
        try {
          Object.assign(result, await measureFork(peer, port++, remote));
        } catch (error) {
          failures[`${peer.name} forked`] = error.message.split('\n')[0];
          process.stderr.write(`\n${peer.name}: forked workload, round ${round + 1} failed: ${failures[`${peer.name} forked`]}\n`);
        }
      }
      rounds[peer.name].push(result);
    } catch (error) {
      failures[peer.name] = error.message.split('\n')[0];
      process.stderr.write(`\n${peer.name}: round ${round + 1} failed: ${failures[peer.name]}\n`);
    }
  }
}
progress('');
if (remote !== undefined) await stop(remote.child);
agent.destroy();

const names = peers.map((p) => p.name).filter((n) => rounds[n].length > 0);
const summary = WORKLOADS.map(([key, workload, unit]) => {
  const row = { workload, unit };
  for (const n of names) {
    const values = rounds[n].map((r) => r[key]).filter((v) => v !== undefined);
    row[n] = values.length > 0 ? median(values) : undefined;
  }
  return row;
});
const spread = (n, key) => {
  const values = rounds[n].map((r) => r[key]).filter((v) => v !== undefined);
  return [Math.min(...values), Math.max(...values)];
};

const report = {
  date: new Date().toISOString(),
  machine: { ...machine(), loadAverage: loadavg() },
  versions: {
    polyvm: packageVersion('polyvm'),
    hardhat: packageVersion('hardhat'),
    '@foundry-rs/anvil-linux-amd64': packageVersion('@foundry-rs/anvil-linux-amd64'),
  },
  method:
    'each node started fresh per round and silent (polyvm --quiet, anvil --silent, hardhat_setLoggingEnabled false); ' +
    'one client over keep-alive HTTP; start-up = spawn to first eth_chainId answer; medians over rounds, order rotated per round',
  settings: {
    rounds: ROUNDS,
    calls: CALLS,
    transfers: TRANSFERS,
    awaited: AWAITED,
    sequentialCalls: SEQUENTIAL_CALLS,
    laterDeploys: LATER_DEPLOYS,
  },
  failures,
  summary,
  rounds,
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'node-latest.json'), JSON.stringify(report, null, 2) + '\n');

if (JSON_OUTPUT) {
  process.stdout.write(
    JSON.stringify(
      summary.map((r) => ({
        workload: r.workload,
        unit: r.unit,
        polyvm: r.polyvm ?? null,
        anvil: r.anvil ?? null,
        hardhat: r.hardhat ?? null,
      })),
    ) + '\n',
  );
} else {
  const fmt = (v, unit) => (unit === 'ms' ? v.toFixed(v < 100 ? 1 : 0) : v.toFixed(0));
  console.log(['workload'.padEnd(36), 'unit'.padEnd(11), ...names.map((n) => n.padStart(22))].join(' '));
  for (const [key, workload, unit] of WORKLOADS) {
    const row = summary.find((r) => r.workload === workload);
    const cells = names.map((n) => {
      if (row[n] === undefined) return 'n/a'.padStart(22);
      const [lo, hi] = spread(n, key);
      return `${fmt(row[n], unit)} (${fmt(lo, unit)}-${fmt(hi, unit)})`.padStart(22);
    });
    console.log([workload.padEnd(36), unit.padEnd(11), ...cells].join(' '));
  }
  if (names.includes('polyvm')) {
    for (const peer of names.filter((n) => n !== 'polyvm')) {
      const ratios = WORKLOADS.filter(([, workload]) => {
        const row = summary.find((r) => r.workload === workload);
        return row.polyvm !== undefined && row[peer] !== undefined;
      }).map(([key, workload, unit]) => {
        const row = summary.find((r) => r.workload === workload);
        // Above 1: polyvm is faster (less time, or more per second).
        const ratio = unit === 'ms' ? row[peer] / row.polyvm : row.polyvm / row[peer];
        return `${key} ${ratio.toFixed(2)}×`;
      });
      console.log(`polyvm vs ${peer}: ${ratios.join(', ')}`);
    }
  }
  console.log(
    `(medians of ${ROUNDS} rounds, min-max in brackets; raw results in bench/results/node-latest.json; ${process.platform}-${process.arch}, node ${process.versions.node})`,
  );
}
