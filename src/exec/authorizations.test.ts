/** EIP-7702 set-code transactions: authorization edge cases the fixtures cover thinly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm, type Evm } from '../create-evm.js';
import { hexToBytes } from '../primitives/bytes.js';
import { privateKeyToAddress, signAuthorization } from '../tx/index.js';
import type { Authorization, Transaction } from '../tx/types.js';
import { delegationCode } from './delegation.js';

const senderKey = hexToBytes('0x' + '11'.repeat(32));
const authorityKey = hexToBytes('0x' + '22'.repeat(32));
const sender = privateKeyToAddress(senderKey);
const authority = privateKeyToAddress(authorityKey);
// Stores 0x2a in slot 0 of whatever account runs it.
const STORE_42 = hexToBytes('0x602a60005500');
const DELEGATE = '0x00000000000000000000000000000000000d1e9a';

function setup(fork = 'Prague'): Evm {
  const evm = createEvm({ fork });
  evm.setAccount(sender, { balance: 10n ** 18n });
  evm.setAccount(authority, { balance: 1n });
  evm.setAccount(DELEGATE, { code: STORE_42 });
  return evm;
}

function setCodeTx(authorizationList: Authorization[], to: string = authority, nonce = 0n): Transaction {
  return {
    type: 4,
    chainId: 1n,
    nonce,
    gasPrice: undefined,
    maxPriorityFeePerGas: 0n,
    maxFeePerGas: 10n,
    gasLimit: 200_000n,
    to,
    value: 0n,
    data: new Uint8Array(0),
    accessList: [],
    maxFeePerBlobGas: undefined,
    blobVersionedHashes: undefined,
    authorizationList,
    v: 0n,
    r: 0n,
    s: 0n,
  };
}

const authorize = (address: string, nonce = 0n, chainId = 1n) => signAuthorization({ chainId, address, nonce }, authorityKey);

test('a valid authorization delegates, bumps the nonce, and the call runs the delegate in the authority', () => {
  const evm = setup();
  const result = evm.runTx(setCodeTx([authorize(DELEGATE)]), sender);
  assert.equal(result.success, true, result.error);
  assert.deepEqual(evm.state.getCode(authority), delegationCode(DELEGATE));
  assert.equal(evm.state.getNonce(authority), 1n);
  assert.equal(evm.state.getStorage(authority, 0n), 0x2an);
  assert.equal(evm.state.getStorage(DELEGATE, 0n), 0n);
});

test('chain id 0 is valid on any chain; another chain id is skipped', () => {
  const evm = setup();
  evm.runTx(setCodeTx([authorize(DELEGATE, 0n, 5n)]), sender);
  assert.equal(evm.state.getCode(authority).length, 0, 'wrong chain: no delegation');
  assert.equal(evm.state.getNonce(authority), 0n);
  evm.runTx(setCodeTx([authorize(DELEGATE, 0n, 0n)], authority, 1n), sender);
  assert.deepEqual(evm.state.getCode(authority), delegationCode(DELEGATE));
});

test('a nonce mismatch skips the authorization, and the transaction still runs', () => {
  const evm = setup();
  const result = evm.runTx(setCodeTx([authorize(DELEGATE, 7n)]), sender);
  assert.equal(result.success, true);
  assert.equal(evm.state.getCode(authority).length, 0);
  assert.equal(evm.state.getNonce(authority), 0n);
});

test('a high-s signature is skipped', () => {
  const evm = setup();
  const auth = authorize(DELEGATE);
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const highS = { ...auth, s: n - auth.s, yParity: auth.yParity ^ 1n };
  evm.runTx(setCodeTx([highS]), sender);
  assert.equal(evm.state.getCode(authority).length, 0);
});

test('the zero address clears a delegation', () => {
  const evm = setup();
  evm.runTx(setCodeTx([authorize(DELEGATE, 0n)]), sender);
  assert.equal(evm.state.getCode(authority).length, 23);
  evm.runTx(setCodeTx([authorize('0x0000000000000000000000000000000000000000', 1n)], authority, 1n), sender);
  assert.equal(evm.state.getCode(authority).length, 0);
  assert.equal(evm.state.getNonce(authority), 2n);
});

test('delegation to a precompile runs no precompile: the call succeeds with empty output', () => {
  const evm = setup();
  const identity = '0x0000000000000000000000000000000000000004';
  const tx = { ...setCodeTx([authorize(identity)]), data: hexToBytes('0xdeadbeef') };
  const result = evm.runTx(tx, sender);
  assert.equal(result.success, true);
  assert.equal(result.output.length, 0, 'identity would have echoed the input');
});

test("a delegation chain is followed once: A -> B where B is itself delegated runs B's designator as code", () => {
  const evm = setup();
  const otherKey = hexToBytes('0x' + '33'.repeat(32));
  const other = privateKeyToAddress(otherKey);
  // `other` delegates to DELEGATE; `authority` delegates to `other`.
  evm.setAccount(other, { code: delegationCode(DELEGATE), nonce: 1n });
  evm.runTx(setCodeTx([authorize(other)]), sender);
  // Calling `authority` loads `other`'s code, the designator 0xef0100..., which is not valid EVM
  // code (0xef is an invalid opcode): the call fails instead of reaching DELEGATE.
  const result = evm.runTx({ ...setCodeTx([]), type: 2, authorizationList: undefined, nonce: 1n }, sender);
  assert.equal(result.success, false);
  assert.equal(evm.state.getStorage(authority, 0n), 0n);
});

test('an authority with real code is skipped; a sender with a designator may send (EIP-3607 relaxed)', () => {
  const evm = setup();
  evm.setAccount(authority, { balance: 10n ** 18n, code: STORE_42 });
  evm.runTx(setCodeTx([authorize(DELEGATE)]), sender);
  assert.deepEqual(evm.state.getCode(authority), STORE_42);

  const evm2 = setup();
  evm2.setAccount(sender, { balance: 10n ** 18n, code: delegationCode(DELEGATE) });
  const result = evm2.runTx({ ...setCodeTx([]), type: 2, authorizationList: undefined, to: DELEGATE }, sender);
  assert.equal(result.success, true);
});

test('an existing authority earns the 12500 refund; intrinsic gas is 25000 per authorization', () => {
  const evm = setup();
  const result = evm.runTx(setCodeTx([authorize(DELEGATE)]), sender);
  // 21000 + 25000 intrinsic; execution: PUSH1, PUSH1 (6) + SSTORE 20000 + cold slot 2100 = 22106;
  // refund min(12500, used / 5).
  const used = 21000n + 25000n + 22106n;
  assert.equal(result.gasUsed, used - 12500n);
});

test('before Prague a type-4 transaction is rejected', () => {
  const evm = setup('Cancun');
  assert.throws(() => evm.runTx(setCodeTx([authorize(DELEGATE)]), sender), /TYPE_4_TX_PRE_FORK/);
});
