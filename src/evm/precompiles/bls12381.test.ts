import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { Fp2 } from '@noble/curves/abstract/tower.js';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { getRules } from '../../forks/index.js';
import type { PrecompileResult } from './types.js';
import { g1Add, g1Msm, g1MsmGas, g2Add, g2Msm, g2MsmGas, mapFp2ToG2, mapFpToG1, pairingCheck, pairingGas } from './bls12381.js';

// Encodings and expected values are built here from noble's own point types, not from the codec
// under test, so these tests check the precompiles against the curve library directly.
const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const { Fp, Fp2 } = bls12_381.fields;
const P = Fp.ORDER;
const R = bls12_381.fields.Fr.ORDER;
const rules = getRules('Prague');
const GAS = 100_000_000n;

type G1P = WeierstrassPoint<bigint>;
type G2P = WeierstrassPoint<Fp2>;

const hex = (value: bigint, bytes: number): string => value.toString(16).padStart(bytes * 2, '0');
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function g1Hex(p: G1P): string {
  if (p.is0()) return '00'.repeat(128);
  const { x, y } = p.toAffine();
  return hex(x, 64) + hex(y, 64);
}
function g2Hex(p: G2P): string {
  if (p.is0()) return '00'.repeat(256);
  const { x, y } = p.toAffine();
  return hex(x.c0, 64) + hex(x.c1, 64) + hex(y.c0, 64) + hex(y.c1, 64);
}
const scalarHex = (s: bigint): string => hex(s, 32);

function output(result: PrecompileResult): string {
  assert.equal(result.ok, true, result.ok ? '' : result.reason);
  return result.ok ? toHex(result.output) : '';
}
function assertFails(result: PrecompileResult): void {
  assert.equal(result.ok, false);
}

/** Not in the r-order subgroup: (r - 1)·Q + Q would be the identity if it were. */
function outsideSubgroup(q: G1P | G2P): boolean {
  const m = (q as G1P).multiplyUnsafe(R - 1n) as G1P;
  return !m.add(q as G1P).is0();
}

// (0, 2) lies on y² = x³ + 4 and has order 3, so it is on the curve but outside G1.
const G1_OUTSIDE = G1.fromAffine({ x: 0n, y: 2n });
function findG2Outside(): G2P {
  for (let i = 1n; ; i++) {
    const x = { c0: i, c1: 0n };
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2.CURVE().b);
    let y: Fp2;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue;
    }
    const q = G2.fromAffine({ x, y });
    if (outsideSubgroup(q)) return q;
  }
}
const G2_OUTSIDE = findG2Outside();

const a = 0x1234_5678_9abc_def0_1111_2222n;
const b = 0xfeed_beef_cafe_1234_5555n;
const P1 = G1.BASE.multiply(7n);
const Q1 = G2.BASE.multiply(11n);

test('G1ADD: P + (-P) is infinity, P + O is P, P + Q matches noble', () => {
  assert.equal(output(g1Add(fromHex(g1Hex(P1) + g1Hex(P1.negate())), GAS, rules)), '00'.repeat(128));
  assert.equal(output(g1Add(fromHex(g1Hex(P1) + g1Hex(G1.ZERO)), GAS, rules)), g1Hex(P1));
  assert.equal(output(g1Add(fromHex(g1Hex(G1.ZERO) + g1Hex(P1)), GAS, rules)), g1Hex(P1));
  const sum = P1.add(G1.BASE);
  assert.equal(output(g1Add(fromHex(g1Hex(P1) + g1Hex(G1.BASE)), GAS, rules)), g1Hex(sum));
  // Doubling goes through the same path.
  assert.equal(output(g1Add(fromHex(g1Hex(P1) + g1Hex(P1)), GAS, rules)), g1Hex(P1.double()));
  const r = g1Add(fromHex(g1Hex(P1) + g1Hex(P1.negate())), GAS, rules);
  assert.equal(r.ok && r.gasUsed, 375n);
});

