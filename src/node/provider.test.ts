/**
 * The dev node in-process, through its EIP-1193 provider: every method, its bad-input cases,
 * dev methods, snapshots, filters, proofs, signing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { hashTypedData as viemHashTypedData, recoverMessageAddress, recoverTypedDataAddress, keccak256 as viemKeccak } from 'viem';
import { verifyProof } from '../state/trie.js';
import { addressToBytes } from '../primitives/address.js';
import { hexToBytes, bytesToHex } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { createNode, ALL_METHODS, type PolyvmNode } from './node.js';
import { hashTypedData, parseTypedData } from './typed-data.js';

const node: PolyvmNode = createNode({ genesisTimestamp: 1_700_000_000 });
after(() => node.close());

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const STRANGER = '0x1234567890123456789012345678901234567890';

async function rpc(method: string, params: unknown[] = []): Promise<any> {
  return node.request({ method, params });
}

async function rpcError(method: string, params: unknown): Promise<{ code: number; message: string; data?: unknown }> {
  try {
    await node.request({ method, params });
  } catch (error) {
    return error as { code: number; message: string };
  }
  assert.fail(`${method} ${JSON.stringify(params)} should have failed`);
}

// A contract: SSTORE(0, CALLDATALOAD(0)); LOG1(0, 0, topic 0xaa); return SLOAD(0)... kept tiny:
// 600035 600055 60aa 6000 6000 a1 600054 6000 52 6020 6000 f3
const RUNTIME = '0x60003560005560aa60006000a160005460005260206000f3';
// Initcode that returns RUNTIME.
function initcodeFor(runtime: string): string {
  const code = runtime.slice(2);
  const length = code.length / 2;
  // PUSH1 len PUSH1 off PUSH1 0 CODECOPY PUSH1 len PUSH1 0 RETURN, then the runtime
  const prefix = `60${length.toString(16).padStart(2, '0')}600c60003960${length.toString(16).padStart(2, '0')}6000f3`;
  return '0x' + prefix + code;
}
// Reverts with Error("nope"): mstore the ABI encoding and revert.
const REVERTER =
  '0x7f08c379a0' + '00'.repeat(28) + '600052' + '6020600452' + '6004602452' + '7f6e6f7065' + '00'.repeat(28) + '604452' + '60646000fd';

test('chain and account basics', async () => {
  assert.equal(await rpc('eth_chainId'), '0x7a69');
  assert.equal(await rpc('net_version'), '31337');
  assert.equal(await rpc('net_listening'), true);
  assert.match(await rpc('web3_clientVersion'), /^anvil-compatible\/polyvm\/v\d/);
  assert.equal(await rpc('web3_sha3', ['0x68656c6c6f']), viemKeccak('0x68656c6c6f'));
  const accounts = await rpc('eth_accounts');
  assert.equal(accounts.length, 10);
  assert.equal(accounts[0], A0);
  assert.equal(await rpc('eth_getBalance', [A0, 'latest']), '0x21e19e0c9bab2400000');
  assert.equal(await rpc('eth_syncing'), false);
  assert.equal(await rpc('eth_mining'), true);
  const genesis = await rpc('eth_getBlockByNumber', ['earliest', false]);
  assert.equal(genesis.timestamp, '0x6553f100');
  assert.equal(genesis.requestsHash, '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('transactions: send, mine, receipts, lookups, nonce handling', async () => {
  const before = BigInt(await rpc('eth_blockNumber'));
  const hash = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x10' }]);
  assert.equal(BigInt(await rpc('eth_blockNumber')), before + 1n);
  const receipt = await rpc('eth_getTransactionReceipt', [hash]);
  assert.equal(receipt.status, '0x1');
  assert.equal(receipt.gasUsed, '0x5208');
  const tx = await rpc('eth_getTransactionByHash', [hash]);
  assert.equal(tx.from, A0);
  assert.equal(tx.value, '0x10');
  const block = await rpc('eth_getBlockByHash', [receipt.blockHash, true]);
  assert.equal(block.transactions[0].hash, hash);
  assert.deepEqual(await rpc('eth_getBlockReceipts', [receipt.blockNumber]), [receipt]);
  assert.equal(await rpc('eth_getBlockTransactionCountByHash', [receipt.blockHash]), '0x1');
  assert.equal(await rpc('eth_getBlockTransactionCountByNumber', [receipt.blockNumber]), '0x1');
  assert.equal((await rpc('eth_getTransactionByBlockHashAndIndex', [receipt.blockHash, '0x0'])).hash, hash);
  assert.equal((await rpc('eth_getTransactionByBlockNumberAndIndex', [receipt.blockNumber, '0x0'])).hash, hash);
  assert.equal(await rpc('eth_getTransactionByBlockNumberAndIndex', [receipt.blockNumber, '0x5']), null);
  assert.equal(await rpc('eth_getTransactionByHash', ['0x' + '00'.repeat(32)]), null);
  assert.equal(await rpc('eth_getTransactionReceipt', ['0x' + '00'.repeat(32)]), null);
  assert.equal(await rpc('eth_getBlockByNumber', ['0xffffff', false]), null);
  assert.equal(await rpc('eth_getUncleCountByBlockNumber', ['latest']), '0x0');
  // A nonce already used, and a sender without a key.
  assert.match((await rpcError('eth_sendTransaction', [{ from: A0, to: A1, nonce: '0x0' }])).message, /nonce too low/);
  assert.match((await rpcError('eth_sendTransaction', [{ from: STRANGER, to: A1 }])).message, /no signer/);
  // Balance too low.
  assert.match(
    (await rpcError('eth_sendTransaction', [{ from: A1, to: A0, value: '0x' + (10n ** 30n).toString(16) }])).message,
    /insufficient funds/,
  );
});

test('contracts: deploy, call, estimate, logs, revert data, access lists', async () => {
  const deploy = await rpc('eth_sendTransaction', [{ from: A0, data: initcodeFor(RUNTIME) }]);
  const { contractAddress, status } = await rpc('eth_getTransactionReceipt', [deploy]);
  assert.equal(status, '0x1');
  assert.equal(await rpc('eth_getCode', [contractAddress, 'latest']), RUNTIME);
  const input = '0x' + '00'.repeat(31) + '2a';
  assert.equal(await rpc('eth_call', [{ to: contractAddress, data: input }, 'latest']), input);
  // The call did not change the state.
  assert.equal(await rpc('eth_getStorageAt', [contractAddress, '0x0', 'latest']), '0x' + '00'.repeat(32));
  const gas = BigInt(await rpc('eth_estimateGas', [{ from: A0, to: contractAddress, data: input }]));
  assert.ok(gas > 21000n + 20000n && gas < 80000n, `estimate ${gas}`);
  const sent = await rpc('eth_sendTransaction', [{ from: A0, to: contractAddress, data: input, gas: '0x' + gas.toString(16) }]);
  const receipt = await rpc('eth_getTransactionReceipt', [sent]);
  assert.equal(receipt.status, '0x1');
  assert.equal(receipt.logs.length, 1);
  assert.equal(receipt.logs[0].topics[0], '0x' + '00'.repeat(31) + 'aa');
  assert.equal(await rpc('eth_getStorageAt', [contractAddress, '0x0', 'latest']), input);
  const logs = await rpc('eth_getLogs', [{ fromBlock: '0x0', address: contractAddress, topics: [['0x' + '00'.repeat(31) + 'aa']] }]);
  assert.equal(logs.length, 1);
  assert.equal(logs[0].transactionHash, sent);
  assert.deepEqual(await rpc('eth_getLogs', [{ fromBlock: '0x0', topics: ['0x' + '00'.repeat(31) + 'ab'] }]), []);
  assert.deepEqual(await rpc('eth_getLogs', [{ blockHash: receipt.blockHash }]), logs);
  // State overrides and block overrides.
  const overridden = await rpc('eth_call', [
    { to: contractAddress, data: input },
    'latest',
    { [contractAddress]: { code: '0x4260005260206000f3' } },
    { time: '0x1234' },
  ]);
  assert.equal(BigInt(overridden), 0x1234n);
  // Reverts: code 3 with the data and the decoded reason.
  const reverter = await rpc('eth_sendTransaction', [{ from: A0, data: initcodeFor(REVERTER) }]);
  const reverterAddress = (await rpc('eth_getTransactionReceipt', [reverter])).contractAddress;
  const failure = await rpcError('eth_call', [{ to: reverterAddress }, 'latest']);
  assert.equal(failure.code, 3);
  assert.equal(failure.message, 'execution reverted: nope');
  assert.match(String(failure.data), /^0x08c379a0/);
  assert.equal((await rpcError('eth_estimateGas', [{ from: A0, to: reverterAddress }])).code, 3);
  const list = await rpc('eth_createAccessList', [{ from: A0, to: contractAddress, data: input }, 'latest']);
  assert.equal(list.accessList.length, 1);
  assert.equal(list.accessList[0].address, contractAddress);
  assert.deepEqual(list.accessList[0].storageKeys, ['0x' + '00'.repeat(32)]);
  // Proofs are served for the latest block only.
  assert.match((await rpcError('eth_getProof', [A0, [], '0x0'])).message, /latest block only/);
});

test('fees: gas price, priority fee, fee history, blob base fee', async () => {
  const base = BigInt((await rpc('eth_getBlockByNumber', ['latest', false])).baseFeePerGas);
  assert.ok(BigInt(await rpc('eth_gasPrice')) > 0n);
  assert.equal(await rpc('eth_maxPriorityFeePerGas'), '0x3b9aca00');
  assert.equal(await rpc('eth_blobBaseFee'), '0x1');
  const history = await rpc('eth_feeHistory', ['0x3', 'latest', [10, 50]]);
  assert.equal(history.baseFeePerGas.length, 4);
  assert.equal(history.gasUsedRatio.length, 3);
  assert.equal(history.reward.length, 3);
  assert.equal(BigInt(history.baseFeePerGas[2]), base);
  assert.equal(history.baseFeePerBlobGas.length, 4);
});

test('dev methods: balances, code, nonce, storage, time, base fee, coinbase, mining', async () => {
  await rpc('anvil_setBalance', [STRANGER, '0x100']);
  assert.equal(await rpc('eth_getBalance', [STRANGER]), '0x100');
  await rpc('hardhat_setCode', [STRANGER, '0x6000']);
  assert.equal(await rpc('eth_getCode', [STRANGER]), '0x6000');
  await rpc('anvil_setNonce', [STRANGER, '0x7']);
  assert.equal(await rpc('eth_getTransactionCount', [STRANGER, 'latest']), '0x7');
  assert.equal(await rpc('anvil_setStorageAt', [STRANGER, '0x1', '0x' + '00'.repeat(31) + '05']), true);
  assert.equal(await rpc('eth_getStorageAt', [STRANGER, '0x1']), '0x' + '00'.repeat(31) + '05');
  await rpc('anvil_setCode', [STRANGER, '0x']);

  const latest = BigInt((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp);
  await rpc('evm_setNextBlockTimestamp', ['0x' + (latest + 1000n).toString(16)]);
  await rpc('evm_mine');
  assert.equal(BigInt((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp), latest + 1000n);
  await rpc('evm_increaseTime', ['0x3c']);
  await rpc('evm_mine');
  assert.ok(BigInt((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp) >= latest + 1060n);
  assert.match((await rpcError('evm_setNextBlockTimestamp', ['0x1'])).message, /not after/);

  await rpc('anvil_setNextBlockBaseFeePerGas', ['0x7']);
  await rpc('anvil_setCoinbase', [STRANGER]);
  await rpc('anvil_mine', ['0x3', '0xa']);
  const blocks = await Promise.all(
    [-2, -1, 0].map(async (d) =>
      rpc('eth_getBlockByNumber', ['0x' + (BigInt(await rpc('eth_blockNumber')) + BigInt(d)).toString(16), false]),
    ),
  );
  assert.equal(blocks[0].baseFeePerGas, '0x7');
  assert.equal(blocks[0].miner, STRANGER);
  assert.equal(BigInt(blocks[2].timestamp) - BigInt(blocks[1].timestamp), 10n);
  await rpc('anvil_setCoinbase', ['0x0000000000000000000000000000000000000000']);

  // Manual mining, the pool, txpool_*, dropping.
  await rpc('evm_setAutomine', [false]);
  assert.equal(await rpc('anvil_getAutomine'), false);
  const n = BigInt(await rpc('eth_blockNumber'));
  const h1 = await rpc('eth_sendTransaction', [{ from: A1, to: A0, value: '0x1', gas: '0x5208' }]);
  const nonce = BigInt(await rpc('eth_getTransactionCount', [A1, 'pending']));
  const h3 = await rpc('eth_sendTransaction', [{ from: A1, to: A0, value: '0x1', gas: '0x5208', nonce: '0x' + (nonce + 1n).toString(16) }]);
  assert.equal(BigInt(await rpc('eth_blockNumber')), n);
  assert.equal((await rpc('eth_getTransactionByHash', [h1])).blockHash, null);
  assert.deepEqual(await rpc('txpool_status'), { pending: '0x1', queued: '0x1' });
  const content = await rpc('txpool_content');
  assert.equal(Object.keys(content.pending[A1]).length, 1);
  assert.equal(await rpc('anvil_dropTransaction', [h3]), h3);
  assert.equal(await rpc('hardhat_dropTransaction', [h3]), false);
  await rpc('evm_mine');
  assert.equal((await rpc('eth_getTransactionReceipt', [h1])).status, '0x1');
  assert.deepEqual(await rpc('txpool_status'), { pending: '0x0', queued: '0x0' });
  await rpc('evm_setAutomine', [true]);
});

test('impersonation', async () => {
  await rpc('anvil_setBalance', [STRANGER, '0xde0b6b3a7640000']);
  assert.match((await rpcError('eth_sendTransaction', [{ from: STRANGER, to: A0, value: '0x1' }])).message, /no signer/);
  await rpc('anvil_impersonateAccount', [STRANGER]);
  const hash = await rpc('eth_sendTransaction', [{ from: STRANGER, to: A0, value: '0x1' }]);
  const tx = await rpc('eth_getTransactionByHash', [hash]);
  assert.equal(tx.from, STRANGER);
  assert.equal((await rpc('eth_getTransactionReceipt', [hash])).status, '0x1');
  await rpc('anvil_stopImpersonatingAccount', [STRANGER]);
  assert.match((await rpcError('eth_sendTransaction', [{ from: STRANGER, to: A0, value: '0x1' }])).message, /no signer/);
});

test('snapshots revert blocks, state and time', async () => {
  const id = await rpc('evm_snapshot');
  const number = await rpc('eth_blockNumber');
  const balance = await rpc('eth_getBalance', [A1]);
  const hash = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x99' }]);
  await rpc('anvil_setBalance', [A0, '0x1']);
  assert.equal(await rpc('evm_revert', [id]), true);
  assert.equal(await rpc('eth_blockNumber'), number);
  assert.equal(await rpc('eth_getBalance', [A1]), balance);
  assert.equal(await rpc('eth_getTransactionByHash', [hash]), null);
  assert.equal(await rpc('evm_revert', [id]), false);
  // The chain goes on from the restored state: the state root is recomputed.
  const next = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]);
  assert.equal((await rpc('eth_getTransactionReceipt', [next])).status, '0x1');
});

test('filters: logs, blocks, pending transactions', async () => {
  const blockFilter = await rpc('eth_newBlockFilter');
  const pendingFilter = await rpc('eth_newPendingTransactionFilter');
  const logFilter = await rpc('eth_newFilter', [{}]);
  const hash = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]);
  const blocks = await rpc('eth_getFilterChanges', [blockFilter]);
  assert.equal(blocks.length, 1);
  assert.deepEqual(await rpc('eth_getFilterChanges', [pendingFilter]), [hash]);
  assert.deepEqual(await rpc('eth_getFilterChanges', [blockFilter]), []);
  assert.deepEqual(await rpc('eth_getFilterChanges', [logFilter]), []);
  assert.deepEqual(await rpc('eth_getFilterLogs', [logFilter]), []);
  assert.equal(await rpc('eth_uninstallFilter', [blockFilter]), true);
  assert.equal(await rpc('eth_uninstallFilter', [blockFilter]), false);
  assert.match((await rpcError('eth_getFilterChanges', [blockFilter])).message, /filter not found/);
  assert.equal((await rpcError('eth_subscribe', ['nope'])).code, -32602);
  // In-process subscriptions arrive as EIP-1193 'message' events.
  const id = await rpc('eth_subscribe', ['newHeads']);
  const messages: any[] = [];
  const listener = (m: any) => messages.push(m);
  node.on('message', listener);
  await rpc('evm_mine');
  node.off('message', listener);
  assert.equal(messages.length, 1);
  assert.equal(messages[0].data.subscription, id);
  assert.equal(await rpc('eth_unsubscribe', [id]), true);
});

test('EIP-1186 proofs verify against the state root', async () => {
  const block = await rpc('eth_getBlockByNumber', ['latest', false]);
  const proof = await rpc('eth_getProof', [A0, ['0x0'], 'latest']);
  assert.equal(proof.balance, await rpc('eth_getBalance', [A0]));
  const value = verifyProof(
    hexToBytes(block.stateRoot),
    keccak256(addressToBytes(A0)),
    proof.accountProof.map((n: string) => hexToBytes(n)),
  );
  assert.ok(value);
  assert.equal(proof.storageProof[0].value, '0x0');
  const absent = await rpc('eth_getProof', [STRANGER.replace('12', 'ff'), [], 'latest']);
  assert.equal(absent.nonce, '0x0');
  assert.equal(
    verifyProof(
      hexToBytes(block.stateRoot),
      keccak256(addressToBytes(STRANGER.replace('12', 'ff'))),
      absent.accountProof.map((n: string) => hexToBytes(n)),
    ),
    undefined,
  );
});

test('signing: eth_sign, personal_sign, signTypedData_v4', async () => {
  const message = '0x68656c6c6f';
  const signature = await rpc('personal_sign', [message, A0]);
  assert.equal((await recoverMessageAddress({ message: { raw: message }, signature })).toLowerCase(), A0);
  assert.equal(await rpc('eth_sign', [A0, message]), signature);
  const typedData = {
    types: {
      EIP712Domain: [
        { name: 'name', type: 'string' },
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
      ],
      Person: [
        { name: 'name', type: 'string' },
        { name: 'wallet', type: 'address' },
      ],
      Mail: [
        { name: 'from', type: 'Person' },
        { name: 'to', type: 'Person[]' },
        { name: 'contents', type: 'string' },
        { name: 'amount', type: 'int64' },
        { name: 'tag', type: 'bytes4' },
      ],
    },
    primaryType: 'Mail',
    domain: { name: 'Ether Mail', chainId: 31337, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
    message: {
      from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
      to: [{ name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' }],
      contents: 'Hello, Bob!',
      amount: -5,
      tag: '0x01020304',
    },
  } as const;
  assert.equal(bytesToHex(hashTypedData(parseTypedData(typedData))), viemHashTypedData(typedData as any));
  const typedSignature = await rpc('eth_signTypedData_v4', [A0, JSON.stringify(typedData)]);
  assert.equal((await recoverTypedDataAddress({ ...(typedData as any), signature: typedSignature })).toLowerCase(), A0);
  assert.equal((await rpcError('eth_signTypedData_v4', [A0, '{"types":5}'])).code, -32602);
  assert.match((await rpcError('personal_sign', [message, STRANGER])).message, /only dev accounts/);
});

test('dump and load state round-trip the whole chain', async () => {
  const dump = await rpc('anvil_dumpState');
  const number = await rpc('eth_blockNumber');
  const latest = await rpc('eth_getBlockByNumber', ['latest', false]);
  const balance = await rpc('eth_getBalance', [A1]);
  await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x5' }]);
  assert.equal(await rpc('anvil_loadState', [dump]), true);
  assert.equal(await rpc('eth_blockNumber'), number);
  assert.deepEqual(await rpc('eth_getBlockByNumber', ['latest', false]), latest);
  assert.equal(await rpc('eth_getBalance', [A1]), balance);
  assert.equal((await rpcError('anvil_loadState', ['0x1234'])).code, -32602);
  // The chain continues from the loaded state with matching roots.
  const hash = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x5' }]);
  assert.equal((await rpc('eth_getTransactionReceipt', [hash])).status, '0x1');
});

test('anvil_reset starts a new chain', async () => {
  const second = createNode({ accounts: 2 });
  try {
    await second.request({ method: 'eth_sendTransaction', params: [{ from: A0, to: A1, value: '0x1' }] });
    assert.equal(await second.request({ method: 'eth_blockNumber' }), '0x1');
    assert.equal(await second.request({ method: 'anvil_reset', params: [] }), null);
    assert.equal(await second.request({ method: 'eth_blockNumber' }), '0x0');
    assert.equal(await second.request({ method: 'eth_getBalance', params: [A1] }), '0x21e19e0c9bab2400000');
  } finally {
    await second.close();
  }
});

// ---- bad input: every method, wrong types and arities, and never an internal error ----

const ZERO_HASH = '0x' + '00'.repeat(32);

const BAD_PARAMS: Record<string, unknown[][]> = {
  eth_getBalance: [['0x12'], [A0, 'newest'], [A0, '0x'], [123]],
  eth_getCode: [['zz'], [A0, { blockHash: '0x12' }]],
  eth_getStorageAt: [[A0], [A0, 'slot'], [A0, '0x0', 'later']],
  eth_getTransactionCount: [[A0, true], ['0xg' + '0'.repeat(39)]],
  eth_call: [
    [],
    ['x'],
    [{ to: 'x' }],
    [{ data: '0x123' }],
    [{ gas: '1' }],
    [{ to: A0, value: '0x' }],
    [{ to: A0, foo: 1 }],
    [{ to: A0 }, 'latest', { [A0]: { balance: 'x' } }],
    [{ to: A0 }, 'latest', {}, { time: 'now' }],
    [{ to: A0, data: '0x00', input: '0x01' }],
    [{ to: A0, gasPrice: '0x1', maxFeePerGas: '0x1' }],
  ],
  eth_estimateGas: [[{ to: 5 }], [{ to: A0 }, 'x'], [{ to: A0, type: '0x9' }]],
  eth_createAccessList: [[{ to: A0, accessList: [{ address: 'x' }] }], [{ to: A0, accessList: 'x' }]],
  eth_getBlockByNumber: [[], ['0xq'], ['latest', 'yes']],
  eth_getBlockByHash: [['0x12'], ['0x' + '00'.repeat(32), 1]],
  eth_getBlockTransactionCountByNumber: [['x']],
  eth_getBlockTransactionCountByHash: [['x']],
  eth_getUncleCountByBlockNumber: [[{}]],
  eth_getUncleCountByBlockHash: [[1]],
  eth_getUncleByBlockNumberAndIndex: [['latest', 'x']],
  eth_getUncleByBlockHashAndIndex: [['0x00', '0x0']],
  eth_getBlockReceipts: [['x']],
  eth_getTransactionByHash: [['0x12'], [null]],
  eth_getTransactionByBlockHashAndIndex: [
    ['0x00', '0x0'],
    ['0x' + '00'.repeat(32), 'x'],
  ],
  eth_getTransactionByBlockNumberAndIndex: [['latest', '-1']],
  eth_getTransactionReceipt: [['0x']],
  eth_getLogs: [
    ['x'],
    [{ address: 'x' }],
    [{ topics: 'x' }],
    [{ topics: ['0x12'] }],
    [{ topics: [null, null, null, null, null] }],
    [{ blockHash: '0x' + '00'.repeat(32), fromBlock: '0x0' }],
    [{ fromBlock: 'x' }],
    [{ unknown: 1 }],
  ],
  eth_newFilter: [['x'], [{ address: 1 }]],
  eth_getFilterChanges: [[5], ['not hex']],
  eth_getFilterLogs: [[{}]],
  eth_uninstallFilter: [[true]],
  eth_subscribe: [[5], ['newHeads', 'extra']],
  eth_unsubscribe: [[[]]],
  eth_getProof: [[A0], [A0, 'x'], [A0, ['zz']], ['x', []]],
  eth_feeHistory: [
    ['x', 'latest'],
    ['0x1', 'x'],
    ['0x1', 'latest', [50, 10]],
    ['0x1', 'latest', [101]],
    ['0x1', 'latest', 'x'],
  ],
  eth_sendTransaction: [[{}], [{ from: 'x' }], [{ from: A0, value: '-1' }], [{ from: A0, nonce: '0x' + 'f'.repeat(17) }]],
  eth_signTransaction: [[{}]],
  eth_sendRawTransaction: [['0x'], ['0x12'], ['zz'], ['0xc0'], ['0x02c0'], [5]],
  eth_sign: [[A0], [A0, 'x'], ['x', '0x00']],
  personal_sign: [
    ['x', A0],
    ['0x00', 'x'],
  ],
  eth_signTypedData_v4: [[A0], [A0, 5], [A0, 'not json']],
  eth_signTypedData: [[A0, {}]],
  eth_signTypedData_v3: [[A0], [A0, 'not json']],
  eth_config: [[1]],
  eth_getWork: [[1]],
  eth_submitWork: [[], ['0x01', ZERO_HASH, ZERO_HASH], ['0x0000000000000001', '0x12', ZERO_HASH]],
  eth_submitHashrate: [[], ['x', ZERO_HASH], ['0x1', '0x12']],
  anvil_impersonateSignature: [[], [A0], ['0x1234', A0], ['x', A0], [`0x${'11'.repeat(65)}`, 'x']],
  tenderly_setBalance: [[A0, 'x']],
  tenderly_addBalance: [[A0, 'x']],
  web3_sha3: [[], ['x'], ['0x123']],
  anvil_setBalance: [[A0], [A0, 'x'], ['x', '0x1']],
  hardhat_setBalance: [[A0, -1]],
  anvil_setCode: [[A0, 'x'], [A0]],
  hardhat_setCode: [[A0, 5]],
  anvil_setNonce: [
    [A0, 'x'],
    [A0, '0x' + 'f'.repeat(17)],
  ],
  hardhat_setNonce: [['x', '0x1']],
  anvil_setStorageAt: [
    [A0, '0x0'],
    [A0, 'x', '0x0'],
    [A0, '0x0', 'x'],
  ],
  hardhat_setStorageAt: [['x', '0x0', '0x0']],
  anvil_impersonateAccount: [[], ['x']],
  hardhat_impersonateAccount: [[5]],
  anvil_stopImpersonatingAccount: [['x']],
  hardhat_stopImpersonatingAccount: [[null]],
  anvil_autoImpersonateAccount: [['yes']],
  anvil_mine: [['x'], ['0x1', 'x'], ['0xffffffffff']],
  hardhat_mine: [['x']],
  evm_mine: [['x'], [{ blocks: 'x' }], [{ foo: 1 }]],
  evm_snapshot: [['x']],
  anvil_snapshot: [[1]],
  evm_revert: [[], ['x']],
  anvil_revert: [[{}]],
  evm_increaseTime: [['x'], []],
  anvil_increaseTime: [[-5]],
  evm_setNextBlockTimestamp: [['x']],
  anvil_setNextBlockTimestamp: [[]],
  evm_setTime: [['x']],
  anvil_setTime: [[{}]],
  evm_setAutomine: [['true'], []],
  anvil_setAutomine: [[1]],
  anvil_getAutomine: [[1]],
  hardhat_getAutomine: [['x']],
  evm_setIntervalMining: [['x'], ['0xfffffffff']],
  anvil_setIntervalMining: [[true]],
  anvil_setNextBlockBaseFeePerGas: [['x'], []],
  hardhat_setNextBlockBaseFeePerGas: [[null]],
  anvil_setCoinbase: [['x']],
  hardhat_setCoinbase: [[]],
  anvil_setBlockGasLimit: [['x'], ['0x1']],
  evm_setBlockGasLimit: [[]],
  anvil_dropTransaction: [['x']],
  hardhat_dropTransaction: [[]],
  anvil_reset: [['x']],
  hardhat_reset: [[5]],
  anvil_dumpState: [['x']],
  anvil_loadState: [['x'], ['0x00']],
  anvil_nodeInfo: [[1]],
  txpool_status: [[1]],
  txpool_content: [['x']],
  txpool_inspect: [[{}]],
  net_version: [[1]],
  net_listening: [[1]],
  net_peerCount: [[1]],
  web3_clientVersion: [[1]],
  eth_chainId: [[1]],
  eth_blockNumber: [['latest']],
  eth_accounts: [[1]],
  eth_coinbase: [[1]],
  eth_mining: [[1]],
  eth_hashrate: [[1]],
  eth_syncing: [[1]],
  eth_protocolVersion: [[1]],
  eth_gasPrice: [[1]],
  eth_maxPriorityFeePerGas: [[1]],
  eth_blobBaseFee: [[1]],
  eth_newBlockFilter: [[1]],
  eth_newPendingTransactionFilter: [[1, 2]],
  debug_traceTransaction: [
    [],
    ['0x12'],
    [ZERO_HASH, 'x'],
    [ZERO_HASH, { tracer: 1 }],
    [ZERO_HASH, { timeout: 'soon' }],
    [ZERO_HASH, { nope: 1 }],
  ],
  debug_traceCall: [
    [],
    ['x'],
    [{ to: A0 }, 'newest'],
    [{ to: A0 }, 'latest', { tracer: 'nopeTracer' }],
    [{ to: A0 }, 'latest', { stateOverrides: 1 }],
    [{ to: A0 }, 'latest', { limit: -1 }],
  ],
  debug_traceBlockByNumber: [[], ['x'], ['latest', 1], ['latest', { tracer: 'callTracer', timeout: '5 s' }]],
  debug_traceBlockByHash: [[], ['0x12'], [ZERO_HASH, 'x']],
  debug_traceBlock: [[], ['0x123'], [1]],
  debug_getRawTransaction: [[], ['0x12'], [ZERO_HASH, 1]],
  debug_getRawReceipts: [[], ['newest'], ['latest', 1]],
  debug_getRawBlock: [[], ['newest'], ['latest', 1]],
  debug_getRawHeader: [[], ['newest'], ['latest', 1]],
  trace_transaction: [[], ['0x12'], [ZERO_HASH, 1]],
  trace_get: [[ZERO_HASH], ['0x12', ['0x0']], [ZERO_HASH, 'x'], [ZERO_HASH, ['x']]],
  trace_block: [[], ['newest'], ['latest', 1]],
  trace_filter: [[], ['x'], [{ fromBlock: 'newest' }], [{ fromAddress: ['x'] }], [{ count: -1 }]],
  trace_replayTransaction: [[ZERO_HASH], ['0x12', ['trace']], [ZERO_HASH, 'trace'], [ZERO_HASH, ['nope']]],
  trace_replayBlockTransactions: [['latest'], ['newest', ['trace']], ['latest', ['nope']]],
  trace_call: [[{ to: A0 }], ['x', ['trace']], [{ to: A0 }, ['nope']], [{ to: A0 }, ['trace'], 'newest']],
  trace_callMany: [[], ['x'], [[1]], [[[{ to: A0 }]]], [[[{ to: A0 }, ['nope']]]], [[], 'newest']],
  ots_getApiLevel: [[1]],
  ots_hasCode: [[], ['x'], [A0, 'newest']],
  ots_getInternalOperations: [[], ['0x12']],
  ots_traceTransaction: [[], ['x']],
  ots_getTransactionError: [[], [ZERO_HASH, 1]],
  ots_getBlockDetails: [[], ['x'], [1.5]],
  ots_getBlockDetailsByHash: [[], ['0x12']],
  ots_getBlockTransactions: [
    [0, 0],
    [0, 0, 0],
    [0, 'x', 5],
    ['x', 0, 5],
  ],
  ots_searchTransactionsBefore: [[], ['x', 0, 5], [A0, 'x', 5], [A0, 0, 0]],
  ots_searchTransactionsAfter: [
    [A0, 0],
    [A0, 0, 'x'],
  ],
  ots_getTransactionBySenderAndNonce: [[A0], ['x', 0], [A0, 'x']],
  ots_getContractCreator: [[], ['x']],
  erigon_getHeaderByNumber: [[], ['x']],
  anvil_metadata: [[1]],
  hardhat_metadata: [['x']],
  anvil_setLoggingEnabled: [[], ['yes']],
  hardhat_setLoggingEnabled: [[1]],
  anvil_enableTraces: [[true]],
  anvil_setRpcUrl: [[], ['x'], [5]],
  anvil_setChainId: [[], ['x'], ['0x0'], ['0x' + 'f'.repeat(17)]],
  anvil_setMinGasPrice: [[], ['x']],
  hardhat_setMinGasPrice: [[-1]],
  anvil_setBlockTimestampInterval: [[], ['x'], ['0x100000000']],
  anvil_removeBlockTimestampInterval: [[1]],
  hardhat_setPrevRandao: [[], ['0x12'], [5]],
  anvil_getGenesisTime: [[1]],
  anvil_getIntervalMining: [[1]],
  anvil_addBalance: [[A0], ['x', '0x1'], [A0, 'x']],
  hardhat_addBalance: [[A0, -1]],
  anvil_dropAllTransactions: [[1]],
  hardhat_dropAllTransactions: [['x']],
  anvil_removePoolTransactions: [[], ['x']],
  anvil_dealERC20: [
    [A0, A1],
    ['x', A1, '0x1'],
    [A0, 'x', '0x1'],
    [A0, A1, 'x'],
  ],
  hardhat_dealERC20: [[A0, A1, -1]],
  anvil_setERC20Balance: [[A0]],
  anvil_setERC20Allowance: [
    [A0, A1, A1],
    ['x', A1, A1, '0x1'],
    [A0, A1, 'x', '0x1'],
    [A0, A1, A1, 'x'],
  ],
  anvil_rollback: [['x'], ['0xffffffffff']],
  anvil_reorg: [[], ['0x1'], ['x', []], ['0x0', []], ['0x1', 'x'], ['0x1', [['0x00']]], ['0xffffff', []]],
  eth_sendTransactionSync: [[], [{}], [{ from: A0 }, 'x']],
  eth_sendRawTransactionSync: [[], ['0x'], ['0x12', 'x']],
  eth_getRawTransactionByHash: [[], ['0x12']],
  eth_getRawTransactionByBlockNumberAndIndex: [['latest'], ['x', '0x0'], ['latest', 'x']],
  eth_getRawTransactionByBlockHashAndIndex: [[ZERO_HASH], ['0x12', '0x0'], [ZERO_HASH, 'x']],
  anvil_getBlobByHash: [[], ['0x12']],
  anvil_getBlobsByTransactionHash: [[], [5]],
  evm_setAccountNonce: [[A0, 'x']],
  hardhat_dumpState: [[1]],
  hardhat_loadState: [['x']],
  hardhat_autoImpersonateAccount: [[]],
  txpool_contentFrom: [[], ['x']],
  eth_getAccount: [[], ['x'], [A0, 'newest']],
  eth_getAccountInfo: [[], ['x'], [A0, 'newest']],
  eth_getStorageValues: [[], ['x'], [{ x: [] }], [{ [A0]: ['0x0'] }], [{ [A0]: 'x' }], [{}, 'newest']],
  debug_codeByHash: [[], ['0x12'], [ZERO_HASH, 'newest']],
  eth_getTransactionBySenderAndNonce: [[A0], ['x', '0x0'], [A0, 'x']],
  eth_requestAccounts: [[1]],
  eth_networkId: [[1]],
  eth_sendUnsignedTransaction: [[], [{}], [{ from: 'x' }]],
  eth_fillTransaction: [[], [{}], [{ from: A0, gas: 'x' }]],
  evm_mine_detailed: [['x'], [{ foo: 1 }]],
  anvil_mine_detailed: [[{ blocks: 'x' }]],
  eth_simulateV1: [
    [],
    ['x'],
    [{ foo: 1 }],
    [{ blockStateCalls: 'x' }],
    [{ blockStateCalls: [{ calls: 'x' }] }],
    [{ blockStateCalls: [{ calls: [{ to: 'x' }] }] }],
    [{ blockStateCalls: [{ blockOverrides: { time: 'x' } }] }],
    [{ blockStateCalls: [] }, 'newest'],
    [{ blockStateCalls: [], validation: 'yes' }],
  ],
};

test('every method has bad-input cases, and each is an invalid-params error', async () => {
  for (const method of Object.keys(ALL_METHODS)) {
    assert.ok(BAD_PARAMS[method], `no bad-input cases for ${method}`);
    for (const params of BAD_PARAMS[method]!) {
      const error = await rpcError(method, params);
      assert.equal(error.code, -32602, `${method} ${JSON.stringify(params)}: ${error.code} ${error.message}`);
      assert.match(error.message, /^invalid params: /);
    }
    // Named parameters and a non-array are refused the same way.
    assert.equal((await rpcError(method, { a: 1 })).code, -32602);
    assert.equal((await rpcError(method, 'x')).code, -32602);
  }
  assert.equal((await rpcError('eth_nope', [])).code, -32601);
  assert.equal((await rpcError('__proto__', [])).code, -32601);
});

test('no garbage makes a method fail with an internal error', async () => {
  const garbage: unknown[] = [
    null,
    true,
    1.5,
    -1,
    2 ** 60,
    '',
    '0x',
    '0xzz',
    'x'.repeat(5000),
    [],
    {},
    [[[[]]]],
    { blockHash: 5 },
    { __proto__: { x: 1 } },
  ];
  const skip = new Set([
    'anvil_rollback',
    'anvil_reorg',
    'anvil_setChainId',
    'anvil_reset',
    'hardhat_reset',
    'anvil_loadState',
    'evm_revert',
    'anvil_revert',
    'evm_setIntervalMining',
    'anvil_setIntervalMining',
  ]);
  const snapshot = await rpc('evm_snapshot');
  for (const method of Object.keys(ALL_METHODS)) {
    if (skip.has(method)) continue;
    for (const a of garbage) {
      for (const params of [[a], [a, a], [A0, a], [a, 'latest'], [{ from: A0, to: a }], [{ to: A0, data: a }]]) {
        try {
          await node.request({ method, params });
        } catch (error) {
          const code = (error as { code: number }).code;
          assert.notEqual(code, -32603, `${method} ${JSON.stringify(params).slice(0, 80)}: ${(error as Error).message}`);
        }
      }
    }
  }
  await rpc('evm_revert', [snapshot]);
  await rpc('evm_setAutomine', [true]);
  await rpc('evm_setIntervalMining', [0]);
});

test('disableBlockGasLimit: a transaction above the usual block limit is mined; with a gas limit it is refused', async () => {
  const big = '0x5f5e100'; // 100M gas
  const open = createNode({ disableBlockGasLimit: true, disableTxGasLimitCap: true });
  const limited = createNode({ disableTxGasLimitCap: true });
  try {
    const hash = await open.request({ method: 'eth_sendTransaction', params: [{ from: A0, to: A1, value: '0x1', gas: big }] });
    const receipt = (await open.request({ method: 'eth_getTransactionReceipt', params: [hash] })) as {
      status: string;
      blockNumber: string;
    };
    assert.equal(receipt.status, '0x1');
    const block = (await open.request({ method: 'eth_getBlockByNumber', params: [receipt.blockNumber, false] })) as { gasLimit: string };
    assert.equal(block.gasLimit, '0x7fffffffffffffff');
    await assert.rejects(
      limited.request({ method: 'eth_sendTransaction', params: [{ from: A0, to: A1, value: '0x1', gas: big }] }),
      /exceeds block gas limit|gas limit/,
    );
    assert.throws(() => createNode({ disableBlockGasLimit: true, gasLimit: 1_000_000 }), /not both/);
  } finally {
    await open.close();
    await limited.close();
  }
});
