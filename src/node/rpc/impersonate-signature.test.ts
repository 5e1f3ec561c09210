/**
 * anvil_impersonateSignature: a raw transaction carrying a registered signature is sent by the
 * address registered for it, whoever signed; bad signatures are refused; a reset forgets them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseTransaction, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createNode } from '../node.js';

const node = createNode({});
after(() => node.close());
const rpc = (method: string, params: unknown[] = []): Promise<any> => node.request({ method, params });

const STRANGER = '0x00000000000000000000000000000000005ea1ed';
const TARGET = '0x000000000000000000000000000000000000beef';
// A key that holds nothing on the chain: it signs, the stranger pays.
const signer = privateKeyToAccount('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');

async function signedTransfer(nonce: number, type: 'eip1559' | 'legacy'): Promise<Hex> {
  const fees = type === 'legacy' ? { gasPrice: 10n ** 10n } : { maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n };
  return signer.signTransaction({ type, chainId: 31337, nonce, to: TARGET, value: 1000n, gas: 21000n, ...fees } as never);
}

/** r ‖ s ‖ v of a signed transaction, as anvil_impersonateSignature takes it (v as 27/28 for legacy). */
function signatureOf(raw: Hex): Hex {
  const tx = parseTransaction(raw);
  const v = tx.type === 'legacy' ? 27 + Number((tx.v! - 35n) & 1n) : tx.yParity!;
  return `0x${tx.r!.slice(2).padStart(64, '0')}${tx.s!.slice(2).padStart(64, '0')}${v.toString(16).padStart(2, '0')}` as Hex;
}

test('a registered signature sends for its address (typed and legacy transactions)', async () => {
  await rpc('anvil_setBalance', [STRANGER, '0xde0b6b3a7640000']);
  const first = await signedTransfer(0, 'eip1559');
  // Unregistered, the signer (who has nothing) is the sender, and the pool refuses it.
  await assert.rejects(rpc('eth_sendRawTransaction', [first]), /insufficient funds|balance/i);
  assert.equal(await rpc('anvil_impersonateSignature', [signatureOf(first), STRANGER]), null);
  const hash = await rpc('eth_sendRawTransaction', [first]);
  const receipt = await rpc('eth_getTransactionReceipt', [hash]);
  assert.equal(receipt.status, '0x1');
  assert.equal(receipt.from, STRANGER);
  assert.equal(await rpc('eth_getBalance', [TARGET, 'latest']), '0x3e8');
  assert.equal(await rpc('eth_getTransactionCount', [STRANGER, 'latest']), '0x1');
  const legacy = await signedTransfer(1, 'legacy');
  await rpc('anvil_impersonateSignature', [signatureOf(legacy), STRANGER]);
  const legacyReceipt = await rpc('eth_getTransactionReceipt', [await rpc('eth_sendRawTransaction', [legacy])]);
  assert.equal(legacyReceipt.from, STRANGER);
  assert.equal(await rpc('eth_getBalance', [TARGET, 'latest']), '0x7d0');
});

test('anvil_impersonateSignature refuses a malformed signature; anvil_reset forgets registered ones', async () => {
  await assert.rejects(rpc('anvil_impersonateSignature', ['0x1234', STRANGER]), /65 bytes/);
  await assert.rejects(rpc('anvil_impersonateSignature', [`0x${'11'.repeat(64)}05`, STRANGER]), /v = 5/);
  await assert.rejects(rpc('anvil_impersonateSignature', [`0x${'11'.repeat(65)}`]), /param/i);
  const raw = await signedTransfer(0, 'eip1559');
  await rpc('anvil_impersonateSignature', [signatureOf(raw), STRANGER]);
  await rpc('anvil_reset', []);
  await rpc('anvil_setBalance', [STRANGER, '0xde0b6b3a7640000']);
  await assert.rejects(rpc('eth_sendRawTransaction', [raw]), /insufficient funds|balance/i);
});
