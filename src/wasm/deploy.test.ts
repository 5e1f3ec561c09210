/**
 * Deploying programs with ordinary create transactions: the init code from `deployCode` leaves
 * the compressed program as the account's code, the deploy pays 200 gas a byte plus activation,
 * a module that fails activation makes the create fail with its reason, and the EIP-3541 rule
 * holds for every other 0xEF code (and for all of it on a chain without programs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm, type Evm } from '../create-evm.js';
import { bytesToBigint, bytesToHex, concatBytes, hexToBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { createAddress } from '../primitives/address.js';
import { Status } from '../host/status.js';
import { compressProgram } from './compress.js';
import { deployCode, DEPLOY_PRELUDE_LENGTH } from './format.js';
import { activateProgram } from './activate.js';
import { compileWat } from './testing/compile.js';
import { watModule } from './testing/programs.js';
import { returningInitcode, transaction } from './testing/transactions.js';

const SENDER = '0x00000000000000000000000000000000000000cc';
const PROBE = '0x00000000000000000000000000000000000000dd';

function chain(wasm = true): Evm {
  const evm = createEvm({ fork: 'Osaka', wasm });
  evm.setAccount(SENDER, { balance: 10n ** 20n });
  return evm;
}

/** Echoes its calldata back. */
const ECHO = `(call $read_args (i32.const 0)) (call $write_result (i32.const 0) (local.get $len)) (i32.const 0)`;

/** EVM code returning EXTCODESIZE and EXTCODEHASH of `address` (two words). */
function codeProbe(address: string): Uint8Array {
  // PUSH20 address, DUP1, EXTCODESIZE, PUSH1 0, MSTORE, EXTCODEHASH, PUSH1 32, MSTORE, RETURN(0, 64)
  return hexToBytes('0x73' + address.slice(2) + '80' + '3b' + '600052' + '3f' + '602052' + '60406000f3');
}

test('a create transaction with deployCode init code deploys a program that EVM code sees and calls reach', async () => {
  const evm = chain();
  const program = compressProgram(await compileWat(watModule(ECHO)));
  const deployed = evm.runTx(transaction(null, deployCode(program), 0n), SENDER);
  assert.equal(deployed.success, true, deployed.error);
  const address = createAddress(SENDER, 0n);
  assert.equal(deployed.createdAddress, address);
  assert.equal(bytesToHex(evm.state.getCode(address)), bytesToHex(program));

  // EXTCODESIZE and EXTCODEHASH: those of the compressed bytes, prefix included.
  evm.setAccount(PROBE, { code: codeProbe(address) });
  const probed = evm.runTx(transaction(PROBE, new Uint8Array(), 1n), SENDER);
  assert.equal(probed.success, true, probed.error);
  assert.equal(bytesToBigint(probed.output.subarray(0, 32)), BigInt(program.length));
  assert.equal(bytesToHex(probed.output.subarray(32, 64)), bytesToHex(keccak256(program)));

  // A call transaction runs it.
  const called = evm.runTx(transaction(address, hexToBytes('0xc0ffee'), 2n), SENDER);
  assert.equal(called.success, true, called.error);
  assert.equal(bytesToHex(called.output), '0xc0ffee');
});

