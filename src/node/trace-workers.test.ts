/**
 * Traces in worker threads: the node answers other requests while a long trace runs, the
 * workers' results are the node's-thread results for every tracer and method, a trace's state
 * is the state of its request whatever the chain does meanwhile, timeouts stop the worker and
 * leave the node serving, and `close` ends the workers.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createNode, ALL_METHODS, type PolyvmNode } from './node.js';
import * as c from './testing/trace-contracts.js';

const READER = '0x00000000000000000000000000000000000000f1';
const WATCHED = '0x00000000000000000000000000000000000000f2';

// READER: loop while gas() > 100000, then return (balance(WATCHED), sload(0)): the reads come last.
const READER_CODE = '0x5b5a620186a0106000' + '57' + '73' + WATCHED.slice(2) + '31600052' + '600054602052' + '60406000f3';

function word(n: number | bigint): string {
  return n.toString(16).padStart(64, '0');
}

const node: PolyvmNode = createNode({ genesisTimestamp: 1_700_000_000, disableTxGasLimitCap: true });
after(() => node.close());

async function rpc(method: string, params: unknown[] = []): Promise<any> {
  return node.request({ method, params });
}

/** The method's handler on the node's thread, without workers: the reference for the workers' results. */
async function inline(method: string, params: unknown[]): Promise<unknown> {
  return ALL_METHODS[method]!({ ...node.dispatcher.context, traces: undefined, sink: undefined }, params);
}

async function send(tx: Record<string, string>): Promise<string> {
  return rpc('eth_sendTransaction', [{ from: c.A0, gas: '0x186a0', ...tx }]);
}

const ready = (async () => {
  for (const [address, code] of [
    [c.INNER, c.INNER_CODE],
    [c.OUTER, c.OUTER_CODE],
    [c.COUNTER, c.COUNTER_CODE],
    [c.LOOP, c.LOOP_CODE],
    [c.REVERTER, c.REVERTER_CODE],
    [READER, READER_CODE],
  ]) {
    await rpc('anvil_setCode', [address, code]);
  }
  await rpc('evm_mine');
})();

/** Sends a JSON-RPC request over HTTP; resolves with the parsed reply. */
async function post(url: string, method: string, params: unknown[]): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return response.json();
}

/** Waits (turning the event loop) until the node has handed a trace to a worker. */
async function untilTracing(): Promise<void> {
  while (node.traceWorkerCount === 0) await new Promise((resolve) => setImmediate(resolve));
}

test('over HTTP, requests sent while a 30M-gas trace runs are answered before it', async () => {
  await ready;
  // Mined with automine: the loop uses all of its 30,000,000 gas.
  const hash = await send({ to: c.LOOP, gas: '0x1c9c380' });
  const receipt = await rpc('eth_getTransactionReceipt', [hash]);
  assert.equal(receipt.gasUsed, '0x1c9c380');
  const { url } = await node.listen({ port: 0 });
  const done: string[] = [];
  const trace = post(url, 'debug_traceTransaction', [hash, { tracer: 'callTracer', timeout: '120s' }]).then((reply) => {
    done.push('trace');
    return reply;
  });
  await untilTracing();
  const number = post(url, 'eth_blockNumber', []).then((reply) => {
    done.push('eth_blockNumber');
    return reply;
  });
  const call = post(url, 'eth_call', [{ to: c.OUTER }, 'latest']).then((reply) => {
    done.push('eth_call');
    return reply;
  });
  const mined = post(url, 'evm_mine', []).then((reply) => {
    done.push('evm_mine');
    return reply;
  });
  const [traced, blockNumber, called] = await Promise.all([trace, number, call, mined]);
  assert.equal(done[done.length - 1], 'trace', `completion order: ${done.join(', ')}`);
  assert.equal(blockNumber.result, receipt.blockNumber);
  assert.equal(called.result, c.WORD_42);
  assert.equal(traced.result.error, 'out of gas');
  assert.equal(traced.result.gasUsed, '0x1c9c380');
  assert.equal(traced.result.to, c.LOOP);
});

test('a batch keeps its order when a trace in it is answered later', async () => {
  await ready;
  const hash = await send({ to: c.OUTER });
  const { url } = await node.listen({ port: 0 });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { jsonrpc: '2.0', id: 'a', method: 'eth_chainId', params: [] },
      { jsonrpc: '2.0', id: 'b', method: 'debug_traceTransaction', params: [hash, { tracer: '4byteTracer' }] },
      { jsonrpc: '2.0', method: 'debug_traceTransaction', params: [hash, { tracer: 'noopTracer' }] },
      { jsonrpc: '2.0', id: 'c', method: 'debug_traceTransaction', params: [hash, { tracer: 'nope' }] },
      { jsonrpc: '2.0', id: 'd', method: 'eth_blockNumber', params: [] },
    ]),
  });
  const replies = (await response.json()) as any[];
  assert.deepEqual(
    replies.map((r: { id: string }) => r.id),
    ['a', 'b', 'c', 'd'],
  );
  assert.equal(replies[0].result, '0x7a69');
  assert.deepEqual(replies[1].result, {});
  assert.equal(replies[2].error.code, -32602);
  assert.match(replies[2].error.message, /tracer not found/);
});

