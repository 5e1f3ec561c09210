/**
 * examples/wasm/erc20-c: the ERC-20 written in C, built with clang and wasm-ld, deployed to
 * `createNode({ wasm: true })` by an ordinary create transaction and used through viem's
 * `erc20Abi`, as any ERC-20 is: transfers, allowances, events in receipts and eth_getLogs, and
 * OpenZeppelin v5's custom errors decoded by viem.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BaseError,
  encodeAbiParameters,
  encodeFunctionData,
  erc20Abi,
  keccak256,
  maxUint256,
  parseEventLogs,
  zeroAddress,
  type Address,
  type Hex,
} from 'viem';
import {
  C_TOKEN_EXTRAS,
  OZ_ERC20_ERRORS,
  REPO_ROOT,
  compileCExample,
  programInitCode,
  startSession,
  type Session,
} from './testing/wasm-examples.js';

const TOKEN_ABI = [...erc20Abi, ...OZ_ERC20_ERRORS, ...C_TOKEN_EXTRAS] as const;
const SUPPLY = 1_000_000n * 10n ** 18n;

let s: Session;
let wasm: Uint8Array;
let token: Address;
let alice: Address, bob: Address, carol: Address;

before(async () => {
  wasm = compileCExample('erc20-c/token.c');
  s = await startSession();
  [alice, bob, carol] = s.wallets.map((w) => w.account.address) as [Address, Address, Address];
  token = await s.deployProgram(s.wallets[0]!, wasm);
});

after(async () => {
  await s?.node.close();
});

const read = <T>(functionName: string, args: readonly unknown[] = []): Promise<T> =>
  s.client.readContract({ address: token, abi: TOKEN_ABI, functionName: functionName as never, args: args as never }) as Promise<T>;

const write = (from: number, functionName: string, args: readonly unknown[]) =>
  s.mined(s.wallets[from]!.writeContract({ address: token, abi: TOKEN_ABI, functionName: functionName as never, args: args as never }));

const revertOf = (from: Address, functionName: string, args: readonly unknown[]) => s.revertOf(from, token, TOKEN_ABI, functionName, args);

/** Solidity's slot of mapping[key] at `slot`: keccak256(key ‖ slot). */
const mappingSlot = (key: Address | Hex, slot: bigint | Hex): Hex =>
  keccak256(
    encodeAbiParameters([{ type: key.length === 42 ? 'address' : 'bytes32' }, { type: typeof slot === 'bigint' ? 'uint256' : 'bytes32' }], [
      key,
      slot,
    ] as never),
  );

const word = (value: bigint): Hex => `0x${value.toString(16).padStart(64, '0')}`;

