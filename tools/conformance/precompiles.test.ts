/**
 * Conformance: go-ethereum's precompile vectors (core/vm/testdata/precompiles), run through the
 * precompile API at the address and fork each file is for. A success file's vector must return
 * exactly `Expected` and charge exactly `Gas` (and fail with one gas less); a `fail-*` vector must
 * fail even with ample gas (geth's error text does not carry over, only that it fails). The
 * blsG1Mul/blsG2Mul files are single-pair inputs of the MSM precompiles at 0x0c and 0x0e.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '../../dist/primitives/bytes.js';
import { getRules, type ForkName } from '../../dist/forks/index.js';
import { getPrecompiles, precompileAddress } from '../../dist/evm/precompiles/index.js';
import { fixtureDir } from './suite-check.js';

/** Each file's precompile and the fork whose prices its `Gas` values use. */
const FILES: Record<string, { address: number; fork: ForkName }> = {
  ecRecover: { address: 0x01, fork: 'Prague' },
  modexp: { address: 0x05, fork: 'Byzantium' }, // EIP-198 prices
  modexp_eip2565: { address: 0x05, fork: 'Berlin' },
  modexp_eip7883: { address: 0x05, fork: 'Osaka' },
  bn256Add: { address: 0x06, fork: 'Istanbul' }, // EIP-1108 prices
  bn256ScalarMul: { address: 0x07, fork: 'Istanbul' },
  bn256Pairing: { address: 0x08, fork: 'Istanbul' },
  blake2F: { address: 0x09, fork: 'Istanbul' },
  pointEvaluation: { address: 0x0a, fork: 'Cancun' },
  blsG1Add: { address: 0x0b, fork: 'Prague' },
  blsG1Mul: { address: 0x0c, fork: 'Prague' },
  blsG1MultiExp: { address: 0x0c, fork: 'Prague' },
  blsG2Add: { address: 0x0d, fork: 'Prague' },
  blsG2Mul: { address: 0x0e, fork: 'Prague' },
  blsG2MultiExp: { address: 0x0e, fork: 'Prague' },
  blsPairing: { address: 0x0f, fork: 'Prague' },
  blsMapG1: { address: 0x10, fork: 'Prague' },
  blsMapG2: { address: 0x11, fork: 'Prague' },
  p256Verify: { address: 0x100, fork: 'Osaka' },
};
const AMPLE_GAS = 10n ** 12n;

interface Vector {
  Name: string;
  Input: string;
  Expected?: string;
  Gas?: number;
  ExpectedError?: string;
}

const dir = fixtureDir('go-ethereum/precompiles');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('every go-ethereum precompile file is mapped to a precompile and a fork', () => {
  const unmapped = files
    .map((f) => f.replace(/^fail-/, '').replace(/\.json$/, ''))
    .filter((base) => !(base in FILES || base === 'blake2f'));
  assert.deepEqual(unmapped, []);
  assert.ok(files.length >= 29, `only ${files.length} files`);
});

for (const file of files) {
  const failing = file.startsWith('fail-');
  // fail-blake2f.json spells the precompile in lower case.
  const base = file.replace(/^fail-/, '').replace(/\.json$/, '');
  const target = FILES[base] ?? FILES[base === 'blake2f' ? 'blake2F' : base];
  if (target === undefined) continue; // reported by the mapping test above
  test(`go-ethereum precompiles/${file} (0x${target.address.toString(16)}, ${target.fork})`, () => {
    const vectors = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Vector[];
    assert.ok(vectors.length > 0, 'no vectors');
    const rules = getRules(target.fork);
    const precompile = getPrecompiles(rules).get(precompileAddress(target.address));
    assert.ok(precompile, `no precompile at 0x${target.address.toString(16)} under ${target.fork}`);
    const problems: string[] = [];
    for (const v of vectors) {
      const input = hexToBytes('0x' + v.Input);
      if (failing) {
        if (precompile(input, AMPLE_GAS, rules).ok) problems.push(`${v.Name}: succeeded, must fail (${v.ExpectedError})`);
        continue;
      }
      const gas = BigInt(v.Gas!);
      const result = precompile(input, AMPLE_GAS, rules);
      if (!result.ok) {
        problems.push(`${v.Name}: failed (${result.reason})`);
        continue;
      }
      const output = bytesToHex(result.output).slice(2);
      if (output !== v.Expected!.toLowerCase()) problems.push(`${v.Name}: output ${output} != ${v.Expected}`);
      if (result.gasUsed !== gas) problems.push(`${v.Name}: gas ${result.gasUsed} != ${gas}`);
      if (gas > 0n && precompile(input, gas - 1n, rules).ok) problems.push(`${v.Name}: succeeds with one gas less than ${gas}`);
    }
    assert.deepEqual(problems, [], `${problems.length} of ${vectors.length} vectors differ`);
    console.log(`precompiles/${file}: ${vectors.length} vectors pass`);
  });
}

// EIP-152's vector 8: 2^32 - 1 rounds (about a minute of one core). Opt-in, as the one test here
// that long: POLYVM_SLOW_TESTS=1 npm test. go-ethereum's blake2F "vector 8" above is the same
// input with 8,000,000 rounds; this one restores EIP-152's round count and its expected output.
test(
  'BLAKE2F: EIP-152 vector 8, 2^32 - 1 rounds',
  { skip: process.env.POLYVM_SLOW_TESTS === '1' ? false : 'set POLYVM_SLOW_TESTS=1' },
  () => {
    const vectors = JSON.parse(readFileSync(join(dir, 'blake2F.json'), 'utf8')) as Vector[];
    const input = hexToBytes('0x' + vectors.find((v) => v.Name === 'vector 8')!.Input);
    input.set([0xff, 0xff, 0xff, 0xff], 0);
    const rules = getRules('Cancun');
    const result = getPrecompiles(rules).get(precompileAddress(0x09))!(input, 2n ** 32n, rules);
    assert.ok(result.ok);
    assert.equal(
      bytesToHex(result.output),
      '0xfc59093aafa9ab43daae0e914c57635c5402d8e3d2130eb9b3cc181de7f0ecf9b22bf99a7815ce16419e200e01846e6b5df8cc7703041bbceb571de6631d2615',
    );
    assert.equal(result.gasUsed, 2n ** 32n - 1n);
  },
);
