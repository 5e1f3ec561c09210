/**
 * The 256-bit math host functions when a program passes the same words again, as a modexp loop
 * does: a square (both factors at one pointer), one modulus for many calls, and that modulus's
 * bytes changed in place between calls. Programs are WAT with every vm_hooks function imported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm } from '../create-evm.js';
import { bigintToFixedBytes, bytesToBigint, concatBytes } from '../primitives/bytes.js';
import { watProgram } from './testing/programs.js';

const PROGRAM = '0x00000000000000000000000000000000000000aa';
const CALLER = '0x00000000000000000000000000000000000000cc';

const word = (value: bigint): Uint8Array => bigintToFixedBytes(value, 32);

test('math hooks: squares, a modulus used many times, and a modulus changed in place', async () => {
  // Calldata: x at 0, m1 at 32, m2 at 64. Working words: r at 128, the modulus at 160.
  // Output, one word each: x² mod m1 twice over (square in place), then x·(x² mod m1) mod m1,
  // then with m2 written over m1: x² mod m2, (x + x) mod m2, x mod m2, x / m2.
  const copy = (to: number, from: number) => `(memory.copy (i32.const ${to}) (i32.const ${from}) (i32.const 32))`;
  /** r ← the word at `from`, then the hook on r with `args`, then r to output word `out`. */
  const step = (from: number, hook: string, args: string, out: number) =>
    `${copy(128, from)} (call $${hook} (i32.const 128) ${args}) ${copy(256 + 32 * out, 128)}`;
  const m = '(i32.const 160)';
  const body = `
    (call $read_args (i32.const 0))
    ${copy(160, 32)}
    ${step(0, 'math_mul_mod', `(i32.const 128) ${m}`, 0)}
    ${step(256, 'math_mul_mod', `(i32.const 128) ${m}`, 1)}
    ${step(256, 'math_mul_mod', `(i32.const 0) ${m}`, 2)}
    ${copy(160, 64)}
    ${step(0, 'math_mul_mod', `(i32.const 128) ${m}`, 3)}
    ${step(0, 'math_add_mod', `(i32.const 128) ${m}`, 4)}
    ${step(0, 'math_mod', m, 5)}
    ${step(0, 'math_div', m, 6)}
    (call $write_result (i32.const 256) (i32.const 224))
    (i32.const 0)`;
  const evm = createEvm({ fork: 'Osaka', wasm: true });
  evm.setAccount(CALLER, { balance: 10n ** 20n });
  evm.setAccount(PROGRAM, { code: await watProgram(body) });
  const x = 2n ** 256n - 12_345_678_901n;
  const m1 = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47n;
  // m2 differs from m1 in its last byte only: a cache keyed on part of the word would miss it.
  const m2 = m1 ^ 0x02n;
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, data: concatBytes(word(x), word(m1), word(m2)), gas: 1_000_000n });
  assert.equal(r.success, true, r.error);
  const out = Array.from({ length: 7 }, (_, i) => bytesToBigint(r.output.subarray(32 * i, 32 * i + 32)));
  const square = (x * x) % m1;
  assert.deepEqual(out, [square, (square * square) % m1, (x * square) % m1, (x * x) % m2, (x + x) % m2, x % m2, x / m2]);
});
