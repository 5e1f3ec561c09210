/** eth_simulateV1 through viem's simulateCalls and simulateBlocks, and by hand. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicClient, custom, parseAbi, encodeFunctionData, type Hex } from 'viem';
import { foundry } from 'viem/chains';
import { createNode, type PolyvmNode } from '../node.js';

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const node: PolyvmNode = createNode();
after(() => node.close());
const client = createPublicClient({ chain: foundry, transport: custom(node) });

async function rpc(method: string, params: unknown[] = []): Promise<any> {
  return node.request({ method, params });
}

// A counter: SLOAD(0)+1 -> SSTORE(0); LOG1(topic 0xc0ffee) with the new value; return it.
// 600054 6001 01 80 600055 80 6000 52 62c0ffee 6020 6000 a1 6020 6000 f3
const COUNTER = '0x600054600101806000558060005262c0ffee60206000a160206000f3' as Hex;
const COUNTER_AT = '0x000000000000000000000000000000000000c0c0' as Hex;
// Reverts with the custom error 0xdeadbeef: mstore(0, 0xdeadbeef << 224); revert(0, 4)
const REVERTER = '0x63deadbeef60e01b60005260046000fd' as Hex;
const REVERTER_AT = '0x000000000000000000000000000000000000dead' as Hex;

test('viem simulateCalls: calls in order, later ones see earlier changes, nothing is mined', async () => {
  const before = await rpc('eth_blockNumber');
  const balance = await rpc('eth_getBalance', [A1, 'latest']);
  const { results } = await client.simulateCalls({
    account: A0,
    calls: [{ to: A1, value: 1000n }, { to: COUNTER_AT }, { to: COUNTER_AT }, { to: REVERTER_AT }],
    stateOverrides: [
      { address: COUNTER_AT, code: COUNTER },
      { address: REVERTER_AT, code: REVERTER },
    ],
  });
  assert.equal(results.length, 4);
  assert.equal(results[0]!.status, 'success');
  assert.equal(results[0]!.gasUsed, 21000n);
  assert.equal(results[1]!.status, 'success');
  assert.equal(BigInt(results[1]!.data), 1n);
  assert.equal(BigInt(results[2]!.data), 2n, 'the second call sees the first one’s store');
  assert.equal(results[2]!.logs!.length, 1);
  assert.equal(results[2]!.logs![0]!.topics[0], '0x' + 'c0ffee'.padStart(64, '0'));
  assert.equal(BigInt(results[2]!.logs![0]!.data), 2n);
  assert.equal(results[3]!.status, 'failure');
  assert.equal(results[3]!.data, '0xdeadbeef');
  assert.equal(await rpc('eth_blockNumber'), before);
  assert.equal(await rpc('eth_getBalance', [A1, 'latest']), balance);
  assert.equal(await rpc('eth_getCode', [COUNTER_AT, 'latest']), '0x');
});

test('eth_simulateV1: several blocks, block and state overrides, numbering and timestamps', async () => {
  const latest = await rpc('eth_getBlockByNumber', ['latest', false]);
  const counterCall = { from: A0, to: COUNTER_AT };
  const blocks = await rpc('eth_simulateV1', [
    {
      blockStateCalls: [
        { stateOverrides: { [COUNTER_AT]: { code: COUNTER } }, calls: [counterCall] },
        { blockOverrides: { time: '0x' + (BigInt(latest.timestamp) + 1000n).toString(16) }, calls: [counterCall, counterCall] },
        {
          stateOverrides: { [COUNTER_AT]: { stateDiff: { ['0x' + '00'.repeat(32)]: '0x' + '64'.padStart(64, '0') } } },
          calls: [counterCall],
        },
      ],
    },
    'latest',
  ]);
  assert.equal(blocks.length, 3);
  assert.deepEqual(
    blocks.map((b: any) => BigInt(b.number)),
    [1n, 2n, 3n].map((i) => BigInt(latest.number) + i),
  );
  assert.equal(blocks[0].parentHash, latest.hash);
  assert.equal(blocks[1].parentHash, blocks[0].hash);
  assert.equal(BigInt(blocks[1].timestamp), BigInt(latest.timestamp) + 1000n);
  assert.ok(BigInt(blocks[2].timestamp) > BigInt(blocks[1].timestamp));
  const values = blocks.flatMap((b: any) => b.calls.map((c: any) => BigInt(c.returnData)));
  assert.deepEqual(values, [1n, 2n, 3n, 101n]);
  assert.equal(blocks[1].transactions.length, 2);
  assert.equal(blocks[1].calls[1].logs[0].logIndex, '0x1');
  assert.equal(BigInt(blocks[1].gasUsed), BigInt(blocks[1].calls[0].gasUsed) + BigInt(blocks[1].calls[1].gasUsed));
  // A simulated block sees its block overrides (NUMBER through a tiny contract: return NUMBER).
  const [numbered] = await rpc('eth_simulateV1', [
    {
      blockStateCalls: [
        {
          blockOverrides: { number: '0x1000' },
          stateOverrides: { [COUNTER_AT]: { code: '0x4360005260206000f3' } },
          calls: [{ to: COUNTER_AT, data: encodeFunctionData({ abi: parseAbi(['function f()']), functionName: 'f' }) }],
        },
      ],
    },
  ]);
  assert.equal(BigInt(numbered.calls[0].returnData), 0x1000n);
});

test('eth_simulateV1 refuses what it does not do, and bad blocks', async () => {
  await assert.rejects(
    rpc('eth_simulateV1', [{ blockStateCalls: [{ blockOverrides: { number: '0x0' } }] }]),
    /blockOverrides.number: 0 is not after/,
  );
});

test('eth_simulateV1 traceTransfers: ether moves as Transfer logs, in order, none from a reverted call', async () => {
  const FORWARDER_AT = '0x000000000000000000000000000000000000f0f0';
  const forwarder =
    '0x60aa60006000a1' + // LOG1(topic 0xaa), no data
    '6000600060006000347370997970c51812dc3a010c7d01b50e0d17dc79c85af150' + // CALL(gas, A1, CALLVALUE, ...)
    '600060006000600060017' +
    '3' +
    REVERTER_AT.slice(2) +
    '5af150' + // CALL(gas, REVERTER, 1, ...): reverts
    '00';
  const simulation = (traceTransfers: boolean) => ({
    traceTransfers,
    blockStateCalls: [
      {
        stateOverrides: { [FORWARDER_AT]: { code: forwarder, balance: '0x1' }, [REVERTER_AT]: { code: REVERTER } },
        calls: [{ from: A0, to: FORWARDER_AT, value: '0x1388' }],
      },
    ],
  });
  const [block] = await rpc('eth_simulateV1', [simulation(true)]);
  const logs = block.calls[0].logs as { address: string; topics: string[]; data: string; logIndex: string }[];
  const ether = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
  const transferTopic = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
  const pad = (a: string) => '0x' + a.slice(2).padStart(64, '0');
  assert.deepEqual(
    logs.map((l) => [l.address, ...l.topics, l.data]),
    [
      [ether, transferTopic, pad(A0), pad(FORWARDER_AT), pad('0x1388')],
      [FORWARDER_AT, pad('0xaa'), '0x'],
      [ether, transferTopic, pad(FORWARDER_AT), pad(A1), pad('0x1388')],
    ],
  );
  assert.deepEqual(
    logs.map((l) => l.logIndex),
    ['0x0', '0x1', '0x2'],
  );
  // Without traceTransfers, only the contract's own log.
  const [plain] = await rpc('eth_simulateV1', [simulation(false)]);
  assert.equal(plain.calls[0].logs.length, 1);
});

test('eth_simulateV1 validation: calls checked as transactions, failures with execution-apis codes', async () => {
  const STRANGER = '0x00000000000000000000000000000000000b0b00';
  const one = (call: Record<string, unknown>, validation = true) =>
    rpc('eth_simulateV1', [{ validation, blockStateCalls: [{ calls: [call] }] }]);
  const nonce = BigInt(await rpc('eth_getTransactionCount', [A0, 'latest']));
  // Two calls without a nonce: the second takes the next one; both pay the base fee.
  const [block] = await rpc('eth_simulateV1', [
    {
      validation: true,
      blockStateCalls: [
        {
          calls: [
            { from: A0, to: A1, value: '0x1' },
            { from: A0, to: A1, value: '0x1' },
          ],
        },
      ],
    },
  ]);
  assert.deepEqual(
    block.calls.map((c: { status: string }) => c.status),
    ['0x1', '0x1'],
  );
  const code = (e: { code?: number }) => e.code;
  assert.equal(await one({ from: A0, to: A1, nonce: `0x${(nonce + 5n).toString(16)}` }).catch(code), -38011);
  if (nonce > 0n) assert.equal(await one({ from: A0, to: A1, nonce: '0x0' }).catch(code), -38010);
  // No funds to pay the base fee: refused with validation, free without it.
  assert.equal(await one({ from: STRANGER, to: A1 }).catch(code), -38014);
  const [free] = await one({ from: STRANGER, to: A1 }, false);
  assert.equal(free.calls[0].status, '0x1');
  // A fee below the base fee.
  assert.equal(await one({ from: A0, to: A1, maxFeePerGas: '0x1', maxPriorityFeePerGas: '0x1' }).catch(code), -38012);
});
