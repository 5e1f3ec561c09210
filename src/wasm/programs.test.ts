/**
 * Stylus programs on polyvm's chain: the host functions' effects and gas, and how programs end.
 * Programs are WAT with every vm_hooks function imported (testing/programs.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm, type Evm } from '../create-evm.js';
import { bigintToFixedBytes, bytesToBigint, bytesToHex, concatBytes, hexToBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { createAddress, create2Address } from '../primitives/address.js';
import { STATICCALL, evmCaller, watAddress, watBytes, watProgram } from './testing/programs.js';

const PROGRAM = '0x00000000000000000000000000000000000000aa';
const OTHER = '0x00000000000000000000000000000000000000bb';
const CALLER = '0x00000000000000000000000000000000000000cc';
const COINBASE = '0x00000000000000000000000000000000000000c0';

function chain(): Evm {
  const evm = createEvm({
    fork: 'Osaka',
    wasm: true,
    block: { number: 77n, timestamp: 1_700_000_000n, coinbase: COINBASE, baseFee: 7n, chainId: 31337n, gasLimit: 30_000_000n },
  });
  evm.setAccount(CALLER, { balance: 10n ** 20n });
  return evm;
}

function word(value: bigint): Uint8Array {
  return bigintToFixedBytes(value, 32);
}

/** Reads the calldata to 0 and returns it (or reverts with it when `status` is not 0). */
const ECHO = (status: number) =>
  `(call $read_args (i32.const 0)) (call $write_result (i32.const 0) (local.get $len)) (i32.const ${status})`;

test('a program returns its output, or reverts with it when user_entrypoint returns non-zero', async () => {
  const evm = chain();
  evm.setAccount(PROGRAM, { code: await watProgram(ECHO(0)) });
  evm.setAccount(OTHER, { code: await watProgram(ECHO(1)) });
  const input = hexToBytes('0x0102030405');
  const ok = evm.runCall({ caller: CALLER, to: PROGRAM, data: input, gas: 1_000_000n });
  assert.equal(ok.success, true);
  assert.equal(bytesToHex(ok.output), '0x0102030405');
  const reverted = evm.runCall({ caller: CALLER, to: OTHER, data: input, gas: 1_000_000n });
  assert.equal(reverted.success, false);
  assert.equal(reverted.error, 'execution reverted');
  assert.equal(bytesToHex(reverted.output), '0x0102030405');
  // Unspent gas comes back on a revert.
  assert.ok(reverted.gasUsed < 100_000n, `gas used ${reverted.gasUsed}`);
});

