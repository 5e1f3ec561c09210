import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { bigintToBytes, bytesToHex, hexToBytes } from '../../dist/primitives/bytes.js';
import { type RlpInput, type RlpItem, RlpError, rlpDecode, rlpEncode, rlpEncodeList, rlpToBigint } from '../../dist/primitives/rlp.js';
import { fixtureDir, jsonFiles } from './suite-check.js';

const RLP_TESTS = fixtureDir('ethereum-tests/RLPTests');

type FixtureInput = string | number | FixtureInput[];
interface RlpFixture {
  in: FixtureInput;
  out: string;
}

/** Fixture inputs: strings are UTF-8 unless "#" marks a decimal big integer; numbers are integers. */
function toRlpInput(value: FixtureInput): RlpInput {
  if (Array.isArray(value)) return value.map(toRlpInput);
  if (typeof value === 'number') return bigintToBytes(BigInt(value));
  if (value.startsWith('#')) return bigintToBytes(BigInt(value.slice(1)));
  return new TextEncoder().encode(value);
}

let fixtureCases = 0;
for (const file of jsonFiles(RLP_TESTS)) {
  const cases = JSON.parse(readFileSync(file, 'utf8')) as Record<string, RlpFixture>;
  const label = relative(RLP_TESTS, file);
  for (const [name, fixture] of Object.entries(cases)) {
    fixtureCases++;
    test(`RLPTests/${label} ${name}`, () => {
      const out = hexToBytes(fixture.out);
      if (fixture.in === 'INVALID') {
        assert.throws(() => rlpDecode(out), RlpError);
        return;
      }
      // A decoded item re-encodes to the very same bytes: the decoder accepts canonical forms only.
      assert.equal(bytesToHex(rlpEncode(rlpDecode(out))), bytesToHex(out));
      if (fixture.in === 'VALID') return;
      const input = toRlpInput(fixture.in);
      assert.equal(bytesToHex(rlpEncode(input)), bytesToHex(out));
      assert.deepEqual(rlpDecode(out), input);
    });
  }
}
test('RLPTests fixtures were found', () => assert.ok(fixtureCases >= 50, `only ${fixtureCases} cases`));

// ---- unit tests ----

const rejects = (hex: string) => assert.throws(() => rlpDecode(hexToBytes(hex)), RlpError, hex);
const long = (n: number, byte = 0x61) => new Uint8Array(n).fill(byte);

test('boundary encodings', () => {
  assert.equal(bytesToHex(rlpEncode(new Uint8Array(0))), '0x80');
  assert.equal(bytesToHex(rlpEncode(Uint8Array.of(0x7f))), '0x7f');
  assert.equal(bytesToHex(rlpEncode(Uint8Array.of(0x80))), '0x8180');
  assert.equal(bytesToHex(rlpEncode(long(55)).subarray(0, 1)), '0xb7');
  assert.equal(bytesToHex(rlpEncode(long(56)).subarray(0, 2)), '0xb838');
  assert.equal(bytesToHex(rlpEncode(long(256)).subarray(0, 3)), '0xb90100');
  assert.equal(bytesToHex(rlpEncode(long(70000)).subarray(0, 4)), '0xba011170');
  assert.equal(bytesToHex(rlpEncode([])), '0xc0');
  assert.equal(bytesToHex(rlpEncode([long(54)]).subarray(0, 1)), '0xf7');
  assert.equal(bytesToHex(rlpEncode([long(55)]).subarray(0, 2)), '0xf838');
  for (const n of [0, 1, 55, 56, 255, 256, 65535, 65536, 70000]) {
    const value = long(n, 0x99);
    assert.deepEqual(rlpDecode(rlpEncode(value)), value);
    assert.deepEqual(rlpDecode(rlpEncode([value, [value]])), [value, [value]]);
  }
});

test('rejects a single byte below 0x80 wrapped in a string header', () => {
  rejects('0x8100');
  rejects('0x817f');
  rejects('0xc28100');
  assert.deepEqual(rlpDecode(hexToBytes('0x8180')), Uint8Array.of(0x80));
});

