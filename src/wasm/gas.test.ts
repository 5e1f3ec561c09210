/**
 * Golden gas and ink numbers at the frame level, each derived by hand from Stylus's rules
 * (docs/wasm-notes.md §2.2 price table, §3 host-function charges, §4 ink ↔ gas, §5 memory pages):
 * never read back from the code under test. Ink is 10,000 a gas; a basic block costs 2,450 ink
 * plus its operators, paid before it runs; blocks end after `end`, `else`, `return`, `loop`, `br`,
 * `br_if`, `br_table`, `if`, `call` and `call_indirect`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm, type Evm } from '../create-evm.js';
import { bigintToFixedBytes, bytesToBigint, hexToBytes } from '../primitives/bytes.js';
import { createAddress } from '../primitives/address.js';
import { compressProgram } from './compress.js';
import { activateProgram } from './activate.js';
import { compileWat } from './testing/compile.js';
import { watAddress, watBytes, watModule, type WatOptions } from './testing/programs.js';
import { transaction } from './testing/transactions.js';

const PROGRAM = '0x00000000000000000000000000000000000000aa';
const TARGET = '0x00000000000000000000000000000000000000bb';
const CALLER = '0x00000000000000000000000000000000000000cc';

const INK_PER_GAS = 10_000n;
// Ink of the host functions (nitro arbutil pricing): H = 8,400, P = 5,040, A = 59,673.
const H = 8_400n;
const P = 5_040n;
const A = 59_673n;
/** read_price(n) for n ≤ 32 bytes. */
const READ_SMALL = 16_381n;

function chain(): Evm {
  const evm = createEvm({ fork: 'Osaka', wasm: true });
  evm.setAccount(CALLER, { balance: 10n ** 20n });
  return evm;
}

/** Compiles a program, deploys it at PROGRAM, and gives its call-time `cachedInitGas`. */
async function install(evm: Evm, body: string, options?: WatOptions): Promise<bigint> {
  const wasm = await compileWat(watModule(body, options));
  evm.setAccount(PROGRAM, { code: compressProgram(wasm) });
  return BigInt(activateProgram(wasm).cachedInitGas);
}