test('exit_early stops with its status; a trap reverts with no data and keeps the unspent gas', async () => {
  const evm = chain();
  const exit = (status: number) => `${ECHO(0)} drop (call $exit_early (i32.const ${status})) (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: await watProgram(exit(0)) });
  evm.setAccount(OTHER, { code: await watProgram(exit(1)) });
  const input = hexToBytes('0xaabb');
  const a = evm.runCall({ caller: CALLER, to: PROGRAM, data: input, gas: 1_000_000n });
  assert.deepEqual([a.success, bytesToHex(a.output)], [true, '0xaabb']);
  const b = evm.runCall({ caller: CALLER, to: OTHER, data: input, gas: 1_000_000n });
  assert.deepEqual([b.success, bytesToHex(b.output)], [false, '0xaabb']);

  const traps = [
    'unreachable',
    '(drop (i32.div_u (i32.const 1) (i32.sub (local.get $len) (local.get $len)))) (i32.const 0)',
    '(drop (i32.load (i32.const 65535))) (i32.const 0)',
    // A host function given a pointer outside memory.
    '(call $read_args (i32.const 65535)) (i32.const 0)',
  ];
  for (const body of traps) {
    const evm2 = chain();
    evm2.setAccount(PROGRAM, { code: await watProgram(`(call $write_result (i32.const 0) (i32.const 4)) ${body}`) });
    const r = evm2.runCall({ caller: CALLER, to: PROGRAM, data: input, gas: 1_000_000n });
    assert.equal(r.success, false, body);
    assert.equal(r.output.length, 0, body);
    assert.ok(r.gasUsed < 200_000n, `${body}: gas used ${r.gasUsed}`);
  }
});

test('storage goes through the cache: writes land only when flushed, priced as SSTOREs', async () => {
  // Slot = calldata word 0, value = calldata word 1; flushes when word 2 is non-zero.
  const body = `
    (call $read_args (i32.const 0))
    (call $storage_cache_bytes32 (i32.const 0) (i32.const 32))
    (if (i32.load8_u (i32.const 95)) (then (call $storage_flush_cache (i32.const 0))))
    (call $storage_load_bytes32 (i32.const 0) (i32.const 128))
    (call $write_result (i32.const 128) (i32.const 32))
    (i32.const 0)`;
  const code = await watProgram(body);
  const input = (flush: boolean) => concatBytes(word(5n), word(99n), word(flush ? 1n : 0n));

  const lost = chain();
  lost.setAccount(PROGRAM, { code });
  const r1 = lost.runCall({ caller: CALLER, to: PROGRAM, data: input(false), gas: 1_000_000n });
  assert.equal(r1.success, true);
  // The program reads back its own cached write...
  assert.equal(bytesToBigint(r1.output), 99n);
  // ...but state never saw it.
  assert.equal(lost.state.getStorage(PROGRAM, 5n), 0n);

  const kept = chain();
  kept.setAccount(PROGRAM, { code });
  const r2 = kept.runCall({ caller: CALLER, to: PROGRAM, data: input(true), gas: 1_000_000n });
  assert.equal(r2.success, true);
  assert.equal(kept.state.getStorage(PROGRAM, 5n), 99n);
  // The flush paid a cold SSTORE that sets a slot: 20,000 + 2,100, plus the hook's own ink
  // (8,400 + 59,673 ink, under 7 gas) and a few instructions.
  const extra = r2.gasUsed - r1.gasUsed;
  assert.ok(extra >= 22_100n && extra < 22_100n + 20n, `flush cost ${extra}`);
});

test('a program reads the message, block and transaction context', async () => {
  const evm = chain();
  // Each field written at its own offset, then all returned.
  const body = `
    (call $msg_sender (i32.const 0))
    (call $msg_value (i32.const 20))
    (call $contract_address (i32.const 52))
    (call $tx_origin (i32.const 72))
    (call $block_coinbase (i32.const 92))
    (call $block_basefee (i32.const 112))
    (call $tx_gas_price (i32.const 144))
    (i64.store (i32.const 176) (call $block_number))
    (i64.store (i32.const 184) (call $block_timestamp))
    (i64.store (i32.const 192) (call $chainid))
    (i64.store (i32.const 200) (call $block_gas_limit))
    (i32.store (i32.const 208) (call $tx_ink_price))
    (i32.store (i32.const 212) (call $msg_reentrant))
    (call $write_result (i32.const 0) (i32.const 216))
    (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: await watProgram(body) });
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, value: 1234n, gasPrice: 9n, gas: 1_000_000n });
  assert.equal(r.success, true, r.error);
  const out = r.output;
  const view = new DataView(out.buffer, out.byteOffset);
  assert.equal(bytesToHex(out.subarray(0, 20)), CALLER);
  assert.equal(bytesToBigint(out.subarray(20, 52)), 1234n);
  assert.equal(bytesToHex(out.subarray(52, 72)), PROGRAM);
  assert.equal(bytesToHex(out.subarray(72, 92)), CALLER);
  assert.equal(bytesToHex(out.subarray(92, 112)), COINBASE);
  assert.equal(bytesToBigint(out.subarray(112, 144)), 7n);
  assert.equal(bytesToBigint(out.subarray(144, 176)), 9n);
  assert.equal(view.getBigUint64(176, true), 77n);
  assert.equal(view.getBigUint64(184, true), 1_700_000_000n);
  assert.equal(view.getBigUint64(192, true), 31337n);
  assert.equal(view.getBigUint64(200, true), 30_000_000n);
  assert.equal(view.getUint32(208, true), 10_000);
  assert.equal(view.getUint32(212, true), 0);
});

