/**
 * Anvil's node and chain dev methods added for issue 14: metadata, logging, chain id, min gas
 * price, timestamp interval, balances and ERC-20 deals, the pool, rollback and reorg, raw
 * transactions, the Sync send methods and blobs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDeployData, encodeFunctionData, decodeFunctionResult, toRlp, sha256, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createNode, type PolyvmNode } from '../node.js';
import { uniswapArtifact } from '../testing/wasm-examples.js';

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const KEY1 = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const STRANGER = '0x00000000000000000000000000000000000a11ce';

const lines: string[] = [];
const node: PolyvmNode = createNode({ log: (line) => lines.push(line) });
after(() => node.close());

async function rpc(method: string, params: unknown[] = []): Promise<any> {
  return node.request({ method, params });
}

/** A transfer signed by A1's key (outside the node), for the raw-transaction paths. */
async function signedByA1(to: string, value: bigint, chainId = 31337): Promise<Hex> {
  return privateKeyToAccount(KEY1).signTransaction({
    chainId,
    nonce: Number(await rpc('eth_getTransactionCount', [A1, 'pending'])),
    to: to as Hex,
    value,
    gas: 21000n,
    maxFeePerGas: 10n ** 11n,
    maxPriorityFeePerGas: 1n,
  });
}

test('anvil_metadata and hardhat_metadata describe the node; reset gives a new instance id', async () => {
  const meta = await rpc('anvil_metadata');
  assert.match(meta.clientVersion, /^anvil-compatible\/polyvm\//);
  assert.equal(meta.chainId, 31337);
  assert.match(meta.instanceId, /^0x[0-9a-f]{64}$/);
  assert.equal(meta.latestBlockNumber, Number(await rpc('eth_blockNumber')));
  assert.equal(meta.latestBlockHash, (await rpc('eth_getBlockByNumber', ['latest', false])).hash);
  assert.equal(meta.forkedNetwork, null);
  assert.deepEqual(await rpc('hardhat_metadata'), meta);
  assert.equal(await rpc('anvil_getGenesisTime'), Number((await rpc('eth_getBlockByNumber', ['0x0', false])).timestamp));
});

test('anvil_setLoggingEnabled silences and restores the operator log', async () => {
  await rpc('anvil_setLoggingEnabled', [false]);
  lines.length = 0;
  await rpc('eth_blockNumber');
  await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]);
  assert.equal(lines.length, 0, lines.join('\n'));
  await rpc('anvil_setLoggingEnabled', [true]);
  await rpc('eth_blockNumber');
  assert.ok(
    lines.some((l) => l.includes('eth_blockNumber')),
    lines.join('\n'),
  );
  assert.equal(await rpc('anvil_enableTraces'), null);
});

test('anvil_setChainId: later transactions sign and validate with the new id', async () => {
  await rpc('anvil_setChainId', ['0x5']);
  assert.equal(await rpc('eth_chainId'), '0x5');
  const hash = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]);
  assert.equal((await rpc('eth_getTransactionByHash', [hash])).chainId, '0x5');
  // A transaction signed for the old id is refused.
  const stale = await signedByA1(A0, 0n);
  await assert.rejects(rpc('eth_sendRawTransaction', [stale]), /chain id/);
  await rpc('anvil_setChainId', [31337]);
  assert.equal(await rpc('eth_chainId'), '0x7a69');
  assert.equal(
    await rpc('anvil_setRpcUrl', ['http://127.0.0.1:1']).catch((e) => e.message),
    'anvil_setRpcUrl changes the remote of a forked chain: this node is not forking another chain',
  );
});

