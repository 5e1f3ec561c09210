/**
 * The trace_ namespace (Parity's format, as Anvil and Erigon serve it) on an in-process node:
 * flat call traces of mined transactions, blocks and filters, and replays with stateDiff and
 * vmTrace, checked against hand-derived gas and values.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNode, type PolyvmNode } from '../node.js';
import {
  A0,
  COUNTER,
  COUNTER_CODE,
  INNER,
  INNER_CODE,
  OUTER,
  OUTER_CODE,
  REVERTER,
  REVERTER_CODE,
  WORD_42,
} from '../testing/trace-contracts.js';

// A long trace limit: the vmTrace size check below must not depend on how busy the machine is.
const node: PolyvmNode = createNode({ genesisTimestamp: 1_700_000_000, limits: { traceTimeoutMs: 600_000 } });
after(() => node.close());

const FRESH = '0x00000000000000000000000000000000000f0f0f';

async function rpc(method: string, params: unknown[] = []): Promise<any> {
  return node.request({ method, params });
}

async function rpcError(method: string, params: unknown[]): Promise<{ code: number; message: string }> {
  try {
    await rpc(method, params);
  } catch (error) {
    return error as { code: number; message: string };
  }
  assert.fail(`${method} should have failed`);
}

const word = (n: number | bigint) => '0x' + n.toString(16).padStart(64, '0');
const hex = (n: number | bigint) => '0x' + n.toString(16);

const ready = (async () => {
  await rpc('anvil_setCode', [INNER, INNER_CODE]);
  await rpc('anvil_setCode', [OUTER, OUTER_CODE]);
  await rpc('anvil_setCode', [COUNTER, COUNTER_CODE]);
  await rpc('anvil_setCode', [REVERTER, REVERTER_CODE]);
  await rpc('evm_mine');
})();

async function send(tx: Record<string, string>): Promise<{ hash: string; receipt: any }> {
  const hash = await rpc('eth_sendTransaction', [{ from: A0, gas: '0x186a0', ...tx }]);
  return { hash, receipt: await rpc('eth_getTransactionReceipt', [hash]) };
}

test('trace_transaction: the flat call trace with block, position and hand-derived gas', async () => {
  await ready;
  const { hash, receipt } = await send({ to: OUTER });
  const traces = await rpc('trace_transaction', [hash]);
  assert.equal(traces.length, 2);
  const [top, inner] = traces;
  for (const t of traces) {
    assert.equal(t.blockHash, receipt.blockHash);
    assert.equal(t.blockNumber, Number(receipt.blockNumber));
    assert.equal(t.transactionHash, hash);
    assert.equal(t.transactionPosition, 0);
    assert.equal(t.type, 'call');
  }
  assert.deepEqual(top.action, { callType: 'call', from: A0, gas: '0x186a0', input: '0x', to: OUTER, value: '0x0' });
  assert.deepEqual(top.traceAddress, []);
  assert.equal(top.subtraces, 1);
  assert.equal(top.result.output, WORD_42);
  assert.equal(top.result.gasUsed, receipt.gasUsed);
  assert.deepEqual(inner.action, { callType: 'call', from: OUTER, gas: '0xffff', input: '0x', to: INNER, value: '0x0' });
  assert.deepEqual(inner.traceAddress, [0]);
  assert.equal(inner.subtraces, 0);
  // INNER: two pushes (6), MSTORE with one word of memory (6), two pushes (6), RETURN (0).
  assert.deepEqual(inner.result, { gasUsed: hex(18), output: WORD_42 });

  assert.deepEqual(await rpc('trace_get', [hash, ['0x0']]), inner);
  assert.deepEqual(await rpc('trace_get', [hash, []]), top);
  assert.equal(await rpc('trace_get', [hash, ['0x1']]), null);
  assert.equal(await rpc('trace_transaction', ['0x' + '11'.repeat(32)]), null);
});

test('a revert carries Parity\'s "Reverted" and its output; a create its address and code', async () => {
  await ready;
  const { hash } = await send({ to: REVERTER });
  const [reverted] = await rpc('trace_transaction', [hash]);
  assert.equal(reverted.error, 'Reverted');
  assert.equal(reverted.result.output, '0xee');

  // Init code returning INNER_CODE (10 bytes): codecopy(0, 12, 10); return(0, 10).
  const init = '0x600a600c600039600a6000f3' + INNER_CODE.slice(2);
  const created = await send({ data: init });
  const [create] = await rpc('trace_transaction', [created.hash]);
  assert.equal(create.type, 'create');
  assert.deepEqual(create.action, { creationMethod: 'create', from: A0, gas: '0x186a0', init, value: '0x0' });
  assert.equal(create.result.address, created.receipt.contractAddress);
  assert.equal(create.result.code, INNER_CODE);
});

test('trace_replayTransaction: stateDiff of a storage write, and of a transfer to a new account', async () => {
  await ready;
  const before = BigInt(await rpc('eth_getStorageAt', [COUNTER, '0x0', 'latest']));
  const { hash, receipt } = await send({ to: COUNTER });
  const replay = await rpc('trace_replayTransaction', [hash, ['stateDiff']]);
  assert.equal(replay.output, '0x');
  assert.deepEqual(replay.trace, []);
  assert.equal(replay.vmTrace, null);
  const diff = replay.stateDiff;
  assert.deepEqual(diff[COUNTER], {
    balance: '=',
    code: '=',
    nonce: '=',
    storage: { [word(0)]: { '*': { from: word(before), to: word(before + 1n) } } },
  });
  const block = BigInt(receipt.blockNumber);
  const balanceBefore = await rpc('eth_getBalance', [A0, hex(block - 1n)]);
  const balanceAfter = await rpc('eth_getBalance', [A0, hex(block)]);
  assert.deepEqual(diff[A0].balance, { '*': { from: balanceBefore, to: balanceAfter } });
  const nonce = BigInt(await rpc('eth_getTransactionCount', [A0, hex(block - 1n)]));
  assert.deepEqual(diff[A0].nonce, { '*': { from: hex(nonce), to: hex(nonce + 1n) } });

  const transfer = await send({ to: FRESH, value: '0x1234' });
  const born = (await rpc('trace_replayTransaction', [transfer.hash, ['stateDiff', 'trace']])).stateDiff[FRESH];
  assert.deepEqual(born, { balance: { '+': '0x1234' }, code: { '+': '0x' }, nonce: { '+': '0x0' }, storage: {} });
});

test('vmTrace: each instruction with its cost, pushes, memory, storage, gas left, and the call as a sub trace', async () => {
  await ready;
  const { hash } = await send({ to: OUTER });
  const { vmTrace } = await rpc('trace_replayTransaction', [hash, ['vmTrace']]);
  assert.equal(vmTrace.code, OUTER_CODE);
  const call = vmTrace.ops.find((op: any) => op.sub !== null);
  assert.equal(call.pc, 34); // five PUSH1s (10 bytes), a PUSH20 (21) and a PUSH2 (3)
  assert.deepEqual(call.ex.push, ['0x1']);
  assert.deepEqual(call.ex.mem, { data: WORD_42, off: 0 });
  const inner = call.sub;
  assert.equal(inner.code, INNER_CODE);
  const start = 0xffff;
  assert.deepEqual(
    inner.ops.map((op: any) => [op.pc, op.cost, op.ex.push, op.ex.mem, op.ex.used]),
    [
      [0, 3, ['0x2a'], null, start - 3],
      [2, 3, ['0x0'], null, start - 6],
      [4, 6, [], { data: WORD_42, off: 0 }, start - 12],
      [5, 3, ['0x20'], null, start - 15],
      [7, 3, ['0x0'], null, start - 18],
      [9, 0, [], null, start - 18],
    ],
  );
  // The storage write of COUNTER: SSTORE of 1 + the old value in slot 0.
  const counter = await send({ to: COUNTER });
  const ops = (await rpc('trace_replayTransaction', [counter.hash, ['vmTrace']])).vmTrace.ops;
  const value = BigInt(await rpc('eth_getStorageAt', [COUNTER, '0x0', 'latest']));
  // PUSH1 0, SLOAD, PUSH1 1, ADD, PUSH1 0, SSTORE, and the STOP past the end of the code.
  assert.deepEqual(
    ops.map((op: any) => op.op),
    ['PUSH1', 'SLOAD', 'PUSH1', 'ADD', 'PUSH1', 'SSTORE', 'STOP'],
  );
  assert.deepEqual(ops[1].ex.push, [hex(value - 1n)]);
  assert.deepEqual(ops[3].ex.push, [hex(value)]);
  assert.deepEqual(ops[5].ex.store, { key: '0x0', val: hex(value) });
  assert.equal(ops[4].ex.store, null);
});

test('trace_call and trace_callMany run on the latest state; callMany chains the calls', async () => {
  await ready;
  const value = BigInt(await rpc('eth_getStorageAt', [COUNTER, '0x0', 'latest']));
  const single = await rpc('trace_call', [{ from: A0, to: COUNTER }, ['stateDiff', 'trace'], 'latest']);
  assert.deepEqual(single.stateDiff[COUNTER].storage, { [word(0)]: { '*': { from: word(value), to: word(value + 1n) } } });
  assert.equal(single.trace.length, 1);
  assert.equal(single.trace[0].blockHash, undefined);
  const many = await rpc('trace_callMany', [
    [
      [{ from: A0, to: COUNTER }, ['stateDiff']],
      [{ from: A0, to: COUNTER }, ['stateDiff']],
    ],
    'latest',
  ]);
  assert.deepEqual(many[1].stateDiff[COUNTER].storage, { [word(0)]: { '*': { from: word(value + 1n), to: word(value + 2n) } } });
  // Nothing was committed.
  assert.equal(BigInt(await rpc('eth_getStorageAt', [COUNTER, '0x0', 'latest'])), value);
});

test('trace_block, trace_replayBlockTransactions and trace_filter by address, after and count', async () => {
  await ready;
  await rpc('evm_setAutomine', [false]);
  const a = await rpc('eth_sendTransaction', [{ from: A0, to: OUTER, gas: '0x186a0' }]);
  const b = await rpc('eth_sendTransaction', [{ from: A0, to: COUNTER, gas: '0x186a0' }]);
  await rpc('evm_mine');
  await rpc('evm_setAutomine', [true]);
  const receipt = await rpc('eth_getTransactionReceipt', [b]);
  const block = await rpc('trace_block', [receipt.blockNumber]);
  assert.deepEqual(
    block.map((t: any) => [t.transactionHash, t.transactionPosition, t.traceAddress]),
    [
      [a, 0, []],
      [a, 0, [0]],
      [b, 1, []],
    ],
  );
  const replays = await rpc('trace_replayBlockTransactions', [receipt.blockNumber, ['trace']]);
  assert.deepEqual(
    replays.map((r: any) => [r.transactionHash, r.trace.length]),
    [
      [a, 2],
      [b, 1],
    ],
  );
  const range = { fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber };
  const toInner = await rpc('trace_filter', [{ ...range, toAddress: [INNER] }]);
  assert.deepEqual(
    toInner.map((t: any) => t.action.from),
    [OUTER],
  );
  const fromA0 = await rpc('trace_filter', [{ ...range, fromAddress: [A0] }]);
  assert.deepEqual(
    fromA0.map((t: any) => t.action.to),
    [OUTER, COUNTER],
  );
  const both = await rpc('trace_filter', [{ ...range, fromAddress: [A0], toAddress: [INNER], mode: 'intersection' }]);
  assert.deepEqual(both, []);
  const paged = await rpc('trace_filter', [{ ...range, after: 1, count: 1 }]);
  assert.deepEqual(paged, [block[1]]);
});

test('bad trace requests get clear errors', async () => {
  await ready;
  const { hash } = await send({ to: COUNTER });
  const unknown = await rpcError('trace_replayTransaction', [hash, ['trace', 'memory']]);
  assert.equal(unknown.code, -32602);
  assert.match(unknown.message, /unknown trace type "memory"/);
  const range = await rpcError('trace_filter', [{ fromBlock: '0x5', toBlock: '0x1' }]);
  assert.match(range.message, /fromBlock 5 is after toBlock 1/);
  const missing = await rpcError('trace_replayTransaction', ['0x' + '22'.repeat(32), ['trace']]);
  assert.match(missing.message, /transaction not found/);
  // A loop of JUMPDEST, PUSH1 0, JUMP: 12 gas for 3 instructions, so 5M gas runs 1.25M of them.
  const loop = '0x00000000000000000000000000000000000000d1';
  await rpc('anvil_setCode', [loop, '0x5b600056']);
  const large = await rpcError('trace_call', [{ from: A0, to: loop, gas: hex(5_000_000) }, ['vmTrace']]);
  assert.match(large.message, /vmTrace stopped: the transaction runs more than 1000000 instructions/);
  const flat = await rpc('trace_call', [{ from: A0, to: loop, gas: hex(5_000_000) }, ['trace']]);
  assert.equal(flat.trace[0].error, 'Out of gas');
});