test('keccak and the 256-bit math host functions', async () => {
  const evm = chain();
  // Input: a, b, m (three words). Output: keccak(input), a/b, a%b, a^b, (a+b)%m, (a*b)%m.
  const op = (name: string, at: number, args: string) =>
    `(memory.copy (i32.const ${at}) (i32.const 0) (i32.const 32)) (call $${name} (i32.const ${at}) ${args})`;
  const body = `
    (call $read_args (i32.const 0))
    (call $native_keccak256 (i32.const 0) (local.get $len) (i32.const 96))
    ${op('math_div', 128, '(i32.const 32)')}
    ${op('math_mod', 160, '(i32.const 32)')}
    ${op('math_pow', 192, '(i32.const 32)')}
    ${op('math_add_mod', 224, '(i32.const 32) (i32.const 64)')}
    ${op('math_mul_mod', 256, '(i32.const 32) (i32.const 64)')}
    (call $write_result (i32.const 96) (i32.const 192))
    (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: await watProgram(body) });
  const a = 2n ** 255n + 12345n;
  const b = 7n;
  const m = 1_000_003n;
  const input = concatBytes(word(a), word(b), word(m));
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, data: input, gas: 1_000_000n });
  assert.equal(r.success, true, r.error);
  const w = (i: number) => bytesToBigint(r.output.subarray(32 * i, 32 * i + 32));
  assert.equal(bytesToHex(r.output.subarray(0, 32)), bytesToHex(keccak256(input)));
  assert.equal(w(1), a / b);
  assert.equal(w(2), a % b);
  assert.equal(w(3), a ** b % 2n ** 256n);
  assert.equal(w(4), (a + b) % m);
  assert.equal(w(5), (a * b) % m);
});

test('emit_log: topics and data from memory, the program as the address; bad topic counts trap', async () => {
  const evm = chain();
  // Two topics (words 0 and 1 of the calldata), then the rest as data.
  evm.setAccount(PROGRAM, {
    code: await watProgram(`(call $read_args (i32.const 0)) (call $emit_log (i32.const 0) (local.get $len) (i32.const 2)) (i32.const 0)`),
  });
  const input = concatBytes(word(1n), word(2n), hexToBytes('0xc0ffee'));
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, data: input, gas: 1_000_000n });
  assert.equal(r.success, true, r.error);
  assert.equal(r.logs.length, 1);
  assert.equal(r.logs[0]!.address, PROGRAM);
  assert.deepEqual(r.logs[0]!.topics, [1n, 2n]);
  assert.equal(bytesToHex(r.logs[0]!.data), '0xc0ffee');

  // Five topics, or fewer bytes than the topics need: a trap, no log.
  for (const [length, topics] of [
    [160, 5],
    [40, 2],
  ]) {
    const bad = chain();
    bad.setAccount(PROGRAM, {
      code: await watProgram(`(call $emit_log (i32.const 0) (i32.const ${length}) (i32.const ${topics})) (i32.const 0)`),
    });
    const failed = bad.runCall({ caller: CALLER, to: PROGRAM, gas: 1_000_000n });
    assert.equal(failed.success, false);
    assert.equal(failed.logs.length, 0);
  }
});

test('a static call into a program cannot write: storage flush, transient store and logs fail it', async () => {
  const writes = [
    `(call $storage_cache_bytes32 (i32.const 0) (i32.const 32)) (call $storage_flush_cache (i32.const 0))`,
    `(call $transient_store_bytes32 (i32.const 0) (i32.const 32))`,
    `(call $emit_log (i32.const 0) (i32.const 0) (i32.const 0))`,
  ];
  for (const write of writes) {
    const evm = chain();
    evm.setAccount(PROGRAM, { code: await watProgram(`(i32.store8 (i32.const 63) (i32.const 1)) ${write} (i32.const 0)`) });
    evm.setAccount(OTHER, { code: evmCaller(PROGRAM, STATICCALL) });
    const r = evm.runCall({ caller: CALLER, to: OTHER, gas: 1_000_000n });
    assert.equal(r.success, true);
    assert.equal(bytesToBigint(r.output.subarray(0, 32)), 0n, write);
    assert.equal(evm.state.getStorage(PROGRAM, 0n), 0n);
    // The same program called directly writes.
    const direct = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 1_000_000n });
    assert.equal(direct.success, true, `${write}: ${direct.error}`);
  }
});

test('transient storage lasts for the transaction', async () => {
  const evm = chain();
  // Word 0 of the calldata non-zero: store 1 at key 0; then return what key 0 holds.
  const body = `
    (call $read_args (i32.const 0))
    (i32.store8 (i32.const 95) (i32.const 1))
    (if (i32.load8_u (i32.const 31)) (then (call $transient_store_bytes32 (i32.const 128) (i32.const 64))))
    (call $transient_load_bytes32 (i32.const 128) (i32.const 160))
    (call $write_result (i32.const 160) (i32.const 32))
    (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: await watProgram(body) });
  const set = evm.runCall({ caller: CALLER, to: PROGRAM, data: word(1n), gas: 1_000_000n });
  assert.equal(bytesToBigint(set.output), 1n);
  const later = evm.runCall({ caller: CALLER, to: PROGRAM, data: word(0n), gas: 1_000_000n });
  assert.equal(bytesToBigint(later.output), 0n);
});