test("a program's deploy costs what the same-size EVM code's does, plus exactly its activation gas", async () => {
  const wasm = await compileWat(watModule(ECHO));
  const program = compressProgram(wasm);
  const { activationGas } = activateProgram(wasm);
  assert.ok(activationGas > 0);
  const initcode = deployCode(program);
  // The same init code with the program's first byte 0xEF changed to 0xFE (INVALID, never run):
  // the same length and the same zero and non-zero bytes, so the same intrinsic gas and the same
  // execution; the deposit is 200 gas a byte of the same length.
  const evmInitcode = Uint8Array.from(initcode);
  evmInitcode[DEPLOY_PRELUDE_LENGTH] = 0xfe;

  const a = chain();
  const asProgram = a.runTx(transaction(null, initcode, 0n), SENDER);
  const b = chain();
  const asEvm = b.runTx(transaction(null, evmInitcode, 0n), SENDER);
  assert.equal(asProgram.success, true, asProgram.error);
  assert.equal(asEvm.success, true, asEvm.error);
  assert.equal(asProgram.gasUsed - asEvm.gasUsed, BigInt(activationGas));
  assert.equal(b.state.getCode(createAddress(SENDER, 0n)).length, program.length);

  // From first principles: intrinsic 21,000 + 32,000 (create) + 16 a non-zero and 4 a zero byte of
  // calldata + 2 a word of init code (EIP-3860); the prelude PUSH32, DUP1, PUSH1, PUSH1 (3 each),
  // CODECOPY 3 + 3 a word copied + memory expansion (3 a word + words²/512), PUSH1 3, RETURN 0;
  // then the deposit, 200 a byte, and activation.
  const zeros = initcode.filter((byte) => byte === 0).length;
  const words = Math.ceil(program.length / 32);
  const intrinsic = 21_000 + 32_000 + 16 * (initcode.length - zeros) + 4 * zeros + 2 * Math.ceil(initcode.length / 32);
  const execution = 4 * 3 + (3 + 3 * words + 3 * words + Math.floor((words * words) / 512)) + 3;
  const expected = intrinsic + execution + 200 * program.length + activationGas;
  assert.equal(asProgram.gasUsed, BigInt(expected));
});

test('a module that fails activation makes the create fail: all its gas spent, no code, the reason in the error', async () => {
  const cases = [
    { source: watModule(ECHO, { fields: '(func $init) (start $init)' }), reason: /start function/ },
    { source: watModule(ECHO).replace('"user_entrypoint"', '"main"'), reason: /user_entrypoint/ },
  ];
  for (const { source, reason } of cases) {
    const evm = chain();
    const gasLimit = 3_000_000n;
    const r = evm.runTx(transaction(null, deployCode(compressProgram(await compileWat(source))), 0n, gasLimit), SENDER);
    assert.equal(r.success, false);
    assert.equal(r.status, Status.CodeRejected);
    assert.equal(r.gasUsed, gasLimit, 'a create that fails its deposit spends all its gas');
    assert.equal(r.createdAddress, undefined);
    assert.match(r.error ?? '', /^contract code rejected: program refused: /);
    assert.match(r.reason ?? '', reason);
    const address = createAddress(SENDER, 0n);
    assert.equal(evm.state.getCode(address).length, 0);
    assert.equal(evm.state.accountExists(address), false);
    assert.equal(evm.state.getNonce(SENDER), 1n, 'the transaction itself counts');
  }
});

test('without the wasm option the same init code fails as EIP-3541 says, with no reason', async () => {
  const evm = chain(false);
  const gasLimit = 3_000_000n;
  const r = evm.runTx(transaction(null, deployCode(compressProgram(await compileWat(watModule(ECHO)))), 0n, gasLimit), SENDER);
  assert.equal(r.success, false);
  assert.equal(r.error, 'contract code rejected');
  assert.equal(r.reason, undefined);
  assert.equal(r.gasUsed, gasLimit);
  assert.equal(evm.state.getCode(createAddress(SENDER, 0n)).length, 0);
});

test('other 0xEF code stays rejected with the wasm option on', () => {
  const codes = [
    '0xef', // the lone byte EIP-3541 names
    '0xef00', // EOF magic
    '0xef0001010004020001000100', // an EOF header
    '0xeff0010000', // a Stylus fragment (not supported)
    '0xeff0020000', // a Stylus root (not supported)
    '0xeff000', // the prefix alone
    '0xeff00000', // prefix and dictionary byte, no stream
  ];
  for (const code of codes) {
    const evm = chain();
    const gasLimit = 1_000_000n;
    const r = evm.runTx(transaction(null, returningInitcode(hexToBytes(code)), 0n, gasLimit), SENDER);
    assert.equal(r.success, false, code);
    assert.equal(r.error, 'contract code rejected', code);
    assert.equal(r.gasUsed, gasLimit, code);
  }
  // The same init code returning code that does not start with 0xEF deploys.
  const evm = chain();
  const ok = evm.runTx(transaction(null, returningInitcode(hexToBytes('0xfeef00')), 0n), SENDER);
  assert.equal(ok.success, true, ok.error);
  assert.equal(bytesToHex(evm.state.getCode(createAddress(SENDER, 0n))), '0xfeef00');
});
