/**
 * The contracts of `npm run bench:wasm` compute the right results on both VMs (not their speed):
 * the benchmark's own cases, then edge cases of each algorithm through the same deployments, and
 * the call loops with every caller and callee.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bytesToBigint, concatBytes } from '../../dist/primitives/bytes.js';
import { call, callLoopInput, checkCase, deployBenchChain, modPow, seededBytes, word } from './wasm-contracts.js';

const chain = await deployBenchChain({ shaBytes: 1000, sortCount: 100, modexpRounds: 2 });
const [sha, sort, modexp, modexpHost] = chain.cases;

/** Both VMs' outputs for one input. */
function outputs(c: { evm: string; wasm: string }, input: Uint8Array): { evm: string; wasm: string } {
  const hex = (to: string) => Buffer.from(call(chain, to as `0x${string}`, input).output).toString('hex');
  return { evm: hex(c.evm), wasm: hex(c.wasm) };
}

test('each benchmark case gives the reference result on the EVM and as a program', () => {
  for (const c of chain.cases) {
    const { evmGas, wasmGas } = checkCase(chain, c);
    assert.ok(evmGas > 0n && wasmGas > 0n, c.name);
  }
});

test('sha256 pads every length right (around the 55/56/64-byte boundaries)', () => {
  for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 4097]) {
    const input = seededBytes(`pad/${length}`, length);
    const expected = createHash('sha256').update(input).digest('hex');
    assert.deepEqual(outputs(sha!, input), { evm: expected, wasm: expected }, `${length} bytes`);
  }
});

test('sort: nothing, one number, duplicates, sorted and reversed input, numbers that differ only in low limbs', () => {
  const lists: bigint[][] = [
    [],
    [5n],
    [3n, 1n, 3n, 2n, 1n, 3n],
    Array.from({ length: 50 }, (_, i) => BigInt(i)),
    Array.from({ length: 50 }, (_, i) => BigInt(50 - i)),
    Array.from({ length: 40 }, (_, i) => (1n << 255n) + (bytesToBigint(seededBytes(`low/${i}`, 8)) << BigInt(64 * (i % 3)))),
  ];
  for (const list of lists) {
    const expected = Buffer.from(concatBytes(...[...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(word))).toString('hex');
    assert.deepEqual(outputs(sort!, concatBytes(...list.map(word))), { evm: expected, wasm: expected }, list.join(','));
  }
});

test('modexp: exponent 0 and 1, a base above the modulus, small to 256-bit odd moduli, with and without the host', () => {
  const cases: [bigint, bigint, bigint][] = [
    [7n, 0n, 13n],
    [7n, 1n, 13n],
    [2n ** 256n - 1n, 65537n, 1000003n],
    [bytesToBigint(seededBytes('b', 32)), bytesToBigint(seededBytes('e', 32)), 2n ** 256n - 189n],
    [12345n, 2n ** 255n, 1n],
    // The largest modulus and exponent, with the base one below the modulus: the program's lazy
    // reduction at its bounds.
    [2n ** 256n - 2n, 2n ** 256n - 1n, 2n ** 256n - 1n],
    // Odd moduli of every size from 2 to 256 bits.
    ...Array.from({ length: 12 }, (_, i): [bigint, bigint, bigint] => {
      const bits = BigInt(2 + Math.round((254 * i) / 11));
      const random = (tag: string, n: bigint) => bytesToBigint(seededBytes(`${tag}/${i}`, 32)) & ((1n << n) - 1n);
      return [random('base', 256n), random('exponent', 256n), random('modulus', bits) | 1n | (1n << (bits - 1n))];
    }),
  ];
  for (const [base, exponent, modulus] of cases) {
    const expected = Buffer.from(word(modPow(modPow(base, exponent, modulus), exponent, modulus))).toString('hex');
    const input = concatBytes(word(base), word(exponent), word(modulus), word(2n));
    for (const c of [modexp!, modexpHost!])
      assert.deepEqual(outputs(c, input), { evm: expected, wasm: expected }, `${c.name}: ${base}^${exponent} mod ${modulus}`);
  }
});

test('the call loops call EVM and WebAssembly callees from both VMs without a failure, and spend more gas with the calls', () => {
  const { evmLoop, wasmLoop, evmEmpty, wasmEmpty } = chain.calls;
  for (const loop of [evmLoop, wasmLoop]) {
    for (const target of [evmEmpty, wasmEmpty]) {
      const calls = call(chain, loop, callLoopInput(target, 3, true));
      const none = call(chain, loop, callLoopInput(target, 3, false));
      assert.equal(bytesToBigint(calls.output), 0n, `${loop} → ${target}: failed calls`);
      assert.ok(calls.gasUsed > none.gasUsed, `${loop} → ${target}`);
    }
  }
});