test('anvil_setMinGasPrice: refused once EIP-1559 is on (as Anvil), enforced before London', async () => {
  await assert.rejects(rpc('anvil_setMinGasPrice', ['0x1']), /not supported when EIP-1559 is active/);
  const berlin = createNode({ fork: 'Berlin' });
  try {
    await berlin.request({ method: 'hardhat_setMinGasPrice', params: ['0x3b9aca00'] });
    await assert.rejects(
      berlin.request({ method: 'eth_sendTransaction', params: [{ from: A0, to: A1, gasPrice: '0x3b9ac9ff' }] }),
      /below the minimum 1000000000/,
    );
    const hash = await berlin.request({ method: 'eth_sendTransaction', params: [{ from: A0, to: A1, gasPrice: '0x3b9aca00' }] });
    assert.match(hash as string, /^0x[0-9a-f]{64}$/);
  } finally {
    await berlin.close();
  }
});

test('anvil_setBlockTimestampInterval spaces blocks exactly; remove goes back to the clock', async () => {
  await rpc('anvil_setBlockTimestampInterval', [100]);
  const start = Number((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp);
  await rpc('evm_mine');
  await rpc('evm_mine');
  assert.equal(Number((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp), start + 200);
  assert.equal(await rpc('anvil_removeBlockTimestampInterval'), true);
  assert.equal(await rpc('anvil_removeBlockTimestampInterval'), false);
  await rpc('evm_mine');
  assert.ok(Number((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp) > start + 200);
});

test('anvil_addBalance adds to a balance', async () => {
  await rpc('anvil_setBalance', [STRANGER, '0x10']);
  await rpc('anvil_addBalance', [STRANGER, '0x5']);
  await rpc('hardhat_addBalance', [STRANGER, 1]);
  assert.equal(await rpc('eth_getBalance', [STRANGER, 'latest']), '0x16');
  await assert.rejects(rpc('anvil_addBalance', [STRANGER, '0x' + 'f'.repeat(64)]), /exceed 2\^256/);
});

test('pool methods: txpool_contentFrom, anvil_removePoolTransactions, anvil_dropAllTransactions', async () => {
  await rpc('evm_setAutomine', [false]);
  try {
    const h0 = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]);
    await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x2' }]);
    const h1 = await rpc('eth_sendTransaction', [{ from: A1, to: A0, value: '0x3' }]);
    const mine = await rpc('txpool_contentFrom', [A0]);
    assert.equal(Object.keys(mine.pending).length, 2);
    assert.equal(Object.values<any>(mine.pending)[0].hash, h0);
    assert.deepEqual(mine.queued, {});
    assert.equal(await rpc('eth_getRawTransactionByHash', [h1]), await rpc('debug_getRawTransaction', [h1]));
    await rpc('anvil_removePoolTransactions', [A0]);
    assert.deepEqual(await rpc('txpool_status'), { pending: '0x1', queued: '0x0' });
    await rpc('anvil_dropAllTransactions');
    assert.deepEqual(await rpc('txpool_status'), { pending: '0x0', queued: '0x0' });
    // Sync sending with automine off: sent, then EIP-7966's timeout error with the hash.
    const error = await rpc('eth_sendTransactionSync', [{ from: A0, to: A1, value: '0x1' }]).catch((e) => e);
    assert.equal(error.code, 4);
    assert.equal((await rpc('eth_getTransactionByHash', [error.data])).blockHash, null);
    await rpc('anvil_dropAllTransactions');
  } finally {
    await rpc('evm_setAutomine', [true]);
  }
});

test('eth_sendTransactionSync and eth_sendRawTransactionSync return the receipt; raw transaction getters', async () => {
  const receipt = await rpc('eth_sendTransactionSync', [{ from: A0, to: A1, value: '0x9' }]);
  assert.equal(receipt.status, '0x1');
  assert.deepEqual(await rpc('eth_getTransactionReceipt', [receipt.transactionHash]), receipt);
  const raw = await rpc('eth_getRawTransactionByHash', [receipt.transactionHash]);
  assert.equal(await rpc('eth_getRawTransactionByBlockNumberAndIndex', [receipt.blockNumber, '0x0']), raw);
  assert.equal(await rpc('eth_getRawTransactionByBlockHashAndIndex', [receipt.blockHash, '0x0']), raw);
  assert.equal(await rpc('eth_getRawTransactionByBlockNumberAndIndex', [receipt.blockNumber, '0x1']), null);
  assert.equal(await rpc('eth_getRawTransactionByHash', ['0x' + '00'.repeat(32)]), null);
  const signed = await signedByA1(A0, 7n);
  const rawReceipt = await rpc('eth_sendRawTransactionSync', [signed, 1000]);
  assert.equal(rawReceipt.from, A1);
  assert.equal(await rpc('eth_getRawTransactionByHash', [rawReceipt.transactionHash]), signed);
});

test('anvil_dealERC20 and anvil_setERC20Allowance find the slots of a real token', async () => {
  const { abi, bytecode } = uniswapArtifact('ERC20');
  const receipt = await rpc('eth_sendTransactionSync', [
    { from: A0, data: encodeDeployData({ abi, bytecode, args: [10n ** 24n] }), gas: '0x2dc6c0' },
  ]);
  const token = receipt.contractAddress;
  const read = async (functionName: string, args: unknown[]) =>
    decodeFunctionResult({
      abi,
      functionName,
      data: await rpc('eth_call', [{ to: token, data: encodeFunctionData({ abi, functionName, args } as never) }]),
    } as never) as bigint;
  await rpc('anvil_dealERC20', [token, STRANGER, '0x3039']);
  assert.equal(await read('balanceOf', [STRANGER]), 12345n);
  assert.equal(await read('balanceOf', [A0]), 10n ** 24n, 'other holders unchanged');
  await rpc('anvil_dealERC20', [token, A0, 0]);
  assert.equal(await read('balanceOf', [A0]), 0n);
  await rpc('anvil_setERC20Allowance', [token, STRANGER, A1, '0x64']);
  assert.equal(await read('allowance', [STRANGER, A1]), 100n);
  assert.equal(await read('allowance', [A1, STRANGER]), 0n);
  // The allowance is real: A1 moves STRANGER's tokens.
  const move = await rpc('eth_sendTransactionSync', [
    { from: A1, to: token, data: encodeFunctionData({ abi, functionName: 'transferFrom', args: [STRANGER, A1, 60n] } as never) },
  ]);
  assert.equal(move.status, '0x1');
  assert.equal(await read('balanceOf', [A1]), 60n);
  await assert.rejects(rpc('anvil_dealERC20', [STRANGER, A0, '0x1']), /has no code/);
});

test('anvil_rollback drops blocks and their state; anvil_reorg re-mines with given transactions', async () => {
  const base = BigInt(await rpc('eth_blockNumber'));
  const balance = await rpc('eth_getBalance', [A1, 'latest']);
  await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x100' }]);
  await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x100' }]);
  await rpc('anvil_rollback', [2]);
  assert.equal(BigInt(await rpc('eth_blockNumber')), base);
  assert.equal(await rpc('eth_getBalance', [A1, 'latest']), balance);
  await rpc('evm_mine');
  await rpc('anvil_rollback');
  assert.equal(BigInt(await rpc('eth_blockNumber')), base);

  await rpc('evm_mine');
  await rpc('evm_mine');
  const old = (await rpc('eth_getBlockByNumber', ['latest', false])).hash;
  const signed = await signedByA1(STRANGER, 5n);
  const before = BigInt(await rpc('eth_getBalance', [STRANGER, 'latest']));
  await rpc('anvil_reorg', [
    2,
    [
      [{ from: A0, to: STRANGER, value: '0x3' }, 0],
      [signed, 1],
    ],
  ]);
  assert.equal(BigInt(await rpc('eth_blockNumber')), base + 2n);
  assert.notEqual((await rpc('eth_getBlockByNumber', ['latest', false])).hash, old);
  assert.equal((await rpc('eth_getBlockByNumber', [`0x${(base + 1n).toString(16)}`, false])).transactions.length, 1);
  assert.equal((await rpc('eth_getBlockByNumber', [`0x${(base + 2n).toString(16)}`, false])).transactions.length, 1);
  assert.equal(BigInt(await rpc('eth_getBalance', [STRANGER, 'latest'])), before + 8n);
  assert.equal(await rpc('anvil_getAutomine'), true);
});

test('anvil_getBlobByHash returns the blob of a blob transaction sent in network form', async () => {
  const blob = new Uint8Array(131072).map((_, i) => (i * 7) & 0x7f);
  const commitment = new Uint8Array(48).fill(0xc0);
  const versionedHash = ('0x01' + sha256(commitment).slice(4)) as Hex;
  const account = privateKeyToAccount(KEY1);
  const block = await rpc('eth_getBlockByNumber', ['latest', false]);
  const signed = await account.signTransaction({
    type: 'eip4844',
    chainId: 31337,
    nonce: Number(await rpc('eth_getTransactionCount', [A1, 'pending'])),
    to: A0,
    gas: 21000n,
    maxFeePerGas: BigInt(block.baseFeePerGas) * 2n + 10n ** 9n,
    maxPriorityFeePerGas: 10n ** 9n,
    maxFeePerBlobGas: 10n ** 9n,
    blobVersionedHashes: [versionedHash],
  });
  // The network form: 0x03 || rlp([tx fields, blobs, commitments, proofs]).
  const { fromRlp } = await import('viem');
  const body = fromRlp(`0x${signed.slice(4)}` as Hex) as Hex[];
  const toHex = (b: Uint8Array) => ('0x' + Buffer.from(b).toString('hex')) as Hex;
  const network = ('0x03' + toRlp([body, [toHex(blob)], [toHex(commitment)], [toHex(new Uint8Array(48))]] as never).slice(2)) as Hex;
  const hash = await rpc('eth_sendRawTransaction', [network]);
  assert.equal((await rpc('eth_getTransactionReceipt', [hash])).status, '0x1');
  assert.equal(await rpc('anvil_getBlobByHash', [versionedHash]), toHex(blob));
  assert.deepEqual(await rpc('anvil_getBlobsByTransactionHash', [hash]), [toHex(blob)]);
  assert.equal(await rpc('anvil_getBlobByHash', ['0x01' + '00'.repeat(31)]), null);
});

test('account queries: eth_getAccount, eth_getAccountInfo, eth_getStorageValues, debug_codeByHash, eth_getTransactionBySenderAndNonce', async () => {
  const who = '0x00000000000000000000000000000000000b0b0b';
  await rpc('anvil_setCode', [who, '0x6001600055']);
  await rpc('anvil_setStorageAt', [who, '0x' + '00'.repeat(31) + '05', '0x' + '00'.repeat(31) + '2a']);
  await rpc('anvil_setBalance', [who, '0x99']);
  const account = await rpc('eth_getAccount', [who, 'latest']);
  const proof = await rpc('eth_getProof', [who, [], 'latest']);
  assert.deepEqual(account, { nonce: '0x0', balance: '0x99', storageRoot: proof.storageHash, codeHash: proof.codeHash });
  assert.deepEqual(await rpc('eth_getAccountInfo', [who, 'latest']), { balance: '0x99', nonce: '0x0', code: '0x6001600055' });
  const slot5 = '0x' + '00'.repeat(31) + '05';
  const values = await rpc('eth_getStorageValues', [{ [who]: [slot5, '0x' + '00'.repeat(32)] }, 'latest']);
  assert.deepEqual(values, { [who]: ['0x' + '00'.repeat(31) + '2a', '0x' + '00'.repeat(32)] });
  assert.equal(await rpc('debug_codeByHash', [proof.codeHash]), '0x6001600055');
  assert.equal(await rpc('debug_codeByHash', ['0x' + '11'.repeat(32)]), '0x');
  const sent = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]);
  const tx = await rpc('eth_getTransactionByHash', [sent]);
  assert.deepEqual(await rpc('eth_getTransactionBySenderAndNonce', [A0, tx.nonce]), tx);
  assert.equal(await rpc('eth_getTransactionBySenderAndNonce', [A0, '0xffff']), null);
  assert.deepEqual(await rpc('eth_requestAccounts'), await rpc('eth_accounts'));
  assert.equal(await rpc('eth_networkId'), '31337');
});