test('G1ADD: no subgroup check, but points must be on the curve with coordinates below p', () => {
  assert.equal(output(g1Add(fromHex(g1Hex(G1_OUTSIDE) + g1Hex(G1.ZERO)), GAS, rules)), g1Hex(G1_OUTSIDE));
  // (1, 1) is off the curve.
  assertFails(g1Add(fromHex(hex(1n, 64) + hex(1n, 64) + g1Hex(P1)), GAS, rules));
  // x + p: same residue, but not a canonical field element.
  const { x, y } = P1.toAffine();
  assertFails(g1Add(fromHex(hex(x + P, 64) + hex(y, 64) + g1Hex(P1)), GAS, rules));
  // A non-zero byte among the 16 top padding bytes.
  assertFails(g1Add(fromHex('01' + g1Hex(P1).slice(2) + g1Hex(P1)), GAS, rules));
  // Wrong lengths.
  assertFails(g1Add(fromHex(g1Hex(P1) + g1Hex(P1) + '00'), GAS, rules));
  assertFails(g1Add(fromHex(g1Hex(P1)), GAS, rules));
  assertFails(g1Add(new Uint8Array(0), GAS, rules));
  // Out of gas.
  assertFails(g1Add(fromHex(g1Hex(P1) + g1Hex(P1)), 374n, rules));
});

test('G2ADD: P + (-P), P + O, sums, and rejections', () => {
  assert.equal(output(g2Add(fromHex(g2Hex(Q1) + g2Hex(Q1.negate())), GAS, rules)), '00'.repeat(256));
  assert.equal(output(g2Add(fromHex(g2Hex(Q1) + g2Hex(G2.ZERO)), GAS, rules)), g2Hex(Q1));
  assert.equal(output(g2Add(fromHex(g2Hex(Q1) + g2Hex(G2.BASE)), GAS, rules)), g2Hex(Q1.add(G2.BASE)));
  assert.equal(output(g2Add(fromHex(g2Hex(G2_OUTSIDE) + g2Hex(G2.ZERO)), GAS, rules)), g2Hex(G2_OUTSIDE));
  const r = g2Add(fromHex(g2Hex(Q1) + g2Hex(Q1)), GAS, rules);
  assert.equal(r.ok && r.gasUsed, 600n);
  assertFails(g2Add(fromHex(hex(1n, 128) + hex(1n, 128) + g2Hex(Q1)), GAS, rules));
  const { x, y } = Q1.toAffine();
  const bad = hex(x.c0, 64) + hex(x.c1 + P, 64) + hex(y.c0, 64) + hex(y.c1, 64);
  assertFails(g2Add(fromHex(bad + g2Hex(Q1)), GAS, rules));
  assertFails(g2Add(fromHex(g2Hex(Q1) + g2Hex(Q1).slice(2)), GAS, rules));
  assertFails(g2Add(fromHex(g2Hex(Q1) + g2Hex(Q1)), 599n, rules));
});

test('G1MSM: [(P,a),(P,b)] = [(P,a+b)] = (a+b)·P; scalars are not reduced on input', () => {
  const two = output(g1Msm(fromHex(g1Hex(P1) + scalarHex(a) + g1Hex(P1) + scalarHex(b)), GAS, rules));
  const one = output(g1Msm(fromHex(g1Hex(P1) + scalarHex(a + b)), GAS, rules));
  assert.equal(two, one);
  assert.equal(one, g1Hex(P1.multiply(a + b)));
  // r·P = O, so a scalar of r + 5 acts as 5, and 2^256 - 1 as its residue.
  assert.equal(output(g1Msm(fromHex(g1Hex(P1) + scalarHex(R + 5n)), GAS, rules)), g1Hex(P1.multiply(5n)));
  const max = 2n ** 256n - 1n;
  assert.equal(output(g1Msm(fromHex(g1Hex(P1) + scalarHex(max)), GAS, rules)), g1Hex(P1.multiply(max % R)));
  // Zero scalars and infinity points give infinity.
  assert.equal(output(g1Msm(fromHex(g1Hex(P1) + scalarHex(0n)), GAS, rules)), '00'.repeat(128));
  assert.equal(output(g1Msm(fromHex(g1Hex(G1.ZERO) + scalarHex(a)), GAS, rules)), '00'.repeat(128));
  assert.equal(output(g1Msm(fromHex(g1Hex(P1) + scalarHex(R)), GAS, rules)), '00'.repeat(128));
});

