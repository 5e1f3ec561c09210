/**
 * The debug_ namespace on an in-process node: tracing mined transactions, calls and blocks with
 * geth's tracers and the struct logger, time limits, and the raw getters read back.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import { rlpDecode, rlpEncode, rlpList, type RlpItem } from '../../primitives/rlp.js';
import { trieRoot } from '../../state/trie.js';
import { createNode, type PolyvmNode } from '../node.js';
import {
  A0,
  A1,
  COUNTER,
  COUNTER_CODE,
  INNER,
  INNER_CODE,
  LOOP,
  LOOP_CODE,
  OUTER,
  OUTER_CODE,
  WORD_42,
} from '../testing/trace-contracts.js';

const node: PolyvmNode = createNode({ genesisTimestamp: 1_700_000_000 });
after(() => node.close());

async function rpc(method: string, params: unknown[] = []): Promise<any> {
  return node.request({ method, params });
}

async function rpcError(method: string, params: unknown[]): Promise<{ code: number; message: string }> {
  try {
    await node.request({ method, params });
  } catch (error) {
    return error as { code: number; message: string };
  }
  assert.fail(`${method} should have failed`);
}

function word(n: number | bigint): string {
  return '0x' + n.toString(16).padStart(64, '0');
}

// The contracts are set with dev methods, then a block is mined so they are in a block's state.
const ready = (async () => {
  await rpc('anvil_setCode', [INNER, INNER_CODE]);
  await rpc('anvil_setCode', [OUTER, OUTER_CODE]);
  await rpc('anvil_setCode', [COUNTER, COUNTER_CODE]);
  await rpc('anvil_setCode', [LOOP, LOOP_CODE]);
  await rpc('evm_mine');
})();

async function send(tx: Record<string, string>): Promise<{ hash: string; receipt: any }> {
  const hash = await rpc('eth_sendTransaction', [{ from: A0, gas: '0x186a0', ...tx }]);
  return { hash, receipt: await rpc('eth_getTransactionReceipt', [hash]) };
}

test('debug_traceTransaction: callTracer gives the nested call tree', async () => {
  await ready;
  const { hash, receipt } = await send({ to: OUTER });
  // Hand-derived: OUTER's 7 pushes (21), CALL to a cold account (2600) with one word of memory
  // (3); INNER's pushes and MSTORE (18); POP, two pushes and RETURN (8).
  assert.equal(receipt.gasUsed, '0x' + (21000 + 21 + 2603 + 18 + 8).toString(16));
  const trace = await rpc('debug_traceTransaction', [hash, { tracer: 'callTracer' }]);
  assert.deepEqual(trace, {
    from: A0,
    gas: '0x186a0',
    gasUsed: receipt.gasUsed,
    to: OUTER,
    input: '0x',
    output: WORD_42,
    calls: [
      // 0xffff asked for, below the 63/64 cap of what is left (76376 - 1193).
      { from: OUTER, gas: '0xffff', gasUsed: '0x12', to: INNER, input: '0x', output: WORD_42, type: 'CALL', value: '0x0' },
    ],
    value: '0x0',
    type: 'CALL',
  });
});

test('debug_traceTransaction: prestateTracer in diff mode', async () => {
  await ready;
  const before = BigInt(await rpc('eth_getBalance', [A0, 'latest']));
  const nonce = BigInt(await rpc('eth_getTransactionCount', [A0, 'latest']));
  const { hash, receipt } = await send({ to: COUNTER });
  const slot = await rpc('eth_getStorageAt', [COUNTER, '0x0', 'latest']);
  const trace = await rpc('debug_traceTransaction', [hash, { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }]);
  assert.equal(trace.pre[A0].balance, '0x' + before.toString(16));
  assert.equal(trace.pre[A0].nonce, Number(nonce));
  assert.equal(trace.post[A0].nonce, Number(nonce + 1n));
  const paid = BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice);
  assert.equal(trace.post[A0].balance, '0x' + (before - paid).toString(16));
  assert.deepEqual(trace.post[COUNTER].storage, { [word(0)]: slot });
  assert.equal(trace.pre[COUNTER].code, COUNTER_CODE);
});

test('struct logger: every field of each step of a small program, hand-checked', async () => {
  await ready;
  const CODE = '0x600160020160005560' + '2a' + '600052'; // 1 + 2; sstore(0, 3); mstore(0, 42); (implicit STOP)
  const at = '0x00000000000000000000000000000000000000e1';
  const call = { from: A0, to: at, gas: '0x186a0' };
  const trace = await rpc('debug_traceCall', [call, 'latest', { stateOverrides: { [at]: { code: CODE } }, enableMemory: true }]);
  const g = 100000 - 21000;
  assert.deepEqual(trace, {
    gas: 21000 + 22112 + 12,
    failed: false,
    returnValue: '0x',
    structLogs: [
      { pc: 0, op: 'PUSH1', gas: g, gasCost: 3, depth: 1, stack: [] },
      { pc: 2, op: 'PUSH1', gas: g - 3, gasCost: 3, depth: 1, stack: ['0x1'] },
      { pc: 4, op: 'ADD', gas: g - 6, gasCost: 3, depth: 1, stack: ['0x1', '0x2'] },
      { pc: 5, op: 'PUSH1', gas: g - 9, gasCost: 3, depth: 1, stack: ['0x3'] },
      // A cold slot set from zero: 2100 + 20000; the storage seen so far, before the write lands.
      { pc: 7, op: 'SSTORE', gas: g - 12, gasCost: 22100, depth: 1, stack: ['0x3', '0x0'], storage: { [word(0)]: word(3) } },
      { pc: 8, op: 'PUSH1', gas: g - 22112, gasCost: 3, depth: 1, stack: [] },
      { pc: 10, op: 'PUSH1', gas: g - 22115, gasCost: 3, depth: 1, stack: ['0x2a'] },
      // MSTORE's 3 and a word of memory's 3; memory shows as it was before the step.
      { pc: 12, op: 'MSTORE', gas: g - 22118, gasCost: 6, depth: 1, stack: ['0x2a', '0x0'] },
      { pc: 13, op: 'STOP', gas: g - 22124, gasCost: 0, depth: 1, stack: [], memory: [WORD_42] },
    ],
  });
  const noStack = await rpc('debug_traceCall', [
    call,
    'latest',
    { stateOverrides: { [at]: { code: CODE } }, disableStack: true, disableStorage: true },
  ]);
  assert.equal(noStack.structLogs.length, 9);
  for (const entry of noStack.structLogs) assert.deepEqual(Object.keys(entry), ['pc', 'op', 'gas', 'gasCost', 'depth']);
  // limit: bytes of output; the entry that crosses it is the last recorded.
  const limited = await rpc('debug_traceCall', [call, 'latest', { stateOverrides: { [at]: { code: CODE } }, limit: 1 }]);
  assert.equal(limited.structLogs.length, 1);
  assert.equal(limited.gas, 21000 + 22112 + 12);
});

test('struct logger: nested frames and a failing step', async () => {
  await ready;
  const { hash } = await send({ to: OUTER });
  const trace = await rpc('debug_traceTransaction', [hash, { disableStack: true }]);
  const call = trace.structLogs.find((e: any) => e.op === 'CALL');
  assert.equal(call.gasCost, 2600 + 3 + 0xffff); // a cold account, a word of memory, the gas passed on
  const depths = trace.structLogs.map((e: any) => e.depth);
  assert.deepEqual([...new Set(depths)], [1, 2]);
  assert.equal(trace.returnValue, WORD_42);
  // POP with an empty stack: the step carries geth's error, and the call failed.
  const at = '0x00000000000000000000000000000000000000e2';
  const bad = await rpc('debug_traceCall', [
    { from: A0, to: at, gas: '0x5208a' },
    'latest',
    { stateOverrides: { [at]: { code: '0x50' } } },
  ]);
  assert.equal(bad.failed, true);
  assert.equal(bad.returnValue, '0x');
  assert.deepEqual(bad.structLogs, [
    { pc: 0, op: 'POP', gas: 0x5208a - 21000, gasCost: 2, depth: 1, error: 'stack underflow (0 <=> 1)', stack: [] },
  ]);
});

test('debug_traceCall: a state override and a block override are seen by the trace', async () => {
  await ready;
  const trace = await rpc('debug_traceCall', [
    { from: A0, to: OUTER },
    'latest',
    { tracer: 'callTracer', stateOverrides: { [INNER]: { code: '0x60076000526020' + '6000f3' } } },
  ]);
  assert.equal(trace.calls[0].output, word(7));
  assert.equal(trace.output, word(7));
  // NUMBER returned, with the block number overridden.
  const at = '0x00000000000000000000000000000000000000e3';
  const numbered = await rpc('debug_traceCall', [
    { from: A0, to: at },
    'latest',
    { tracer: 'callTracer', stateOverrides: { [at]: { code: '0x4360005260206000f3' } }, blockOverrides: { number: '0x539' } },
  ]);
  assert.equal(numbered.output, word(1337));
  const pending = await rpcError('debug_traceCall', [{ from: A0, to: at }, 'pending', {}]);
  assert.match(pending.message, /pending is not supported/);
});

test('debug_traceBlockByNumber and ByHash: a block of two transactions, and debug_traceBlock of its RLP', async () => {
  await ready;
  await rpc('evm_setAutomine', [false]);
  const h1 = await rpc('eth_sendTransaction', [{ from: A0, to: OUTER, gas: '0x186a0' }]);
  const h2 = await rpc('eth_sendTransaction', [{ from: A1, to: COUNTER, gas: '0x186a0' }]);
  await rpc('evm_mine');
  await rpc('evm_setAutomine', [true]);
  const r1 = await rpc('eth_getTransactionReceipt', [h1]);
  const r2 = await rpc('eth_getTransactionReceipt', [h2]);
  assert.equal(r1.blockNumber, r2.blockNumber);
  const byNumber = await rpc('debug_traceBlockByNumber', [r1.blockNumber, { tracer: 'callTracer' }]);
  assert.deepEqual(
    byNumber.map((t: any) => [t.txHash, t.result.gasUsed, t.result.to]),
    [
      [h1, r1.gasUsed, OUTER],
      [h2, r2.gasUsed, COUNTER],
    ],
  );
  assert.deepEqual(await rpc('debug_traceBlockByHash', [r1.blockHash, { tracer: 'callTracer' }]), byNumber);
  const raw = await rpc('debug_getRawBlock', [r1.blockNumber]);
  assert.deepEqual(await rpc('debug_traceBlock', [raw, { tracer: 'callTracer' }]), byNumber);
  // The struct logger by default, one result per transaction.
  const structs = await rpc('debug_traceBlockByNumber', [r1.blockNumber]);
  assert.equal(structs[1].result.gas, Number(r2.gasUsed));
  assert.ok(structs[1].result.structLogs.some((e: any) => e.op === 'SSTORE'));
});

test('raw getters: transaction, receipts, block and header decode to what the chain holds', async () => {
  await ready;
  const { hash, receipt } = await send({ to: A1, value: '0x1' });
  const rawTx = await rpc('debug_getRawTransaction', [hash]);
  assert.equal(bytesToHex(keccak256(hexToBytes(rawTx))), hash);
  assert.equal(await rpc('debug_getRawTransaction', ['0x' + '11'.repeat(32)]), '0x');
  const block = await rpc('eth_getBlockByNumber', [receipt.blockNumber, false]);
  const header = await rpc('debug_getRawHeader', [receipt.blockNumber]);
  assert.equal(bytesToHex(keccak256(hexToBytes(header))), block.hash);
  const rawBlock = await rpc('debug_getRawBlock', [{ blockHash: block.hash }]);
  const [h, txs] = rlpList(rlpDecode(hexToBytes(rawBlock))) as [RlpItem, RlpItem[]];
  assert.equal(bytesToHex(keccak256(rlpEncode(h))), block.hash);
  const typed = txs.map((t) => (Array.isArray(t) ? rlpEncode(t) : t));
  assert.deepEqual(
    typed.map((t) => bytesToHex(keccak256(t))),
    block.transactions,
  );
  const receipts: string[] = await rpc('debug_getRawReceipts', [receipt.blockNumber]);
  assert.equal(receipts.length, block.transactions.length);
  const root = trieRoot(receipts.map((r, i) => [rlpEncode(i === 0 ? new Uint8Array(0) : Uint8Array.of(i)), hexToBytes(r)] as const));
  assert.equal(bytesToHex(root), block.receiptsRoot);
});

test('errors: unknown tracer, bad config, unknown transaction, genesis', async () => {
  await ready;
  const { hash } = await send({ to: A1 });
  const unknown = await rpcError('debug_traceTransaction', [hash, { tracer: 'nopeTracer' }]);
  assert.equal(unknown.code, -32602);
  assert.match(unknown.message, /tracer not found: unknown tracer "nopeTracer"/);
  const badConfig = await rpcError('debug_traceTransaction', [hash, { tracer: 'callTracer', tracerConfig: { onlyTopCall: 'yes' } }]);
  assert.equal(badConfig.code, -32602);
  const badTimeout = await rpcError('debug_traceTransaction', [hash, { timeout: 'soon' }]);
  assert.equal(badTimeout.code, -32602);
  assert.match(badTimeout.message, /time: invalid duration "soon"/);
  assert.match((await rpcError('debug_traceTransaction', ['0x' + '22'.repeat(32)])).message, /transaction not found/);
  assert.match((await rpcError('debug_traceBlockByNumber', ['0x0'])).message, /genesis is not traceable/);
});

test('timeout: a long trace stops with geth\'s "execution timeout" and the node answers again', async () => {
  await ready;
  const started = Date.now();
  const error = await rpcError('debug_traceCall', [
    { from: A0, to: LOOP, gas: '0x1c9c380' },
    'latest',
    { tracer: 'callTracer', timeout: '50ms' },
  ]);
  assert.equal(error.code, -32000);
  assert.equal(error.message, 'execution timeout');
  assert.ok(Date.now() - started < 3000, 'the trace stopped soon after its deadline');
  const again = await rpcError('debug_traceCall', [{ from: A0, to: LOOP, gas: '0x1c9c380' }, 'latest', { timeout: '20ms' }]);
  assert.equal(again.message, 'execution timeout');
  assert.ok(BigInt(await rpc('eth_blockNumber')) > 0n);
});

test('history: a transaction of an earlier block traces on its own state after later blocks', async () => {
  await ready;
  const first = await send({ to: COUNTER });
  const value = BigInt(await rpc('eth_getStorageAt', [COUNTER, '0x0', 'latest']));
  await send({ to: COUNTER });
  await send({ to: COUNTER });
  await rpc('evm_mine');
  assert.equal(BigInt(await rpc('eth_getStorageAt', [COUNTER, '0x0', 'latest'])), value + 2n);
  const trace = await rpc('debug_traceTransaction', [first.hash]);
  const sload = trace.structLogs.find((e: any) => e.op === 'SLOAD');
  const sstore = trace.structLogs.find((e: any) => e.op === 'SSTORE');
  assert.deepEqual(sload.storage, { [word(0)]: word(value - 1n) });
  assert.deepEqual(sstore.storage, { [word(0)]: word(value) });
  assert.equal(trace.gas, Number(first.receipt.gasUsed));
});

test('struct logger: the entries stop at about `limit` bytes of JSON, whatever the gas', async () => {
  await ready;
  const call = { from: A0, to: LOOP, gas: '0xf4240' };
  const trace = await rpc('debug_traceCall', [call, 'latest', { limit: 100_000 }]);
  const size = JSON.stringify(trace.structLogs).length;
  assert.ok(size > 90_000 && size < 101_000, `${size} bytes`);
  assert.equal(trace.failed, true); // out of gas, run to the end although no longer recorded
  assert.equal(trace.gas, 1_000_000);
});

test('a block mined after dev methods is traced from the state they left', async () => {
  await ready;
  const at = '0x00000000000000000000000000000000000000f1';
  await rpc('anvil_setCode', [at, COUNTER_CODE]);
  await rpc('anvil_setStorageAt', [at, '0x0', word(41)]);
  const { hash, receipt } = await send({ to: at });
  assert.equal(receipt.status, '0x1');
  // Changed again after the block: the replay must not see it.
  await rpc('anvil_setStorageAt', [at, '0x0', word(1000)]);
  const pre = await rpc('debug_traceTransaction', [hash, { tracer: 'prestateTracer' }]);
  assert.equal(pre[at].code, COUNTER_CODE);
  assert.deepEqual(pre[at].storage, { [word(0)]: word(41) });
  const diff = await rpc('debug_traceTransaction', [hash, { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }]);
  assert.deepEqual(diff.post[at].storage, { [word(0)]: word(42) });
});
