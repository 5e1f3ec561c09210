/**
 * Account creation before and after EIP-161 (Spurious Dragon). Before it, crediting an account
 * created it even with zero (the coinbase of a zero-fee transaction, a SELFDESTRUCT beneficiary),
 * and every message call created the account it called; from it on, such empty accounts are not
 * created, or are deleted at the end of the transaction once touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm } from '../create-evm.js';
import { hexToBytes } from '../primitives/bytes.js';
import type { Transaction } from '../tx/types.js';

const SENDER = '0x1000000000000000000000000000000000000001';
const COINBASE = '0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba';
const TARGET = '0x3000000000000000000000000000000000000003';
const ABSENT = '0x4000000000000000000000000000000000000004';

function legacyTx(to: string, gasPrice: bigint): Transaction {
  return {
    type: 0,
    chainId: undefined,
    nonce: 0n,
    gasPrice,
    maxPriorityFeePerGas: undefined,
    maxFeePerGas: undefined,
    maxFeePerBlobGas: undefined,
    blobVersionedHashes: undefined,
    authorizationList: undefined,
    gasLimit: 200_000n,
    to,
    value: 0n,
    data: new Uint8Array(),
    accessList: [],
    v: 0n,
    r: 0n,
    s: 0n,
  };
}

function run(fork: string, targetCode: string) {
  const evm = createEvm({ fork, block: { coinbase: COINBASE } });
  evm.setAccount(SENDER, { balance: 10n ** 18n });
  evm.setAccount(TARGET, { code: hexToBytes(targetCode) });
  const result = evm.runTx(legacyTx(TARGET, 0n), SENDER);
  assert.equal(result.success, true, result.error);
  return evm.state;
}

// PUSH20 ABSENT, SELFDESTRUCT (the target holds no balance, so nothing moves)
const selfdestructToAbsent = '73' + ABSENT.slice(2) + 'ff';
// CALL(gas 50000, ABSENT, value 0, no input, no output), POP, STOP
const callAbsent = '6000600060006000600073' + ABSENT.slice(2) + '61c350f15000';

for (const fork of ['Frontier', 'Homestead', 'TangerineWhistle']) {
  test(`${fork}: a zero-fee transaction creates the coinbase`, () => {
    const state = run(fork, '00');
    assert.equal(state.accountExists(COINBASE), true);
    assert.equal(state.getBalance(COINBASE), 0n);
  });

  test(`${fork}: SELFDESTRUCT with nothing to move creates a missing beneficiary`, () => {
    assert.equal(run(fork, selfdestructToAbsent).accountExists(ABSENT), true);
  });

  test(`${fork}: a zero-value CALL creates the account it calls`, () => {
    assert.equal(run(fork, callAbsent).accountExists(ABSENT), true);
  });
}

for (const fork of ['SpuriousDragon', 'Byzantium', 'Berlin']) {
  test(`${fork}: none of them leaves an empty account behind`, () => {
    assert.equal(run(fork, '00').accountExists(COINBASE), false);
    assert.equal(run(fork, selfdestructToAbsent).accountExists(ABSENT), false);
    assert.equal(run(fork, callAbsent).accountExists(ABSENT), false);
  });
}