const GETH_TRACERS: Record<string, unknown>[] = [
  {},
  { disableStack: true, enableMemory: true, enableReturnData: true },
  { tracer: 'callTracer', tracerConfig: { withLog: true } },
  { tracer: 'callTracer', tracerConfig: { onlyTopCall: true } },
  { tracer: 'flatCallTracer' },
  { tracer: 'prestateTracer' },
  { tracer: 'prestateTracer', tracerConfig: { diffMode: true } },
  { tracer: '4byteTracer' },
  { tracer: 'noopTracer' },
  { tracer: 'muxTracer', tracerConfig: { callTracer: {}, prestateTracer: { diffMode: true } } },
  { tracer: 'erc7562Tracer' },
  { tracer: 'callTracerLegacy' },
  { tracer: 'prestateTracerLegacy' },
];

test('the workers give what the node thread gives, for every tracer and tracing method', async () => {
  await ready;
  // One block with several transactions: a nested call, storage, a revert, a transfer, a creation.
  await rpc('evm_setAutomine', [false]);
  const hashes = [
    await send({ to: c.OUTER }),
    await send({ to: c.COUNTER }),
    await send({ to: c.REVERTER }),
    await send({ to: c.A1, value: '0x2a' }),
    await send({ data: '0x600a600c600039600a6000f3' + '602a60005260206000f3' }),
    await send({ to: c.COUNTER }),
  ];
  await rpc('evm_mine');
  await rpc('evm_setAutomine', [true]);
  const receipt = await rpc('eth_getTransactionReceipt', [hashes[0]]);
  assert.equal((await rpc('eth_getBlockByNumber', [receipt.blockNumber, false])).transactions.length, hashes.length);
  const rawBlock = await rpc('debug_getRawBlock', [receipt.blockNumber]);
  const calls: [string, unknown[]][] = [];
  for (const config of GETH_TRACERS) {
    for (const hash of hashes) calls.push(['debug_traceTransaction', [hash, config]]);
    calls.push(['debug_traceBlockByNumber', [receipt.blockNumber, config]]);
    calls.push(['debug_traceCall', [{ from: c.A0, to: c.OUTER }, 'latest', config]]);
  }
  calls.push(['debug_traceBlockByHash', [receipt.blockHash, { tracer: 'callTracer' }]]);
  calls.push(['debug_traceBlock', [rawBlock, { tracer: 'prestateTracer' }]]);
  calls.push(['debug_traceCall', [{ from: c.A0, to: c.COUNTER }, receipt.blockNumber, { txIndex: '0x2', tracer: 'prestateTracer' }]]);
  calls.push(['debug_traceCall', [{ from: c.A0, to: WATCHED }, 'latest', { stateOverrides: { [WATCHED]: { code: c.COUNTER_CODE } } }]]);
  for (const hash of hashes) {
    calls.push(['trace_transaction', [hash]]);
    calls.push(['trace_replayTransaction', [hash, ['trace', 'stateDiff', 'vmTrace']]]);
    calls.push(['trace_get', [hash, ['0x0']]]);
    calls.push(['ots_traceTransaction', [hash]]);
    calls.push(['ots_getInternalOperations', [hash]]);
    calls.push(['ots_getTransactionError', [hash]]);
  }
  calls.push(['trace_block', [receipt.blockNumber]]);
  calls.push(['trace_replayBlockTransactions', [receipt.blockNumber, ['trace', 'stateDiff']]]);
  calls.push(['trace_call', [{ from: c.A0, to: c.OUTER }, ['trace', 'vmTrace'], 'latest']]);
  calls.push([
    'trace_callMany',
    [
      [
        [{ from: c.A0, to: c.COUNTER }, ['stateDiff']],
        [{ from: c.A0, to: c.COUNTER }, ['trace', 'stateDiff']],
      ],
    ],
  ]);
  for (const [method, params] of calls) {
    const expected = await inline(method, params);
    assert.ok(!(expected instanceof Promise), `${method} inline is synchronous`);
    assert.deepEqual(await rpc(method, params), expected, `${method} ${JSON.stringify(params)}`);
  }
  assert.ok(node.traceWorkerCount > 0);
  // Errors come back from the workers as the node words them.
  await assert.rejects(rpc('debug_traceTransaction', [hashes[0], { tracer: 'nope' }]), { code: -32602, message: /tracer not found/ });
  await assert.rejects(rpc('trace_replayTransaction', ['0x' + '22'.repeat(32), ['trace']]), { message: /transaction not found/ });
});

