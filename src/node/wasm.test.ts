/**
 * WebAssembly programs on `polyvm node --wasm`, as a dapp developer meets them: deployed with an
 * ordinary viem transaction, called and written to, a refused program's reason in the error
 * and in the node's log, and the same init code refused on a node without programs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicClient, createWalletClient, http, type Hex } from 'viem';
import { foundry } from 'viem/chains';
import { privateKeyToAccount } from 'viem/accounts';
import { spawnNode, type SpawnedNode } from './testing/spawn-node.js';
import { watModule } from '../wasm/testing/programs.js';
import { compileWat } from '../wasm/testing/compile.js';
import { compressProgram } from '../wasm/compress.js';
import { deployCode } from '../wasm/format.js';
import { bytesToHex } from '../primitives/bytes.js';

const ACCOUNT = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');

/** Stores calldata word 1 at slot (word 0) when given 64 bytes; always returns slot 0's value. */
const STORE = watModule(`
  (call $read_args (i32.const 0))
  (if (i32.eq (local.get $len) (i32.const 64))
    (then
      (call $storage_cache_bytes32 (i32.const 0) (i32.const 32))
      (call $storage_flush_cache (i32.const 0))))
  (call $storage_load_bytes32 (i32.const 100) (i32.const 200))
  (call $write_result (i32.const 200) (i32.const 32))
  (i32.const 0)`);

let node: SpawnedNode;
let plain: SpawnedNode;
let initcode: Hex;

before(async () => {
  [node, plain, initcode] = await Promise.all([
    spawnNode(['--wasm']),
    spawnNode([]),
    compileWat(STORE).then((wasm) => bytesToHex(deployCode(compressProgram(wasm))) as Hex),
  ]);
});

after(async () => {
  await Promise.all([node?.stop(), plain?.stop()]);
});

function clients(url: string) {
  return {
    wallet: createWalletClient({ chain: foundry, transport: http(url), account: ACCOUNT }),
    client: createPublicClient({ chain: foundry, transport: http(url), pollingInterval: 20 }),
  };
}

test('the banner says programs are on', () => {
  assert.match(node.output(), /WebAssembly programs/);
  assert.doesNotMatch(plain.output(), /WebAssembly programs/);
});

test('viem deploys a program with a normal transaction, then calls it and writes its storage', async () => {
  const { wallet, client } = clients(node.url);
  const hash = await wallet.sendTransaction({ data: initcode });
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'success');
  const address = receipt.contractAddress!;
  const code = await client.getCode({ address });
  assert.match(code!, /^0xeff00000/);

  const slot0 = '0x' + '00'.repeat(32);
  const value = '0x' + '00'.repeat(31) + '2a';
  const write = await wallet.sendTransaction({ to: address, data: (slot0 + value.slice(2)) as Hex });
  assert.equal((await client.waitForTransactionReceipt({ hash: write })).status, 'success');
  assert.equal(await client.getStorageAt({ address, slot: slot0 as Hex }), value);
  const read = await client.call({ to: address, data: '0x' });
  assert.equal(read.data, value);
  const gas = await client.estimateGas({ account: ACCOUNT, to: address, data: (slot0 + '00'.repeat(31) + '07') as Hex });
  assert.ok(gas > 21_000n && gas < 100_000n, `estimate ${gas}`);
});

test('a program placed with anvil_setCode is activated on its first call', async () => {
  const { client } = clients(node.url);
  const address = '0x00000000000000000000000000000000000c0de5';
  const code = bytesToHex(compressProgram(await compileWat(STORE)));
  await client.request({ method: 'anvil_setCode' as never, params: [address, code] as never });
  const read = await client.call({ to: address, data: '0x' });
  assert.equal(read.data, '0x' + '00'.repeat(32));
});

test('a program that fails activation: eth_call and estimateGas say why, and so does the node log', async () => {
  const { client } = clients(node.url);
  // A start function: Stylus refuses it at activation.
  const bad = await compileWat(
    '(module (memory (export "memory") 1 1) (func $s) (start $s) (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))',
  );
  const data = bytesToHex(deployCode(compressProgram(bad))) as Hex;
  await assert.rejects(client.call({ account: ACCOUNT, data }), /program refused: .*start/);
  await assert.rejects(client.estimateGas({ account: ACCOUNT, data }), /program refused: .*start/);
  const { wallet } = clients(node.url);
  const hash = await wallet.sendTransaction({ data, gas: 3_000_000n });
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'reverted');
  assert.equal(receipt.gasUsed, 3_000_000n, 'a refused deploy spends all its gas');
  assert.match(node.output(), new RegExp(`transaction ${hash}: contract code rejected: program refused`));
});

test('without --wasm the same init code is refused (EIP-3541)', async () => {
  const { wallet, client } = clients(plain.url);
  const hash = await wallet.sendTransaction({ data: initcode, gas: 3_000_000n });
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'reverted');
  assert.equal(await client.getCode({ address: receipt.contractAddress! }), undefined);
});
