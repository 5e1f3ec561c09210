/**
 * A real `polyvm node` process driven by viem and ethers over HTTP and WebSocket: a contract
 * compiled here with solc-js, events, reverts decoded by the clients, every transaction type,
 * snapshots, impersonation, and the transport's bad-input handling.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import WebSocket from 'ws';
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  webSocket,
  parseEther,
  encodeFunctionData,
  BaseError,
  ContractFunctionRevertedError,
  type Abi,
  type Hex,
} from 'viem';
import { foundry } from 'viem/chains';
import { privateKeyToAccount } from 'viem/accounts';
import { ContractFactory, JsonRpcProvider, WebSocketProvider, type Contract } from 'ethers';
import { spawnNode, type SpawnedNode } from './testing/spawn-node.js';

const require = createRequire(import.meta.url);

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Counter {
  uint256 public count;
  event Incremented(address indexed by, uint256 total);
  error TooLarge(uint256 value, uint256 limit);
  function increment(uint256 by) external {
    if (by > 100) revert TooLarge(by, 100);
    require(by != 0, "zero increment");
    count += by;
    emit Incremented(msg.sender, count);
  }
}`;

function compile(): { abi: Abi; bytecode: Hex } {
  const solc = require('solc') as { compile(input: string): string };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'Counter.sol': { content: SOURCE } },
        settings: { outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
      }),
    ),
  );
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  assert.deepEqual(errors, []);
  const contract = output.contracts['Counter.sol'].Counter;
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

const KEY0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const KEY1 = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const KEY3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
const A0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const A1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

let node: SpawnedNode;
let counter: { abi: Abi; bytecode: Hex };
let publicClient: ReturnType<typeof createPublicClient>;
let testClient: ReturnType<typeof createTestClient>;

before(async () => {
  [node, counter] = await Promise.all([spawnNode(['--max-body-bytes', '200000', '--max-batch', '20']), Promise.resolve().then(compile)]);
  publicClient = createPublicClient({ chain: foundry, transport: http(node.url), pollingInterval: 20 });
  testClient = createTestClient({ chain: foundry, mode: 'anvil', transport: http(node.url) });
});

after(async () => {
  await node?.stop();
});

async function deployWithViem(): Promise<Hex> {
  const wallet = createWalletClient({ chain: foundry, transport: http(node.url), account: A0 });
  const hash = await wallet.deployContract({ abi: counter.abi, bytecode: counter.bytecode });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'success');
  return receipt.contractAddress!;
}

test('the node prints its accounts, keys, a warning, and the address last', () => {
  const lines = node.output().trim().split('\n');
  assert.match(node.output(), /0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 \(10000 ETH\)/);
  assert.match(node.output(), /0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80/);
  assert.match(node.output(), /publicly known/);
  assert.match(lines[lines.length - 1]!, /^Listening on http:\/\/127\.0\.0\.1:\d+/);
});

test('viem: deploy, call, write, events through getLogs and a WebSocket subscription', async (t) => {
  const address = await deployWithViem();
  const ws = createPublicClient({ chain: foundry, transport: webSocket(node.wsUrl, { reconnect: false }) });
  // Closed whatever happens: an open socket would keep this file's process alive after a failure;
  // and never reconnecting, so a socket the stopped node closed is not opened again and again.
  // Opened here, before the watch and the subscription below ask for it: viem caches a socket
  // only once it is open, so two first uses racing would open two (one never closed).
  const rpcClient = await (ws.transport as unknown as { getRpcClient(): Promise<{ close(): void }> }).getRpcClient();
  t.after(() => rpcClient.close());
  const seen: bigint[] = [];
  const arrived = new Promise<void>((resolve) => {
    const unwatch = ws.watchContractEvent({
      address,
      abi: counter.abi,
      eventName: 'Incremented',
      onLogs: (logs) => {
        for (const log of logs) seen.push((log as unknown as { args: { total: bigint } }).args.total);
        if (seen.length >= 2) {
          unwatch();
          resolve();
        }
      },
    });
  });
  // The watch's eth_subscribe must reach the node before the events happen: a subscription of
  // our own on the same socket, sent after it, is answered after it (however busy the machine).
  await new Promise((r) => setTimeout(r, 50));
  const transport = ws.transport as unknown as {
    subscribe(args: { params: unknown[]; onData: () => void; onError: () => void }): Promise<{ unsubscribe(): Promise<unknown> }>;
  };
  const marker = await transport.subscribe({ params: ['newHeads'], onData: () => {}, onError: () => {} });
  await marker.unsubscribe();
  const wallet = createWalletClient({ chain: foundry, transport: http(node.url), account: A0 });
  for (const by of [3n, 4n]) {
    const hash = await wallet.writeContract({ address, abi: counter.abi, functionName: 'increment', args: [by], chain: foundry });
    await publicClient.waitForTransactionReceipt({ hash });
  }
  assert.equal(await publicClient.readContract({ address, abi: counter.abi, functionName: 'count' }), 7n);
  const logs = await publicClient.getContractEvents({ address, abi: counter.abi, eventName: 'Incremented', fromBlock: 0n });
  assert.deepEqual(
    logs.map((l) => (l as unknown as { args: { total: bigint } }).args.total),
    [3n, 7n],
  );
  // A read at an earlier block sees that block's state.
  const first = logs[0]!.blockNumber!;
  assert.equal(await publicClient.readContract({ address, abi: counter.abi, functionName: 'count', blockNumber: first }), 3n);
  assert.equal(await publicClient.readContract({ address, abi: counter.abi, functionName: 'count', blockNumber: first - 1n }), 0n);
  await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('no subscription events')), 5000))]);
  assert.deepEqual(seen, [3n, 7n]);
});

test('viem decodes a revert reason and a custom error', async () => {
  const address = await deployWithViem();
  const attempt = async (by: bigint) => {
    try {
      await publicClient.simulateContract({ address, abi: counter.abi, functionName: 'increment', args: [by], account: A0 });
    } catch (error) {
      const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
      assert.ok(revert instanceof ContractFunctionRevertedError, String(error));
      return revert;
    }
    assert.fail('the call should revert');
  };
  assert.equal((await attempt(0n)).reason, 'zero increment');
  const custom = await attempt(1000n);
  assert.equal(custom.data?.errorName, 'TooLarge');
  assert.deepEqual(custom.data?.args, [1000n, 100n]);
});

test('ethers: deploy, call, events over WebSocket, revert reason and custom error', async () => {
  const provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 20;
  const signer = await provider.getSigner(1);
  const factory = new ContractFactory(counter.abi as never, counter.bytecode, signer);
  const contract = (await factory.deploy()) as unknown as Contract;
  await contract.waitForDeployment();
  const address = await contract.getAddress();

  const wsProvider = new WebSocketProvider(node.wsUrl, 31337);
  const watched = new (await import('ethers')).Contract(address, counter.abi as never, wsProvider);
  let heard: (total: bigint) => void = () => {};
  const event = new Promise<bigint>((resolve) => (heard = resolve));
  // Once `once` resolves, ethers has sent its eth_subscribe; a request after it on the same
  // socket is answered after it, so the subscription is in place before the event.
  await watched.once('Incremented', (_by: string, total: bigint) => heard(total));
  await wsProvider.send('net_version', []);
  await (await contract.getFunction('increment')(5n)).wait();
  assert.equal(await contract.getFunction('count')(), 5n);
  assert.equal(await Promise.race([event, new Promise((_, reject) => setTimeout(() => reject(new Error('no event')), 5000))]), 5n);
  await wsProvider.destroy();

  const reverted = await contract
    .getFunction('increment')(0n)
    .then(
      () => assert.fail('should revert'),
      (e: { reason?: string }) => e,
    );
  assert.equal(reverted.reason, 'zero increment');
  // ethers decodes custom errors against the contract's ABI on calls (a send's estimate fails
  // inside the signer, which does not know the ABI).
  const custom = await contract
    .getFunction('increment')
    .staticCall(500n)
    .then(
      () => assert.fail('should revert'),
      (e: { revert?: { name: string; args: unknown[] } }) => e,
    );
  assert.equal(custom.revert?.name, 'TooLarge');
  assert.deepEqual([...custom.revert!.args], [500n, 100n]);
  provider.destroy();
});

test('every transaction type: legacy, EIP-2930, EIP-1559, EIP-4844 signed by viem', async () => {
  const account = privateKeyToAccount(KEY1);
  const wallet = createWalletClient({ chain: foundry, transport: http(node.url), account });
  const types = [
    { type: 'legacy' as const },
    { type: 'eip2930' as const, accessList: [{ address: A0 as Hex, storageKeys: [('0x' + '00'.repeat(32)) as Hex] }] },
    { type: 'eip1559' as const },
  ];
  for (const extra of types) {
    const hash = await wallet.sendTransaction({ to: A0, value: 1n, ...extra } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, 'success');
    assert.equal(receipt.type, extra.type);
  }
  // A blob transaction without its sidecar (the canonical form) is accepted as well.
  const nonce = await publicClient.getTransactionCount({ address: account.address });
  const block = await publicClient.getBlock();
  const serialized = await account.signTransaction({
    type: 'eip4844',
    chainId: 31337,
    nonce,
    to: A0,
    gas: 21000n,
    maxFeePerGas: block.baseFeePerGas! * 2n + 10n ** 9n,
    maxPriorityFeePerGas: 10n ** 9n,
    maxFeePerBlobGas: 10n,
    blobVersionedHashes: [('0x01' + '11'.repeat(31)) as Hex],
  });
  const blobHash = await publicClient.sendRawTransaction({ serializedTransaction: serialized });
  const blobReceipt = await publicClient.waitForTransactionReceipt({ hash: blobHash });
  assert.equal(blobReceipt.status, 'success');
  assert.equal(blobReceipt.blobGasUsed, 131072n);
  const mined = await publicClient.getBlock({ blockNumber: blobReceipt.blockNumber });
  assert.equal(mined.blobGasUsed, 131072n);
});

test('snapshots and impersonation through viem test actions', async () => {
  const id = await testClient.snapshot();
  const before = await publicClient.getBalance({ address: A1 });
  const wallet = createWalletClient({ chain: foundry, transport: http(node.url), account: A0 });
  await publicClient.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: A1, value: parseEther('1') }) });
  assert.equal(await publicClient.getBalance({ address: A1 }), before + parseEther('1'));
  await testClient.revert({ id });
  assert.equal(await publicClient.getBalance({ address: A1 }), before);

  const whale = '0x00000000000000000000000000000000000000ee';
  await testClient.setBalance({ address: whale, value: parseEther('5') });
  await testClient.impersonateAccount({ address: whale });
  const impersonated = createWalletClient({ chain: foundry, transport: http(node.url), account: whale });
  const hash = await impersonated.sendTransaction({ to: A1, value: parseEther('2') });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  assert.equal(receipt.from, whale);
  assert.ok((await publicClient.getBalance({ address: whale })) < parseEther('3'));
  await testClient.stopImpersonatingAccount({ address: whale });
  await assert.rejects(impersonated.sendTransaction({ to: A1, value: 1n }));
  await testClient.mine({ blocks: 3 });
});

test('EIP-7702: a type-4 transaction delegates an account to a contract (viem)', async () => {
  const counterAddress = await deployWithViem();
  const eoa = privateKeyToAccount(KEY3);
  const wallet = createWalletClient({ chain: foundry, transport: http(node.url), account: eoa });
  const authorization = await wallet.signAuthorization({ contractAddress: counterAddress, executor: 'self' });
  const hash = await wallet.sendTransaction({
    authorizationList: [authorization],
    to: eoa.address,
    data: encodeFunctionData({ abi: counter.abi, functionName: 'increment', args: [2n] }),
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'success');
  assert.equal(receipt.type, 'eip7702');
  const code = await publicClient.getCode({ address: eoa.address });
  assert.equal(code, `0xef0100${counterAddress.slice(2).toLowerCase()}`);
  // The EOA now runs the counter's code on its own storage.
  assert.equal(await publicClient.readContract({ address: eoa.address, abi: counter.abi, functionName: 'count' }), 2n);
  const tx = await publicClient.getTransaction({ hash });
  assert.equal(tx.authorizationList?.[0]?.address.toLowerCase(), counterAddress.toLowerCase());
});

// ---- the transport: bad input never crashes the node ----

async function post(body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(node.url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

test('HTTP: parse errors, invalid requests, batches, limits, notifications', async () => {
  assert.equal((await post('{nope')).json.error.code, -32700);
  assert.equal((await post('')).json.error.code, -32700);
  assert.equal((await post('5')).json.error.code, -32600);
  assert.equal((await post('[]')).json.error.code, -32600);
  assert.equal((await post('{"jsonrpc":"2.0","id":{},"method":"eth_chainId"}')).json.error.code, -32600);
  assert.equal((await post('{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}')).json.error.code, -32600);
  assert.equal((await post('{"jsonrpc":"2.0","id":1,"method":5}')).json.error.code, -32600);
  assert.equal((await post('{"jsonrpc":"2.0","id":1,"method":"eth_nothing"}')).json.error.code, -32601);
  assert.equal((await post('{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x1"]}')).json.error.code, -32602);
  const batch = await post(
    JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId' },
      7,
      { jsonrpc: '2.0', method: 'eth_chainId' },
      { jsonrpc: '2.0', id: 'b', method: 'net_version' },
    ]),
  );
  assert.deepEqual(
    batch.json.map((r: { id: unknown }) => r.id),
    [1, null, 'b'],
  );
  assert.equal(batch.json[1].error.code, -32600);
  const notificationsOnly = await post(JSON.stringify([{ jsonrpc: '2.0', method: 'eth_chainId' }]));
  assert.equal(notificationsOnly.status, 204);
  const tooMany = await post(JSON.stringify(Array.from({ length: 21 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_chainId' }))));
  assert.equal(tooMany.json.error.code, -32600);
  const huge = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'web3_sha3', params: ['0x' + 'ab'.repeat(150_000)] }));
  assert.equal(huge.status, 413);
  assert.equal(huge.json.error.code, -32600);
  const get = await fetch(node.url);
  assert.equal(get.status, 405);
  assert.equal(((await get.json()) as { error: { code: number } }).error.code, -32600);
  const options = await fetch(node.url, { method: 'OPTIONS' });
  assert.equal(options.headers.get('access-control-allow-origin'), '*');
  // eth_subscribe needs a WebSocket.
  assert.equal((await post('{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}')).json.error.code, -32601);
  // Still alive and well.
  assert.equal((await post('{"jsonrpc":"2.0","id":9,"method":"eth_chainId"}')).json.result, '0x7a69');
});

test('WebSocket: requests, bad messages, subscriptions', async () => {
  const socket = new WebSocket(node.wsUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const replies: any[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    replies.push(JSON.parse(data.toString()));
    waiters.shift()?.();
  });
  const next = () =>
    new Promise<any>((resolve) => (replies.length > 0 ? resolve(replies.shift()) : waiters.push(() => resolve(replies.shift()))));
  socket.send('{oops');
  assert.equal((await next()).error.code, -32700);
  socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }));
  assert.equal((await next()).result, '0x7a69');
  socket.send('x'.repeat(250_000));
  assert.equal((await next()).error.code, -32600);
  socket.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'eth_subscribe', params: ['newHeads'] }));
  const subscription = (await next()).result;
  socket.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'evm_mine' }));
  const messages = [await next(), await next()];
  const notification = messages.find((m) => m.method === 'eth_subscription');
  assert.equal(notification.params.subscription, subscription);
  assert.match(notification.params.result.hash, /^0x[0-9a-f]{64}$/);
  socket.send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'eth_unsubscribe', params: [subscription] }));
  assert.equal((await next()).result, true);
  socket.close();
});