/** The little-endian u64 at `offset` of `bytes`. */
function u64(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(offset, true);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

test('evm_ink_left and evm_gas_left inside a program, and the gas of the call, exactly', async () => {
  const body = `
    (i64.store (i32.const 0) (call $evm_ink_left))
    (memory.fill (i32.const 100) (i32.const 7) (i32.const 1000))
    (i64.store (i32.const 8) (call $evm_gas_left))
    (call $write_result (i32.const 0) (i32.const 16))
    (i32.const 0)`;
  for (const pages of [1, 3, 10]) {
    const evm = chain();
    const cachedInitGas = await install(evm, body, { memory: `${pages} ${pages}` });
    // Memory model: 2 pages free a transaction, then 1,000 a page beyond them, plus
    // exp[pages] − exp[0] from nitro's table (exp[0] = exp[1] = exp[2] = exp[3] = 1, exp[10] = 3).
    const memoryGas = { 1: 0n, 3: 1_000n * 1n + 1n - 1n, 10: 1_000n * 8n + 3n - 1n }[pages]!;
    const gas = 1_000_000n;
    const ink0 = (gas - memoryGas - cachedInitGas) * INK_PER_GAS;

    // Block 1: i32.const 1 + call 3,800 + header 2,450 = 6,251; then evm_ink_left's H.
    const inkLeft = ink0 - 6_251n - H;
    // Block 2: i64.store 950 + i32.const ×3 + memory.fill 950 + i32.const + call 3,800 + 2,450 =
    // 8,154; memory.fill's 1,000 bytes × 100 = 100,000; evm_gas_left's H; then ⌊ink / 10,000⌋.
    const gasLeft = (inkLeft - 8_154n - 100_000n - H) / INK_PER_GAS;
    // Block 3: i64.store 950 + i32.const ×2 + call 3,800 + 2,450 = 7,202; write_result
    // H + 2 × read_price(16) = 8,400 + 32,762; block 4: i32.const + end + 2,450 = 2,452.
    const spent = 6_251n + H + 8_154n + 100_000n + H + 7_202n + H + 2n * READ_SMALL + 2_452n;

    const r = evm.runCall({ caller: CALLER, to: PROGRAM, gas });
    assert.equal(r.success, true, r.error);
    assert.equal(u64(r.output, 0), inkLeft, `${pages} pages: evm_ink_left`);
    assert.equal(u64(r.output, 8), gasLeft, `${pages} pages: evm_gas_left`);
    // Ink left over is rounded down to gas, so the ink spent counts rounded up.
    assert.equal(r.gasUsed, memoryGas + cachedInitGas + ceilDiv(spent, INK_PER_GAS), `${pages} pages: gas used`);
  }
});

/** Reads slot 0 twice through the cache, noting the ink before, between and after. */
const TWO_LOADS = `
  (i64.store (i32.const 100) (call $evm_ink_left))
  (call $storage_load_bytes32 (i32.const 0) (i32.const 32))
  (i64.store (i32.const 108) (call $evm_ink_left))
  (call $storage_load_bytes32 (i32.const 0) (i32.const 64))
  (i64.store (i32.const 116) (call $evm_ink_left))
  (call $write_result (i32.const 32) (i32.const 92))
  (i32.const 0)`;

test('storage_load_bytes32: a cold miss pays 2,100 + 5 through the cache, a repeat is served by the cache', async () => {
  const evm = chain();
  await install(evm, TWO_LOADS);
  evm.setAccount(PROGRAM, { code: evm.state.getCode(PROGRAM), storage: { 0: 0x1234n } });
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 1_000_000n });
  assert.equal(r.success, true, r.error);
  assert.equal(bytesToBigint(r.output.subarray(0, 32)), 0x1234n);
  assert.equal(bytesToBigint(r.output.subarray(32, 64)), 0x1234n);
  const [before, between, after] = [u64(r.output, 68), u64(r.output, 76), u64(r.output, 84)];
  // Between two evm_ink_left readings: the load's block (i64.store 950 + i32.const ×2 + call
  // 3,800 + 2,450 = 7,202), its ink H + 2P = 18,480, then the next block (i32.const + call + 2,450
  // = 6,251) and evm_ink_left's H.
  const around = 7_202n + H + 2n * P + 6_251n + H;
  // A cold miss: the first 32 cache reads cost 0 gas; cold SLOAD 2,100 + EVM_API_INK / 10,000
  // (59,673 → 5) = 2,105 gas.
  assert.equal(before - between, around + 2_105n * INK_PER_GAS);
  // The repeat: cache read 0 gas, no state access.
  assert.equal(between - after, around);
});

/** Caches calldata word 1 at slot (calldata word 0), flushes, notes ink around the flush. */
const CACHE_AND_FLUSH = `
  (call $read_args (i32.const 0))
  (call $storage_cache_bytes32 (i32.const 0) (i32.const 32))
  (i64.store (i32.const 100) (call $evm_ink_left))
  (call $storage_flush_cache (i32.const 0))
  (i64.store (i32.const 108) (call $evm_ink_left))
  (call $write_result (i32.const 100) (i32.const 16))
  (i32.const 0)`;

function words(...values: bigint[]): Uint8Array {
  const out = new Uint8Array(32 * values.length);
  values.forEach((v, i) => out.set(bigintToFixedBytes(v, 32), 32 * i));
  return out;
}

test('storage_flush_cache prices each dirty slot as an SSTORE: set 20,000, reset 2,900, no-op 100, each + 2,100 cold', async () => {
  const cases = [
    { name: 'set (0 → 5)', original: 0n, value: 5n, gas: 20_000n + 2_100n },
    { name: 'reset (3 → 5)', original: 3n, value: 5n, gas: 2_900n + 2_100n },
    // The cache never read the slot, so the write is dirty although it changes nothing.
    { name: 'no-op (5 → 5)', original: 5n, value: 5n, gas: 100n + 2_100n },
    { name: 'clear (5 → 0)', original: 5n, value: 0n, gas: 2_900n + 2_100n },
  ];
  for (const c of cases) {
    const evm = chain();
    await install(evm, CACHE_AND_FLUSH);
    evm.setAccount(PROGRAM, { code: evm.state.getCode(PROGRAM), storage: { 7: c.original } });
    const r = evm.runCall({ caller: CALLER, to: PROGRAM, data: words(7n, c.value), gas: 1_000_000n });
    assert.equal(r.success, true, `${c.name}: ${r.error}`);
    // The flush's block (i64.store 950 + i32.const + call 3,800 + 2,450 = 7,201), its ink
    // H + A = 68,073, then the next block
    // (i32.const + call + 2,450 = 6,251) and evm_ink_left's H.
    const around = 7_201n + H + A + 6_251n + H;
    assert.equal(u64(r.output, 0) - u64(r.output, 8), around + c.gas * INK_PER_GAS, c.name);
    assert.equal(evm.state.getStorage(PROGRAM, 7n), c.value, c.name);
  }
});

