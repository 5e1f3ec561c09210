import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { keccak256 } from './keccak.js';
import { bytesToHex } from './bytes.js';

test('keccak256 of the empty string and of "abc" (published digests)', () => {
  assert.equal(bytesToHex(keccak256(new Uint8Array(0))), '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  assert.equal(
    bytesToHex(keccak256(new TextEncoder().encode('abc'))),
    '0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
  );
});

test('keccak256 agrees with @noble/hashes at every length across several blocks, and on random input', () => {
  for (let n = 0; n <= 3 * 136 + 1; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n * 7) & 0xff);
    assert.equal(bytesToHex(keccak256(data)), bytesToHex(keccak_256(data)), `length ${n}`);
  }
  let seed = 12345;
  for (let k = 0; k < 200; k++) {
    const n = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 2000;
    const data = Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    assert.equal(bytesToHex(keccak256(data)), bytesToHex(keccak_256(data)), `random length ${n}`);
  }
});

test('the result is a fresh array each time', () => {
  const a = keccak256(Uint8Array.of(1));
  const b = keccak256(Uint8Array.of(2));
  assert.notEqual(bytesToHex(a), bytesToHex(b));
  assert.equal(bytesToHex(a), bytesToHex(keccak_256(Uint8Array.of(1))));
});
