/** Dev accounts: the test mnemonic's well-known accounts, and any other mnemonic's, as viem derives them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mnemonicToAccount } from 'viem/accounts';
import { bytesToHex } from '../primitives/bytes.js';
import { deriveDevAccounts, deriveFromMnemonic, TEST_MNEMONIC, MnemonicError } from './accounts.js';

function viemAccounts(mnemonic: string, count: number): { address: string; key: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const account = mnemonicToAccount(mnemonic, { addressIndex: i });
    return { address: account.address.toLowerCase(), key: bytesToHex(account.getHdKey().privateKey!) };
  });
}

const shape = (accounts: { address: string; privateKey: Uint8Array }[]) =>
  accounts.map((a) => ({ address: a.address, key: bytesToHex(a.privateKey) }));

test("the test mnemonic's accounts are viem's, whether from the table (10) or derived (12)", () => {
  const expected = viemAccounts(TEST_MNEMONIC, 12);
  assert.deepEqual(shape(deriveDevAccounts(TEST_MNEMONIC, 10)), expected.slice(0, 10));
  assert.deepEqual(shape(deriveDevAccounts(TEST_MNEMONIC, 3)), expected.slice(0, 3));
  assert.deepEqual(shape(deriveDevAccounts(TEST_MNEMONIC, 12)), expected);
  assert.deepEqual(shape(deriveFromMnemonic(TEST_MNEMONIC, 10)), expected.slice(0, 10));
  assert.ok(deriveDevAccounts(TEST_MNEMONIC, 2).every((a) => a.keyIsPublic));
});

test('another mnemonic derives its own accounts; a bad one is refused', () => {
  const other = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
  assert.deepEqual(shape(deriveDevAccounts(other, 2)), viemAccounts(other, 2));
  assert.ok(deriveDevAccounts(other, 1).every((a) => !a.keyIsPublic));
  assert.throws(() => deriveDevAccounts('test test nope', 1), MnemonicError);
});

test('warmUp builds the signing tables and changes nothing on the chain', async () => {
  const { createNode } = await import('./node.js');
  const node = createNode();
  const before = await node.request({ method: 'eth_getBlockByNumber', params: ['latest', false] });
  node.warmUp();
  assert.deepEqual(await node.request({ method: 'eth_getBlockByNumber', params: ['latest', false] }), before);
  // A transaction signed after it is still one the node accepts and mines.
  const hash = await node.request({
    method: 'eth_sendTransaction',
    params: [{ from: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', value: '0x1' }],
  });
  const receipt = (await node.request({ method: 'eth_getTransactionReceipt', params: [hash] })) as { status: string };
  assert.equal(receipt.status, '0x1');
  await node.close();
});
