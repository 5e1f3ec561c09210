/**
 * Call trees with names: `polyvm node --artifacts DIR` draws each mined transaction's calls in
 * its log, and `polyvm trace TXHASH --rpc-url URL --artifacts DIR` draws one as `cast run`
 * does. The contracts are compiled here by solc; one folder holds a Foundry-layout artifact (with
 * an immutable) and a Hardhat-layout one, so both layouts are read.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAbiParameters, encodeFunctionData, getAddress, type Abi, type Hex } from 'viem';
import { spawnNode, POLYVM_BIN, type SpawnedNode } from '../node/testing/spawn-node.js';

const require = createRequire(import.meta.url);

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Token {
  event Moved(address indexed from, uint256 amount);
  function pull(address from, uint256 amount) external returns (bool) {
    emit Moved(from, amount);
    return true;
  }
}
contract Vault {
  error InsufficientBalance(uint256 balance, uint256 needed);
  event Deposited(address indexed who, uint256 amount, string note);
  Token public immutable token;
  mapping(address => uint256) public balances;
  constructor(Token t) { token = t; }
  function deposit(uint256 amount, string calldata note) external returns (uint256) {
    token.pull(msg.sender, amount);
    balances[msg.sender] += amount;
    emit Deposited(msg.sender, amount, note);
    return balances[msg.sender];
  }
  function withdraw(uint256 amount) external {
    if (balances[msg.sender] < amount) revert InsufficientBalance(balances[msg.sender], amount);
    balances[msg.sender] -= amount;
  }
}`;

interface Compiled {
  abi: Abi;
  bytecode: { object: string };
  deployedBytecode: { object: string; immutableReferences: unknown };
}

const FROM = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
let dir: string;
let node: SpawnedNode;
let vault: Compiled;
let token: Compiled;
let depositHash: string;
let withdrawHash: string;

async function rpc(method: string, params: unknown[]): Promise<any> {
  const response = await fetch(node.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

async function send(tx: Record<string, string>): Promise<{ hash: string; receipt: any }> {
  const hash = (await rpc('eth_sendTransaction', [{ from: FROM, gas: '0x200000', ...tx }])) as string;
  return { hash, receipt: await rpc('eth_getTransactionReceipt', [hash]) };
}

before(async () => {
  const solc = require('solc') as { compile(input: string): string };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'Vault.sol': { content: SOURCE } },
        settings: {
          outputSelection: {
            '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.immutableReferences'] },
          },
        },
      }),
    ),
  );
  assert.deepEqual(
    (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error'),
    [],
  );
  const pick = (name: string): Compiled => {
    const c = output.contracts['Vault.sol'][name];
    return { abi: c.abi, bytecode: c.evm.bytecode, deployedBytecode: c.evm.deployedBytecode };
  };
  vault = pick('Vault');
  token = pick('Token');
  dir = mkdtempSync(join(tmpdir(), 'polyvm-artifacts-'));
  // Foundry: out/Vault.sol/Vault.json, bytecode objects, immutable references.
  mkdirSync(join(dir, 'Vault.sol'));
  writeFileSync(join(dir, 'Vault.sol', 'Vault.json'), JSON.stringify(vault));
  // Hardhat: contractName and hex strings; build-info is skipped.
  mkdirSync(join(dir, 'build-info'));
  writeFileSync(join(dir, 'build-info', 'x.json'), '{"not": "an artifact"');
  writeFileSync(
    join(dir, 'Token.json'),
    JSON.stringify({
      contractName: 'Token',
      abi: token.abi,
      bytecode: '0x' + token.bytecode.object,
      deployedBytecode: '0x' + token.deployedBytecode.object,
    }),
  );
  node = await spawnNode(['--artifacts', dir]);
  const t = await send({ data: '0x' + token.bytecode.object });
  const v = await send({
    data: '0x' + vault.bytecode.object + encodeAbiParameters([{ type: 'address' }], [t.receipt.contractAddress]).slice(2),
  });
  const vaultAddress = v.receipt.contractAddress as string;
  const deposit = await send({ to: vaultAddress, data: encodeFunctionData({ abi: vault.abi, functionName: 'deposit', args: [5n, 'hi'] }) });
  assert.equal(deposit.receipt.status, '0x1');
  depositHash = deposit.hash;
  const withdraw = await send({ to: vaultAddress, data: encodeFunctionData({ abi: vault.abi, functionName: 'withdraw', args: [10n] }) });
  assert.equal(withdraw.receipt.status, '0x0');
  withdrawHash = withdraw.hash;
});

after(async () => {
  if (process.env.SHOW_NODE_LOG) console.log(node?.output());
  await node?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function trace(...args: string[]) {
  return spawnSync(process.execPath, [POLYVM_BIN, 'trace', ...args], { encoding: 'utf8' });
}

/** The tree with each call's gas blanked (gas is checked separately). */
function shape(lines: string[]): string[] {
  return lines.map((l) => l.replace(/\[\d+\]/, '[gas]'));
}

