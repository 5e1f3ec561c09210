import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as w from './words.js';

const MAX = (1n << 256n) - 1n;
const MIN_SIGNED = 1n << 255n; // -2^255 in two's complement
const neg = (x: bigint) => (MAX + 1n - x) & MAX;

test('ADD, SUB and MUL wrap modulo 2^256', () => {
  assert.equal(w.add(MAX, 1n), 0n);
  assert.equal(w.add(MAX, MAX), MAX - 1n);
  assert.equal(w.sub(0n, 1n), MAX);
  assert.equal(w.mul(1n << 255n, 2n), 0n);
  assert.equal(w.mul(MAX, MAX), 1n);
});

test('DIV and MOD by zero give zero', () => {
  assert.equal(w.div(5n, 0n), 0n);
  assert.equal(w.mod(5n, 0n), 0n);
  assert.equal(w.sdiv(neg(5n), 0n), 0n);
  assert.equal(w.smod(neg(5n), 0n), 0n);
});

test('SDIV truncates toward zero and overflows at -2^255 / -1', () => {
  assert.equal(w.sdiv(neg(7n), 2n), neg(3n));
  assert.equal(w.sdiv(7n, neg(2n)), neg(3n));
  assert.equal(w.sdiv(neg(7n), neg(2n)), 3n);
  assert.equal(w.sdiv(MIN_SIGNED, neg(1n)), MIN_SIGNED);
});

test('SMOD takes the sign of the dividend', () => {
  assert.equal(w.smod(neg(7n), 3n), neg(1n));
  assert.equal(w.smod(7n, neg(3n)), 1n);
  assert.equal(w.smod(MIN_SIGNED, neg(1n)), 0n);
});

test('ADDMOD and MULMOD keep the full intermediate', () => {
  assert.equal(w.addmod(MAX, MAX, 7n), (2n * MAX) % 7n);
  assert.equal(w.addmod(MAX, 1n, MAX), 1n);
  assert.equal(w.mulmod(MAX, MAX, 12n), (MAX * MAX) % 12n);
  assert.equal(w.mulmod(MAX, MAX, MAX - 1n), 1n); // (m+1)^2 mod m = 1
  assert.equal(w.addmod(1n, 2n, 0n), 0n);
  assert.equal(w.mulmod(1n, 2n, 0n), 0n);
});

test('EXP wraps and handles zero exponents and bases', () => {
  assert.equal(w.exp(2n, 255n), 1n << 255n);
  assert.equal(w.exp(2n, 256n), 0n);
  assert.equal(w.exp(0n, 0n), 1n);
  assert.equal(w.exp(0n, 5n), 0n);
  assert.equal(w.exp(3n, 5n), 243n);
  assert.equal(w.exp(MAX, 2n), 1n);
  assert.equal(w.exp(MAX, 3n), MAX);
});

test('ADDMOD on each side of its shortcuts (a sum below n, both terms below n, either not) matches the exact sum reduced', () => {
  const ns = [1n, 2n, 7n, 1n << 128n, (1n << 255n) + 19n, MAX - 1n, MAX];
  for (const n of ns) {
    const xs = [0n, 1n, n - 1n, n, n + 1n, 2n * n - 1n, MAX - 1n, MAX].filter((x) => x >= 0n && x <= MAX);
    for (const a of xs) for (const b of xs) assert.equal(w.addmod(a, b, n), (a + b) % n, `(${a} + ${b}) mod ${n}`);
  }
});

test('SIGNEXTEND extends the sign bit of byte k', () => {
  assert.equal(w.signextend(0n, 0xffn), MAX);
  assert.equal(w.signextend(0n, 0x7fn), 0x7fn);
  assert.equal(w.signextend(1n, 0x8000n), MAX - 0x7fffn);
  assert.equal(w.signextend(0n, 0x1234n), 0x34n); // higher bytes cleared
  assert.equal(w.signextend(31n, 0x80n), 0x80n);
  assert.equal(w.signextend(MAX, 0x80n), 0x80n);
});

test("SIGNEXTEND matches two's complement narrowing for every byte and the words on each side of its shortcuts", () => {
  // The reference: read the low k+1 bytes as a signed number, then write it back as a word.
  const reference = (k: number, x: bigint) => BigInt.asUintN(256, BigInt.asIntN(8 * k + 8, x));
  for (let k = 0; k < 31; k++) {
    const sign = 1n << BigInt(8 * k + 7);
    const low = (sign << 1n) - 1n;
    const high = MAX ^ low;
    const xs = [
      0n,
      1n,
      sign - 1n,
      sign,
      sign + 1n,
      low,
      low + 1n,
      high - 1n,
      high,
      high + 1n,
      (high | sign) - 1n,
      high | sign,
      MAX - 1n,
      MAX,
    ];
    // Mixed high bits, with and without the sign bit.
    xs.push((1n << 200n) | sign, (1n << 200n) | (sign - 1n), BigInt.asUintN(256, 0x1234n << BigInt(8 * k + 8)));
    for (const x of xs) assert.equal(w.signextend(BigInt(k), x), reference(k, x), `k ${k}, x 0x${x.toString(16)}`);
  }
});

test('BYTE counts from the most significant byte', () => {
  assert.equal(w.byte(0n, 0xffn << 248n), 0xffn);
  assert.equal(w.byte(31n, 0x1234n), 0x34n);
  assert.equal(w.byte(32n, MAX), 0n);
  assert.equal(w.byte(MAX, MAX), 0n);
});

test('SHL, SHR and SAR at the edges', () => {
  assert.equal(w.shl(1n, MAX), MAX - 1n);
  assert.equal(w.shl(255n, 1n), 1n << 255n);
  assert.equal(w.shl(256n, 1n), 0n);
  assert.equal(w.shr(255n, 1n << 255n), 1n);
  assert.equal(w.shr(256n, MAX), 0n);
  assert.equal(w.sar(1n, MIN_SIGNED), 3n << 254n);
  assert.equal(w.sar(255n, MIN_SIGNED), MAX);
  assert.equal(w.sar(256n, MIN_SIGNED), MAX);
  assert.equal(w.sar(256n, 1n << 254n), 0n);
  assert.equal(w.sar(MAX, 5n), 0n);
  assert.equal(w.sar(4n, neg(16n)), MAX); // -16 >> 4 = -1
});

test('signed comparisons', () => {
  assert.equal(w.slt(neg(1n), 0n), 1n);
  assert.equal(w.sgt(neg(1n), 0n), 0n);
  assert.equal(w.slt(MIN_SIGNED, MIN_SIGNED - 1n), 1n);
  assert.equal(w.lt(neg(1n), 0n), 0n);
});

test('CLZ counts leading zero bits', () => {
  assert.equal(w.clz(0n), 256n);
  assert.equal(w.clz(1n), 255n);
  assert.equal(w.clz(MAX), 0n);
  assert.equal(w.clz(1n << 200n), 55n);
});

test('byteLength for EXP gas', () => {
  assert.equal(w.byteLength(0n), 0);
  assert.equal(w.byteLength(0xffn), 1);
  assert.equal(w.byteLength(0x100n), 2);
  assert.equal(w.byteLength(MAX), 32);
});