test('G1MSM: many points agree with a naive sum (both MSM algorithms)', () => {
  let input = '';
  let expected = G1.ZERO;
  for (let i = 1n; i <= 200n; i++) {
    if (i === 151n) {
      const result = g1Msm(fromHex(input), GAS, rules);
      assert.equal(output(result), g1Hex(expected));
      assert.equal(result.ok && result.gasUsed, g1MsmGas(150));
    }
    const point = G1.BASE.multiply(i * 1_000_003n);
    const scalar = (i * 0x9e3779b97f4a7c15f39cc0605cedc834n) % 2n ** 256n;
    input += g1Hex(point) + scalarHex(scalar);
    expected = expected.add(point.multiplyUnsafe(scalar % R));
  }
  const result = g1Msm(fromHex(input), GAS, rules);
  assert.equal(output(result), g1Hex(expected));
  assert.equal(result.ok && result.gasUsed, g1MsmGas(200));
});

test('G1MSM: rejects points outside G1, off the curve, bad lengths', () => {
  assert.ok(outsideSubgroup(G1_OUTSIDE));
  assertFails(g1Msm(fromHex(g1Hex(G1_OUTSIDE) + scalarHex(1n)), GAS, rules));
  assertFails(g1Msm(fromHex(g1Hex(P1) + scalarHex(1n) + g1Hex(G1_OUTSIDE) + scalarHex(0n)), GAS, rules));
  assertFails(g1Msm(fromHex(hex(1n, 64) + hex(1n, 64) + scalarHex(1n)), GAS, rules));
  const { x, y } = P1.toAffine();
  assertFails(g1Msm(fromHex(hex(x, 64) + hex(y + P, 64) + scalarHex(1n)), GAS, rules));
  assertFails(g1Msm(new Uint8Array(0), GAS, rules));
  assertFails(g1Msm(fromHex(g1Hex(P1) + scalarHex(1n) + '00'), GAS, rules));
  assertFails(g1Msm(fromHex(g1Hex(P1)), GAS, rules));
  assertFails(g1Msm(fromHex(g1Hex(P1) + scalarHex(1n)), 11_999n, rules));
});

test('G2MSM: sums of scalars, noble multiply, and rejections', () => {
  const two = output(g2Msm(fromHex(g2Hex(Q1) + scalarHex(a) + g2Hex(Q1) + scalarHex(b)), GAS, rules));
  const one = output(g2Msm(fromHex(g2Hex(Q1) + scalarHex(a + b)), GAS, rules));
  assert.equal(two, one);
  assert.equal(one, g2Hex(Q1.multiply(a + b)));
  assert.equal(output(g2Msm(fromHex(g2Hex(Q1) + scalarHex(R + 3n)), GAS, rules)), g2Hex(Q1.multiply(3n)));
  let input = '';
  let expected = G2.ZERO;
  for (let i = 1n; i <= 20n; i++) {
    const point = G2.BASE.multiply(i + 100n);
    const scalar = i * 0x1f2e3d4c5b6a7988n;
    input += g2Hex(point) + scalarHex(scalar);
    expected = expected.add(point.multiply(scalar));
  }
  assert.equal(output(g2Msm(fromHex(input), GAS, rules)), g2Hex(expected));
  assert.ok(outsideSubgroup(G2_OUTSIDE));
  assertFails(g2Msm(fromHex(g2Hex(G2_OUTSIDE) + scalarHex(1n)), GAS, rules));
  assertFails(g2Msm(fromHex(hex(1n, 128) + hex(1n, 128) + scalarHex(1n)), GAS, rules));
  assertFails(g2Msm(new Uint8Array(0), GAS, rules));
  assertFails(g2Msm(fromHex(g2Hex(Q1) + scalarHex(1n)).subarray(1), GAS, rules));
  assertFails(g2Msm(fromHex(g2Hex(Q1) + scalarHex(1n)), 22_499n, rules));
});

