// Precompile cases for `npm run bench`: one message call straight to a precompile's address, with
// the heaviest input of go-ethereum's vector file for it (../shared/fixtures/go-ethereum/precompiles),
// so the time is the precompile's own and the ratio is to @ethereumjs/evm's implementation of it.
import { readFileSync } from 'node:fs';
import { defaultBlock } from '../dist/create-evm.js';
import { hexToBytes } from '../dist/primitives/bytes.js';

export const DEFAULT_PRECOMPILE_VECTORS = new URL('../../shared/fixtures/go-ethereum/precompiles/', import.meta.url).pathname;

const CALLER = '0x00000000000000000000000000000000000ca11e';

/** The benchmarked precompiles: vector file, address, the fork whose prices the file uses, and which vector. */
const PRECOMPILES = [
  { name: 'BLAKE2F', file: 'blake2F.json', address: 0x09, fork: 'Prague', pick: 'max-gas' },
  { name: 'MODEXP', file: 'modexp_eip2565.json', address: 0x05, fork: 'Prague', pick: 'max-gas' },
  { name: 'BN254_PAIRING', file: 'bn256Pairing.json', address: 0x08, fork: 'Prague', pick: 'max-gas' },
  { name: 'BLS12_PAIRING', file: 'blsPairing.json', address: 0x0f, fork: 'Prague', pick: 'max-gas' },
  { name: 'P256VERIFY', file: 'p256Verify.json', address: 0x100, fork: 'Osaka', pick: 'first-valid' },
];

/** @returns {import('./cases.mjs').BenchCase[]} */
export function loadPrecompileCases(root = DEFAULT_PRECOMPILE_VECTORS) {
  return PRECOMPILES.map((p) => {
    const vectors = JSON.parse(readFileSync(root + p.file, 'utf8'));
    const vector =
      p.pick === 'max-gas'
        ? vectors.reduce((best, v) => (v.Gas > best.Gas || (v.Gas === best.Gas && v.Input.length > best.Input.length) ? v : best))
        : vectors.find((v) => v.Expected !== '');
    if (vector === undefined) throw new Error(`${p.file}: no vector to benchmark`);
    const to = '0x' + p.address.toString(16).padStart(40, '0');
    return {
      name: `precompile/${p.name}/${vector.Name}`,
      group: 'precompile',
      benchmark: p.name,
      input: vector.Name,
      fork: p.fork,
      pre: new Map([[CALLER, { balance: 10n ** 18n, nonce: 0n, code: new Uint8Array(0), storage: new Map() }]]),
      call: { caller: CALLER, to, data: hexToBytes('0x' + vector.Input), value: 0n, gas: BigInt(vector.Gas) + 100_000n, gasPrice: 0n },
      block: defaultBlock({ number: 1n, timestamp: 1n }),
    };
  });
}
