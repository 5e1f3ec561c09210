import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { KnownSigners, signHashPublicKey } from './signers.js';
import { privateKeyToAddress } from './keys.js';
import { recoverSender, signTransaction } from './sender.js';
import { getRules } from '../forks/index.js';
import { feeMarketTransaction, type Transaction } from './types.js';
import { bigintToFixedBytes, hexToBytes } from '../primitives/bytes.js';

const UNSIGNED: Transaction = feeMarketTransaction({
  type: 0,
  chainId: undefined,
  nonce: 0n,
  maxPriorityFeePerGas: undefined,
  maxFeePerGas: undefined,
  gasLimit: 21_000n,
  to: null,
});

/** Deterministic pseudo-random 32-byte strings: sha256 of a label and a counter. */
const bytes32 = (label: string, i: number) => sha256(new TextEncoder().encode(`${label}/${i}`));

test('signing a public key gives the same RFC 6979 signature as @noble/curves', () => {
  for (let i = 0; i < 300; i++) {
    const key = bytes32('key', i);
    const hash = bytes32('hash', i);
    const ours = signHashPublicKey(hash, key);
    const noble = secp256k1.Signature.fromBytes(
      secp256k1.sign(hash, key, { prehash: false, lowS: true, format: 'recovered' }),
      'recovered',
    );
    assert.ok(ours, `case ${i}`);
    assert.deepEqual([ours.r, ours.s, ours.yParity], [noble.r, noble.s, BigInt(noble.recovery!)], `case ${i}`);
  }
});

test('RFC 6979 nonce: the published secp256k1/SHA-256 vector for key 1 and message "Satoshi Nakamoto"', () => {
  // A widely reproduced test vector (e.g. in bitcoin-core's and trezor's test suites), low-s form.
  const signature = signHashPublicKey(sha256(new TextEncoder().encode('Satoshi Nakamoto')), bigintToFixedBytes(1n, 32))!;
  assert.equal(signature.r, 0x934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8n);
  assert.equal(signature.s, 0x2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5n);
});

test('known signers recover exactly what general recovery does, and never a wrong address', () => {
  const keys = [1, 2, 3].map((i) => bytes32('signer', i));
  const signers = new KnownSigners();
  const addresses = keys.map((key) => signers.add(key));
  assert.deepEqual(addresses, keys.map(privateKeyToAddress));
  const rules = getRules('Osaka');
  let fastHits = 0;
  for (let i = 0; i < 60; i++) {
    // Runs of the same signer, a switch, and a stranger's key now and then.
    const stranger = i % 7 === 6;
    const key = stranger ? bytes32('stranger', i) : keys[Math.floor(i / 10) % keys.length]!;
    const tx: Transaction = {
      ...UNSIGNED,
      type: 2,
      chainId: 31337n,
      nonce: BigInt(i),
      maxPriorityFeePerGas: 1n,
      maxFeePerGas: 10n,
      to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
      value: 1n,
    };
    const signed = signTransaction(tx, key);
    const expected = privateKeyToAddress(key);
    assert.equal(recoverSender(signed, rules, signers), expected, `transaction ${i}`);
    assert.equal(recoverSender(signed, rules), expected);
    const hash = hexToBytes('0x' + '11'.repeat(32));
    const direct = signHashPublicKey(hash, key)!;
    const fast = signers.recover(hash, direct.r, direct.s, Number(direct.yParity));
    if (fast !== undefined) {
      assert.equal(fast, expected);
      fastHits++;
    }
    // The other y-parity names another key: a known signer must not claim it.
    assert.notEqual(signers.recover(hash, direct.r, direct.s, Number(direct.yParity ^ 1n)), expected);
  }
  // Most transactions come in runs from one signer: the check hits for them.
  assert.ok(fastHits >= 40, `fast path used ${fastHits} times`);
});

test('signing with keyIsPublic gives the same transaction as the general path', () => {
  const key = bytes32('key', 99);
  const tx: Transaction = { ...UNSIGNED, chainId: 1n, nonce: 5n, gasPrice: 7n, data: hexToBytes('0x6000') };
  assert.deepEqual(signTransaction(tx, key, { keyIsPublic: true }), signTransaction(tx, key));
});