test('MSM gas: k·base·discount(k)/1000 for k = 1, 2, 128, 200', () => {
  // Discounts from EIP-2537: G1 1000, 949, ..., 519 (k = 128 and beyond); G2 1000, 1000, ..., 524.
  assert.equal(g1MsmGas(1), 12000n);
  assert.equal(g1MsmGas(2), (2n * 12000n * 949n) / 1000n);
  assert.equal(g1MsmGas(128), (128n * 12000n * 519n) / 1000n);
  assert.equal(g1MsmGas(200), (200n * 12000n * 519n) / 1000n);
  assert.equal(g2MsmGas(1), 22500n);
  assert.equal(g2MsmGas(2), 45000n);
  assert.equal(g2MsmGas(128), (128n * 22500n * 524n) / 1000n);
  assert.equal(g2MsmGas(200), (200n * 22500n * 524n) / 1000n);
  for (const k of [1, 2, 128, 200]) {
    const g1 = g1Msm(new Uint8Array(160 * k), GAS, rules);
    assert.equal(g1.ok && g1.gasUsed, g1MsmGas(k));
    assertFails(g1Msm(new Uint8Array(160 * k), g1MsmGas(k) - 1n, rules));
    const g2 = g2Msm(new Uint8Array(288 * k), GAS, rules);
    assert.equal(g2.ok && g2.gasUsed, g2MsmGas(k));
    assertFails(g2Msm(new Uint8Array(288 * k), g2MsmGas(k) - 1n, rules));
    const pairing = pairingCheck(new Uint8Array(384 * k), GAS, rules);
    assert.equal(pairing.ok && pairing.gasUsed, 37700n + 32600n * BigInt(k));
    assert.equal(pairingGas(k), 37700n + 32600n * BigInt(k));
  }
});

test('pairing: e(aP, Q)·e(-P, aQ) = 1, e(aP, Q)·e(P, aQ) ≠ 1', () => {
  const s = 0xabcdef0123456789n;
  const good = g1Hex(P1.multiply(s)) + g2Hex(Q1) + g1Hex(P1.negate()) + g2Hex(Q1.multiply(s));
  assert.equal(output(pairingCheck(fromHex(good), GAS, rules)), '00'.repeat(31) + '01');
  const bad = g1Hex(P1.multiply(s)) + g2Hex(Q1) + g1Hex(P1) + g2Hex(Q1.multiply(s));
  assert.equal(output(pairingCheck(fromHex(bad), GAS, rules)), '00'.repeat(32));
  // A single pair of generators is not one; pairs with infinity contribute nothing.
  assert.equal(output(pairingCheck(fromHex(g1Hex(G1.BASE) + g2Hex(G2.BASE)), GAS, rules)), '00'.repeat(32));
  const withInfinity = good + g1Hex(G1.ZERO) + g2Hex(Q1) + g1Hex(P1) + g2Hex(G2.ZERO);
  assert.equal(output(pairingCheck(fromHex(withInfinity), GAS, rules)), '00'.repeat(31) + '01');
  assert.equal(output(pairingCheck(new Uint8Array(384), GAS, rules)), '00'.repeat(31) + '01');
});

test('pairing: rejects subgroup, curve, field and length violations', () => {
  assertFails(pairingCheck(fromHex(g1Hex(G1_OUTSIDE) + g2Hex(Q1)), GAS, rules));
  assertFails(pairingCheck(fromHex(g1Hex(P1) + g2Hex(G2_OUTSIDE)), GAS, rules));
  // Outside the subgroup even when the other side is infinity.
  assertFails(pairingCheck(fromHex(g1Hex(G1_OUTSIDE) + g2Hex(G2.ZERO)), GAS, rules));
  assertFails(pairingCheck(fromHex(g1Hex(G1.ZERO) + g2Hex(G2_OUTSIDE)), GAS, rules));
  assertFails(pairingCheck(fromHex(hex(1n, 64) + hex(1n, 64) + g2Hex(Q1)), GAS, rules));
  assertFails(pairingCheck(fromHex(hex(P, 64) + hex(0n, 64) + g2Hex(Q1)), GAS, rules));
  assertFails(pairingCheck(new Uint8Array(0), GAS, rules));
  assertFails(pairingCheck(new Uint8Array(383), GAS, rules));
  assertFails(pairingCheck(new Uint8Array(385), GAS, rules));
  assertFails(pairingCheck(fromHex(g1Hex(P1) + g2Hex(Q1)), 70_299n, rules));
});