test('eth_sendUnsignedTransaction sends from any address; anvil_mine_detailed answers the mined blocks', async () => {
  await rpc('anvil_setBalance', [STRANGER, '0x' + (10n ** 18n).toString(16)]);
  const hash = await rpc('eth_sendUnsignedTransaction', [{ from: STRANGER, to: A1, value: '0x2' }]);
  const receipt = await rpc('eth_getTransactionReceipt', [hash]);
  assert.equal(receipt.status, '0x1');
  assert.equal(receipt.from, STRANGER);
  await assert.rejects(rpc('eth_sendTransaction', [{ from: STRANGER, to: A1 }]), /no signer/);
  const blocks = await rpc('anvil_mine_detailed', [{ blocks: 2 }]);
  assert.equal(blocks.length, 2);
  assert.equal(blocks[1].hash, (await rpc('eth_getBlockByNumber', ['latest', true])).hash);
  assert.deepEqual(await rpc('evm_mine_detailed').then((b: any[]) => b.length), 1);
});

test('time as Anvil keeps it: evm_increaseTime after many blocks in one second, anvil_mine with an interval, receipts with blockTimestamp', async () => {
  for (let i = 0; i < 30; i++) await rpc('evm_mine');
  const before = BigInt((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp);
  await rpc('evm_increaseTime', [3600]);
  await rpc('evm_mine');
  assert.equal(BigInt((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp), before + 3600n);
  await rpc('anvil_mine', [2, 500]);
  const n = BigInt(await rpc('eth_blockNumber'));
  const stamp = async (k: bigint) => BigInt((await rpc('eth_getBlockByNumber', ['0x' + k.toString(16), false])).timestamp);
  assert.equal(await stamp(n - 1n), before + 3600n + 500n, 'the first block is offset too');
  assert.equal(await stamp(n), before + 3600n + 1000n);
  const receipt = await rpc('eth_sendTransactionSync', [{ from: A0, to: A1, value: '0x1' }]);
  assert.equal(BigInt(receipt.blockTimestamp), await stamp(BigInt(receipt.blockNumber)));
  // Every receipt carries the block's blob gas price (Cancun on), blob transaction or not.
  assert.equal(receipt.blobGasPrice, await rpc('eth_blobBaseFee'));
  assert.equal(receipt.blobGasUsed, undefined);
});

test('an impersonated contract account sends transactions (as in Anvil and Hardhat)', async () => {
  const contract = '0x000000000000000000000000000000000000c0de';
  await rpc('anvil_setCode', [contract, '0x00']);
  await rpc('anvil_setBalance', [contract, '0x' + (10n ** 18n).toString(16)]);
  await rpc('anvil_impersonateAccount', [contract]);
  const receipt = await rpc('eth_sendTransactionSync', [{ from: contract, to: A1, value: '0x3' }]);
  assert.equal(receipt.status, '0x1');
  assert.equal(receipt.from, contract);
  await rpc('anvil_stopImpersonatingAccount', [contract]);
  // A signed transaction from an address with code is still refused (EIP-3607).
  const who = privateKeyToAccount(KEY1).address.toLowerCase();
  await rpc('anvil_setCode', [who, '0x00']);
  await assert.rejects(rpc('eth_sendRawTransaction', [await signedByA1(A0, 1n)]), /sender not an eoa/i);
  await rpc('anvil_setCode', [who, '0x']);
});

test("the 'pending' block holds the pool's executable transactions (automine off)", async () => {
  await rpc('evm_setAutomine', [false]);
  try {
    const latest = await rpc('eth_getBlockByNumber', ['latest', false]);
    const h1 = await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]);
    const h2 = await rpc('eth_sendTransaction', [{ from: A1, to: A0, value: '0x1' }]);
    const pending = await rpc('eth_getBlockByNumber', ['pending', false]);
    assert.equal(BigInt(pending.number), BigInt(latest.number) + 1n);
    assert.equal(pending.parentHash, latest.hash);
    assert.equal(pending.hash, null);
    assert.deepEqual([...pending.transactions].sort(), [h1, h2].sort());
    assert.equal(BigInt(pending.gasUsed), 42000n);
    const full = await rpc('eth_getBlockByNumber', ['pending', true]);
    assert.equal(full.transactions[0].blockHash, null);
    assert.equal(await rpc('eth_blockNumber'), latest.number, 'nothing was mined');
    await rpc('evm_mine');
    const mined = await rpc('eth_getBlockByNumber', ['latest', false]);
    assert.deepEqual([...mined.transactions].sort(), [h1, h2].sort());
    assert.deepEqual((await rpc('eth_getBlockByNumber', ['pending', false])).transactions, []);
  } finally {
    await rpc('evm_setAutomine', [true]);
  }
});