test("clearing a slot through the flush earns the 4,800 refund, counted in the transaction's gas", async () => {
  // Two programs of the same size and instructions, storing 0 or 6 at slot 0, which holds 5.
  const body = `
    (call $storage_cache_bytes32 (i32.const 0) (i32.const 32))
    (call $storage_flush_cache (i32.const 0))
    (i32.const 0)`;
  const results = [];
  for (const value of [0, 6]) {
    const evm = chain();
    await install(evm, body, { fields: `(data (i32.const 63) "${watBytes(Uint8Array.of(value))}")` });
    evm.setAccount(PROGRAM, { code: evm.state.getCode(PROGRAM), storage: { 0: 5n } });
    const r = evm.runTx(transaction(PROGRAM, new Uint8Array(), 0n, 1_000_000n), CALLER);
    assert.equal(r.success, true, r.error);
    assert.equal(evm.state.getStorage(PROGRAM, 0n), BigInt(value));
    results.push(r);
  }
  const [cleared, reset] = results as [(typeof results)[0], (typeof results)[0]];
  // Both flushes cost 2,900 + 2,100 cold; clearing a slot that held a value at the start of the
  // transaction refunds 4,800 (EIP-3529), well under the cap of gasUsed / 5 (≥ 26,000 / 5).
  assert.equal(cleared.gasRefunded, 4_800n);
  assert.equal(reset.gasRefunded, 0n);
  assert.equal(reset.gasUsed - cleared.gasUsed, 4_800n);
});

test('the SSTORE sentry: storage_cache_bytes32 needs 2,310 gas left and storage_flush_cache 2,300, or the call is out of ink', async () => {
  // storage_cache_bytes32: block 1 (i32.const ×2 + call 3,800 + 2,450 = 6,252) and the hook's ink
  // H + 2P = 18,480 come first; then 2,310 gas (23,100,000 ink) must be left; the last block
  // (i32.const + end + 2,450 = 2,452) fits in what the check leaves. So the program needs
  // ⌈(6,252 + 18,480 + 23,100,000) / 10,000⌉ = ⌈2,312.47⌉ = 2,313 gas after the call-time charges.
  // storage_flush_cache with nothing dirty: block 1 (i32.const + call + 2,450 = 6,251), ink
  // H + A = 68,073, then 2,300 gas must be left: ⌈(6,251 + 68,073 + 23,000,000) / 10,000⌉ = 2,308.
  const cases = [
    { body: '(call $storage_cache_bytes32 (i32.const 0) (i32.const 32)) (i32.const 0)', needs: 2_313n },
    { body: '(call $storage_flush_cache (i32.const 0)) (i32.const 0)', needs: 2_308n },
  ];
  for (const { body, needs } of cases) {
    const evm = chain();
    const cachedInitGas = await install(evm, body);
    const enough = evm.runCall({ caller: CALLER, to: PROGRAM, gas: cachedInitGas + needs });
    assert.equal(enough.success, true, `${body}: ${enough.error}`);
    const short = evm.runCall({ caller: CALLER, to: PROGRAM, gas: cachedInitGas + needs - 1n });
    assert.equal(short.success, false, body);
    assert.equal(short.error, 'out of gas', body);
    assert.equal(short.gasUsed, cachedInitGas + needs - 1n, `${body}: all gas`);
  }
});

/**
 * Calls TARGET (address at 200, value word at 300) asking for `requested` gas; TARGET returns the
 * GAS it sees. Output: the ink before the call (8 bytes), then TARGET's word.
 */
const callTarget = (requested: string) => `
  (i64.store (i32.const 500) (call $evm_ink_left))
  (drop (call $call_contract (i32.const 200) (i32.const 0) (i32.const 0) (i32.const 300) (i64.const ${requested}) (i32.const 400)))
  (drop (call $read_return_data (i32.const 508) (i32.const 0) (i32.const 32)))
  (call $write_result (i32.const 500) (i32.const 40))
  (i32.const 0)`;