test('rejects the long form for a length below 56', () => {
  rejects('0xb800');
  rejects('0xb801ff');
  rejects('0xb837' + '61'.repeat(55));
  rejects('0xf800');
  rejects('0xf837' + '01'.repeat(55));
  assert.deepEqual(rlpDecode(hexToBytes('0xb838' + '61'.repeat(56))), long(56));
});

test('rejects leading zeros in a length', () => {
  rejects('0xb90038' + '61'.repeat(56));
  rejects('0xf90038' + '01'.repeat(56));
  rejects('0xba000100' + '61'.repeat(256));
});

test('rejects trailing bytes', () => {
  rejects('0x0000');
  rejects('0x8000');
  rejects('0xc000');
  rejects('0x83646f6701');
  rejects('0xc3010203ff');
});

test('rejects truncated input', () => {
  rejects('0x');
  rejects('0x81');
  rejects('0x83646f');
  rejects('0xb8');
  rejects('0xb838' + '61'.repeat(55));
  rejects('0xb901');
  rejects('0xc3');
  rejects('0xc30102');
  rejects('0xf838' + '01'.repeat(55));
  // A list whose declared length cuts its last item in half.
  rejects('0xc28301');
  rejects('0xc4c30102');
  const whole = rlpEncode([long(100), [long(3), Uint8Array.of(5)]]);
  for (let n = 0; n < whole.length; n++) assert.throws(() => rlpDecode(whole.subarray(0, n)), RlpError);
});

test('rejects lengths that cannot fit in memory', () => {
  rejects('0xbf0f000000000000021111');
  rejects('0xff0f000000000000021111');
  rejects('0xbfffffffffffffffff');
});

test('rlpToBigint rejects leading zeros', () => {
  assert.equal(rlpToBigint(rlpDecode(hexToBytes('0x820400'))), 1024n);
  assert.equal(rlpToBigint(rlpDecode(hexToBytes('0x80'))), 0n);
  assert.throws(() => rlpToBigint(rlpDecode(hexToBytes('0x00'))), RlpError);
  assert.throws(() => rlpToBigint(rlpDecode(hexToBytes('0x820004'))), RlpError);
  assert.throws(() => rlpToBigint([]), RlpError);
});

test('rlpEncodeList wraps already-encoded items', () => {
  const items: RlpInput[] = [long(3), [Uint8Array.of(1)], long(60), new Uint8Array(0)];
  assert.deepEqual(rlpEncodeList(items.map((item) => rlpEncode(item))), rlpEncode(items));
  const many = Array.from({ length: 40 }, (_, i) => Uint8Array.of(i, i));
  assert.deepEqual(rlpEncodeList(many.map((item) => rlpEncode(item))), rlpEncode(many));
  assert.deepEqual(rlpEncodeList([]), rlpEncode([]));
});

test('round trip of random nested structures', () => {
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    return seed / 4294967296;
  };
  const randomItem = (depth: number): RlpItem => {
    if (depth < 5 && next() < 0.3) return Array.from({ length: Math.floor(next() * 6) }, () => randomItem(depth + 1));
    const r = next();
    // Lengths cluster around the encoding's boundaries: 0, 1, 55/56 and beyond 255.
    const length = r < 0.2 ? 0 : r < 0.5 ? 1 : r < 0.8 ? Math.floor(next() * 60) : Math.floor(next() * 400);
    return Uint8Array.from({ length }, () => (next() < 0.5 ? Math.floor(next() * 256) : Math.floor(next() * 0x80)));
  };
  for (let i = 0; i < 2000; i++) {
    const item = randomItem(0);
    const encoded = rlpEncode(item);
    assert.deepEqual(rlpDecode(encoded), item);
    assert.deepEqual(rlpEncode(rlpDecode(encoded)), encoded);
    // Every strict prefix is rejected, and so is any extension.
    assert.throws(() => rlpDecode(encoded.subarray(0, Math.floor(next() * encoded.length))), RlpError);
    const extended = new Uint8Array(encoded.length + 1);
    extended.set(encoded);
    assert.throws(() => rlpDecode(extended), RlpError);
  }
});
