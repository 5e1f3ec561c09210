import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm } from '../create-evm.js';
import { hexToBytes } from '../primitives/bytes.js';

const CALLER = '0x1000000000000000000000000000000000000001';
const RECURSIVE = '0x2000000000000000000000000000000000000002';

// slot0 += 1; CALL(gas, ADDRESS, 0, 0, 0, 0, 0); STOP
const recursiveCode = hexToBytes('6000546001016000556000600060006000600030' + '5af100');

test('1024 nested calls run, the 1025th fails at the depth limit, without using the JavaScript stack', () => {
  const evm = createEvm({ fork: 'Cancun' });
  evm.setAccount(CALLER, { balance: 10n ** 18n });
  evm.setAccount(RECURSIVE, { code: recursiveCode });
  const run = () => evm.runCall({ caller: CALLER, to: RECURSIVE, gas: 10n ** 15n });
  // Run from deep inside the JavaScript stack: an interpreter that recursed per call would overflow.
  const nest = (n: number): ReturnType<typeof run> => (n === 0 ? run() : nest(n - 1));
  const result = nest(5000);
  assert.equal(result.success, true, result.error);
  // Frames at depths 0..1024 each increment the counter once.
  assert.equal(evm.state.getStorage(RECURSIVE, 0n), 1025n);
});

test('a call with more gas than available forwards all but 1/64 (EIP-150)', () => {
  const evm = createEvm({ fork: 'Cancun' });
  // Callee stores GAS in slot 0. Caller: CALL(0xffff..., callee, ...)
  const callee = '0x3000000000000000000000000000000000000003';
  evm.setAccount(callee, { code: hexToBytes('5a60005500') });
  const callerCode = hexToBytes('6000600060006000600073' + callee.slice(2) + '7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' + 'f100');
  evm.setAccount(RECURSIVE, { code: callerCode });
  evm.setAccount(CALLER, { balance: 10n ** 18n });
  const gas = 1_000_000n;
  const result = evm.runCall({ caller: CALLER, to: RECURSIVE, gas });
  assert.equal(result.success, true);
  // Before CALL: 7 pushes (3 each) = 21; CALL costs 100 warm? no: callee is cold, 2600.
  const left = Number(gas) - 21 - 2600;
  const forwarded = left - Math.floor(left / 64);
  // The callee's GAS opcode costs 2 and reports what is left after it.
  assert.equal(evm.state.getStorage(callee, 0n), BigInt(forwarded - 2));
});

test('gas above 2^53 is counted exactly: GAS, the 63/64 rule and gas used', () => {
  const callee = '0x3000000000000000000000000000000000000003';
  const callerCode = hexToBytes('6000600060006000600073' + callee.slice(2) + '7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' + 'f100');
  for (const gas of [1_000_000n, (1n << 62n) + 12_345n, (1n << 63n) - 1n]) {
    const evm = createEvm({ fork: 'Cancun' });
    evm.setAccount(callee, { code: hexToBytes('5a60005500') });
    evm.setAccount(RECURSIVE, { code: callerCode });
    evm.setAccount(CALLER, { balance: 10n ** 18n });
    const result = evm.runCall({ caller: CALLER, to: RECURSIVE, gas });
    assert.equal(result.success, true);
    const left = gas - 21n - 2600n;
    const forwarded = left - left / 64n;
    assert.equal(evm.state.getStorage(callee, 0n), forwarded - 2n, `GAS in the callee with ${gas}`);
    // 7 pushes, a cold CALL, then GAS, PUSH1 and a cold SSTORE that sets a slot.
    assert.equal(result.gasUsed, 21n + 2600n + 2n + 3n + 22_100n, `gas used with ${gas}`);
  }
});
