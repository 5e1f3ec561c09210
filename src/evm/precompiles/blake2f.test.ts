/**
 * Both BLAKE2b compressions, the WebAssembly one (blake2f-wasm.ts) the precompile uses and the
 * unrolled JavaScript one (blake2f-compress.ts) kept for engines without WebAssembly, against a
 * plain BigInt rendering of RFC 7693's F written here, for every round count that reaches each position of
 * the ten-round schedule, both final-block flags, and words with every carry pattern. The EIP-152
 * vectors themselves are in precompiles.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compress } from './blake2f-compress.js';
import { wasmCompressor } from './blake2f.js';

const MASK = (1n << 64n) - 1n;
// prettier-ignore
const IV = [
  0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
];
// RFC 7693, section 2.7.
// prettier-ignore
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & MASK;

/** F as RFC 7693 section 3.2 states it, on 64-bit BigInt words. */
function referenceF(rounds: number, h: bigint[], m: bigint[], t: [bigint, bigint], final: boolean): bigint[] {
  const v = [...h, ...IV];
  v[12] = v[12]! ^ t[0];
  v[13] = v[13]! ^ t[1];
  if (final) v[14] = v[14]! ^ MASK;
  const g = (a: number, b: number, c: number, d: number, x: bigint, y: bigint) => {
    v[a] = (v[a]! + v[b]! + x) & MASK;
    v[d] = rotr(v[d]! ^ v[a]!, 32n);
    v[c] = (v[c]! + v[d]!) & MASK;
    v[b] = rotr(v[b]! ^ v[c]!, 24n);
    v[a] = (v[a]! + v[b]! + y) & MASK;
    v[d] = rotr(v[d]! ^ v[a]!, 16n);
    v[c] = (v[c]! + v[d]!) & MASK;
    v[b] = rotr(v[b]! ^ v[c]!, 63n);
  };
  for (let r = 0; r < rounds; r++) {
    const s = SIGMA[r % 10]!.map((i) => m[i]!);
    g(0, 4, 8, 12, s[0]!, s[1]!);
    g(1, 5, 9, 13, s[2]!, s[3]!);
    g(2, 6, 10, 14, s[4]!, s[5]!);
    g(3, 7, 11, 15, s[6]!, s[7]!);
    g(0, 5, 10, 15, s[8]!, s[9]!);
    g(1, 6, 11, 12, s[10]!, s[11]!);
    g(2, 7, 8, 13, s[12]!, s[13]!);
    g(3, 4, 9, 14, s[14]!, s[15]!);
  }
  return h.map((word, i) => word ^ v[i]! ^ v[i + 8]!);
}

/** A xorshift generator of 64-bit words, seeded, so a failure can be replayed. */
function words(seed: bigint, count: number): bigint[] {
  let x = seed;
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    x ^= (x << 13n) & MASK;
    x ^= x >> 7n;
    x ^= (x << 17n) & MASK;
    out.push(x);
  }
  return out;
}

function halves(ws: bigint[]): Uint32Array {
  const out = new Uint32Array(2 * ws.length);
  ws.forEach((w, i) => {
    out[2 * i] = Number(w & 0xffffffffn);
    out[2 * i + 1] = Number(w >> 32n);
  });
  return out;
}

function joinHalves(a: Uint32Array): bigint[] {
  return Array.from({ length: a.length / 2 }, (_, i) => (BigInt(a[2 * i + 1]!) << 32n) | BigInt(a[2 * i]!));
}

/** The 213-byte precompile input: rounds (big-endian), then h, m, t little-endian, then f. */
function precompileInput(rounds: number, h: bigint[], m: bigint[], t: [bigint, bigint], final: boolean): Uint8Array {
  const input = new Uint8Array(213);
  const view = new DataView(input.buffer);
  view.setUint32(0, rounds, false);
  [...h, ...m, ...t].forEach((w, i) => view.setBigUint64(4 + 8 * i, w, true));
  input[212] = final ? 1 : 0;
  return input;
}

function check(rounds: number, h: bigint[], m: bigint[], t: [bigint, bigint], final: boolean): void {
  const expected = referenceF(rounds, h, m, t, final);
  const got = halves(h);
  compress(rounds, got, halves(m), halves(t), final);
  assert.deepEqual(joinHalves(got), expected, `JavaScript: rounds ${rounds}, final ${final}`);
  const wasm = wasmCompressor();
  assert.ok(wasm, 'WebAssembly is available in Node');
  const out = new DataView(wasm(rounds, precompileInput(rounds, h, m, t, final)).buffer);
  const words = Array.from({ length: 8 }, (_, i) => out.getBigUint64(8 * i, true));
  assert.deepEqual(words, expected, `WebAssembly: rounds ${rounds}, final ${final}`);
}

describe('BLAKE2F compression (WebAssembly and unrolled JavaScript) against the RFC 7693 definition', () => {
  it('every round count from 0 to 31, both final flags, random words', () => {
    for (let rounds = 0; rounds < 32; rounds++) {
      for (const final of [false, true]) {
        const w = words(BigInt(rounds * 2 + (final ? 1 : 0)) + 0x9e3779b97f4a7c15n, 26);
        check(rounds, w.slice(0, 8), w.slice(8, 24), [w[24]!, w[25]!], final);
      }
    }
  });

  it('all-ones words (every addition carries) and all-zero words', () => {
    const ones = Array<bigint>(16).fill(MASK);
    const zeros = Array<bigint>(16).fill(0n);
    for (const rounds of [1, 10, 12, 23]) {
      check(rounds, ones.slice(0, 8), ones, [MASK, MASK], true);
      check(rounds, zeros.slice(0, 8), zeros, [0n, 0n], false);
    }
  });

  it('a long run (1000 rounds) stays equal', () => {
    const w = words(12345n, 26);
    check(1000, w.slice(0, 8), w.slice(8, 24), [w[24]!, w[25]!], false);
  });

  it('WebAssembly across its 40,960-round chunks equals the JavaScript compression (itself checked above)', () => {
    const w = words(777n, 26);
    const [h, m, t] = [w.slice(0, 8), w.slice(8, 24), [w[24]!, w[25]!] as [bigint, bigint]];
    for (const rounds of [40_960, 40_961, 2 * 40_960 + 7]) {
      const js = halves(h);
      compress(rounds, js, halves(m), halves(t), true);
      const out = new DataView(wasmCompressor()!(rounds, precompileInput(rounds, h, m, t, true)).buffer);
      const words8 = Array.from({ length: 8 }, (_, i) => out.getBigUint64(8 * i, true));
      assert.deepEqual(words8, joinHalves(js), `rounds ${rounds}`);
    }
  });
});