test('the C token builds to a small module that imports only vm_hooks, and `polyvm wasm deploy-code` prints the same init code', () => {
  const module = new WebAssembly.Module(wasm);
  assert.deepEqual(
    WebAssembly.Module.exports(module)
      .map((e) => e.name)
      .sort(),
    ['memory', 'user_entrypoint'],
  );
  assert.ok(WebAssembly.Module.imports(module).every((i) => i.module === 'vm_hooks' && i.kind === 'function'));
  assert.ok(wasm.length < 24_576, `${wasm.length} bytes`);
  // The README's recipe: the CLI's init code is the one the tests deploy.
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-erc20-c-'));
  try {
    writeFileSync(join(dir, 'token.wasm'), wasm);
    const printed = execFileSync(process.execPath, [join(REPO_ROOT, 'bin/polyvm.js'), 'wasm', 'deploy-code', join(dir, 'token.wasm')], {
      encoding: 'utf8',
    });
    assert.equal(printed.trim(), programInitCode(wasm));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('metadata, then init mints the supply to the caller once', async () => {
  assert.match((await s.client.getCode({ address: token }))!, /^0xeff00000/);
  assert.equal(await read('name'), 'C Token');
  assert.equal(await read('symbol'), 'CTK');
  assert.equal(await read('decimals'), 18);
  assert.equal(await read('totalSupply'), 0n);

  const receipt = await write(0, 'init', [SUPPLY]);
  const logs = parseEventLogs({ abi: erc20Abi, logs: receipt.logs });
  assert.deepEqual(
    logs.map((l) => [l.eventName, l.address, l.args]),
    [['Transfer', token, { from: zeroAddress, to: alice, value: SUPPLY }]],
  );
  assert.equal(await read('totalSupply'), SUPPLY);
  assert.equal(await read('balanceOf', [alice]), SUPPLY);
  // Solidity's layout: totalSupply at slot 2, balances at keccak256(owner ‖ 0).
  assert.equal(await s.client.getStorageAt({ address: token, slot: word(2n) }), word(SUPPLY));
  assert.equal(await s.client.getStorageAt({ address: token, slot: mappingSlot(alice, 0n) }), word(SUPPLY));

  const again = await revertOf(bob, 'init', [1n]);
  assert.equal(again.name, 'AlreadyInitialized');
});

test('transfer moves tokens, returns true, emits Transfer and stores balances where Solidity would', async () => {
  const amount = 1234n * 10n ** 18n;
  const { result } = await s.client.simulateContract({
    account: alice,
    address: token,
    abi: erc20Abi,
    functionName: 'transfer',
    args: [bob, amount],
  });
  assert.equal(result, true);
  const receipt = await write(0, 'transfer', [bob, amount]);
  // A first write to bob's slot is a fresh SSTORE (20,000 gas): the flush really stored it.
  assert.ok(receipt.gasUsed > 21_000n + 20_000n && receipt.gasUsed < 100_000n, `gas ${receipt.gasUsed}`);
  assert.deepEqual(
    parseEventLogs({ abi: erc20Abi, logs: receipt.logs }).map((l) => [l.eventName, l.args]),
    [['Transfer', { from: alice, to: bob, value: amount }]],
  );
  assert.equal(receipt.logs[0]!.topics[0], keccak256(new TextEncoder().encode('Transfer(address,address,uint256)')));
  assert.equal(await read('balanceOf', [alice]), SUPPLY - amount);
  assert.equal(await read('balanceOf', [bob]), amount);
  assert.equal(await read('totalSupply'), SUPPLY);
  assert.equal(await s.client.getStorageAt({ address: token, slot: mappingSlot(bob, 0n) }), word(amount));

  // To oneself: the balance is unchanged and the event is still emitted.
  const self = await write(1, 'transfer', [bob, 5n]);
  assert.equal(await read('balanceOf', [bob]), amount);
  assert.equal(parseEventLogs({ abi: erc20Abi, logs: self.logs }).length, 1);
});

test('approve, allowance and transferFrom, with the allowance stored at keccak256(spender ‖ keccak256(owner ‖ 1))', async () => {
  const aliceBefore = await read<bigint>('balanceOf', [alice]);
  const allowed = 500n;
  const approved = await write(0, 'approve', [carol, allowed]);
  assert.deepEqual(
    parseEventLogs({ abi: erc20Abi, logs: approved.logs }).map((l) => [l.eventName, l.args]),
    [['Approval', { owner: alice, spender: carol, value: allowed }]],
  );
  assert.equal(await read('allowance', [alice, carol]), allowed);
  assert.equal(await read('allowance', [carol, alice]), 0n);
  const slot = mappingSlot(carol, mappingSlot(alice, 1n));
  assert.equal(await s.client.getStorageAt({ address: token, slot }), word(allowed));

  const spent = 200n;
  const moved = await write(2, 'transferFrom', [alice, bob, spent]);
  // OpenZeppelin v5 emits no Approval when an allowance is spent.
  assert.deepEqual(
    parseEventLogs({ abi: erc20Abi, logs: moved.logs }).map((l) => [l.eventName, l.args]),
    [['Transfer', { from: alice, to: bob, value: spent }]],
  );
  assert.equal(await read('allowance', [alice, carol]), allowed - spent);
  assert.equal(await read('balanceOf', [alice]), aliceBefore - spent);

  // An infinite allowance is not lowered.
  await write(1, 'approve', [carol, maxUint256]);
  const bobBefore = await read<bigint>('balanceOf', [bob]);
  await write(2, 'transferFrom', [bob, carol, 7n]);
  assert.equal(await read('allowance', [bob, carol]), maxUint256);
  assert.equal(await read('balanceOf', [bob]), bobBefore - 7n);
  assert.equal(await read('balanceOf', [carol]), 7n);
});

test('reverts are OpenZeppelin v5 custom errors, decoded by viem; a mined revert changes nothing', async () => {
  const bobBalance = await read<bigint>('balanceOf', [bob]);
  const balance = await revertOf(bob, 'transfer', [carol, bobBalance + 1n]);
  assert.equal(balance.name, 'ERC20InsufficientBalance');
  assert.deepEqual(balance.args, [bob, bobBalance, bobBalance + 1n]);

  const remaining = await read<bigint>('allowance', [alice, carol]);
  const allowance = await revertOf(carol, 'transferFrom', [alice, carol, remaining + 1n]);
  assert.equal(allowance.name, 'ERC20InsufficientAllowance');
  assert.deepEqual(allowance.args, [carol, remaining, remaining + 1n]);

  // transferFrom checks the allowance first, then the balance (carol has 7, but allows bob everything).
  await write(2, 'approve', [bob, maxUint256]);
  const fromBalance = await revertOf(bob, 'transferFrom', [carol, bob, 8n]);
  assert.equal(fromBalance.name, 'ERC20InsufficientBalance');
  assert.deepEqual(fromBalance.args, [carol, 7n, 8n]);

  assert.deepEqual((await revertOf(alice, 'transfer', [zeroAddress, 1n])).args, [zeroAddress]);
  assert.equal((await revertOf(alice, 'transfer', [zeroAddress, 1n])).name, 'ERC20InvalidReceiver');
  assert.equal((await revertOf(alice, 'approve', [zeroAddress, 1n])).name, 'ERC20InvalidSpender');

  // Mined with a fixed gas limit (no estimate to refuse it): reverted, balances as they were, no logs.
  const hash = await s.wallets[1]!.writeContract({
    address: token,
    abi: erc20Abi,
    functionName: 'transfer',
    args: [carol, bobBalance + 1n],
    gas: 200_000n,
  });
  const receipt = await s.client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
  assert.equal(receipt.status, 'reverted');
  assert.deepEqual(receipt.logs, []);
  assert.equal(await read('balanceOf', [bob]), bobBalance);
  assert.equal(await read('balanceOf', [carol]), 7n);
});

test('calldata solc would refuse reverts with no data: unknown selector, short arguments, dirty address bits, sent value', async () => {
  const call = (data: Hex, value = 0n) => s.client.call({ account: alice, to: token, data, value });
  const transfer = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [bob, 1n] });
  assert.equal((await call(transfer)).data, word(1n));
  const emptyRevert = (e: unknown) => {
    assert.ok(e instanceof BaseError);
    assert.match(e.message, /execution reverted/);
    assert.equal((e.walk() as { data?: unknown }).data ?? '0x', '0x');
    return true;
  };
  await assert.rejects(call('0x12345678'), emptyRevert);
  await assert.rejects(call(transfer.slice(0, -2) as Hex), emptyRevert);
  const dirty = (transfer.slice(0, 10) + 'ff' + transfer.slice(12)) as Hex;
  await assert.rejects(call(dirty), emptyRevert);
  await assert.rejects(call(transfer, 1n), emptyRevert);
});

test('eth_getLogs finds the token events by event and by indexed argument', async () => {
  const all = await s.client.getContractEvents({ address: token, abi: erc20Abi, fromBlock: 0n });
  // init, transfer, transfer to oneself, approve, transferFrom, two approvals, transferFrom, as the tests above ran.
  assert.deepEqual(
    all.map((l) => l.eventName),
    ['Transfer', 'Transfer', 'Transfer', 'Approval', 'Transfer', 'Approval', 'Transfer', 'Approval'],
  );
  const filtered = (eventName: 'Transfer' | 'Approval', args: Record<string, Address>) =>
    s.client.getContractEvents({ address: token, abi: erc20Abi, eventName, args, fromBlock: 0n });
  assert.deepEqual(
    (await filtered('Transfer', { to: carol })).map((l) => l.args),
    [{ from: bob, to: carol, value: 7n }],
  );
  const approvals = await filtered('Approval', { owner: alice });
  assert.deepEqual(
    approvals.map((l) => l.args),
    [{ owner: alice, spender: carol, value: 500n }],
  );
  // The same through raw eth_getLogs: topic0 is the event signature's hash.
  const raw = (await s.node.request({
    method: 'eth_getLogs',
    params: [{ address: token, fromBlock: '0x0', topics: [keccak256(new TextEncoder().encode('Approval(address,address,uint256)'))] }],
  })) as unknown[];
  assert.equal(raw.length, 3);
});
