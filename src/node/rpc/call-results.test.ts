/**
 * eth_call's kept answers and the kept block context (call-results.ts, DevChain.blockContext):
 * a call asked again after anything it reads changed sees the change, however it changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNode } from '../node.js';

// Returns four words: storage slot 0, its own balance, the block number and the chain id.
// PUSH1 0 SLOAD PUSH1 0 MSTORE SELFBALANCE PUSH1 32 MSTORE NUMBER PUSH1 64 MSTORE CHAINID PUSH1 96 MSTORE PUSH1 128 PUSH1 0 RETURN
const PROBE_CODE = '0x600054600052476020524360405246606052608060' + '00f3';
const PROBE = '0x00000000000000000000000000000000000c0ffe';

function words(hex: unknown): bigint[] {
  assert.equal(typeof hex, 'string');
  const body = (hex as string).slice(2);
  assert.equal(body.length, 256);
  return [0, 1, 2, 3].map((i) => BigInt('0x' + body.slice(i * 64, i * 64 + 64)));
}

test('eth_call after a state change, a new block, a revert or a new chain id sees it', async () => {
  const node = createNode();
  const request = (method: string, params: unknown[] = []) => node.request({ method, params });
  const probe = async (block: string = 'latest') => words(await request('eth_call', [{ to: PROBE }, block]));
  try {
    await request('anvil_setCode', [PROBE, PROBE_CODE]);
    const start = BigInt((await request('eth_blockNumber')) as string);
    assert.deepEqual(await probe(), [0n, 0n, start, 31337n]);
    // Asked again: the same answer.
    assert.deepEqual(await probe(), [0n, 0n, start, 31337n]);

    await request('anvil_setStorageAt', [PROBE, '0x0', '0x' + '5'.padStart(64, '0')]);
    assert.deepEqual(await probe(), [5n, 0n, start, 31337n]);
    await request('anvil_setBalance', [PROBE, '0x64']);
    assert.deepEqual(await probe(), [5n, 100n, start, 31337n]);

    const snapshot = await request('evm_snapshot');
    await request('evm_mine');
    assert.deepEqual(await probe(), [5n, 100n, start + 1n, 31337n]);
    await request('hardhat_setStorageAt', [PROBE, '0x0', '0x' + '7'.padStart(64, '0')]);
    assert.deepEqual(await probe(), [7n, 100n, start + 1n, 31337n]);
    assert.equal(await request('evm_revert', [snapshot]), true);
    assert.deepEqual(await probe(), [5n, 100n, start, 31337n]);

    await request('anvil_setChainId', [1234]);
    assert.deepEqual(await probe(), [5n, 100n, start, 1234n]);

    // A transaction mined: the state and the block both move.
    await request('eth_sendTransaction', [{ from: node.accounts[0]!.address, to: PROBE, value: '0x1' }]);
    const mined = start + 1n;
    assert.deepEqual(await probe(), [5n, 101n, mined, 1234n]);
    await request('anvil_setStorageAt', [PROBE, '0x0', '0x' + '8'.padStart(64, '0')]);
    assert.deepEqual(await probe(), [8n, 101n, mined, 1234n]);
    await request('evm_mine');
    assert.deepEqual(await probe(), [8n, 101n, mined + 1n, 1234n]);
    // 'pending' is the next block; an earlier block keeps its own state and number.
    assert.deepEqual(await probe('pending'), [8n, 101n, mined + 2n, 1234n]);
    assert.deepEqual(await probe('0x' + mined.toString(16)), [5n, 101n, mined, 1234n]);
    assert.deepEqual(await probe(), [8n, 101n, mined + 1n, 1234n]);

    await request('anvil_rollback', [1]);
    assert.deepEqual(await probe(), [5n, 101n, mined, 1234n]);
    await request('anvil_reset');
    assert.equal(await request('eth_call', [{ to: PROBE }, 'latest']), '0x');
  } finally {
    await node.close();
  }
});

test('eth_call: the same call with other overrides or another sender is answered for itself', async () => {
  const node = createNode();
  const request = (method: string, params: unknown[] = []) => node.request({ method, params });
  try {
    await request('anvil_setCode', [PROBE, PROBE_CODE]);
    const plain = words(await request('eth_call', [{ to: PROBE }, 'latest']));
    const overridden = words(await request('eth_call', [{ to: PROBE }, 'latest', { [PROBE]: { balance: '0x9' } }]));
    assert.equal(plain[1], 0n);
    assert.equal(overridden[1], 9n);
    assert.equal(words(await request('eth_call', [{ to: PROBE }]))[1], 0n);
    // A failing call stays an error each time it is asked.
    for (let i = 0; i < 2; i++) await assert.rejects(request('eth_call', [{ to: PROBE, value: '0x1' }, 'latest']));
    // Parameters that JSON cannot hold get the same invalid-params error as before any answer was kept.
    await assert.rejects(request('eth_call', [{ to: PROBE, value: 1n }, 'latest']), { code: -32602 });
  } finally {
    await node.close();
  }
});
