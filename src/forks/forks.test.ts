/** Each fork switches its rules on at that fork and not before. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORK_ORDER, getRules, parseFork, DEFAULT_FORK } from './index.js';
import { createEvm } from '../create-evm.js';
import { hexToBytes } from '../primitives/bytes.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import { calldataFloorGas, intrinsicGas, validateTransaction } from '../tx/index.js';
import { feeMarketTransaction, type Transaction } from '../tx/types.js';

const CALLER = '0x1000000000000000000000000000000000000001';
const TARGET = '0x2000000000000000000000000000000000000002';

/** Runs `code` at the fork and reports whether it halted normally. */
function runs(fork: string, code: string): boolean {
  const evm = createEvm({ fork });
  evm.setAccount(TARGET, { code: hexToBytes(code) });
  return evm.runCall({ caller: CALLER, to: TARGET, gas: 100_000n }).success;
}

/** The first fork at which `predicate` holds, checking that it holds at every later fork. */
function firstForkWhere(predicate: (fork: string) => boolean): string {
  const results = FORK_ORDER.map((fork) => predicate(fork));
  const first = results.indexOf(true);
  assert.ok(first >= 0, 'never switched on');
  assert.ok(results.slice(first).every(Boolean), 'switched off again');
  return FORK_ORDER[first]!;
}

test('opcodes arrive at their fork', () => {
  assert.equal(
    firstForkWhere((f) => runs(f, '0x600160011b00')),
    'Constantinople',
  ); // SHL
  assert.equal(
    firstForkWhere((f) => runs(f, '0x3d00')),
    'Byzantium',
  ); // RETURNDATASIZE
  assert.equal(
    firstForkWhere((f) => runs(f, '0x4600')),
    'Istanbul',
  ); // CHAINID
  assert.equal(
    firstForkWhere((f) => runs(f, '0x4800')),
    'London',
  ); // BASEFEE
  assert.equal(
    firstForkWhere((f) => runs(f, '0x5f00')),
    'Shanghai',
  ); // PUSH0
  assert.equal(
    firstForkWhere((f) => runs(f, '0x60005c00')),
    'Cancun',
  ); // TLOAD
  assert.equal(
    firstForkWhere((f) => runs(f, '0x6000600060005e00')),
    'Cancun',
  ); // MCOPY
  assert.equal(
    firstForkWhere((f) => runs(f, '0x60011e00')),
    'Osaka',
  ); // CLZ
});

test('precompiles arrive at their fork', () => {
  const has = (address: string) => (fork: string) => getPrecompiles(getRules(fork)).has(address);
  assert.equal(firstForkWhere(has('0x0000000000000000000000000000000000000005')), 'Byzantium');
  assert.equal(firstForkWhere(has('0x0000000000000000000000000000000000000009')), 'Istanbul');
  assert.equal(firstForkWhere(has('0x000000000000000000000000000000000000000a')), 'Cancun');
  assert.equal(firstForkWhere(has('0x000000000000000000000000000000000000000b')), 'Prague');
  assert.equal(firstForkWhere(has('0x0000000000000000000000000000000000000011')), 'Prague');
  assert.equal(firstForkWhere(has('0x0000000000000000000000000000000000000100')), 'Osaka');
  assert.equal(getPrecompiles(getRules('Osaka')).has('0x0000000000000000000000000000000000000012'), false);
});

function tx(overrides: Partial<Transaction>): Transaction {
  return feeMarketTransaction({ chainId: 1n, nonce: 0n, maxFeePerGas: 1n, gasLimit: 100_000n, to: TARGET, ...overrides });
}