test('account host functions: balance, code, code size and code hash', async () => {
  const evm = chain();
  const otherCode = hexToBytes('0x600160005260206000f3');
  evm.setAccount(OTHER, { balance: 555n, code: otherCode });
  const body = `
    (call $account_balance (i32.const 0) (i32.const 32))
    (i32.store (i32.const 64) (call $account_code_size (i32.const 0)))
    (call $account_codehash (i32.const 0) (i32.const 68))
    (i32.store (i32.const 100) (call $account_code (i32.const 0) (i32.const 2) (i32.const 100) (i32.const 104)))
    (call $write_result (i32.const 32) (i32.const 80))
    (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: await watProgram(body, { fields: `(data (i32.const 0) "${watAddress(OTHER)}")` }) });
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 1_000_000n });
  assert.equal(r.success, true, r.error);
  const out = r.output;
  const view = new DataView(out.buffer, out.byteOffset);
  assert.equal(bytesToBigint(out.subarray(0, 32)), 555n);
  assert.equal(view.getUint32(32, true), otherCode.length);
  assert.equal(bytesToHex(out.subarray(36, 68)), bytesToHex(keccak256(otherCode)));
  // Code from offset 2, clipped to what there is.
  assert.equal(view.getUint32(68, true), otherCode.length - 2);
  assert.equal(bytesToHex(out.subarray(72, 72 + otherCode.length - 2)), bytesToHex(otherCode.subarray(2)));
});

test('create1 and create2 from a program: the addresses the EVM would give, and address 0 with revert data on failure', async () => {
  // Initcode returning the runtime code 0x60016000 (4 bytes) ...
  const initcode = hexToBytes('0x6360016000600052600460' + '1cf3');
  // ... and initcode that reverts with the word 0xdead.
  const reverting = hexToBytes('0x61dead60005260206000fd');
  const body = (salted: boolean) => `
    (call $read_args (i32.const 0))
    ${salted ? '(call $create2 (i32.const 0) (local.get $len) (i32.const 1000) (i32.const 1032) (i32.const 1100) (i32.const 1120))' : '(call $create1 (i32.const 0) (local.get $len) (i32.const 1000) (i32.const 1100) (i32.const 1120))'}
    (drop (call $read_return_data (i32.const 1124) (i32.const 0) (i32.const 32)))
    (call $write_result (i32.const 1100) (i32.const 56))
    (i32.const 0)`;
  const salt = 0x5a17n;
  const fields = `(data (i32.const 1032) "${watBytes(word(salt))}")`;
  for (const salted of [false, true]) {
    const evm = chain();
    evm.setAccount(PROGRAM, { code: await watProgram(body(salted), { fields }) });
    const r = evm.runCall({ caller: CALLER, to: PROGRAM, data: initcode, gas: 1_000_000n });
    assert.equal(r.success, true, r.error);
    const created = bytesToHex(r.output.subarray(0, 20));
    const expected = salted ? create2Address(PROGRAM, salt, keccak256(initcode)) : createAddress(PROGRAM, 0n);
    assert.equal(created, expected);
    assert.equal(bytesToHex(evm.state.getCode(expected)), '0x60016000');
    // No return data after a successful create.
    assert.equal(new DataView(r.output.buffer, r.output.byteOffset).getUint32(20, true), 0);

    const failed = evm.runCall({ caller: CALLER, to: PROGRAM, data: reverting, gas: 1_000_000n });
    assert.equal(failed.success, true, failed.error);
    assert.equal(bytesToHex(failed.output.subarray(0, 20)), bytesToHex(new Uint8Array(20)));
    assert.equal(new DataView(failed.output.buffer, failed.output.byteOffset).getUint32(20, true), 32);
    assert.equal(bytesToBigint(failed.output.subarray(24, 56)), 0xdeadn);
  }
});

test('console host functions print through the chain and change nothing', async () => {
  const evm = chain();
  const body = `
    (call $log_txt (i32.const 0) (i32.const 5))
    (call $log_i32 (i32.const -7))
    (call $log_i64 (call $tee_i64 (i64.const 1234567890123)))
    (i32.const 0)`;
  const fields = `
    (import "console" "log_txt" (func $log_txt (param i32 i32)))
    (import "console" "log_i32" (func $log_i32 (param i32)))
    (import "console" "log_i64" (func $log_i64 (param i64)))
    (import "console" "tee_i64" (func $tee_i64 (param i64) (result i64)))
    (data (i32.const 0) "hello")`;
  evm.setAccount(PROGRAM, { code: await watProgram(body, { imports: fields }) });
  const lines: string[] = [];
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 1_000_000n, print: (line) => lines.push(line) });
  assert.equal(r.success, true, r.error);
  assert.deepEqual(lines, ['hello', '-7', '1234567890123', '1234567890123']);
});
