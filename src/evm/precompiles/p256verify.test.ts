import { test } from 'node:test';
import assert from 'node:assert/strict';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { getRules } from '../../forks/index.js';
import type { PrecompileResult } from './types.js';
import { p256Verify } from './p256verify.js';

const rules = getRules('Osaka');
const N = p256.Point.Fn.ORDER;
const P = p256.Point.Fp.ORDER;
const GAS = 100_000n;
const ONE = '00'.repeat(31) + '01';

const hex = (value: bigint): string => value.toString(16).padStart(64, '0');
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const toBig = (b: Uint8Array): bigint => BigInt('0x' + toHex(b));

interface Case {
  hash: bigint;
  r: bigint;
  s: bigint;
  qx: bigint;
  qy: bigint;
}

function signCase(seed: number, message: string): Case {
  const secretKey = sha256(new TextEncoder().encode('polyvm p256 key ' + seed));
  const hash = sha256(new TextEncoder().encode(message));
  // The precompile takes the hash itself: sign it without hashing again.
  const sig = p256.sign(hash, secretKey, { prehash: false });
  const pub = p256.getPublicKey(secretKey, false); // 0x04 ‖ x ‖ y
  return {
    hash: toBig(hash),
    r: toBig(sig.subarray(0, 32)),
    s: toBig(sig.subarray(32, 64)),
    qx: toBig(pub.subarray(1, 33)),
    qy: toBig(pub.subarray(33, 65)),
  };
}

const encode = (c: Case): Uint8Array => fromHex(hex(c.hash) + hex(c.r) + hex(c.s) + hex(c.qx) + hex(c.qy));

function run(input: Uint8Array, gas = GAS): string {
  const result: PrecompileResult = p256Verify(input, gas, rules);
  assert.equal(result.ok, true);
  assert.equal(result.ok && result.gasUsed, 6900n);
  return result.ok ? toHex(result.output) : '';
}

test('P256VERIFY: a noble signature verifies to 32-byte 1', () => {
  for (let i = 0; i < 5; i++) {
    const c = signCase(i, 'message ' + i);
    assert.equal(run(encode(c)), ONE);
  }
});

test('P256VERIFY: high-s signatures are valid (no malleability rule in EIP-7951)', () => {
  const c = signCase(1, 'high s');
  const high = { ...c, s: N - c.s };
  assert.ok(high.s > N / 2n || c.s > N / 2n);
  assert.equal(run(encode(high)), ONE);
  assert.equal(run(encode(c)), ONE);
});

test('P256VERIFY: tampered inputs return empty output', () => {
  const c = signCase(2, 'tamper');
  assert.equal(run(encode({ ...c, hash: c.hash ^ 1n })), '');
  assert.equal(run(encode({ ...c, r: c.r ^ 1n })), '');
  assert.equal(run(encode({ ...c, s: c.s ^ 1n })), '');
  const other = signCase(3, 'tamper');
  assert.equal(run(encode({ ...c, qx: other.qx, qy: other.qy })), '');
  // Negated public key: on the curve, wrong key.
  assert.equal(run(encode({ ...c, qy: P - c.qy })), '');
});

test('P256VERIFY: out-of-range and malformed inputs return empty output', () => {
  const c = signCase(4, 'bounds');
  assert.equal(run(encode({ ...c, r: 0n })), '');
  assert.equal(run(encode({ ...c, s: 0n })), '');
  assert.equal(run(encode({ ...c, r: c.r + N })), '');
  assert.equal(run(encode({ ...c, s: N })), '');
  assert.equal(run(encode({ ...c, qx: c.qx + P })), '');
  assert.equal(run(encode({ ...c, qy: c.qy + P })), '');
  assert.equal(run(encode({ ...c, qx: 0n, qy: 0n })), ''); // infinity
  assert.equal(run(encode({ ...c, qy: c.qy ^ 1n })), ''); // off the curve
  const input = encode(c);
  assert.equal(run(input.subarray(0, 159)), '');
  assert.equal(run(fromHex(toHex(input) + '00')), '');
  assert.equal(run(new Uint8Array(0)), '');
});

test('P256VERIFY: a hash at or above n is used mod n, as noble does', () => {
  const secretKey = sha256(new TextEncoder().encode('big hash'));
  const hashBytes = fromHex('ff'.repeat(32));
  const sig = p256.sign(hashBytes, secretKey, { prehash: false });
  const pub = p256.getPublicKey(secretKey, false);
  const input = fromHex(toHex(hashBytes) + toHex(sig) + toHex(pub.subarray(1)));
  assert.equal(run(input), ONE);
});

test('P256VERIFY: agrees with noble verify (prehash off, lowS off)', () => {
  for (let i = 0; i < 8; i++) {
    const c = signCase(10 + i, 'agree ' + i);
    const variants = [c, { ...c, s: N - c.s }, { ...c, hash: c.hash + 1n }];
    for (const v of variants) {
      const sig = fromHex(hex(v.r) + hex(v.s));
      const pub = fromHex('04' + hex(v.qx) + hex(v.qy));
      const expected = p256.verify(sig, fromHex(hex(v.hash)), pub, { prehash: false, lowS: false });
      assert.equal(run(encode(v)) === ONE, expected);
    }
  }
});

test('P256VERIFY: gas is charged whatever the input; below 6900 is out of gas', () => {
  const c = signCase(5, 'gas');
  const result = p256Verify(encode(c), 6899n, rules);
  assert.equal(result.ok, false);
  assert.equal(p256Verify(new Uint8Array(3), 6899n, rules).ok, false);
  assert.equal(run(encode(c), 6900n), ONE);
});