/** GAS, then return it as a word: the child reports the gas it was given − 2 (GAS costs 2). */
const REPORT_GAS = hexToBytes('0x5a60005260206000f3');

test('call_contract: a child gets ⌊(left − base)·63/64⌋ or what was asked, + 2,300 with value; a cold target costs 2,600', async () => {
  const cases = [
    { name: 'all gas, cold target', requested: '-1', value: 0n, base: 2_600n },
    { name: 'all gas with value, cold target', requested: '-1', value: 1n, base: 2_600n + 9_000n },
    { name: '50,000 asked, cold target', requested: '50000', value: 0n, base: 2_600n },
    { name: 'all gas, warm target', requested: '-1', value: 0n, base: 100n, warm: true },
  ];
  for (const c of cases) {
    const evm = chain();
    const fields = `(data (i32.const 200) "${watAddress(TARGET)}") (data (i32.const 300) "${watBytes(bigintToFixedBytes(c.value, 32))}")`;
    // A first call with 0 gas (TARGET fails at once) warms TARGET.
    const warmUp = '(drop (call $call_contract (i32.const 200) (i32.const 0) (i32.const 0) (i32.const 300) (i64.const 0) (i32.const 400)))';
    await install(evm, ('warm' in c ? warmUp : '') + callTarget(c.requested), { fields });
    evm.setAccount(PROGRAM, { code: evm.state.getCode(PROGRAM), balance: 10n });
    evm.setAccount(TARGET, { code: REPORT_GAS });
    const r = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 1_000_000n });
    assert.equal(r.success, true, `${c.name}: ${r.error}`);
    const before = u64(r.output, 0);
    // The call's block: i64.store 950 + i32.const ×5 + i64.const + call 3,800 + 2,450 = 7,206;
    // its ink H + 3P + A = 83,193 and 2 × read_price(0) = 32,762. Then the gas left is read.
    const left = (before - 7_206n - (H + 3n * P + A) - 2n * READ_SMALL) / INK_PER_GAS;
    const cap = ((left - c.base) * 63n) / 64n;
    const requested = c.requested === '-1' ? cap : BigInt(c.requested);
    const handed = (requested < cap ? requested : cap) + (c.value === 0n ? 0n : 2_300n);
    assert.equal(bytesToBigint(r.output.subarray(8, 40)), handed - 2n, c.name);
  }
});

test('create1: 32,000 gas, the child gets all but 1/64 of the rest, and the 1/64 stays with the program', async () => {
  // Init code: GAS, PUSH1 0, SSTORE, STOP: stores the gas it was given − 2 in its slot 0.
  const initcode = hexToBytes('0x5a60005500');
  const body = `
    (i64.store (i32.const 500) (call $evm_ink_left))
    (call $create1 (i32.const 0) (i32.const 5) (i32.const 300) (i32.const 600) (i32.const 620))
    (i64.store (i32.const 508) (call $evm_ink_left))
    (call $write_result (i32.const 500) (i32.const 16))
    (i32.const 0)`;
  const evm = chain();
  await install(evm, body, { fields: `(data (i32.const 0) "${watBytes(initcode)}")` });
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 1_000_000n });
  assert.equal(r.success, true, r.error);
  const [before, after] = [u64(r.output, 0), u64(r.output, 8)];
  // The create's block: i64.store 950 + i32.const ×5 + call 3,800 + 2,450 = 7,205; its ink
  // H + 3P + A = 83,193 and 2 × read_price(5) = 32,762; then the gas left is read.
  const inkAtCreate = before - 7_205n - (H + 3n * P + A) - 2n * READ_SMALL;
  const start = inkAtCreate / INK_PER_GAS;
  const rest = start - 32_000n;
  const child = rest - rest / 64n;
  const created = createAddress(PROGRAM, 0n); // the program account was set with nonce 0
  assert.equal(evm.state.getStorage(created, 0n), child - 2n);
  // The child used GAS 2 + PUSH1 3 + SSTORE 22,100 (cold, 0 → non-zero) + STOP 0 = 22,105 and gave
  // back the rest; the program paid 32,000 + 22,105 gas, kept its 1/64, then ran block
  // i32.const + call + 2,450 = 6,251 and evm_ink_left's H.
  assert.equal(after, inkAtCreate - (32_000n + 22_105n) * INK_PER_GAS - 6_251n - H);
});
