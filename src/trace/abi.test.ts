/**
 * The ABI decoder against viem's encoder: values encoded by viem decode to the same values, and
 * malformed data is refused with an AbiDecodeError rather than read past its end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAbiParameters, encodeErrorResult, encodeEventTopics, encodeFunctionData, getAddress, toFunctionSelector } from 'viem';
import { hexToBytes } from '../primitives/bytes.js';
import { AbiDecodeError, decodeParams, formatError, formatEvent, formatCall, selectorOf, signature, topicOf, type AbiItem } from './abi.js';

const A = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';

test('static, dynamic, nested arrays and tuples decode to what viem encoded', () => {
  const params = [
    { name: 'a', type: 'uint8' },
    { name: 'b', type: 'int256' },
    { name: 'c', type: 'address' },
    { name: 'd', type: 'bool' },
    { name: 'e', type: 'bytes3' },
    { name: 'f', type: 'bytes' },
    { name: 'g', type: 'string' },
    { name: 'h', type: 'uint256[]' },
    { name: 'i', type: 'string[2]' },
    {
      name: 'j',
      type: 'tuple[]',
      components: [
        { name: 'x', type: 'uint64' },
        { name: 'y', type: 'bytes' },
      ],
    },
    { name: 'k', type: 'uint16[2][]' },
  ] as const;
  const encoded = encodeAbiParameters(params, [
    255,
    -5n,
    A,
    true,
    '0xabcdef',
    '0x0102',
    'héllo "q"',
    [1n, 2n, 3n],
    ['x', ''],
    [
      { x: 7n, y: '0x' },
      { x: 8n, y: '0xff' },
    ],
    [
      [1, 2],
      [3, 4],
    ],
  ]);
  assert.deepEqual(decodeParams(params, hexToBytes(encoded)), [
    '255',
    '-5',
    getAddress(A),
    'true',
    '0xabcdef',
    '0x0102',
    '"héllo \\"q\\""',
    '[1, 2, 3]',
    '["x", ""]',
    '[(7, 0x), (8, 0xff)]',
    '[[1, 2], [3, 4]]',
  ]);
});

test('selectors, topics and signatures match viem', () => {
  const transfer: AbiItem = {
    type: 'function',
    name: 'transfer',
    inputs: [
      { name: 'to', type: 'address' },
      { name: 'amount', type: 'uint256' },
    ],
  };
  assert.equal(signature(transfer), 'transfer(address,uint256)');
  assert.equal(selectorOf(transfer), Number(toFunctionSelector('transfer(address,uint256)')));
  const swap: AbiItem = {
    type: 'function',
    name: 'swap',
    inputs: [{ name: 'p', type: 'tuple[]', components: [{ type: 'address' }, { type: 'uint256[2]' }] }],
  };
  assert.equal(signature(swap), 'swap((address,uint256[2])[])');
  const event = {
    type: 'event',
    name: 'Transfer',
    inputs: [
      { name: 'from', type: 'address', indexed: true },
      { name: 'to', type: 'address', indexed: true },
      { name: 'value', type: 'uint256', indexed: false },
    ],
  } as const;
  const [topic0] = encodeEventTopics({ abi: [event], eventName: 'Transfer' });
  assert.equal(topicOf(event), topic0);
});

test('calls, errors and events format with their names and labelled fields', () => {
  const fn = {
    type: 'function',
    name: 'deposit',
    inputs: [
      { name: 'amount', type: 'uint256' },
      { name: 'note', type: 'string' },
    ],
  } as const;
  const data = encodeFunctionData({ abi: [fn], functionName: 'deposit', args: [5n, 'hi'] });
  assert.equal(formatCall(fn, hexToBytes(data)), 'deposit(5, "hi")');
  const error = {
    type: 'error',
    name: 'InsufficientBalance',
    inputs: [
      { name: 'balance', type: 'uint256' },
      { name: 'needed', type: 'uint256' },
    ],
  } as const;
  const revert = encodeErrorResult({ abi: [error], errorName: 'InsufficientBalance', args: [1n, 2n] });
  assert.equal(formatError(error, hexToBytes(revert)), 'InsufficientBalance(balance: 1, needed: 2)');
  const event = {
    type: 'event',
    name: 'Note',
    inputs: [
      { name: 'who', type: 'address', indexed: true },
      { name: 'tag', type: 'string', indexed: true },
      { name: 'amount', type: 'uint256', indexed: false },
    ],
  } as const;
  const topics = encodeEventTopics({ abi: [event], eventName: 'Note', args: { who: A, tag: 'x' } }) as `0x${string}`[];
  const body = encodeAbiParameters([{ type: 'uint256' }], [9n]);
  assert.equal(
    formatEvent(
      event,
      topics.map((t) => hexToBytes(t)),
      hexToBytes(body),
    ),
    `Note(who: ${getAddress(A)}, tag: ${topics[2]}, amount: 9)`,
  );
  assert.throws(
    () =>
      formatEvent(
        event,
        topics.slice(0, 2).map((t) => hexToBytes(t)),
        hexToBytes(body),
      ),
    AbiDecodeError,
  );
});

test('malformed data is refused, never read past its end', () => {
  const word = (n: bigint) => n.toString(16).padStart(64, '0');
  const cases: [string, string][] = [
    ['uint256', ''],
    ['bytes', word(32n)],
    ['bytes', word(0xffffffffffffn)],
    ['string', word(32n) + word(1000n)],
    ['uint256[]', word(32n) + word(10n ** 30n)],
    ['uint256[]', word(32n) + word(3n) + word(1n)],
    ['uint8', word(256n)],
    ['bool', word(2n)],
    ['address', 'ff' + word(1n).slice(2)],
  ];
  for (const [type, hex] of cases) {
    assert.throws(() => decodeParams([{ type }], hexToBytes('0x' + hex)), AbiDecodeError, `${type} 0x${hex}`);
  }
  assert.throws(() => decodeParams([{ type: 'uint7' }], new Uint8Array(32)), AbiDecodeError);
});
