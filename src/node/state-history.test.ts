/** State at earlier blocks: balances, nonces, code, storage and calls at every block number. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNode, type PolyvmNode } from './node.js';

const node: PolyvmNode = createNode({ genesisTimestamp: 1_700_000_000 });
after(() => node.close());

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const FRESH = '0x00000000000000000000000000000000000f0f0f';
// Stores CALLDATALOAD(0) in slot 0 and returns SLOAD(0).
const STORE = '0x60003560005560005460005260206000f3';
// Returns SLOAD(0) without writing.
const READ = '0x60005460005260206000f3';

async function rpc(method: string, params: unknown[] = []): Promise<any> {
  return node.request({ method, params });
}

function initcodeFor(runtime: string): string {
  const code = runtime.slice(2);
  const length = (code.length / 2).toString(16).padStart(2, '0');
  return '0x60' + length + '80600b6000396000f3' + code;
}

const hex = (n: bigint | number) => '0x' + n.toString(16);
const word = (n: bigint | number) => '0x' + n.toString(16).padStart(64, '0');

test('balances, nonces, code and storage at every earlier block', async () => {
  const genesisBalance = BigInt(await rpc('eth_getBalance', [A0, 'latest']));
  // Block 1: deploy. Blocks 2-4: store 1, 2, then 0 (a deletion). Block 5: a transfer.
  const deploy = await rpc('eth_sendTransaction', [{ from: A0, data: initcodeFor(STORE) }]);
  const contract = (await rpc('eth_getTransactionReceipt', [deploy])).contractAddress;
  const hashes = [deploy];
  for (const value of [1n, 2n, 0n]) hashes.push(await rpc('eth_sendTransaction', [{ from: A0, to: contract, data: word(value) }]));
  hashes.push(await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: hex(12345n) }]));

  // The balance after each block, from the receipts: fees and the value sent.
  let balance = genesisBalance;
  const expected = [balance];
  for (const hash of hashes) {
    const receipt = await rpc('eth_getTransactionReceipt', [hash]);
    const tx = await rpc('eth_getTransactionByHash', [hash]);
    balance -= BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice) + BigInt(tx.value);
    expected.push(balance);
  }
  assert.equal(BigInt(await rpc('eth_blockNumber')), 5n);
  for (let block = 0; block <= 5; block++) {
    assert.equal(BigInt(await rpc('eth_getBalance', [A0, hex(block)])), expected[block], `balance at ${block}`);
    assert.equal(BigInt(await rpc('eth_getTransactionCount', [A0, hex(block)])), BigInt(block), `nonce at ${block}`);
  }
  assert.equal(await rpc('eth_getCode', [contract, '0x0']), '0x');
  assert.equal(await rpc('eth_getCode', [contract, '0x1']), STORE);
  const slots = ['0x0', '0x0', '0x1', '0x2', '0x0', '0x0'];
  for (let block = 0; block <= 5; block++) {
    assert.equal(BigInt(await rpc('eth_getStorageAt', [contract, '0x0', hex(block)])), BigInt(slots[block]!), `slot at ${block}`);
  }
  assert.equal(BigInt(await rpc('eth_getBalance', [A1, '0x4'])), BigInt(await rpc('eth_getBalance', [A1, '0x5'])) - 12345n);
  // A call at an earlier block runs on that block's state, and changes nothing.
  assert.equal(BigInt(await rpc('eth_call', [{ to: contract, data: word(9n) }, '0x3'])), 9n);
  assert.equal(BigInt(await rpc('eth_getStorageAt', [contract, '0x0', '0x3'])), 2n);
  assert.equal(await rpc('eth_call', [{ to: contract, data: word(9n) }, '0x0']), '0x');
  // By block hash too.
  const block2 = await rpc('eth_getBlockByNumber', ['0x2', false]);
  assert.equal(BigInt(await rpc('eth_getStorageAt', [contract, '0x0', { blockHash: block2.hash }])), 1n);
  // A block not mined yet is an error.
  await assert.rejects(rpc('eth_getBalance', [A0, '0x64']), /header not found|not mined/);
});

test('dev-method changes belong to the next block; snapshots rewind the history', async () => {
  const deploy = await rpc('eth_sendTransaction', [{ from: A0, data: initcodeFor(READ) }]);
  const reader = (await rpc('eth_getTransactionReceipt', [deploy])).contractAddress;
  const start = Number(await rpc('eth_blockNumber'));
  await rpc('anvil_setStorageAt', [reader, '0x0', word(5n)]);
  await rpc('anvil_setBalance', [FRESH, hex(777n)]);
  // Before a block is mined the change is in the latest state.
  assert.equal(BigInt(await rpc('eth_call', [{ to: reader }, 'latest'])), 5n);
  await rpc('evm_mine');
  await rpc('anvil_setStorageAt', [reader, '0x0', word(7n)]);
  await rpc('anvil_setStorageAt', [reader, '0x0', word(8n)]);
  await rpc('evm_mine');
  const snapshot = await rpc('evm_snapshot');
  await rpc('anvil_setStorageAt', [reader, '0x0', word(9n)]);
  await rpc('evm_mine');
  assert.equal(BigInt(await rpc('eth_call', [{ to: reader }, hex(start + 3)])), 9n);

  const at = async (block: number) => BigInt(await rpc('eth_call', [{ to: reader }, hex(block)]));
  assert.deepEqual([await at(start), await at(start + 1), await at(start + 2)], [0n, 5n, 8n]);
  assert.equal(BigInt(await rpc('eth_getBalance', [FRESH, hex(start)])), 0n);
  assert.equal(BigInt(await rpc('eth_getBalance', [FRESH, hex(start + 1)])), 777n);

  assert.equal(await rpc('evm_revert', [snapshot]), true);
  assert.equal(Number(await rpc('eth_blockNumber')), start + 2);
  assert.deepEqual([await at(start), await at(start + 1), await at(start + 2)], [0n, 5n, 8n]);
  await assert.rejects(rpc('eth_call', [{ to: reader }, hex(start + 3)]), /header not found|not mined/);
  // Mining again after the revert records the new history.
  await rpc('anvil_setStorageAt', [reader, '0x0', word(3n)]);
  await rpc('evm_mine');
  assert.deepEqual([await at(start + 2), await at(start + 3)], [8n, 3n]);
});

test('state from before a loaded chain is refused with a clear error', async () => {
  const dump = await rpc('anvil_dumpState');
  await rpc('anvil_loadState', [dump]);
  const latest = Number(await rpc('eth_blockNumber'));
  assert.ok(latest > 2);
  await assert.rejects(rpc('eth_getBalance', [A0, '0x1']), (error: Error) => {
    assert.match(error.message, new RegExp(`state at block 1 is not available: this node has the state of blocks ${latest} to ${latest}`));
    return true;
  });
  assert.ok(BigInt(await rpc('eth_getBalance', [A0, hex(latest)])) > 0n);
  // eth_getProof stays with the latest block.
  await assert.rejects(rpc('eth_getProof', [A0, [], '0x1']), /eth_getProof serves the latest block only/);
});

test('only the last historyBlocks blocks are kept', async () => {
  const small = createNode({ genesisTimestamp: 1_700_000_000, historyBlocks: 10 });
  try {
    const call = (method: string, params: unknown[] = []) => small.request({ method, params }) as Promise<any>;
    // Balances 1, 2, ..., 30 wei at blocks 1..30.
    for (let i = 1; i <= 30; i++) {
      await call('anvil_setBalance', [FRESH, hex(i)]);
      await call('evm_mine');
    }
    assert.equal(BigInt(await call('eth_blockNumber')), 30n);
    // Pruning runs in batches of a tenth: at least the last 10 blocks are there, and their states are right.
    for (let block = 20; block <= 30; block++)
      assert.equal(BigInt(await call('eth_getBalance', [FRESH, hex(block)])), BigInt(block), `block ${block}`);
    await assert.rejects(
      call('eth_getBalance', [FRESH, '0x5']),
      /state at block 5 is not available: this node has the state of blocks 2\d to 30 \(the last 10 blocks/,
    );
  } finally {
    small.close();
  }
});

test('a pinned state stays as it was through dev methods, blocks, pruning; a rewrite voids it', async () => {
  const pinned = createNode({ genesisTimestamp: 1_700_000_000, historyBlocks: 2 });
  try {
    const call = (method: string, params: unknown[] = []): Promise<any> => pinned.request({ method, params });
    const chain = pinned.chain;
    const address = FRESH;
    await call('anvil_setBalance', [address, '0x10']);
    await call('anvil_setStorageAt', [address, '0x1', word(5)]);
    // The live state (dev methods since the latest block included), then the latest block's start.
    const now = chain.pinState({ block: chain.blockNumber, before: false });
    // After the pin, before the next block: recorded with the same tag as the changes before it.
    await call('anvil_setBalance', [address, '0x18']);
    await call('evm_mine');
    const before = chain.pinState({ block: chain.blockNumber, before: true });
    // Two dev changes between the same blocks (one tag in the history), then many blocks: more than historyBlocks.
    await call('anvil_setBalance', [address, '0x20']);
    await call('anvil_setBalance', [address, '0x30']);
    await call('anvil_setStorageAt', [address, '0x1', word(6)]);
    for (let i = 0; i < 6; i++) await call('evm_mine');
    await call('anvil_setBalance', [address, '0x40']);
    for (const [state, balance] of [
      [now, 0x10n],
      [before, 0x18n],
    ] as const) {
      assert.equal(state.reader.readAccount(address)?.balance, balance);
      assert.equal(state.reader.readStorage(address, 1n), 5n);
      assert.equal(state.valid, true);
    }
    // Released, the history may drop what they needed; the chain itself moved on.
    now.release();
    before.release();
    assert.equal(await call('eth_getBalance', [address, 'latest']), '0x40');
    const again = chain.pinState({ block: chain.blockNumber, before: false });
    const snapshot = await call('evm_snapshot');
    await call('evm_mine');
    assert.equal(again.valid, true);
    await call('evm_revert', [snapshot]);
    assert.equal(again.valid, false);
    again.release();
  } finally {
    await pinned.close();
  }
});