test('eth_call and eth_simulateV1 without `to` run the init code and answer what it returns', async () => {
  // PUSH1 2a PUSH1 0 MSTORE PUSH1 20 PUSH1 0 RETURN: "deploys" the word 42.
  const init = '0x602a60005260206000f3';
  const word42 = '0x' + '2a'.padStart(64, '0');
  assert.equal(await rpc('eth_call', [{ data: init }]), word42);
  assert.equal(await rpc('eth_call', [{ from: A0, data: init }, 'latest']), word42);
  const [block] = await rpc('eth_simulateV1', [{ blockStateCalls: [{ calls: [{ from: A0, data: init }] }] }]);
  assert.equal(block.calls[0].returnData, word42);
  const error = await rpc('eth_call', [{ data: '0x63deadbeef60e01b60005260046000fd' }]).catch((e) => e);
  assert.equal(error.code, 3);
  assert.equal(error.data, '0xdeadbeef');
});

test("code size limit and Osaka's transaction gas cap: kept by default, changed or lifted by option", async () => {
  const deploy = (size: number) => '0x61' + size.toString(16).padStart(4, '0') + '6000f3';
  const gas = '0xf42400';
  const send = async (n: PolyvmNode, data: string) => {
    const hash = await n.request({ method: 'eth_sendTransaction', params: [{ from: A0, data, gas }] });
    return ((await n.request({ method: 'eth_getTransactionReceipt', params: [hash] })) as { status: string }).status;
  };
  assert.equal(await send(node, deploy(24_577)), '0x0', 'EIP-170 by default');
  assert.equal(await send(node, deploy(24_576)), '0x1');
  const error = await rpc('eth_sendTransaction', [{ from: A0, to: A1, gas: '0x1312d00' }]).catch((e) => e);
  assert.match(error.message, /--disable-tx-gas-limit-cap/);
  const lifted = createNode({ disableCodeSizeLimit: true, disableTxGasLimitCap: true });
  const small = createNode({ codeSizeLimit: 100 });
  try {
    assert.equal(await send(lifted, deploy(30_000)), '0x1');
    const hash = await lifted.request({ method: 'eth_sendTransaction', params: [{ from: A0, to: A1, gas: '0x1312d00' }] });
    assert.match(hash as string, /^0x[0-9a-f]{64}$/);
    assert.equal(await send(small, deploy(101)), '0x0');
    assert.equal(await send(small, deploy(100)), '0x1');
    assert.throws(() => createNode({ codeSizeLimit: 0 }), /code size limit/);
  } finally {
    await lifted.close();
    await small.close();
  }
});

test('eth_fillTransaction fills the defaults and signs nothing', async () => {
  const nonce = await rpc('eth_getTransactionCount', [A0, 'pending']);
  const { raw, tx } = await rpc('eth_fillTransaction', [{ from: A0, to: A1, value: '0x5' }]);
  assert.equal(tx.nonce, nonce);
  assert.equal(tx.gas, '0x5208');
  assert.equal(tx.type, '0x2');
  assert.equal(BigInt(tx.maxFeePerGas) > 0n, true);
  assert.equal(tx.r, '0x0');
  assert.match(raw, /^0x02/);
  assert.equal(await rpc('eth_getTransactionCount', [A0, 'pending']), nonce, 'nothing was sent');
});