const me = getAddress(FROM);

test('polyvm trace draws the calls with contract names, decoded calls, events and return values', () => {
  const run = trace(depositHash, '--rpc-url', node.url, '--artifacts', dir);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'Traces:');
  assert.deepEqual(shape(lines.slice(1, 8)), [
    '  [gas] Vault::deposit(5, "hi")',
    `    ├─ [gas] Token::pull(${me}, 5)`,
    `    │   ├─ emit Moved(from: ${me}, amount: 5)`,
    '    │   └─ ← [Return] true',
    `    ├─ emit Deposited(who: ${me}, amount: 5, note: "hi")`,
    '    └─ ← [Return] 5',
    '',
  ]);
  assert.equal(lines[8], 'Transaction successfully executed.');
  // Each call's gas is the callTracer's gasUsed: an inner call uses part of its caller's.
  const top = Number(/\[(\d+)\]/.exec(lines[1]!)![1]);
  const inner = Number(/\[(\d+)\]/.exec(lines[2]!)![1]);
  assert.ok(inner > 0 && inner < top, `${inner} < ${top}`);
});

test('a custom error is decoded by name; without artifacts the tree shows raw selectors', () => {
  const named = trace(withdrawHash, '--rpc-url', node.url, '--artifacts', dir);
  assert.equal(named.status, 1, 'a failed transaction exits 1');
  assert.deepEqual(shape(named.stdout.trimEnd().split('\n').slice(1, 3)), [
    '  [gas] Vault::withdraw(10)',
    '    └─ ← [Revert] InsufficientBalance(balance: 5, needed: 10)',
  ]);
  assert.match(named.stdout, /Transaction failed\./);
  const raw = trace(withdrawHash, '--rpc-url', node.url);
  const selector = encodeFunctionData({ abi: vault.abi, functionName: 'withdraw', args: [10n] }).slice(0, 10);
  assert.match(raw.stdout, new RegExp(`\\[\\d+\\] 0x[0-9a-fA-F]{40}::${selector}\\(0x0{62}0a\\)`));
  assert.match(raw.stdout, /← \[Revert\] custom error 0x[0-9a-f]{8}, data 0x/);
});

test("the node's log draws each mined transaction's tree and names the custom error", () => {
  const log = node.output();
  assert.match(log, /Error: reverted with: InsufficientBalance\(balance: 5, needed: 10\)/);
  assert.match(log, /Traces:\n\s+\[\d+\] Vault::deposit\(5, "hi"\)\n/);
  assert.match(log, /→ new Token@0x[0-9a-fA-F]{40}\n\s+└─ ← \[Return\] \d+ bytes of code/);
});

test('polyvm trace says what is wrong: bad hash, unknown transaction, unreachable node, bad artifacts', () => {
  const bad = trace('0x12');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /not a transaction hash/);
  const unknown = trace('0x' + '00'.repeat(32), '--rpc-url', node.url);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /transaction 0x0+ not found/);
  const down = trace(depositHash, '--rpc-url', 'http://127.0.0.1:9');
  assert.equal(down.status, 1);
  assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
  const missing = trace(depositHash, '--artifacts', join(dir, 'nope'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--artifacts: no such folder/);
  const json = trace(depositHash, '--rpc-url', node.url, '--json');
  const root = JSON.parse(json.stdout);
  assert.equal(root.type, 'CALL');
  assert.equal(root.calls[0].type, 'CALL');
  assert.equal(root.logs.length, 1);
});
