/**
 * Solidity console.log and the node's log: the selector table against Hardhat's own, the
 * formatting against Node's util.format, a contract compiled here with Hardhat's console.sol run
 * through createNode (events, log lines) and through a `polyvm node` process (its output), and
 * --quiet.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { format } from 'node:util';
import { encodeFunctionData, type Abi, type Hex } from 'viem';
import { createNode, type PolyvmNode } from './node.js';
import { consoleSelectors, consoleSignatures, formatStrings, CONSOLE_ADDRESS } from '../trace/console-log.js';
import { rfc2822 } from './node-log.js';
import { decodeRevertData } from '../trace/revert.js';
import { bytesToHex, hexToBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { spawnNode } from './testing/spawn-node.js';

const require = createRequire(import.meta.url);
const HARDHAT = dirname(require.resolve('hardhat/package.json'));
const CONSOLE_SOL = readFileSync(join(HARDHAT, 'console.sol'), 'utf8');

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import "hardhat/console.sol";
contract Logs {
  uint256 public x;
  error Custom(uint256 code, address who);
  constructor() {
    console.log("deployed by %s", msg.sender);
  }
  function run(uint256 a, bool b) external returns (uint256) {
    console.log();
    console.log("a is %d and b is %s", a, b);
    console.log(a);
    console.logInt(-5);
    console.log(msg.sender, a, "three", true);
    console.logBytes(hex"c0ffee");
    console.logBytes4(0xdeadbeef);
    console.log("100%% sure: %i", a);
    console.log("%o and %s", "quoted", "extra", "more");
    x = a;
    return a;
  }
  function peek(uint256 a) external view returns (uint256) {
    console.log("peek", a);
    return a + x;
  }
  function fail(uint256 kind) external {
    x = 1;
    console.log("failing with", kind);
    if (kind == 0) revert("bad kind");
    if (kind == 1) { uint256 zero = 0; x = 10 / zero; }
    if (kind == 2) revert Custom(7, msg.sender);
    if (kind == 3) { uint8 v = 255; v += uint8(kind); x = v; }
  }
}`;

let compiled: { abi: Abi; bytecode: Hex };

function compile(): { abi: Abi; bytecode: Hex } {
  const solc = require('solc') as { compile(input: string, callbacks?: unknown): string };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'Logs.sol': { content: SOURCE }, 'hardhat/console.sol': { content: CONSOLE_SOL } },
        settings: { outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
      }),
    ),
  );
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  assert.deepEqual(errors, []);
  const contract = output.contracts['Logs.sol'].Logs;
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

before(() => {
  compiled = compile();
});

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const GAS = '0x200000';

/** What the contract's run(42, true) prints, as Hardhat prints it. */
const RUN_LINES = [
  '',
  'a is 42 and b is true',
  '42',
  '-5',
  `${A0} 42 three true`,
  '0xc0ffee',
  '0xdeadbeef',
  '100% sure: 42',
  "'quoted' and extra more",
];