test('a trace past its timeout fails as geth says, and the node goes on serving and tracing', async () => {
  await ready;
  const hash = await send({ to: c.LOOP, gas: '0x1c9c380' });
  await assert.rejects(rpc('debug_traceTransaction', [hash, { timeout: '50ms' }]), { code: -32000, message: 'execution timeout' });
  await assert.rejects(rpc('debug_traceBlockByNumber', ['latest', { tracer: 'callTracer', timeout: '50ms' }]), {
    message: 'execution timeout',
  });
  assert.match(await rpc('eth_blockNumber'), /^0x[0-9a-f]+$/);
  const outer = await send({ to: c.OUTER });
  const trace = await rpc('debug_traceTransaction', [outer, { tracer: 'callTracer' }]);
  assert.equal(trace.calls[0].to, c.INNER);
  assert.equal(trace.calls[0].output, c.WORD_42);
});

test('blocks mined and state changed while a trace runs do not change what it reads', async () => {
  await ready;
  await rpc('anvil_setBalance', [WATCHED, '0x1234']);
  await rpc('anvil_setStorageAt', [READER, '0x0', '0x' + word(0x99)]);
  const expectedOutput = '0x' + word(0x1234) + word(0x99);
  // Mined: the transaction's block is the latest; then a call on the latest (live) state.
  const hash = await send({ to: READER, gas: '0xe4e1c0' });
  const receipt = await rpc('eth_getTransactionReceipt', [hash]);
  assert.equal(receipt.status, '0x1');
  const callParams = [{ from: c.A0, to: READER, gas: '0xe4e1c0' }, 'latest', { tracer: 'callTracer', timeout: '120s' }];
  const txParams = [hash, { tracer: 'callTracer', timeout: '120s' }];
  const expectedCall = await inline('debug_traceCall', callParams);
  const expectedTx = await inline('debug_traceTransaction', txParams);
  assert.equal((expectedCall as { output: string }).output, expectedOutput);
  assert.equal((expectedTx as { output: string }).output, expectedOutput);

  const call = rpc('debug_traceCall', callParams);
  const tx = rpc('debug_traceTransaction', txParams);
  const replay = rpc('trace_replayTransaction', [hash, ['trace', 'stateDiff']]);
  const expectedReplay = await inline('trace_replayTransaction', [hash, ['trace', 'stateDiff']]);
  // While the workers loop, before they read WATCHED and the slot: change both, mine, change again.
  await rpc('anvil_setBalance', [WATCHED, '0x5678']);
  await rpc('anvil_setStorageAt', [READER, '0x0', '0x' + word(0x77)]);
  await rpc('evm_mine');
  await send({ to: WATCHED, value: '0x1' });
  await rpc('anvil_setBalance', [WATCHED, '0x9abc']);
  assert.equal(await rpc('eth_getBalance', [WATCHED, 'latest']), '0x9abc');
  assert.deepEqual(await call, expectedCall);
  assert.deepEqual(await tx, expectedTx);
  assert.deepEqual(await replay, expectedReplay);
});

test('a rewrite of the chain while a trace runs fails it clearly', async () => {
  await ready;
  const snapshot = await rpc('evm_snapshot');
  await rpc('anvil_setBalance', [WATCHED, '0x1']);
  const call = rpc('debug_traceCall', [{ from: c.A0, to: READER, gas: '0xe4e1c0' }, 'latest', { tracer: 'callTracer', timeout: '120s' }]);
  await untilTracing();
  await rpc('evm_revert', [snapshot]);
  await assert.rejects(call, { code: -32000, message: /the chain was rewritten .* while the trace ran: trace again/ });
});

test('close ends the trace workers, a busy one too, so the process exits', () => {
  const moduleUrl = new URL('./node.js', import.meta.url).href;
  const script = `
    const { createNode } = await import(${JSON.stringify(moduleUrl)});
    // A block and call gas limit of 10^12: the loop would run for hours.
    const node = createNode({ disableTxGasLimitCap: true, gasLimit: 10n ** 12n, limits: { callGasCap: 10n ** 12n } });
    await node.request({ method: 'anvil_setCode', params: ['${c.LOOP}', '${c.LOOP_CODE}'] });
    const call = { from: '${c.A0}', to: '${c.LOOP}' };
    const trace = node.request({ method: 'debug_traceCall', params: [call, 'latest', { tracer: 'callTracer', timeout: '10h' }] });
    const failed = trace.then(() => 'answered', (e) => e.message);
    while (node.traceWorkerCount === 0) await new Promise((r) => setImmediate(r));
    const busy = node.traceWorkerCount;
    await node.close();
    console.log(JSON.stringify({ busy, after: node.traceWorkerCount, trace: await failed }));
  `;
  // A worker left running would keep the process alive: the child is killed after 60 s if so.
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.signal, null, `the process did not exit: ${child.stderr}`);
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout.trim()), { busy: 1, after: 0, trace: 'the node is closed' });
});