test('EIP-7623 calldata floor from Prague', () => {
  const data = new Uint8Array(1000).fill(1); // 4000 tokens
  assert.equal(calldataFloorGas(tx({ data }), getRules('Cancun')), 0n);
  assert.equal(calldataFloorGas(tx({ data }), getRules('Prague')), 21000n + 10n * 4000n);
  // Standard cost 21000 + 16·1000 = 37000 is below the floor 61000: a 40000 limit is too low in Prague only.
  assert.equal(intrinsicGas(tx({ data }), getRules('Prague')), 37000n);
  assert.doesNotThrow(() => validateTransaction(tx({ data, gasLimit: 40_000n }), getRules('Cancun'), { chainId: 1n, sender: CALLER }));
  assert.throws(
    () => validateTransaction(tx({ data, gasLimit: 40_000n }), getRules('Prague'), { chainId: 1n, sender: CALLER }),
    /INTRINSIC_GAS_BELOW_FLOOR_GAS_COST/,
  );
});

test('EIP-7623: a transaction that executes little pays the floor', () => {
  const data = new Uint8Array(1000).fill(1);
  for (const [fork, expected] of [
    ['Cancun', 37000n],
    ['Prague', 61000n],
  ] as const) {
    const evm = createEvm({ fork });
    evm.setAccount(CALLER, { balance: 10n ** 18n });
    const result = evm.runTx(tx({ data }), CALLER);
    assert.equal(result.gasUsed, expected, fork);
  }
});

test('EIP-7825 transaction gas cap from Osaka', () => {
  const big = tx({ gasLimit: (1n << 24n) + 1n });
  assert.doesNotThrow(() => validateTransaction(big, getRules('Prague'), { chainId: 1n, sender: CALLER }));
  assert.throws(() => validateTransaction(big, getRules('Osaka'), { chainId: 1n, sender: CALLER }), /GAS_LIMIT_EXCEEDS_MAXIMUM/);
});

test('blob parameters: EIP-7691 in Prague, EIP-7594 per-transaction limit in Osaka', () => {
  assert.equal(getRules('Cancun').maxBlobGasPerBlock, 786432n);
  assert.equal(getRules('Prague').maxBlobGasPerBlock, 1179648n);
  assert.equal(getRules('Prague').blobBaseFeeUpdateFraction, 5007716n);
  assert.equal(getRules('Prague').maxBlobsPerTx, undefined);
  assert.equal(getRules('Osaka').maxBlobsPerTx, 6);
});

test('fork names: fixture aliases and the default', () => {
  assert.equal(parseFork('ConstantinopleFix'), 'Petersburg');
  assert.equal(parseFork('EIP158'), 'SpuriousDragon');
  assert.equal(parseFork('merge'), 'Paris');
  assert.equal(DEFAULT_FORK, 'Osaka');
  assert.throws(() => parseFork('Atlantis'), /unknown fork/);
});

test('excess blob gas: EIP-4844 below and above target, EIP-7918 in Osaka', async () => {
  const { nextExcessBlobGas } = await import('./blobs.js');
  const cancun = getRules('Cancun');
  assert.equal(nextExcessBlobGas({ excessBlobGas: 0n, blobGasUsed: 131072n, baseFee: 7n }, cancun), 0n);
  assert.equal(nextExcessBlobGas({ excessBlobGas: 0n, blobGasUsed: 786432n, baseFee: 7n }, cancun), 393216n);
  const prague = getRules('Prague');
  const osaka = getRules('Osaka');
  // Seven blobs (917504 gas), blob base fee 1 and a base fee of 1 gwei: 8192 · 1e9 > 131072 · 1, so
  // Osaka grows the excess by used · (max - target) / max = 917504 · 393216 / 1179648 = 305834
  // instead of used - target = 131072.
  const parent = { excessBlobGas: 0n, blobGasUsed: 917504n, baseFee: 1_000_000_000n };
  assert.equal(nextExcessBlobGas(parent, prague), 131072n);
  assert.equal(nextExcessBlobGas(parent, osaka), 305834n);
  // With a zero base fee the execution cost does not bind and Osaka follows the old rule.
  assert.equal(nextExcessBlobGas({ ...parent, baseFee: 0n }, osaka), 131072n);
});
