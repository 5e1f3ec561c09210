/**
 * The ots_ namespace Otterscan reads, on an in-process node: internal operations and call traces
 * of transactions, revert data, block details and pages, searching an address's transactions
 * (also those that reach it only through an internal call), by sender and nonce, and creators.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNode, type PolyvmNode } from '../node.js';

const node: PolyvmNode = createNode({ genesisTimestamp: 1_700_000_000 });
after(() => node.close());

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const PAYER = '0x00000000000000000000000000000000000000a2';
const FACTORY = '0x00000000000000000000000000000000000000a3';
const REVERTER = '0x00000000000000000000000000000000000000e1';
const FRESH = '0x00000000000000000000000000000000000f0f0f';

// INNER: mstore(0, 42); return(0, 32)
const INNER_CODE = '0x602a60005260206000f3';
// Init code returning INNER_CODE: codecopy(0, 12, 10); return(0, 10); then the code (22 bytes).
const INIT = '600a600c600039600a6000f3' + INNER_CODE.slice(2);
// PAYER: call(gas, FRESH, 7, 0, 0, 0, 0); stop
const PAYER_CODE = '0x' + '6000600060006000' + '6007' + '73' + FRESH.slice(2) + '5af100';
// FACTORY: mstore(0, INIT) (right-aligned: it starts at byte 10); create(5, 10, 22); stop
const FACTORY_CODE = '0x' + '75' + INIT + '600052' + '6016600a6005f000';
// REVERTER: mstore8(0, 0xee); revert(0, 1)
const REVERTER_CODE = '0x60ee60005360016000fd';

async function rpc(method: string, params: unknown[] = []): Promise<any> {
  return node.request({ method, params });
}

async function send(tx: Record<string, string>): Promise<{ hash: string; receipt: any }> {
  const hash = await rpc('eth_sendTransaction', [{ from: A0, gas: '0x186a0', ...tx }]);
  return { hash, receipt: await rpc('eth_getTransactionReceipt', [hash]) };
}

const ready = (async () => {
  await rpc('anvil_setCode', [PAYER, PAYER_CODE]);
  await rpc('anvil_setCode', [FACTORY, FACTORY_CODE]);
  await rpc('anvil_setCode', [REVERTER, REVERTER_CODE]);
  await rpc('anvil_setBalance', [FACTORY, '0x64']);
  await rpc('evm_mine');
})();

test('ots_getApiLevel, ots_hasCode and erigon_getHeaderByNumber', async () => {
  await ready;
  assert.equal(await rpc('ots_getApiLevel'), 8);
  assert.equal(await rpc('ots_hasCode', [PAYER, 'latest']), true);
  assert.equal(await rpc('ots_hasCode', [FRESH, 'latest']), false);
  assert.equal(await rpc('ots_hasCode', [PAYER, '0x0']), false);
  const header = await rpc('erigon_getHeaderByNumber', ['0x1']);
  assert.equal(header.hash, (await rpc('eth_getBlockByNumber', ['0x1', false])).hash);
  assert.equal(header.transactions, undefined);
});

test('internal operations and the call trace of a transaction that pays an account from a contract', async () => {
  await ready;
  const { hash } = await send({ to: PAYER, value: '0x64' });
  assert.deepEqual(await rpc('ots_getInternalOperations', [hash]), [{ type: 0, from: PAYER, to: FRESH, value: '0x7' }]);
  assert.deepEqual(await rpc('ots_traceTransaction', [hash]), [
    { type: 'CALL', depth: 0, from: A0, to: PAYER, value: '0x64', input: '0x', output: '0x' },
    { type: 'CALL', depth: 1, from: PAYER, to: FRESH, value: '0x7', input: '0x', output: '0x' },
  ]);
  assert.equal(await rpc('ots_getTransactionError', [hash]), '0x');
  // FRESH is reached only by the internal call, and the search finds the transaction.
  const before = await rpc('ots_searchTransactionsBefore', [FRESH, 0, 10]);
  assert.deepEqual(
    before.txs.map((t: any) => t.hash),
    [hash],
  );
  assert.equal(before.receipts[0].transactionHash, hash);
  assert.equal(before.receipts[0].logs, null);
  const block = await rpc('eth_getBlockByNumber', [before.receipts[0].blockNumber, false]);
  assert.equal(before.receipts[0].timestamp, Number(block.timestamp));
  assert.equal(before.firstPage, true);
  assert.equal(before.lastPage, true);
});

test('a contract created by a contract: the operation, and its creator', async () => {
  await ready;
  const { hash } = await send({ to: FACTORY });
  const [op] = await rpc('ots_getInternalOperations', [hash]);
  assert.equal(op.type, 2);
  assert.equal(op.from, FACTORY);
  assert.equal(op.value, '0x5');
  assert.equal(await rpc('eth_getCode', [op.to, 'latest']), INNER_CODE);
  assert.deepEqual(await rpc('ots_getContractCreator', [op.to]), { hash, creator: FACTORY });
  // Deployed by a transaction: the sender is the creator.
  const deploy = await send({ data: '0x' + INIT });
  const created = deploy.receipt.contractAddress;
  assert.deepEqual(await rpc('ots_getContractCreator', [created]), { hash: deploy.hash, creator: A0 });
  assert.equal(await rpc('ots_getContractCreator', [A1]), null);
  // Code set by a dev method has no creating transaction.
  assert.equal(await rpc('ots_getContractCreator', [PAYER]), null);
});

test('ots_getTransactionError gives the revert data', async () => {
  await ready;
  const { hash, receipt } = await send({ to: REVERTER });
  assert.equal(receipt.status, '0x0');
  assert.equal(await rpc('ots_getTransactionError', [hash]), '0xee');
});

test('block details and pages of a block’s transactions', async () => {
  await ready;
  await rpc('evm_setAutomine', [false]);
  const hashes = [
    await rpc('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1' }]),
    await rpc('eth_sendTransaction', [{ from: A1, to: A0, value: '0x2' }]),
  ];
  await rpc('evm_mine');
  await rpc('evm_setAutomine', [true]);
  const receipts = await Promise.all(hashes.map((h) => rpc('eth_getTransactionReceipt', [h])));
  const number = receipts[0].blockNumber;
  const details = await rpc('ots_getBlockDetails', [number]);
  assert.equal(details.block.transactionCount, 2);
  assert.equal(details.block.transactions, undefined);
  assert.equal(details.block.logsBloom, null);
  const fees = receipts.reduce((sum, r) => sum + BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice), 0n);
  assert.equal(BigInt(details.totalFees), fees);
  assert.deepEqual(await rpc('ots_getBlockDetailsByHash', [details.block.hash]), details);

  for (const page of [0, 1]) {
    const { fullblock, receipts: pageReceipts } = await rpc('ots_getBlockTransactions', [number, page, 1]);
    assert.equal(fullblock.transactionCount, 2);
    assert.deepEqual(
      fullblock.transactions.map((t: any) => t.hash),
      [hashes[page]],
    );
    assert.equal(pageReceipts[0].transactionHash, hashes[page]);
    assert.equal(pageReceipts[0].logsBloom, null);
  }

  // A1's transactions, newest first, in pages of one block's worth at least.
  const after = await rpc('ots_searchTransactionsAfter', [A1, 0, 1]);
  assert.deepEqual(
    after.txs.map((t: any) => t.hash),
    [hashes[1], hashes[0]],
  );
  assert.equal(after.lastPage, true);
  assert.equal(await rpc('ots_getTransactionBySenderAndNonce', [A1, 0]), hashes[1]);
  const nonce = BigInt((await rpc('eth_getTransactionByHash', [hashes[0]])).nonce);
  assert.equal(await rpc('ots_getTransactionBySenderAndNonce', [A0, Number(nonce)]), hashes[0]);
  assert.equal(await rpc('ots_getTransactionBySenderAndNonce', [A1, 5]), null);
});