function data(functionName: string, args: unknown[]): Hex {
  return encodeFunctionData({ abi: compiled.abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);
}

type Rpc = (method: string, params: unknown[]) => Promise<unknown>;

async function send(rpc: Rpc, tx: Record<string, unknown>): Promise<{ hash: string; receipt: Record<string, string> }> {
  const hash = (await rpc('eth_sendTransaction', [{ from: A0, gas: GAS, ...tx }])) as string;
  const receipt = (await rpc('eth_getTransactionReceipt', [hash])) as Record<string, string>;
  return { hash, receipt };
}

// ---- the selector table and the formatting ----

test("every selector of Hardhat's console.sol and of its own decoder table decodes to the same types", () => {
  const table = consoleSelectors();
  // Hardhat's table (generated from console.sol): selector -> its type names.
  const hardhat = require(join(HARDHAT, 'internal/hardhat-network/stack-traces/logger.js')) as {
    CONSOLE_LOG_SIGNATURES: Record<string, string[]>;
  };
  const entries = Object.entries(hardhat.CONSOLE_LOG_SIGNATURES);
  assert.ok(entries.length > 370, `Hardhat's table has ${entries.length} entries`);
  for (const [selector, types] of entries) {
    const ours = table.get(Number(selector));
    assert.ok(ours, `selector 0x${Number(selector).toString(16)} missing`);
    assert.deepEqual(
      ours,
      types.map((t) => t.toLowerCase()),
    );
  }
  // Every signature console.sol encodes is one we generate.
  const ourSignatures = new Set(consoleSignatures().map((s) => `${s.name}(${s.types.join(',')})`));
  const used = [...CONSOLE_SOL.matchAll(/encodeWithSignature\("([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(used.length > 370);
  for (const signature of used) assert.ok(ourSignatures.has(signature), signature);
  // The legacy `uint` spelling (console.sol before Hardhat 2.0.4) has its own selector: log(uint) is 0xf5b1bba9.
  assert.deepEqual(table.get(0xf5b1bba9), ['uint256']);
  assert.deepEqual(table.get(0xf82c50f1), ['uint256']);
});

test('formatting equals util.format on string arguments', () => {
  const cases: string[][] = [
    [],
    ['plain'],
    ['a', 'b', 'c'],
    ['%s is %s', 'x'],
    ['%s and %s', 'x', 'y', 'z'],
    ['100%%', 'x'],
    ['100%%'],
    ['%o %O %j', "it's", 'say "hi"', 'json'],
    ['%f %c|%s', '3.5', 'css', 'end'],
    ['%x %s', 'y'],
    ['tab\there %o', 'line\nbreak\\'],
    ['%', 'x'],
    ['%s%', 'x'],
  ];
  for (const args of cases) assert.equal(formatStrings(args), args.length === 0 ? '' : format(...(args as [string])), JSON.stringify(args));
});

test('revert data decoded: Error(string), each Panic code with its meaning, custom errors raw', () => {
  const errorString =
    '0x08c379a0' +
    '0000000000000000000000000000000000000000000000000000000000000020' +
    '0000000000000000000000000000000000000000000000000000000000000003' +
    '6261640000000000000000000000000000000000000000000000000000000000';
  assert.equal(decodeRevertData(hexToBytes(errorString)), 'bad');
  const panic = (code: number) => hexToBytes('0x4e487b71' + code.toString(16).padStart(64, '0'));
  assert.equal(decodeRevertData(panic(0x01)), 'panic: assertion failed (0x01)');
  assert.equal(decodeRevertData(panic(0x11)), 'panic: arithmetic underflow or overflow (0x11)');
  assert.equal(decodeRevertData(panic(0x12)), 'panic: division or modulo by zero (0x12)');
  assert.equal(decodeRevertData(panic(0x21)), 'panic: conversion to an enum out of range (0x21)');
  assert.equal(decodeRevertData(panic(0x22)), 'panic: access to an incorrectly encoded storage byte array (0x22)');
  assert.equal(decodeRevertData(panic(0x31)), 'panic: pop() on an empty array (0x31)');
  assert.equal(decodeRevertData(panic(0x32)), 'panic: array index out of bounds (0x32)');
  assert.equal(decodeRevertData(panic(0x41)), 'panic: out of memory (too large an allocation) (0x41)');
  assert.equal(decodeRevertData(panic(0x51)), 'panic: call to a zero-initialized function variable (0x51)');
  assert.equal(decodeRevertData(panic(0x99)), 'panic: unknown panic code (0x99)');
  assert.equal(decodeRevertData(hexToBytes('0x12345678')), 'custom error 0x12345678');
  assert.equal(decodeRevertData(hexToBytes('0x12345678' + '00'.repeat(31) + '07')), `custom error 0x12345678, data 0x${'00'.repeat(31)}07`);
  assert.equal(decodeRevertData(new Uint8Array(0)), 'no data');
  assert.equal(rfc2822(1_709_629_440n), 'Tue, 5 Mar 2024 09:04:00 +0000');
});

// ---- in process: createNode ----

async function inProcess(log: boolean): Promise<{ node: PolyvmNode; lines: string[]; events: [string, unknown][]; rpc: Rpc }> {
  const lines: string[] = [];
  const node = createNode(log ? { log: (line) => lines.push(line) } : {});
  const events: [string, unknown][] = [];
  node.on('console', (line: string, origin: unknown) => events.push([line, origin]));
  const rpc: Rpc = (method, params) => node.request({ method, params });
  return { node, lines, events, rpc };
}

test('createNode: console.log of each overload as events, for mined transactions and eth_call; state and gas unaffected', async () => {
  const { node, lines, events, rpc } = await inProcess(false);
  try {
    const deploy = await send(rpc, { data: compiled.bytecode });
    const address = deploy.receipt.contractAddress!;
    assert.deepEqual(events, [[`deployed by ${A0}`, { kind: 'transaction', hash: deploy.hash }]]);
    events.length = 0;
    const run = await send(rpc, { to: address, data: data('run', [42n, true]) });
    assert.equal(run.receipt.status, '0x1');
    assert.deepEqual(
      events.map(([line]) => line),
      RUN_LINES,
    );
    assert.ok(events.every(([, origin]) => (origin as { hash: string }).hash === run.hash));
    events.length = 0;
    const output = await rpc('eth_call', [{ to: address, data: data('peek', [1n]) }, 'latest']);
    assert.equal(BigInt(output as string), 43n);
    assert.deepEqual(events, [['peek 1', { kind: 'call' }]]);
    // Asked again, it runs again and shows its lines again.
    assert.equal(await rpc('eth_call', [{ to: address, data: data('peek', [1n]) }, 'latest']), output);
    assert.deepEqual(events, [
      ['peek 1', { kind: 'call' }],
      ['peek 1', { kind: 'call' }],
    ]);
    // Asked first with no one listening, then with a listener: the lines are shown.
    node.removeAllListeners('console');
    const quietAnswer = await rpc('eth_call', [{ to: address, data: data('peek', [3n]) }, 'latest']);
    node.on('console', (line: string, origin: unknown) => events.push([line, origin]));
    assert.equal(await rpc('eth_call', [{ to: address, data: data('peek', [3n]) }, 'latest']), quietAnswer);
    assert.deepEqual(events.slice(2), [['peek 3', { kind: 'call' }]]);
    events.length = 1;
    // The console address keeps no code and no state; the node's log is off by default.
    assert.equal(await rpc('eth_getCode', [CONSOLE_ADDRESS, 'latest']), '0x');
    assert.equal(await rpc('eth_getTransactionCount', [CONSOLE_ADDRESS, 'latest']), '0x0');
    assert.deepEqual(lines, []);
    // The same transaction without a listener, then with one: the same gas (the tracer changes nothing).
    node.removeAllListeners('console');
    events.length = 0;
    const quiet = await send(rpc, { to: address, data: data('run', [42n, true]) });
    assert.equal(events.length, 0);
    node.on('console', (line: string, origin: unknown) => events.push([line, origin]));
    const traced = await send(rpc, { to: address, data: data('run', [42n, true]) });
    assert.equal(events.length, RUN_LINES.length);
    assert.equal(quiet.receipt.gasUsed, traced.receipt.gasUsed);
  } finally {
    await node.close();
  }
});

test("createNode({log}): methods, console.log, and each block's transactions with failures decoded", async () => {
  const { node, lines, rpc } = await inProcess(true);
  try {
    const deploy = await send(rpc, { data: compiled.bytecode });
    const address = deploy.receipt.contractAddress!;
    const block1 = (await rpc('eth_getBlockByNumber', ['0x1', false])) as { hash: string; timestamp: string };
    const text = lines.join('\n');
    const expectedDeploy = [
      'eth_sendTransaction',
      'console.log:',
      `  deployed by ${A0}`,
      '',
      `    Transaction: ${deploy.hash}`,
      `    Contract created: 0x5FbDB2315678afecb367f032d93F642f64180aa3`,
      `    Gas used: ${BigInt(deploy.receipt.gasUsed)}`,
      '',
      '    Block Number: 1',
      `    Block Hash: ${block1.hash}`,
      `    Block Time: "${rfc2822(BigInt(block1.timestamp))}"`,
      '',
      'eth_getTransactionReceipt',
      'eth_getBlockByNumber',
    ].join('\n');
    assert.equal(address, '0x5fbdb2315678afecb367f032d93f642f64180aa3');
    assert.equal(text, expectedDeploy);
    lines.length = 0;

    const ok = await send(rpc, { to: address, data: data('run', [7n, false]) });
    assert.ok(lines.includes(`    Transaction: ${ok.hash}`));
    assert.ok(lines.includes('  a is 7 and b is false'));
    assert.ok(!lines.some((l) => l.startsWith('    Contract created')));
    assert.ok(!lines.some((l) => l.startsWith('    Error')));

    const failures: [bigint, string][] = [
      [0n, 'reverted with: bad kind'],
      [1n, 'reverted with: panic: division or modulo by zero (0x12)'],
      [2n, `reverted with: custom error 0x${customSelector()}, data 0x${'00'.repeat(31)}07${'00'.repeat(12)}${A0.slice(2)}`],
      [3n, 'reverted with: panic: arithmetic underflow or overflow (0x11)'],
    ];
    for (const [kind, error] of failures) {
      lines.length = 0;
      const failed = await send(rpc, { to: address, data: data('fail', [kind]) });
      assert.equal(failed.receipt.status, '0x0');
      const at = lines.indexOf(`    Transaction: ${failed.hash}`);
      assert.ok(at > 0, lines.join('\n'));
      assert.deepEqual(lines.slice(at + 1, at + 3), [`    Gas used: ${BigInt(failed.receipt.gasUsed)}`, `    Error: ${error}`]);
      // console.log of a transaction that reverts is still shown.
      assert.ok(lines.includes(`  failing with ${kind}`));
    }

    lines.length = 0;
    await rpc('eth_call', [{ to: address, data: data('peek', [2n]) }, 'latest']);
    assert.deepEqual(lines, ['eth_call', 'console.log:', '  peek 2']);
    lines.length = 0;
    await rpc('eth_estimateGas', [{ from: A0, to: address, data: data('peek', [2n]) }]);
    assert.deepEqual(lines, ['eth_estimateGas']);
    lines.length = 0;
    await rpc('evm_mine', []);
    assert.equal(lines[0], 'evm_mine');
    assert.match(lines.join('\n'), /^evm_mine\n\n {4}Block Number: \d+\n {4}Block Hash: 0x[0-9a-f]{64}\n {4}Block Time: "/);
  } finally {
    await node.close();
  }
});

/** keccak256("Custom(uint256,address)")[0..4], in hex. */
function customSelector(): string {
  return bytesToHex(keccak256(new TextEncoder().encode('Custom(uint256,address)'))).slice(2, 10);
}

// ---- a `polyvm node` process ----

async function waitFor(output: () => string, text: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!output().includes(text)) {
    if (Date.now() > end) throw new Error(`"${text}" not in the node's output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function httpRpc(url: string): Rpc {
  let id = 0;
  return async (method, params) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
    });
    const body = (await response.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(body.error.message);
    return body.result;
  };
}

test('polyvm node prints requests, console.log and mined transactions; --quiet prints none of it', async () => {
  const [loud, quiet] = await Promise.all([spawnNode(), spawnNode(['--quiet'])]);
  try {
    for (const node of [loud, quiet]) {
      const rpc = httpRpc(node.url);
      const deploy = await send(rpc, { data: compiled.bytecode });
      const address = deploy.receipt.contractAddress!;
      const run = await send(rpc, { to: address, data: data('run', [42n, true]) });
      const failed = await send(rpc, { to: address, data: data('fail', [0n]) });
      await rpc('eth_call', [{ to: address, data: data('peek', [5n]) }, 'latest']);
      if (node === quiet) {
        // Give a stray line time to arrive, then: only the listening address.
        await new Promise((r) => setTimeout(r, 200));
        assert.match(node.output(), /^Listening on http:\/\/127\.0\.0\.1:\d+ \(HTTP and WebSocket\)\n$/);
        continue;
      }
      await waitFor(node.output, '  peek 5');
      const out = node.output();
      for (const text of [
        'eth_sendTransaction\nconsole.log:\n  deployed by',
        `    Transaction: ${deploy.hash}\n    Contract created: 0x5FbDB2315678afecb367f032d93F642f64180aa3\n    Gas used: `,
        `console.log:\n${RUN_LINES.map((l) => `  ${l}`).join('\n')}\n\n    Transaction: ${run.hash}\n    Gas used: ${BigInt(run.receipt.gasUsed)}\n`,
        `    Transaction: ${failed.hash}\n    Gas used: ${BigInt(failed.receipt.gasUsed)}\n    Error: reverted with: bad kind\n`,
        'eth_getTransactionReceipt\n',
        'eth_call\nconsole.log:\n  peek 5',
        '    Block Number: 3\n',
      ]) {
        assert.ok(out.includes(text), `missing ${JSON.stringify(text)} in:\n${out}`);
      }
    }
  } finally {
    await Promise.all([loud.stop(), quiet.stop()]);
  }
});
