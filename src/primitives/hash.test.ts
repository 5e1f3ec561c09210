/**
 * SHA-256 and RIPEMD-160 as polyvm computes them (Node.js's OpenSSL here, @noble/hashes in a
 * browser): the published test vectors, and agreement with @noble/hashes on every length around
 * the block boundaries and on large inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { ripemd160 as nobleRipemd160 } from '@noble/hashes/legacy.js';
import { ripemd160, sha256 } from './hash.js';
import { bytesToHex } from './bytes.js';

const ascii = (s: string) => new TextEncoder().encode(s);

test('SHA-256 and RIPEMD-160 give the published digests', () => {
  // FIPS 180-2 appendix B and the RIPEMD-160 authors' page.
  assert.equal(bytesToHex(sha256(ascii(''))), '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(bytesToHex(sha256(ascii('abc'))), '0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(bytesToHex(ripemd160(ascii(''))), '0x9c1185a5c5e9fc54612808977ee8f548b2258d31');
  assert.equal(bytesToHex(ripemd160(ascii('abc'))), '0x8eb208f7e05d987a9b044a8e98c6b087f15a0bfc');
});

test('SHA-256 and RIPEMD-160 agree with @noble/hashes on lengths 0-200 and on 50 kB, and return fresh arrays', () => {
  const data = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31 + 17) & 0xff);
  for (let n = 0; n <= 200; n++) {
    const input = data.subarray(n, 2 * n);
    assert.equal(bytesToHex(sha256(input)), bytesToHex(nobleSha256(input)), `sha256 of ${n} bytes`);
    assert.equal(bytesToHex(ripemd160(input)), bytesToHex(nobleRipemd160(input)), `ripemd160 of ${n} bytes`);
  }
  assert.equal(bytesToHex(sha256(data)), bytesToHex(nobleSha256(data)));
  assert.equal(bytesToHex(ripemd160(data)), bytesToHex(nobleRipemd160(data)));
  const a = sha256(data);
  const b = sha256(data);
  assert.notEqual(a.buffer, b.buffer);
  assert.equal(a.byteOffset, 0);
  assert.equal(a.buffer.byteLength, 32);
  assert.equal(Object.getPrototypeOf(a), Uint8Array.prototype);
});