test('MAP_FP_TO_G1: known answer, subgroup output, rejections', () => {
  // go-ethereum core/vm/testdata/precompiles/blsMapG1.json, "matter_fp_to_g1_0".
  const input =
    '0000000000000000000000000000000014406e5bfb9209256a3820879a29ac2f62d6aca82324bf3ae2aa7d3c54792043bd8c791fccdb080c1a52dc68b8b69350';
  const expected =
    '000000000000000000000000000000000d7721bcdb7ce1047557776eb2659a444166dc6dd55c7ca6e240e21ae9aa18f529f04ac31d861b54faf3307692545db7' +
    '00000000000000000000000000000000108286acbdf4384f67659a8abe89e712a504cb3ce1cba07a716869025d60d499a00d1da8cdc92958918c222ea93d87f0';
  const result = mapFpToG1(fromHex(input), GAS, rules);
  assert.equal(output(result), expected);
  assert.equal(result.ok && result.gasUsed, 5500n);
  for (const u of [0n, 1n, P - 1n]) {
    const out = output(mapFpToG1(fromHex(hex(u, 64)), GAS, rules));
    const point = G1.fromAffine({ x: BigInt('0x' + out.slice(0, 128)), y: BigInt('0x' + out.slice(128)) });
    assert.ok(!outsideSubgroup(point));
  }
  assertFails(mapFpToG1(fromHex(hex(P, 64)), GAS, rules));
  assertFails(mapFpToG1(fromHex(hex(1n, 63)), GAS, rules));
  assertFails(mapFpToG1(fromHex(hex(1n, 65)), GAS, rules));
  assertFails(mapFpToG1(fromHex(input), 5499n, rules));
});

test('MAP_FP2_TO_G2: known answer, subgroup output, rejections', () => {
  // go-ethereum core/vm/testdata/precompiles/blsMapG2.json, "matter_fp2_to_g2_0".
  const input =
    '0000000000000000000000000000000014406e5bfb9209256a3820879a29ac2f62d6aca82324bf3ae2aa7d3c54792043bd8c791fccdb080c1a52dc68b8b69350' +
    '000000000000000000000000000000000e885bb33996e12f07da69073e2c0cc880bc8eff26d2a724299eb12d54f4bcf26f4748bb020e80a7e3794a7b0e47a641';
  const expected =
    '000000000000000000000000000000000d029393d3a13ff5b26fe52bd8953768946c5510f9441f1136f1e938957882db6adbd7504177ee49281ecccba596f2bf' +
    '000000000000000000000000000000001993f668fb1ae603aefbb1323000033fcb3b65d8ed3bf09c84c61e27704b745f540299a1872cd697ae45a5afd780f1d6' +
    '00000000000000000000000000000000079cb41060ef7a128d286c9ef8638689a49ca19da8672ea5c47b6ba6dbde193ee835d3b87a76a689966037c07159c10d' +
    '0000000000000000000000000000000017c688ae9a8b59a7069c27f2d58dd2196cb414f4fb89da8510518a1142ab19d158badd1c3bad03408fafb1669903cd6c';
  const result = mapFp2ToG2(fromHex(input), GAS, rules);
  assert.equal(output(result), expected);
  assert.equal(result.ok && result.gasUsed, 23800n);
  const zero = output(mapFp2ToG2(new Uint8Array(128), GAS, rules));
  const word = (i: number): bigint => BigInt('0x' + zero.slice(128 * i, 128 * i + 128));
  const point = G2.fromAffine({ x: { c0: word(0), c1: word(1) }, y: { c0: word(2), c1: word(3) } });
  assert.ok(!outsideSubgroup(point));
  assertFails(mapFp2ToG2(fromHex(hex(0n, 64) + hex(P, 64)), GAS, rules));
  assertFails(mapFp2ToG2(fromHex(hex(P + 1n, 64) + hex(0n, 64)), GAS, rules));
  assertFails(mapFp2ToG2(new Uint8Array(127), GAS, rules));
  assertFails(mapFp2ToG2(new Uint8Array(129), GAS, rules));
  assertFails(mapFp2ToG2(fromHex(input), 23_799n, rules));
});
